import request from 'supertest'
import type { MerchantDTO, StoreDTO } from '@yima/shared'
import { CloudPayClient } from '../../src/cloudpay/client'
import type { Database } from '../../src/db/client'
import type { Channels, startLiveApp } from '../helpers/channels'
import { consoleUser, type ConsoleUser } from './console'
import { createMerchant, createSp, newSubMchId } from './tenants'

type Live = Awaited<ReturnType<typeof startLiveApp>>

export interface CpayWorld {
  owner: ConsoleUser
  sp: { id: string, outMchId: string }
  merchant: MerchantDTO
  /** The merchant admin (an api_version 2 operator with refund rights). */
  adminId: string
  store: StoreDTO
  credentials: { authenKey: string, signingPrivateKey: string, verifyPublicKey: string }
  /** A client with this merchant's keys, pointed at the live server. */
  client: CloudPayClient
  /** `pay_mch_key` for the store (WeChat unless `pay_platform` is overridden). */
  mchKey: (extra?: Record<string, unknown>) => Record<string, unknown>
  /** A fresh order number with the merchant's prefix (the prefix rule, §12). */
  orderNo: (suffix?: string) => string
}

let seq = 0

export interface CpayWorldOptions {
  /** Authorize the merchant's Alipay (app authorization with a new simulated merchant), as helpers/payments shop() does. */
  alipay?: boolean
  /** Another merchant under this console user (and SP) instead of a fresh one. */
  owner?: ConsoleUser
  sp?: { id: string, outMchId: string }
}

/** An SP (its Alipay set up too), a merchant with its Cloud Pay keys, a store: what an integrator holds. */
export async function cpayWorld (live: Live, database: Database, c: Channels, o: CpayWorldOptions = {}): Promise<CpayWorld> {
  const owner = o.owner ?? await consoleUser(live.app, database)
  const sp = o.sp ?? await createSp(owner, c)
  const created = await createMerchant(owner, sp.id, await newSubMchId(c))
  if (o.alipay === true) {
    const url = new URL((await owner.get(`/v1/merchants/${created.merchant.id}/alipay-authorization`).expect(200)).body.url)
    url.searchParams.set('sim_merchant', 'new')
    const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '')
    await request(live.app.callback()).get(`${back.pathname}${back.search}`).expect(302)
  }
  const store = (await owner.post(`/v1/merchants/${created.merchant.id}/stores`, { name: '收银一号店' }).expect(201)).body as StoreDTO
  const client = new CloudPayClient({ baseUrl: live.url, authenKey: created.credentials.authenKey, outMchId: sp.outMchId, outSubMchId: created.merchant.outSubMchId, signingPrivateKey: created.credentials.signingPrivateKey })
  return {
    owner,
    sp: { id: sp.id, outMchId: sp.outMchId },
    merchant: created.merchant,
    adminId: created.admin.id,
    store,
    credentials: created.credentials,
    client,
    mchKey: (extra = {}) => client.mchKey({ out_shop_id: store.outShopId, pay_platform: 1, ...extra }),
    orderNo: (suffix) => `${created.merchant.orderPrefix}${Date.now().toString(36)}${(++seq).toString(36)}${suffix ?? ''}`.slice(0, 32),
  }
}
