import { and, eq, inArray } from 'drizzle-orm'
import { AppError, type MaidanSyncDTO } from '@yima/shared'
import { bindMaidanAssistant, listMaidanMerchants, WechatPayError } from '../../channels/wechat-pay/partner'
import type { Outbox, JobHandler } from '../../outbox'
import { wechatIdentities } from '../identity/identity.schema'
import { generateMerchantCredentials } from '../merchants/credentials'
import { auditedBy, type Caller } from './caller'
import { channelFailure } from './channel-failure'
import { merchantSecretContext } from './merchants.service'
import { newOrderPrefix, newOutId } from './public-ids'
import { requireSpLevel, scopeWhere } from './scope'
import type { ServiceProviderService, TenancyDeps } from './service-providers.service'
import { maidanSyncs, merchants, serviceProviders, type MaidanSyncRow } from './tenancy.schema'

export const MAIDAN_SYNC_TOPIC = 'tenancy.maidan_sync'
const PAGE = 50

const dto = (r: MaidanSyncRow): MaidanSyncDTO => ({
  id: r.id,
  serviceProviderId: r.spId,
  status: r.status,
  total: r.total,
  processed: r.processed,
  created: r.created,
  skipped: r.skipped,
  error: r.error,
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
})

/** WeChat 买单 (T8): binding the SP's assistant and importing its 买单 merchants in the background. */
export class MaidanService {
  constructor (private readonly deps: TenancyDeps & { outbox: Outbox }, private readonly sps: ServiceProviderService) {}

  /**
   * Binds the SP to its 买单 assistant with a WeChat identity bound to the caller's account (seed
   * 000: "立即绑定"). The assistant must know that WeChat user as its admin.
   */
  async bind (caller: Caller, spId: string): Promise<void> {
    const sp = await this.sps.row(caller.scope, spId)
    requireSpLevel(caller.scope, sp.id)
    if (caller.actor.kind !== 'account') throw new AppError('permission', 'forbidden')
    const identities = await this.deps.db.select().from(wechatIdentities).where(eq(wechatIdentities.accountId, caller.actor.id))
    const wx = this.sps.wechatpay(sp)
    let refusal: WechatPayError | undefined
    for (const identity of identities) {
      try {
        await bindMaidanAssistant(wx, { spMchId: sp.wxMchId ?? '', appId: identity.appId, openid: identity.openid })
        const now = this.deps.clock.now()
        await this.deps.db.transaction(async (tx) => {
          await tx.update(serviceProviders).set({ maidanBoundAt: now, updatedAt: now }).where(eq(serviceProviders.id, sp.id))
          await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'service_provider.maidan_bound', target: { type: 'service_provider', id: sp.id }, tenantId: sp.id, after: { maidanBoundAt: now.toISOString(), wechatIdentityId: identity.id } })
        })
        return
      } catch (err) {
        if (!(err instanceof WechatPayError)) channelFailure(err)
        refusal = err
      }
    }
    const remedy = refusal?.code === 'NOT_OPENED'
      ? '服务商尚未开通微信买单服务商助手：请用管理员微信扫描买单服务商助手小程序码，输入服务商商户号并验证身份后开通。'
      : '已绑定的微信号都不是该服务商微信买单服务商助手的管理员：请单击“扫码绑定买单助手管理员微信号”，用买单助手管理员的微信扫码绑定后再试。'
    throw new AppError('conflict', 'maidan_bind_failed', remedy)
  }

  /** Starts a sync, or returns the one already running for this SP. */
  async startSync (caller: Caller, spId: string): Promise<MaidanSyncDTO> {
    const sp = await this.sps.row(caller.scope, spId)
    requireSpLevel(caller.scope, sp.id)
    if (sp.maidanBoundAt === null) throw new AppError('conflict', 'maidan_not_bound')
    const now = this.deps.clock.now()
    const id = this.deps.newId('mds')
    const row = await this.deps.db.transaction(async (tx) => {
      const [inserted] = await tx.insert(maidanSyncs).values({ id, spId: sp.id, status: 'queued', requestedBy: caller.actor.id, createdAt: now })
        .onConflictDoNothing().returning()
      if (inserted === undefined) {
        const [running] = await tx.select().from(maidanSyncs).where(and(eq(maidanSyncs.spId, sp.id), inArray(maidanSyncs.status, ['queued', 'running'])))
        if (running === undefined) throw new AppError('conflict', 'maidan_sync_running')
        return running
      }
      await this.deps.outbox.enqueue(tx, { topic: MAIDAN_SYNC_TOPIC, payload: { syncId: id }, dedupeKey: id })
      await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'service_provider.maidan_sync_started', target: { type: 'service_provider', id: sp.id }, tenantId: sp.id })
      return inserted
    })
    return dto(row)
  }

  async getSync (caller: Caller, id: string): Promise<MaidanSyncDTO> {
    const [row] = await this.deps.db.select().from(maidanSyncs).where(and(eq(maidanSyncs.id, id), scopeWhere(caller.scope, { sp: maidanSyncs.spId })))
    if (row === undefined) throw new AppError('not_found', 'resource_not_found', undefined, { param: 'id' })
    return dto(row)
  }

  /**
   * The job: pages through the assistant's merchant list and adds those yima does not have yet.
   * Progress is written after every page; a rerun after a crash resumes harmlessly, since an
   * existing sub_mch_id is skipped.
   */
  handler (): JobHandler<{ syncId: string }> {
    return {
      maxAttempts: 5,
      timeoutMs: 10 * 60_000,
      handle: async ({ syncId }, ctx) => {
        const [sync] = await this.deps.db.select().from(maidanSyncs).where(eq(maidanSyncs.id, syncId))
        if (sync === undefined || sync.status === 'succeeded' || sync.status === 'failed') return { skipped: true }
        const [sp] = await this.deps.db.select().from(serviceProviders).where(eq(serviceProviders.id, sync.spId))
        if (sp === undefined) return { skipped: true }
        await this.deps.db.update(maidanSyncs).set({ status: 'running' }).where(eq(maidanSyncs.id, syncId))
        try {
          const wx = this.sps.wechatpay(sp)
          // A retry carries on after the last page written: restarting at 0 would count the
          // merchants the failed attempt created as skipped (子商户已存在).
          let offset = sync.processed
          let created = sync.created
          let skipped = sync.skipped
          for (;;) {
            if (ctx.signal.aborted) throw new Error('sync timed out')
            const page = await listMaidanMerchants(wx, { spMchId: sp.wxMchId ?? '', offset, limit: PAGE })
            for (const m of page.data) {
              if (await this.#import(sp.id, m)) created++
              else skipped++
            }
            offset += page.data.length
            await this.deps.db.update(maidanSyncs).set({ total: page.total_count, processed: offset, created, skipped }).where(eq(maidanSyncs.id, syncId))
            if (page.data.length === 0 || offset >= page.total_count) break
          }
          await this.deps.db.update(maidanSyncs).set({ status: 'succeeded', finishedAt: this.deps.clock.now() }).where(eq(maidanSyncs.id, syncId))
          return { created, skipped }
        } catch (err) {
          if (ctx.attempt >= 5 || err instanceof AppError || (err instanceof WechatPayError && err.status !== undefined && err.status < 500)) {
            const message = err instanceof WechatPayError ? `${err.code}: ${err.message}` : err instanceof AppError ? err.message : '同步失败，请稍后重试'
            await this.deps.db.update(maidanSyncs).set({ status: 'failed', error: message, finishedAt: this.deps.clock.now() }).where(eq(maidanSyncs.id, syncId))
            return { failed: message }
          }
          throw err
        }
      },
    }
  }

  /** Adds a 买单 merchant; false when it already exists (子商户已存在). Its keys are generated and shown when the SP resets them. */
  async #import (spId: string, m: { sub_mchid: string, merchant_name: string, merchant_shortname?: string }): Promise<boolean> {
    // Checked first so a rerun spends no key generation on merchants it already has.
    const [existing] = await this.deps.db.select({ id: merchants.id }).from(merchants).where(and(eq(merchants.spId, spId), eq(merchants.wxSubMchId, m.sub_mchid)))
    if (existing !== undefined) return false
    const id = this.deps.newId('mch')
    const creds = await generateMerchantCredentials()
    const now = this.deps.clock.now()
    const [sp] = await this.deps.db.select({ id: serviceProviders.id }).from(serviceProviders).where(eq(serviceProviders.id, spId))
    if (sp === undefined) return false
    const inserted = await this.deps.db.insert(merchants).values({
      id,
      spId,
      outSubMchId: newOutId(),
      orderPrefix: newOrderPrefix(),
      name: m.merchant_name,
      shortName: m.merchant_shortname ?? m.merchant_name,
      adminName: '',
      adminEmail: '',
      wxSubMchId: m.sub_mchid,
      wxChannel: 'maidan',
      authenKeySealed: this.deps.box.seal(creds.authenKey, merchantSecretContext(id, 'authen_key')),
      verifyPublicKey: creds.verifyPublicKeyPem,
      createdAt: now,
      updatedAt: now,
    }).onConflictDoNothing().returning({ id: merchants.id })
    return inserted.length === 1
  }
}
