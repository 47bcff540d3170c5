import { eq } from 'drizzle-orm'
import { AppError, authCodeChannel, fen } from '@yima/shared'
import type { ChannelName } from '../../channels/types'
import type { DepositRow } from '../../modules/deposits/deposits.schema'
import { stores, type StoreRow } from '../../modules/tenancy/tenancy.schema'
import { CpayError } from '../envelope'
import { freezeOrderContent, orderContent, payMchKey, unfreezeOrderContent } from '../order-content'
import type { CpayApis, CpayCall } from '../router'
import { authorizedOperator, bad, contentHash, CPAY_QUERY_EVERY_MS, feeOf, need, obj, ownNumber, reused, staffOfMerchant, str, type Json } from './common'
import type { CpayApiDeps } from './index'

/*
 * The deposit family (押金, cloudpay-api.md §8, mission P8): micro_freeze, scancode_freeze,
 * deposit_consume, unfreeze, query_freeze_order, query_unfreeze_order, over the deposits module.
 * The rules of seed 004 (押金权限, 退款 API 权限, not on the 买单 channel) are the module's own.
 */

const freezeNotFound = (): CpayError => new CpayError(104, 400, '押金单不存在.')

export function depositApis (d: CpayApiDeps): CpayApis {
  const { deposits } = d.services
  const asked = new Map<string, number>()

  /** At most one channel query per deposit every CPAY_QUERY_EVERY_MS, as for query_order (§15.5). */
  const due = (id: string, updatedAt: Date): boolean => {
    const now = d.clock.now().getTime()
    if (now - Math.max(updatedAt.getTime(), asked.get(id) ?? 0) < CPAY_QUERY_EVERY_MS) return false
    asked.set(id, now)
    if (asked.size > 10_000) for (const [k, at] of asked) if (now - at > CPAY_QUERY_EVERY_MS) asked.delete(k)
    return true
  }

  const storeOf = async (call: CpayCall, storeId: string | null): Promise<StoreRow | null> => {
    if (storeId === null) return null
    if (call.store?.id === storeId) return call.store
    const [row] = await d.db.select().from(stores).where(eq(stores.id, storeId))
    return row ?? null
  }
  const keyOf = async (call: CpayCall, deposit: DepositRow): Promise<Json> =>
    payMchKey({ order: deposit, sp: call.sp, merchant: call.merchant, store: await storeOf(call, deposit.storeId) })
  const clientOf = (x: { deviceId: string | null, staffId: string | null }): Json =>
    ({ ...(x.deviceId === null ? {} : { device_id: x.deviceId }), ...(x.staffId === null ? {} : { staff_id: x.staffId }) })

  /** A deposit of this merchant by the client's number; 104/400 otherwise. */
  const ownDeposit = async (call: CpayCall, v: unknown, param = 'out_freeze_no'): Promise<DepositRow> => {
    const deposit = await deposits.byOutFreezeNo(need(v, param, 32))
    if (deposit === undefined || deposit.merchantId !== call.merchant.id) throw freezeNotFound()
    return deposit
  }
  const fresh = async (deposit: DepositRow): Promise<DepositRow> => due(deposit.id, deposit.updatedAt) ? await deposits.refreshFreeze(deposit) : deposit

  /** The freeze's fields: under `freeze_content` when the client nests them, at the top level otherwise (the docs show both shapes). */
  const freezeFields = (call: CpayCall): Json => {
    const nested = obj(call.content.freeze_content)
    return Object.keys(nested).length > 0 ? nested : call.content
  }

  /** The store and platform a freeze is for; the same rules as micro_pay, then the deposit rules. */
  const freezeStore = (call: CpayCall, platform: ChannelName): StoreRow => {
    const store = call.store
    if (store === null) throw bad('out_shop_id')
    if (store.status !== 'open' || store.deletedAt !== null) throw new AppError('conflict', 'store_closed', '门店已停业')
    if (!store.paymentTypes.includes(platform)) throw new AppError('conflict', 'payment_type_not_accepted', '门店不接受该支付方式')
    if (platform === 'alipay' && call.merchant.alipayAppAuthTokenSealed === null) throw new AppError('conflict', 'alipay_not_enabled', '商户未开通支付宝')
    deposits.checkPermitted(call.merchant, platform)
    return store
  }

  const freeze = (kind: 'micro' | 'scan') => async (call: CpayCall): Promise<Json> => {
    const f = freezeFields(call)
    const outFreezeNo = ownNumber(call, f.out_freeze_no, 'out_freeze_no')
    const amountFen = feeOf(f.freeze_fee, 'freeze_fee')
    const authCode = kind === 'micro' ? need(f.author_code, 'author_code', 256) : undefined
    const key = obj(call.content.pay_mch_key)
    const platform: ChannelName | undefined = authCode !== undefined ? authCodeChannel(authCode) : Number(key.pay_platform ?? 2) === 1 ? 'wechat_pay' : 'alipay'
    if (platform === undefined) throw bad('author_code')
    const { nonce_str: _n, ...business } = f
    const hash = contentHash({ api: call.api, content: { ...call.content, freeze_content: business } }, 'freeze_content')
    const existing = await deposits.byOutFreezeNo(outFreezeNo)
    let deposit: DepositRow
    if (existing !== undefined) {
      if (existing.merchantId !== call.merchant.id || existing.contentHash !== hash) throw reused()
      deposit = await fresh(existing)
    } else {
      const store = freezeStore(call, platform)
      const oc = obj(call.content.order_client)
      const clerk = await staffOfMerchant(d, call, oc.staff_id)
      const description = str(f.body) ?? `${call.merchant.shortName}-${store.name}`
      if (description.length > 128) throw bad('body')
      const remark = str(f.remark)
      const deviceId = str(oc.device_id)?.slice(0, 64)
      const clientIp = str(oc.spbill_create_ip)
      deposit = await deposits.freeze({
        merchant: call.merchant,
        store,
        platform,
        kind,
        outFreezeNo,
        amountFen: fen(amountFen),
        description: description.slice(0, 127),
        ...(remark === undefined ? {} : { remark: remark.slice(0, 256) }),
        ...(authCode === undefined ? {} : { authCode }),
        ...(clerk === undefined || (clerk.storeId !== null && clerk.storeId !== store.id) ? {} : { staffId: clerk.id }),
        ...(deviceId === undefined ? {} : { deviceId }),
        ...(clientIp === undefined ? {} : { clientIp }),
        contentHash: hash,
      })
    }
    if (deposit.status === 'failed') throw new CpayError(104, 1, `押金冻结失败: ${deposit.failureCode ?? ''}`)
    return {
      pay_mch_key: await keyOf(call, deposit),
      freeze_order_content: freezeOrderContent(deposit),
      ...(deposit.qrCode === null ? {} : { code_url: deposit.qrCode }),
    }
  }

  return {
    micro_freeze: { payloadKey: 'micro_freeze', handle: freeze('micro') },
    // Alipay only; the answer mirrors micro_freeze, with the QR to show (§8, assumed).
    scancode_freeze: { payloadKey: 'scancode_freeze', handle: freeze('scan') },

    deposit_consume: {
      payloadKey: 'deposit_consume',
      handle: async (call) => {
        const pc = obj(call.content.pay_content)
        const outTradeNo = ownNumber(call, pc.out_trade_no, 'out_trade_no')
        const amountFen = feeOf(pc.total_fee, 'total_fee')
        const hash = contentHash(call, 'pay_content')
        const deposit = await ownDeposit(call, pc.out_freeze_no, 'pay_content.out_freeze_no')
        const before = await d.services.payments.byOutTradeNo(outTradeNo)
        let order = before
        if (order !== undefined) {
          if (order.merchantId !== call.merchant.id || order.contentHash !== hash) throw reused()
          if (due(order.id, order.updatedAt)) order = await deposits.refreshConsume(order)
        } else {
          deposits.checkPermitted(call.merchant, deposit.payPlatform)
          const oc = obj(call.content.order_client)
          const clerk = await staffOfMerchant(d, call, oc.staff_id)
          const description = str(pc.body) ?? deposit.description
          const callbackUrl = str(pc.caller_notify_url)
          if (callbackUrl !== undefined && (!/^https?:\/\//.test(callbackUrl) || callbackUrl.length > 512)) throw bad('pay_content.caller_notify_url')
          const remark = str(pc.remark)
          const deviceId = str(oc.device_id)?.slice(0, 64)
          order = await deposits.consume({
            deposit,
            outTradeNo,
            amountFen: fen(amountFen),
            complete: pc.is_confirm_unfreeze === true || pc.is_confirm_unfreeze === 1 || pc.is_confirm_unfreeze === 'true',
            description: description.slice(0, 127),
            ...(remark === undefined ? {} : { remark: remark.slice(0, 256) }),
            ...(clerk === undefined ? {} : { staffId: clerk.id }),
            ...(deviceId === undefined ? {} : { deviceId }),
            ...(callbackUrl === undefined ? {} : { callbackUrl }),
            contentHash: hash,
          })
        }
        if (order.status === 'failed') throw new CpayError(104, 1, `押金消费失败: ${order.failureCode ?? ''}`)
        const current = await deposits.byOutFreezeNo(deposit.outFreezeNo) ?? deposit
        return { pay_mch_key: await keyOf(call, current), order_content: orderContent({ order, deposit: current }) }
      },
    },

    unfreeze: {
      payloadKey: 'unfreeze',
      handle: async (call) => {
        const uc = obj(call.content.unfreeze_content)
        const deposit = await ownDeposit(call, uc.out_freeze_no, 'unfreeze_content.out_freeze_no')
        const outUnfreezeNo = ownNumber(call, uc.out_unfreeze_no, 'out_unfreeze_no')
        const amountFen = feeOf(uc.unfreeze_fee, 'unfreeze_fee')
        const hash = contentHash(call, 'unfreeze_content')
        const existing = (await deposits.unfreezes(deposit.id)).find((u) => u.outUnfreezeNo === outUnfreezeNo)
        let row
        if (existing !== undefined) {
          if (existing.contentHash !== hash) throw reused()
          row = due(existing.id, existing.updatedAt) ? await deposits.refreshUnfreeze(existing) : existing
        } else {
          deposits.checkPermitted(call.merchant, deposit.payPlatform)
          const operator = await authorizedOperator(d, call, deposit.storeId)
          const remark = str(uc.remark)
          row = await deposits.unfreeze({ deposit, outUnfreezeNo, amountFen: fen(amountFen), operator, contentHash: hash, ...(remark === undefined ? {} : { remark: remark.slice(0, 256) }) })
        }
        if (row.status === 'failed') throw new CpayError(104, 1, `押金解冻失败: ${row.failureCode ?? ''}`)
        const current = await deposits.byOutFreezeNo(deposit.outFreezeNo) ?? deposit
        return { pay_mch_key: await keyOf(call, current), unfreeze_order_content: unfreezeOrderContent(current, row) }
      },
    },

    query_freeze_order: {
      payloadKey: 'query_freeze_order',
      handle: async (call) => {
        const deposit = await fresh(await ownDeposit(call, call.content.out_freeze_no))
        return { pay_mch_key: await keyOf(call, deposit), freeze_order_content: freezeOrderContent(deposit), order_client: clientOf(deposit) }
      },
    },

    query_unfreeze_order: {
      payloadKey: 'query_unfreeze_order',
      handle: async (call) => {
        const deposit = await ownDeposit(call, call.content.out_freeze_no)
        const wanted = str(call.content.out_unfreeze_no)
        const found = (await deposits.unfreezes(deposit.id)).filter((u) => wanted === undefined || u.outUnfreezeNo === wanted)
        if (found.length === 0) throw new CpayError(104, 426, '解冻单不存在.')
        const settled = await Promise.all(found.map(async (u) => due(u.id, u.updatedAt) ? await deposits.refreshUnfreeze(u) : u))
        const current = await deposits.byOutFreezeNo(deposit.outFreezeNo) ?? deposit
        return {
          pay_mch_key: await keyOf(call, current),
          unfreeze_order_content: settled.map((u) => unfreezeOrderContent(current, u)),
          order_client: [clientOf(current)],
        }
      },
    },
  }
}
