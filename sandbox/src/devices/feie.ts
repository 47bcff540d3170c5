import { createHash } from 'node:crypto'
import type Router from '@koa/router'
import { alipayTime, digits } from '../core/ids'
import type { SimWorld } from '../core/world'
import { deviceFault, requestParams, transportFault, type DeviceFault } from './http'
import type { Device, DeviceRegistry } from './registry'

// 飞鹅云 open API (http://api.feieyun.cn/Api/Open/): one URL, form POST, `apiname` selects the call.
// Auth: sig = sha1(user + UKEY + stime), 40 lower-case hex. Every answer is HTTP 200
// {msg, ret, data, serverExecutedTime}; the texts below are the ones Feie's SDK samples document.

export interface FeieAccount { user: string, ukey: string }

type Reply = [ret: number, msg: string, data: unknown]
const ok = (data: unknown): Reply => [0, 'ok', data]
const EMPTY_PARAM: Reply = [-2, '参数错误 : 参数值不能传空字符，""、"null"、"undefined".', null]
const NOT_YOURS: Reply = [1002, '验证失败 : 打印机编号和用户不匹配.', null]
const MAX_CONTENT_BYTES = 5000
const MAX_ADD_LINES = 100

/** Feie treats "", "null" and "undefined" as missing. */
const present = (v: string | undefined): v is string => v !== undefined && v !== '' && v !== 'null' && v !== 'undefined'

interface Call { p: Record<string, string>, user: string, fault: DeviceFault }
type Api = (call: Call) => Reply

export function feieRoutes (router: Router, world: SimWorld, registry: DeviceRegistry, account: FeieAccount): void {
  const owned = (sn: string | undefined, user: string): Device | undefined => {
    const d = present(sn) ? registry.get('feie', sn) : undefined
    return d?.boundTo === user ? d : undefined
  }

  const apis: Record<string, Api> = {
    /** printerContent: one `sn#key#remark#carnum` per line, at most 100. */
    Open_printerAddlist: ({ p, user }) => {
      if (!present(p.printerContent)) return EMPTY_PARAM
      const lines = p.printerContent.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '')
      if (lines.length > MAX_ADD_LINES) return [-2, '参数错误 : 每次最多添加100台打印机.', null]
      const result = { ok: [] as string[], no: [] as string[] }
      for (const line of lines) {
        const [sn = '', key = '', remark = ''] = line.split('#')
        const d = registry.get('feie', sn)
        const problem = d === undefined ? '打印机编号错误' : d.key !== key ? '识别码不正确' : d.boundTo !== undefined ? '已被添加过' : undefined
        if (d === undefined || problem !== undefined) { result.no.push(`${line}  （错误：${problem ?? ''}）`); continue }
        d.boundTo = user
        if (remark !== '') d.name = remark
        result.ok.push(line)
      }
      return ok(result)
    },
    /** times: 打印联数 (copies), default 1. */
    Open_printMsg: ({ p, user, fault }) => {
      const d = owned(p.sn, user)
      if (d === undefined) return present(p.sn) ? NOT_YOURS : EMPTY_PARAM
      if (!present(p.content)) return EMPTY_PARAM
      if (Buffer.byteLength(p.content) > MAX_CONTENT_BYTES) return [-2, '参数错误 : 打印内容不能超过5000字节.', null]
      const copies = present(p.times) ? Number(p.times) : 1
      if (!Number.isInteger(copies) || copies < 1) return [-2, '参数错误 : times参数不正确.', null]
      // Feie order ids: SN_yyyyMMddHHmmss_random, e.g. 123456789_20160823165104_1853029628.
      const orderId = `${d.sn}_${alipayTime(world.clock.now()).replace(/\D/g, '')}_${digits(10)}`
      registry.submit(d, { orderId, content: p.content, copies, lost: fault !== undefined })
      return ok(orderId)
    },
    Open_queryOrderState: ({ p, user }) => {
      if (!present(p.orderid)) return EMPTY_PARAM
      const found = registry.job(p.orderid)
      if (found?.device.boundTo !== user) return [-2, '参数错误 : 订单编号错误.', null]
      return ok(found.job.state === 'printed')
    },
    Open_queryPrinterStatus: ({ p, user, fault }) => {
      const d = owned(p.sn, user)
      if (d === undefined) return present(p.sn) ? NOT_YOURS : EMPTY_PARAM
      if (fault === 'OFFLINE' || !d.online) return ok('离线')
      return ok(fault === 'PAPER_OUT' || d.paper === 'out' ? '在线，工作状态不正常' : '在线，工作状态正常')
    },
    /** Counts of one China-time day: {print, waiting}. */
    Open_queryOrderInfoByDate: ({ p, user }) => {
      const d = owned(p.sn, user)
      if (d === undefined) return present(p.sn) ? NOT_YOURS : EMPTY_PARAM
      if (!present(p.date) || !/^\d{4}-\d{2}-\d{2}$/.test(p.date)) return [1001, '参数错误 : 时间格式不正确。', null]
      const day = d.jobs.filter((j) => alipayTime(new Date(j.receivedAt)).startsWith(p.date ?? ''))
      return ok({ print: day.filter((j) => j.state === 'printed').length, waiting: day.filter((j) => j.state === 'waiting').length })
    },
    /** snlist: serial numbers joined by "-". */
    Open_printerDelList: ({ p, user }) => {
      if (!present(p.snlist)) return EMPTY_PARAM
      const result = { ok: [] as string[], no: [] as string[] }
      for (const sn of p.snlist.split('-').filter((s) => s !== '')) {
        const d = registry.get('feie', sn)
        if (d === undefined) result.no.push(`${sn}打印机不存在`)
        else if (d.boundTo !== user) result.no.push(`${sn}用户UID不匹配`)
        else {
          d.boundTo = undefined
          for (const j of d.jobs) if (j.state === 'waiting') j.state = 'cancelled'
          result.ok.push(`${sn}成功`)
        }
      }
      return ok(result)
    },
    /** Clears the printer's queue of unprinted orders. */
    Open_delPrinterSqs: ({ p, user }) => {
      const d = owned(p.sn, user)
      if (d === undefined) return present(p.sn) ? NOT_YOURS : EMPTY_PARAM
      for (const j of d.jobs) if (j.state === 'waiting') j.state = 'cancelled'
      return ok(true)
    },
  }

  router.post(['/feie/Api/Open', '/feie/Api/Open/'], async (ctx) => {
    const started = Date.now()
    const send = ([ret, msg, data]: Reply): void => { ctx.body = { msg, ret, data, serverExecutedTime: Date.now() - started } }
    const p = requestParams(ctx)
    const { user, stime, sig, apiname } = p
    if (!present(user) || !present(stime) || !present(sig) || !present(apiname)) return send(EMPTY_PARAM)
    const fault = world.faults.take(`devices:feie:${apiname}`)
    if (await transportFault(ctx, fault)) return
    if (user !== account.user) return send([-2, '参数错误 : 该帐号未注册.', null])
    if (sig !== createHash('sha1').update(user + account.ukey + stime).digest('hex')) return send([-3, '验证失败 : 签名错误.', null])
    const api = apis[apiname]
    if (api === undefined) return send([-2, `参数错误 : apiname不正确(${apiname}).`, null])
    send(api({ p, user, fault: deviceFault(fault) }))
  })
}
