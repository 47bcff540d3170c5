import { eq } from 'drizzle-orm'
import { AppError, authCodeChannel, fen, MAX_REMARK_LENGTH, type TradeType } from '@yima/shared'
import type { ClientPayParams, PayMethod } from '../../channels/types'
import type { OrderRow, RefundRow } from '../../modules/payments/payment.schema'
import { findRefund } from '../../modules/payments/payment.repo'
import { isMicropay, isOpen, NotSettledYet } from '../../modules/payments/reconcile.jobs'
import { stores, type StaffRow, type StoreRow } from '../../modules/tenancy/tenancy.schema'
import { CpayError } from '../envelope'
import { orderContent, payMchKey, refundOrderContent, type OrderContentRows } from '../order-content'
import type { CpayApis, CpayCall } from '../router'
import { authorizedOperator, bad, contentHash, CPAY_QUERY_EVERY_MS, feeOf, need, notFound, obj, ownNumber, reused, staffOfMerchant, str, type Json } from './common'
import type { CpayApiDeps } from './index'

/*
 * The payment endpoints of the Cloud Pay facade (cloudpay-api.md §8, §11, §12): micro_pay, the
 * unified orders (scan_code_pay, official_account_pay, mini_program_pay, app_pay, mob_web_pay),
 * reverse, close_order, query_order, refund, query_refund_order. Every one is a translation onto
 * the payments module's services: the orders and refunds are the REST API's own rows.
 */

/** The payment endpoints, keyed by Cloud Pay API name. */
export function payApis (d: CpayApiDeps): CpayApis {
  const { payments, micropay, reconciler, refunds } = d.services
  const staffOf = async (call: CpayCall, v: unknown): Promise<StaffRow | undefined> => await staffOfMerchant(d, call, v)
  /** When this process last asked the channel about an order, beside updated_at (a micropay query that changes nothing does not move it). */
  const asked = new Map<string, number>()

  const storeOf = async (call: CpayCall, order: OrderRow): Promise<StoreRow | null> => {
    if (order.storeId === null) return null
    if (call.store?.id === order.storeId) return call.store
    const [row] = await d.db.select().from(stores).where(eq(stores.id, order.storeId))
    return row ?? null
  }
  const rowsOf = async (call: CpayCall, order: OrderRow): Promise<OrderContentRows> => ({ order, sp: call.sp, merchant: call.merchant, store: await storeOf(call, order) })
  const described = async (call: CpayCall, order: OrderRow): Promise<Json> => {
    // A deposit's consumption carries the deposit's fields (§7).
    const deposit = order.depositId === null ? null : await d.services.deposits.byId(order.depositId)
    return { pay_mch_key: payMchKey(await rowsOf(call, order)), order_content: orderContent({ order, deposit }) }
  }

  /** An order of this merchant by the client's number; 104/400 for anything else (§10.2). */
  const ownOrder = async (call: CpayCall, outTradeNo: string): Promise<OrderRow> => {
    const order = await payments.byOutTradeNo(outTradeNo)
    if (order === undefined || order.merchantId !== call.merchant.id) throw notFound()
    return order
  }

  /**
   * The order as the channel now sees it, asking at most every CPAY_QUERY_EVERY_MS (§15.5):
   * micropay through the reconciler's check (which knows "no such order yet" and reversals),
   * others through PaymentService.refresh, as the pay page does.
   */
  const fresh = async (order: OrderRow): Promise<OrderRow> => {
    if (!isOpen(order)) return order
    const now = d.clock.now().getTime()
    const last = Math.max(order.updatedAt.getTime(), asked.get(order.id) ?? 0)
    if (now - last < CPAY_QUERY_EVERY_MS) return order
    asked.set(order.id, now)
    if (asked.size > 10_000) for (const [id, at] of asked) if (now - at > CPAY_QUERY_EVERY_MS) asked.delete(id)
    if (order.depositId !== null) return await d.services.deposits.refreshConsume(order)
    return isMicropay(order) ? await reconciler.checkMicropay(order.id) ?? order : await payments.refresh(order.id)
  }

  /** §12: a number already used is the same order (its current state) with equal content, else 104/407. */
  const replay = async (call: CpayCall, outTradeNo: string, hash: string): Promise<OrderRow | undefined> => {
    const existing = await payments.byOutTradeNo(outTradeNo)
    if (existing === undefined) return undefined
    if (existing.merchantId !== call.merchant.id || existing.contentHash !== hash) throw reused()
    return await fresh(existing)
  }

  /** The store must take this platform (the same rules as the REST micropay). */
  const checkStore = (call: CpayCall, platform: 'wechat_pay' | 'alipay'): StoreRow | null => {
    const store = call.store
    if (store !== null) {
      if (store.status !== 'open' || store.deletedAt !== null) throw new AppError('conflict', 'store_closed', '门店已停业')
      if (!store.paymentTypes.includes(platform)) throw new AppError('conflict', 'payment_type_not_accepted', '门店不接受该支付方式')
    }
    // Without the merchant's authorization an Alipay payment would be the SP's own money.
    if (platform === 'alipay' && call.merchant.alipayAppAuthTokenSealed === null) throw new AppError('conflict', 'alipay_not_enabled', '商户未开通支付宝')
    return store
  }

  /**
   * Creates the order under the client's number, or, when a retry lost the race for that number,
   * answers the order the first request made (same content) or 104/407.
   */
  const createOrder = async (call: CpayCall, o: { outTradeNo: string, hash: string, method: PayMethod, tradeType: TradeType, amountFen: number, store: StoreRow | null, payerId?: string, authCode?: string, clientIp?: string }): Promise<{ order: OrderRow, clientParams?: ClientPayParams }> => {
    const pc = obj(call.content.pay_content)
    const oc = obj(call.content.order_client)
    const wxExt = obj(pc.wxpay_pay_content_ext)
    const description = str(pc.body) ?? `${call.merchant.shortName}${o.store === null ? '' : `-${o.store.name}`}`
    const remark = str(pc.remark)
    const callbackUrl = str(pc.caller_notify_url)
    if (description.length > 128) throw bad('pay_content.body')
    if (remark !== undefined && remark.length > MAX_REMARK_LENGTH * 4) throw bad('pay_content.remark')
    if (callbackUrl !== undefined && (!/^https?:\/\//.test(callbackUrl) || callbackUrl.length > 512)) throw bad('pay_content.caller_notify_url')
    const clerk = await staffOf(call, oc.staff_id)
    // Attributed to the store only when the clerk belongs there (or is the merchant's admin).
    const staffId = clerk !== undefined && (clerk.storeId === null || clerk.storeId === o.store?.id) ? clerk.id : undefined
    const deviceId = str(oc.device_id)?.slice(0, 64)
    const goodsTag = str(wxExt.goods_tag) ?? o.store?.goodsTag ?? undefined
    try {
      return await payments.create({
        merchantId: call.merchant.id,
        ...(o.store === null ? {} : { storeId: o.store.id }),
        ...(staffId === undefined ? {} : { staffId }),
        ...(deviceId === undefined ? {} : { deviceId }),
        // The store's own entry point, as the REST micropay records it; trade_type tells them apart.
        sourceType: 'one_code',
        tradeType: o.tradeType,
        method: o.method,
        amountFen: fen(o.amountFen),
        description: description.slice(0, 127),
        ...(remark === undefined ? {} : { remark }),
        ...(callbackUrl === undefined ? {} : { callbackUrl }),
        ...(goodsTag === undefined ? {} : { goodsTag }),
        ...(o.payerId === undefined ? {} : { payerId: o.payerId }),
        ...(o.authCode === undefined ? {} : { authCode: o.authCode }),
        ...(o.clientIp === undefined ? {} : { clientIp: o.clientIp }),
        outTradeNo: o.outTradeNo,
        contentHash: o.hash,
      })
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'order_state_conflict') throw err
      const order = await replay(call, o.outTradeNo, o.hash)
      if (order === undefined) throw err
      return { order }
    }
  }

  /** The unified orders: an order that waits for the customer, and what the client needs to start the payment. */
  const unified = (api: string, o: { wechat?: PayMethod, alipay?: PayMethod, tradeType: TradeType, payer?: (key: Json, platform: 'wechat_pay' | 'alipay') => string | undefined, ip?: boolean, answer: (order: OrderRow, params: ClientPayParams | undefined) => Json }) => ({
    payloadKey: api,
    handle: async (call: CpayCall): Promise<Json> => {
      const key = obj(call.content.pay_mch_key)
      const pc = obj(call.content.pay_content)
      const platform = Number(key.pay_platform ?? 1) === 2 ? 'alipay' : 'wechat_pay'
      const method = platform === 'alipay' ? o.alipay : o.wechat
      if (method === undefined || Number(key.pay_platform ?? 1) > 2) throw new CpayError(101, 1, `${api}不支持该支付平台.`)
      const outTradeNo = ownNumber(call, pc.out_trade_no, 'out_trade_no')
      const amountFen = feeOf(pc.total_fee, 'total_fee')
      const hash = contentHash(call, 'pay_content')
      const payerId = o.payer?.(key, platform)
      if (o.payer !== undefined && payerId === undefined) throw bad(platform === 'alipay' ? 'alipay_pay_mch_key_ext.user_id' : 'wxpay_pay_mch_key_ext.open_id')
      const clientIp = str(obj(call.content.order_client).spbill_create_ip)
      if (o.ip === true && clientIp === undefined) throw bad('order_client.spbill_create_ip')
      const existing = await replay(call, outTradeNo, hash)
      // A retry of an order already made: its state; the payment parameters went with the first answer.
      if (existing !== undefined) return { ...await described(call, existing), ...o.answer(existing, undefined) }
      const store = checkStore(call, platform)
      const { order, clientParams } = await createOrder(call, { outTradeNo, hash, method, tradeType: o.tradeType, amountFen, store, ...(payerId === undefined ? {} : { payerId }), ...(clientIp === undefined ? {} : { clientIp }) })
      if (clientParams === undefined && order.status !== 'pending' && order.status !== 'succeeded') {
        // The channel refused it or did not answer: the order cannot be paid; the client needs a new number.
        throw order.status === 'failed' ? new CpayError(104, 1, `下单失败: ${order.failureCode ?? ''}`) : new CpayError(3, 500, '支付渠道无应答，请稍后查询订单.')
      }
      return { ...await described(call, order), ...o.answer(order, clientParams) }
    },
  })

  const wxJsapiArgs = (p: ClientPayParams | undefined): Json | undefined => p?.type === 'wechat_jsapi'
    ? { app_id: p.appId, timestamp: p.timeStamp, nonce_str: p.nonceStr, package: p.package, sign_type: p.signType, pay_sign: p.paySign }
    : undefined
  const prepareId = (p: ClientPayParams | undefined): string | undefined => p?.type === 'wechat_jsapi' ? p.package.replace(/^prepay_id=/, '') : p?.type === 'wechat_app' ? p.params.prepayid : undefined
  /** order_content with the prepay id in its WeChat extension (mini_program_pay documents it there). */
  const withPrepareId = (order: OrderRow, p: ClientPayParams | undefined): Json => {
    const content = orderContent({ order })
    const id = prepareId(p)
    if (id === undefined || content.wxpay_order_content_ext === undefined) return {}
    return { order_content: { ...content, wxpay_order_content_ext: { ...obj(content.wxpay_order_content_ext), prepare_id: id } } }
  }
  /** WeChat: the payer's openid under the SP's official account (the only app yima's partner credentials pay under). */
  const wxPayer = (key: Json): string | undefined => { const ext = obj(key.wxpay_pay_mch_key_ext); return str(ext.open_id) ?? str(ext.sub_open_id) }

  return {
    micro_pay: {
      payloadKey: 'micro_pay',
      handle: async (call) => {
        const pc = obj(call.content.pay_content)
        need(obj(call.content.order_client).machine_no, 'order_client.machine_no', 64)
        const outTradeNo = ownNumber(call, pc.out_trade_no, 'out_trade_no')
        const authCode = need(pc.author_code, 'author_code', 256)
        const platform = authCodeChannel(authCode)
        if (platform === undefined) throw bad('author_code')
        const amountFen = feeOf(pc.total_fee, 'total_fee')
        if (call.store === null) throw bad('out_shop_id')
        const hash = contentHash(call, 'pay_content')
        const existing = await replay(call, outTradeNo, hash)
        if (existing !== undefined) return await described(call, existing)
        const store = checkStore(call, platform)
        let { order } = await createOrder(call, { outTradeNo, hash, method: platform === 'wechat_pay' ? 'wechat_micropay' : 'alipay_micropay', tradeType: 'micropay', amountFen, store, authCode })
        // As the REST micropay: wait a few seconds for a customer confirming quickly; then the client polls query_order.
        const started = Date.now()
        while (isOpen(order) && Date.now() - started + micropay.inlineWait.everyMs <= micropay.inlineWait.totalMs) {
          await new Promise((resolve) => setTimeout(resolve, micropay.inlineWait.everyMs))
          order = await reconciler.checkMicropay(order.id) ?? order
        }
        return await described(call, order)
      },
    },

    scan_code_pay: unified('scan_code_pay', {
      wechat: 'wechat_native',
      alipay: 'alipay_qr',
      tradeType: 'native',
      answer: (_order, p) => p?.type === 'wechat_native' ? { code_url: p.codeUrl } : p?.type === 'alipay_qr' ? { code_url: p.qrCode } : {},
    }),
    official_account_pay: unified('official_account_pay', {
      wechat: 'wechat_jsapi',
      alipay: 'alipay_jsapi',
      tradeType: 'jsapi',
      payer: (key, platform) => platform === 'alipay' ? str(obj(key.alipay_pay_mch_key_ext).user_id) : wxPayer(key),
      answer: (_order, p) => {
        const wx = wxJsapiArgs(p)
        if (wx !== undefined) return { jsapi_args: { wxpay: { get_brand_wcpay: wx } } }
        return p?.type === 'alipay_jsapi' ? { jsapi_args: { alipay: { trade_pay: { trade_no: p.tradeNo } } } } : {}
      },
    }),
    mini_program_pay: unified('mini_program_pay', {
      wechat: 'wechat_mini',
      tradeType: 'mini_program',
      payer: wxPayer,
      answer: (order, p) => {
        const wx = wxJsapiArgs(p)
        return { ...withPrepareId(order, p), ...(wx === undefined ? {} : { jsapi_args: { wxpay: { mini_program_pay: wx } } }) }
      },
    }),
    // Payload key assumed (§8): the SDK parameters under jsapi_args like the other unified orders.
    app_pay: unified('app_pay', {
      wechat: 'wechat_app',
      tradeType: 'app',
      answer: (order, p) => ({ ...withPrepareId(order, p), ...(p?.type === 'wechat_app' ? { jsapi_args: { wxpay: { app_pay: p.params } } } : {}) }),
    }),
    // The doc table names the payload mobile_web_pay{wxpay}, its example mweb_args{wxpay}: both are emitted (§8).
    mob_web_pay: unified('mobile_web_pay', {
      wechat: 'wechat_h5',
      tradeType: 'h5',
      ip: true,
      answer: (_order, p) => {
        if (p?.type !== 'wechat_h5') return {}
        const wxpay = { mweb_url: p.h5Url }
        return { mobile_web_pay: { wxpay }, mweb_args: { wxpay } }
      },
    }),

    reverse: {
      payloadKey: 'reverse',
      rsa: true,
      handle: async (call) => {
        const order = await ownOrder(call, need(call.content.out_trade_no, 'out_trade_no', 32))
        if (order.depositId !== null) throw new AppError('conflict', 'deposit_order_not_reversible')
        if (!isMicropay(order)) throw new CpayError(104, 1, '只能撤销刷卡支付订单，其他订单请关单.')
        // Already ended (a retried reverse, or a failed payment): nothing left to do, on either platform.
        if (order.status === 'reversed' || order.status === 'failed' || order.status === 'closed') return {}
        // Alipay: only a payment whose result is unknown is reversed; a settled one is refunded (§8).
        if (order.payPlatform === 'alipay' && !isOpen(order)) throw new CpayError(104, 1, '支付宝订单仅在支付结果未知时可撤销，已完成的订单请退款.')
        if (order.refundedFen > 0) throw new CpayError(104, 1, '订单已有退款，不能撤销.')
        const creds = await payments.credentialsOf(order)
        const outcome = await d.services.channels[order.payPlatform].reversePayment(order.outTradeNo, creds)
        switch (outcome.kind) {
          case 'failed': {
            // REVOKED (or never created at the channel): it can no longer be paid.
            const open = order.status === 'created' ? await payments.applyOutcome(order, { kind: 'pending', raw: outcome.raw }) : order
            const ended = await payments.endOrder(open, 'reversed', outcome)
            if (ended.status !== 'reversed') throw new CpayError(104, 1, '订单状态已变化，不能撤销.')
            return {}
          }
          case 'succeeded':
            await payments.applyOutcome(order, outcome)
            throw new CpayError(104, 1, '订单已支付，不能撤销，请退款.')
          case 'pending':
          case 'unknown':
            throw new CpayError(3, 500, '撤销结果未知，请重试.')
        }
      },
    },

    close_order: {
      payloadKey: 'close_order',
      handle: async (call) => {
        const order = await ownOrder(call, need(call.content.out_trade_no, 'out_trade_no', 32))
        if (order.depositId !== null) throw new AppError('conflict', 'deposit_order_not_reversible')
        if (isMicropay(order)) throw new CpayError(104, 1, '刷卡支付订单请撤单.')
        if (order.status === 'closed' || order.status === 'failed') return {}
        if (order.status === 'succeeded' || order.status === 'reversed') throw new CpayError(104, 1, '订单已支付，不能关单.')
        const creds = await payments.credentialsOf(order)
        const outcome = await d.services.channels[order.payPlatform].closePayment(order.outTradeNo, creds)
        switch (outcome.kind) {
          case 'failed': {
            const ended = await payments.endOrder(order, 'closed', outcome)
            if (ended.status !== 'closed') throw new CpayError(104, 1, '订单已支付，不能关单.')
            return {}
          }
          case 'succeeded':
            await payments.applyOutcome(order, outcome)
            throw new CpayError(104, 1, '订单已支付，不能关单.')
          case 'pending':
          case 'unknown':
            throw new CpayError(3, 500, '关单结果未知，请重试.')
        }
      },
    },

    query_order: {
      payloadKey: 'query_order',
      // The Java client sends neither pay_platform nor trade_type: both come from the stored order.
      handle: async (call) => await described(call, await fresh(await ownOrder(call, need(call.content.out_trade_no, 'out_trade_no', 32)))),
    },

    refund: {
      payloadKey: 'refund',
      rsa: true,
      handle: async (call) => {
        const rc = obj(call.content.refund_content)
        if (!call.merchant.refundApiEnabled) throw new AppError('permission', 'refund_api_not_enabled')
        const outRefundNo = ownNumber(call, rc.out_refund_no, 'out_refund_no')
        const order = await ownOrder(call, need(rc.out_trade_no, 'out_trade_no', 32))
        const amountFen = feeOf(rc.refund_fee, 'refund_fee')
        if (rc.total_fee !== undefined && feeOf(rc.total_fee, 'total_fee') !== order.amountFen) throw new CpayError(104, 1, '订单金额total_fee与原订单不符.')
        const reason = str(rc.refund_reason)?.slice(0, 80)
        const operator = await authorizedOperator(d, call, order.storeId)
        const { refund } = await refunds.create(operator, order, { amountFen, outRefundNo, ...(reason === undefined ? {} : { reason }) })
        const current = await ownOrder(call, order.outTradeNo)
        return { pay_mch_key: payMchKey(await rowsOf(call, current)), refund_order_content: refundOrderContent({ order: current, refund }) }
      },
    },

    query_refund_order: {
      payloadKey: 'query_refund_order',
      handle: async (call) => {
        const order = await ownOrder(call, need(call.content.out_trade_no, 'out_trade_no', 32))
        const outRefundNo = str(call.content.out_refund_no)
        const found = (await refunds.list(order)).filter((r) => outRefundNo === undefined || r.outRefundNo === outRefundNo)
        if (found.length === 0) throw new CpayError(104, 426, '退款单不存在.')
        const settled = await Promise.all(found.map(freshRefund))
        const current = await ownOrder(call, order.outTradeNo)
        return {
          pay_mch_key: payMchKey(await rowsOf(call, current)),
          refund_order_content: settled.map((refund) => refundOrderContent({ order: current, refund })),
          order_client: [{ ...(current.deviceId === null ? {} : { device_id: current.deviceId }), ...(current.staffId === null ? {} : { staff_id: current.staffId }) }],
        }
      },
    },
  }

  /** A refund still processing, asked about at most every CPAY_QUERY_EVERY_MS (the sync job's query). */
  async function freshRefund (refund: RefundRow): Promise<RefundRow> {
    if (refund.status !== 'processing') return refund
    const now = d.clock.now().getTime()
    const last = Math.max(refund.updatedAt.getTime(), asked.get(refund.id) ?? 0)
    if (now - last < CPAY_QUERY_EVERY_MS) return refund
    asked.set(refund.id, now)
    try {
      await refunds.sync({ refundId: refund.id })
    } catch (err) {
      // Still processing (or the channel did not answer): the stored state is the answer.
      if (!(err instanceof NotSettledYet)) throw err
    }
    return await findRefund(d.db, refund.id) ?? refund
  }
}
