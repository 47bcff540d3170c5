import type Router from '@koa/router'
import type { RouterContext } from '@koa/router'
import { z } from 'zod'
import { parseControl } from '../../core/control'
import { alipayTime, nonce } from '../../core/ids'
import {
  consumeDeposit, DEPOSIT_RESULTS, DepositRefusal, refundDeposit, refundedFee, returnedFee, reverseDeposit, parseV2Xml, toV2Xml, v2Sign, v2SignOk,
  type Deposit, type DepositRefund, type Deposits, type DepositScript, type V2Value,
} from '../deposits'
import { controlError } from '../errors'
import { chinaDateTime, refundId, transactionId } from '../identifiers'
import type { ServiceProvider, SubMerchant } from '../merchants'
import type { WxpayState } from '../state'

/**
 * The 押金 API v2 (`https://api.mch.weixin.qq.com/deposit/*`, 服务商 mode): XML in and out,
 * `sign_type=HMAC-SHA256` under the SP's API v2 key both ways. A request WeChat cannot attribute
 * or verify gets `return_code FAIL` (unsigned, as WeChat does); everything else is signed, with
 * `result_code SUCCESS | FAIL` + `err_code`. Fault keys: `wxpay:POST /deposit/<name>`.
 */

const DEFAULT_SCRIPT: DepositScript = { result: 'SUCCESS', finishAfterSeconds: 10, errCode: 'NOTENOUGH' }
/** Refunds are accepted, then succeed this many simulated seconds later (refundquery shows PROCESSING meanwhile). */
const REFUND_SETTLE_SECONDS = 5

const PAYERROR_CODES: Record<string, string> = {
  NOTENOUGH: '余额不足',
  AUTHCODEEXPIRE: '二维码已过期，请用户在微信上刷新后再试',
  AUTH_CODE_INVALID: '授权码检验错误',
  NOTSUPORTCARD: '不支持卡类型',
  BUYER_MISMATCH: '支付帐号错误',
  TRADE_ERROR: '交易错误',
}

const TRADE_STATE_DESC: Record<Deposit['state'], string> = {
  USERPAYING: '需要用户输入支付密码',
  SUCCESS: '支付成功',
  PAYERROR: '支付失败',
  REVOKED: '已撤销',
  CONSUMED: '押金已消费',
}

type Fields = Record<string, string>
type Answer = Record<string, V2Value>

interface V2Request { sp: ServiceProvider, sub: SubMerchant, f: Fields }

/** `return_code FAIL`: WeChat did not take the request (cannot attribute or verify it); such answers carry no sign. */
class ReturnFail extends Error {}

/** The TIMEOUT fault: accept the request and never answer, until the client gives up. */
async function hangUp (ctx: RouterContext): Promise<void> {
  ctx.respond = false
  const socket = ctx.req.socket
  if (socket.destroyed) return
  await new Promise<void>((resolve) => { socket.once('close', () => { resolve() }) })
}

function required (f: Fields, ...names: string[]): void {
  for (const n of names) if (f[n] === undefined || f[n] === '') throw new DepositRefusal('LACK_PARAMS', `缺少参数${n}`)
}

function fee (f: Fields, name: string): number {
  const v = f[name] ?? ''
  if (!/^[1-9]\d{0,11}$/.test(v)) throw new DepositRefusal('PARAM_ERROR', `${name}参数格式错误，须为正整数（单位：分）`)
  return Number(v)
}

function cny (f: Fields, name: string): void {
  if (f[name] !== undefined && f[name] !== '' && f[name] !== 'CNY') throw new DepositRefusal('PARAM_ERROR', `${name}仅支持CNY`)
}

/** transaction_id wins over out_trade_no (WeChat's precedence); unknown → ORDERNOTEXIST. */
function depositOf (deposits: Deposits, r: V2Request): Deposit {
  const transactionId = r.f.transaction_id === '' ? undefined : r.f.transaction_id
  const outTradeNo = r.f.out_trade_no === '' ? undefined : r.f.out_trade_no
  if (transactionId === undefined && outTradeNo === undefined) throw new DepositRefusal('PARAM_ERROR', 'transaction_id和out_trade_no不能同时为空')
  const d = deposits.find(r.sub.subMchId, { ...(transactionId === undefined ? {} : { transactionId }), ...(outTradeNo === undefined ? {} : { outTradeNo }) })
  if (d === undefined) throw new DepositRefusal('ORDERNOTEXIST', '此交易订单号不存在')
  return d
}

/** What a paid deposit's micropay and orderquery answers carry. */
function paidFields (d: Deposit): Answer {
  return {
    openid: d.openid,
    is_subscribe: 'N',
    trade_type: 'MICROPAY',
    bank_type: 'OTHERS',
    total_fee: d.total,
    fee_type: 'CNY',
    cash_fee: d.total,
    cash_fee_type: 'CNY',
    transaction_id: d.transactionId,
    out_trade_no: d.outTradeNo,
    ...(d.attach === undefined ? {} : { attach: d.attach }),
    time_end: d.paidAt === undefined ? undefined : chinaDateTime(d.paidAt),
  }
}

/** A micropay call (new or repeated) answers the deposit's current state. */
function micropayAnswer (d: Deposit): Answer {
  switch (d.state) {
    case 'SUCCESS':
    case 'CONSUMED':
      return paidFields(d)
    case 'USERPAYING':
      throw new DepositRefusal('USERPAYING', '需要用户输入支付密码')
    case 'PAYERROR':
      throw new DepositRefusal(d.payErrCode ?? 'TRADE_ERROR', PAYERROR_CODES[d.payErrCode ?? 'TRADE_ERROR'] ?? '支付失败')
    case 'REVOKED':
      throw new DepositRefusal('ORDERREVERSED', '订单已撤销')
  }
}

function refundView (r: DepositRefund): Record<string, unknown> {
  return { out_refund_no: r.outRefundNo, refund_id: r.refundId, refund_fee: r.fee, refund_status: r.status, created_at: r.createdAt.toISOString(), success_time: r.succeededAt?.toISOString() }
}

const DepositNext = z.object({
  result: z.enum(DEPOSIT_RESULTS),
  finish_after_seconds: z.number().nonnegative().default(10),
  err_code: z.enum(Object.keys(PAYERROR_CODES) as [string, ...string[]]).default('NOTENOUGH'),
  openid: z.string().optional(),
})

export function depositRoutes (wx: WxpayState, deposits: Deposits, router: Router): void {
  const now = (): Date => wx.world.clock.now()

  /** One `/deposit/<name>` route inside the v2 envelope: faults, XML, signature, merchant pair, signed answer. */
  function v2Route (name: string, handler: (r: V2Request) => Answer): void {
    router.post(`/deposit/${name}`, async (ctx) => {
      const fault = wx.world.faults.take(`wxpay:POST /deposit/${name}`)
      if (fault === 'TIMEOUT') { await hangUp(ctx); return }
      if (fault === '5xx') {
        ctx.status = 500
        ctx.type = 'text/plain'
        ctx.body = 'System Error'
        return
      }
      ctx.type = 'text/xml'
      let f: Fields | undefined
      let sp: ServiceProvider | undefined
      let sub: SubMerchant | undefined
      try {
        f = parseV2Xml(typeof ctx.request.rawBody === 'string' ? ctx.request.rawBody : '')
        if (f === undefined) throw new ReturnFail('XML格式错误')
        sp = wx.merchants.serviceProvider(f.mch_id ?? '')
        if (sp === undefined) throw new ReturnFail('mch_id参数错误')
        if (f.sign_type !== 'HMAC-SHA256') throw new ReturnFail('sign_type参数错误，押金接口仅支持HMAC-SHA256')
        if (!v2SignOk(f, sp.apiV2Key)) throw new ReturnFail('签名错误')
        sub = wx.merchants.subMerchant(f.sub_mch_id ?? '')
        if (sub === undefined || sub.spMchId !== sp.spMchId) throw new ReturnFail('sub_mch_id与mch_id不匹配')
      } catch (err) {
        if (!(err instanceof ReturnFail)) throw err
        ctx.body = toV2Xml({ return_code: 'FAIL', return_msg: err.message })
        return
      }
      let result: Answer
      try {
        if (f.appid !== sp.spAppId) throw new DepositRefusal('APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配')
        if (f.sub_appid !== undefined && f.sub_appid !== '' && f.sub_appid !== sub.subAppId) throw new DepositRefusal('APPID_MCHID_NOT_MATCH', 'sub_appid和sub_mch_id不匹配')
        result = { result_code: 'SUCCESS', ...handler({ sp, sub, f }) }
      } catch (err) {
        if (!(err instanceof DepositRefusal)) throw err
        result = { result_code: 'FAIL', err_code: err.errCode, err_code_des: err.message }
      }
      const answer: Answer = {
        return_code: 'SUCCESS',
        return_msg: 'OK',
        appid: sp.spAppId,
        mch_id: sp.spMchId,
        sub_appid: f.sub_appid === '' ? undefined : f.sub_appid,
        sub_mch_id: sub.subMchId,
        nonce_str: nonce(),
        ...result,
      }
      let sign = v2Sign(answer, sp.apiV2Key)
      // SIGN_BAD: the answer is WeChat's but its sign no longer covers it.
      if (fault === 'SIGN_BAD') sign = `${sign.slice(0, -4)}${sign.endsWith('0000') ? '1111' : '0000'}`
      ctx.body = toV2Xml({ ...answer, sign })
    })
  }

  v2Route('micropay', ({ sp, sub, f }) => {
    required(f, 'body', 'out_trade_no', 'total_fee', 'spbill_create_ip', 'auth_code', 'deposit')
    if (f.deposit !== 'Y') throw new DepositRefusal('PARAM_ERROR', 'deposit参数错误，押金支付须为Y')
    const outTradeNo = f.out_trade_no ?? ''
    if (!/^[0-9A-Za-z_\-|*@]{1,32}$/.test(outTradeNo)) throw new DepositRefusal('PARAM_ERROR', 'out_trade_no参数格式错误')
    const total = fee(f, 'total_fee')
    cny(f, 'fee_type')
    if (!/^1[0-5]\d{16}$/.test(f.auth_code ?? '')) throw new DepositRefusal('AUTH_CODE_INVALID', '请扫描微信支付授权码(以10/11/12/13/14/15为前缀的18位数字)')

    const { nonce_str: _n, sign: _s, ...request } = f
    const fingerprint = JSON.stringify(Object.keys(request).sort().map((k) => [k, request[k]]))
    const existing = deposits.find(sub.subMchId, { outTradeNo })
    if (existing !== undefined) {
      // Retrying the identical call is how WeChat asks merchants to recover from SYSTEMERROR.
      if (existing.fingerprint === fingerprint) return micropayAnswer(existing)
      throw existing.paidAt !== undefined ? new DepositRefusal('ORDERPAID', '订单已支付') : new DepositRefusal('OUT_TRADE_NO_USED', '商户订单号重复')
    }

    const script = deposits.script.shift() ?? DEFAULT_SCRIPT
    const at = now()
    const d: Deposit = {
      spMchId: sp.spMchId,
      subMchId: sub.subMchId,
      appId: sp.spAppId,
      ...(f.sub_appid === undefined || f.sub_appid === '' ? {} : { subAppId: f.sub_appid }),
      outTradeNo,
      transactionId: transactionId(at),
      body: f.body ?? '',
      ...(f.attach === undefined ? {} : { attach: f.attach }),
      total,
      state: 'USERPAYING',
      openid: script.openid ?? sp.defaultOpenId,
      fingerprint,
      createdAt: at,
      refunds: [],
    }
    deposits.add(d)
    const pay = (): void => {
      d.state = 'SUCCESS'
      d.paidAt = now()
    }
    switch (script.result) {
      case 'SUCCESS':
        pay()
        break
      case 'USERPAYING_THEN_SUCCESS':
        wx.world.scheduler.after(script.finishAfterSeconds * 1000, () => { if (d.state === 'USERPAYING') pay() })
        break
      case 'USERPAYING_TIMEOUT':
        break // the customer never confirms; only a reverse ends it
      case 'PAYERROR':
        d.state = 'PAYERROR'
        d.payErrCode = script.errCode
        break
      case 'SYSTEMERROR':
        // The worst case for a cashier: the money was taken, the answer says nothing.
        pay()
        throw new DepositRefusal('SYSTEMERROR', '系统超时，请查询订单或按相同参数重试')
    }
    return micropayAnswer(d)
  })

  v2Route('orderquery', (r) => {
    const d = depositOf(deposits, r)
    return {
      trade_state: d.state,
      trade_state_desc: TRADE_STATE_DESC[d.state],
      out_trade_no: d.outTradeNo,
      total_fee: d.total,
      fee_type: 'CNY',
      ...(d.paidAt === undefined ? {} : paidFields(d)),
      consume_fee: d.consumeFee,
    }
  })

  v2Route('reverse', (r) => {
    const d = depositOf(deposits, r)
    reverseDeposit(d, now())
    return { recall: 'N' }
  })

  v2Route('consume', (r) => {
    required(r.f, 'total_fee', 'consume_fee')
    const d = depositOf(deposits, r)
    const totalFee = fee(r.f, 'total_fee')
    const consumeFee = fee(r.f, 'consume_fee')
    cny(r.f, 'fee_type')
    consumeDeposit(d, { totalFee, consumeFee }, now())
    return { transaction_id: d.transactionId, out_trade_no: d.outTradeNo, total_fee: d.total, consume_fee: consumeFee, fee_type: 'CNY' }
  })

  v2Route('refund', (r) => {
    required(r.f, 'out_refund_no', 'total_fee', 'refund_fee')
    const outRefundNo = r.f.out_refund_no ?? ''
    if (!/^[0-9A-Za-z_\-|*@]{1,64}$/.test(outRefundNo)) throw new DepositRefusal('PARAM_ERROR', 'out_refund_no参数格式错误')
    const d = depositOf(deposits, r)
    const totalFee = fee(r.f, 'total_fee')
    const refundFee = fee(r.f, 'refund_fee')
    cny(r.f, 'refund_fee_type')
    // out_refund_no is unique per merchant, not per deposit.
    const elsewhere = deposits.all().find((o) => o !== d && o.subMchId === d.subMchId && o.refunds.some((x) => x.outRefundNo === outRefundNo))
    if (elsewhere !== undefined) throw new DepositRefusal('INVALID_REQUEST', '退款单号已用于其他订单')
    const refund = refundDeposit(d, { outRefundNo, totalFee, refundFee }, () => {
      const at = now()
      const made: DepositRefund = { outRefundNo, refundId: refundId(at), fee: refundFee, status: 'PROCESSING', createdAt: at }
      wx.world.scheduler.after(REFUND_SETTLE_SECONDS * 1000, () => {
        made.status = 'SUCCESS'
        made.succeededAt = now()
      })
      return made
    })
    return {
      transaction_id: d.transactionId,
      out_trade_no: d.outTradeNo,
      out_refund_no: refund.outRefundNo,
      refund_id: refund.refundId,
      refund_fee: refund.fee,
      total_fee: d.total,
      cash_fee: d.total,
      cash_refund_fee: refund.fee,
    }
  })

  v2Route('refundquery', (r) => {
    const { f } = r
    let d: Deposit | undefined
    let refunds: DepositRefund[]
    // refund_id > out_refund_no > transaction_id > out_trade_no, as in the v2 refund query.
    let byRefund: ((x: DepositRefund) => boolean) | undefined
    if (f.refund_id !== undefined && f.refund_id !== '') byRefund = (x) => x.refundId === f.refund_id
    else if (f.out_refund_no !== undefined && f.out_refund_no !== '') byRefund = (x) => x.outRefundNo === f.out_refund_no
    if (byRefund !== undefined) {
      d = deposits.all().find((o) => o.subMchId === r.sub.subMchId && o.refunds.some(byRefund))
      refunds = d === undefined ? [] : d.refunds.filter(byRefund)
    } else {
      d = depositOf(deposits, r)
      refunds = d.refunds
    }
    if (d === undefined || refunds.length === 0) throw new DepositRefusal('REFUNDNOTEXIST', '退款订单查询失败')
    const answer: Answer = { transaction_id: d.transactionId, out_trade_no: d.outTradeNo, total_fee: d.total, cash_fee: d.total, refund_count: refunds.length }
    refunds.forEach((x, n) => {
      answer[`out_refund_no_${n}`] = x.outRefundNo
      answer[`refund_id_${n}`] = x.refundId
      answer[`refund_fee_${n}`] = x.fee
      answer[`refund_status_${n}`] = x.status
      answer[`refund_recv_accout_${n}`] = '支付用户的零钱'
      if (x.succeededAt !== undefined) answer[`refund_success_time_${n}`] = alipayTime(x.succeededAt)
    })
    return answer
  })

  router.post('/__sim/wxpay/deposit/next', (ctx) => {
    const b = parseControl(DepositNext, ctx.request.body ?? {})
    deposits.script.push({ result: b.result, finishAfterSeconds: b.finish_after_seconds, errCode: b.err_code, ...(b.openid === undefined ? {} : { openid: b.openid }) })
    ctx.body = { queued: deposits.script.map((s) => s.result) }
  })

  router.get('/__sim/wxpay/deposits', (ctx) => {
    const sub = typeof ctx.query.sub_mch_id === 'string' ? ctx.query.sub_mch_id : undefined
    if (sub !== undefined && wx.merchants.subMerchant(sub) === undefined) throw controlError(404, `no sub-merchant ${sub}`)
    ctx.body = deposits.all().filter((d) => sub === undefined || d.subMchId === sub).map((d) => ({
      sp_mch_id: d.spMchId,
      sub_mch_id: d.subMchId,
      out_trade_no: d.outTradeNo,
      transaction_id: d.transactionId,
      trade_state: d.state,
      total_fee: d.total,
      consume_fee: d.consumeFee ?? 0,
      returned_fee: returnedFee(d),
      refunded_fee: refundedFee(d),
      openid: d.openid,
      body: d.body,
      created_at: d.createdAt.toISOString(),
      paid_at: d.paidAt?.toISOString(),
      consumed_at: d.consumedAt?.toISOString(),
      revoked_at: d.revokedAt?.toISOString(),
      refunds: d.refunds.map(refundView),
    }))
  })
}
