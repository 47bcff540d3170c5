import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type Router from '@koa/router'
import { hex, rfc3339China } from '../../core/ids'
import { paramError, WxError } from '../errors'
import { tradeBill } from '../bills'
import { v3Route } from '../http'
import { BillDownloadQuery, parseWire, TradeBillQuery } from '../schemas'
import type { WxpayState } from '../state'

/** 申请交易账单 → a one-off download URL; the download itself is signed by the client but not answered signed. */
export function billRoutes (wx: WxpayState, router: Router): void {
  v3Route(wx, router, 'GET', '/v3/bill/tradebill', ({ sp, query }) => {
    const q = parseWire(TradeBillQuery, query, 'query')
    if (q.sub_mchid !== undefined) wx.merchants.requireSub(sp, q.sub_mchid, 'query')
    // Real bills appear the next morning; the sandbox serves a day's bill as soon as the day starts.
    if (q.bill_date > rfc3339China(wx.world.clock.now()).slice(0, 10)) throw paramError('账单日期不能晚于今天', { location: 'query', field: 'bill_date' })
    const content = tradeBill(wx.ledger, { day: q.bill_date, spMchId: sp.spMchId, ...(q.sub_mchid === undefined ? {} : { subMchId: q.sub_mchid }), type: q.bill_type })
    if (content === undefined) throw new WxError(400, 'NO_STATEMENT_EXIST', '账单文件不存在')
    const token = hex(20)
    wx.bills.set(token, { content, gzip: q.tar_type === 'GZIP' })
    return {
      status: 200,
      body: {
        hash_type: 'SHA1',
        // Of the plain file, also when it is delivered gzipped.
        hash_value: createHash('sha1').update(content).digest('hex'),
        download_url: `${wx.world.urls.wxpay}/v3/billdownload/file?token=${token}`,
      },
    }
  })

  v3Route(wx, router, 'GET', '/v3/billdownload/file', ({ query }) => {
    const q = parseWire(BillDownloadQuery, query, 'query')
    const bill = wx.bills.get(q.token)
    if (bill === undefined) throw paramError('token无效或已过期', { location: 'query', field: 'token' })
    return bill.gzip
      ? { status: 200, file: gzipSync(bill.content), contentType: 'application/x-gzip' }
      : { status: 200, file: bill.content, contentType: 'text/plain; charset=utf-8' }
  })
}
