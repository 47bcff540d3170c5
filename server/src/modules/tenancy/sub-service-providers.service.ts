import { and, desc, eq } from 'drizzle-orm'
import { AppError, type CreateSubServiceProviderBody, type List, type SubServiceProviderDTO, type UpdateSubServiceProviderBody } from '@yima/shared'
import { accounts } from '../identity/identity.schema'
import { auditedBy, type Caller } from './caller'
import { subServiceProviderDTO } from './dto'
import { requireSpLevel, scopeWhere, type Scope } from './scope'
import { auditable, type ServiceProviderService, type TenancyDeps } from './service-providers.service'
import { staff, subServiceProviders, type SubServiceProviderRow } from './tenancy.schema'

/** 子服务商 (T6): added by the SP; signs in with its own console account and sees only its merchants. */
export class SubServiceProviderService {
  constructor (private readonly deps: TenancyDeps, private readonly sps: ServiceProviderService) {}

  async list (caller: Caller, filter: { serviceProviderId?: string }): Promise<List<SubServiceProviderDTO>> {
    const rows = await this.deps.db.select().from(subServiceProviders)
      .where(and(
        scopeWhere(caller.scope, { sp: subServiceProviders.spId, ssp: subServiceProviders.id }),
        filter.serviceProviderId === undefined ? undefined : eq(subServiceProviders.spId, filter.serviceProviderId),
      ))
      .orderBy(desc(subServiceProviders.createdAt))
    return { object: 'list', data: rows.map(subServiceProviderDTO), hasMore: false }
  }

  async row (scope: Scope, id: string): Promise<SubServiceProviderRow> {
    const [row] = await this.deps.db.select().from(subServiceProviders)
      .where(and(eq(subServiceProviders.id, id), scopeWhere(scope, { sp: subServiceProviders.spId, ssp: subServiceProviders.id })))
    if (row === undefined) throw new AppError('not_found', 'sub_service_provider_not_found', undefined, { param: 'id' })
    return row
  }

  async get (caller: Caller, id: string): Promise<SubServiceProviderDTO> {
    return subServiceProviderDTO(await this.row(caller.scope, id))
  }

  async create (caller: Caller, input: CreateSubServiceProviderBody): Promise<SubServiceProviderDTO> {
    const sp = await this.sps.row(caller.scope, input.serviceProviderId)
    requireSpLevel(caller.scope, sp.id)
    const [account] = await this.deps.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, input.accountId))
    if (account === undefined) throw new AppError('invalid_request', 'account_not_found', '找不到该平台账号 ID，请让子服务商先注册并提供其账号 ID', { param: 'accountId' })
    const now = this.deps.clock.now()
    const id = this.deps.newId('ssp')
    const row = await this.deps.db.transaction(async (tx) => {
      const [inserted] = await tx.insert(subServiceProviders).values({
        id,
        spId: sp.id,
        accountId: account.id,
        name: input.name,
        adminName: input.adminName,
        phone: input.phone,
        wxRebateBp: input.wechatRebateBp ?? null,
        alipayRebateBp: input.alipayRebateBp ?? null,
        remark: input.remark || null,
        createdAt: now,
        updatedAt: now,
      }).returning()
      if (inserted === undefined) throw new Error('insert returned nothing')
      await tx.insert(staff).values({
        id: this.deps.newId('stf'), role: 'ssp_admin', spId: sp.id, sspId: id, name: input.adminName, phone: input.phone, refundPermission: true, createdAt: now, updatedAt: now,
      })
      await this.deps.audit.record(tx, {
        ...auditedBy(caller), action: 'sub_service_provider.created', target: { type: 'sub_service_provider', id }, tenantId: sp.id, after: auditable(inserted),
      })
      return inserted
    })
    return subServiceProviderDTO(row)
  }

  async update (caller: Caller, id: string, input: UpdateSubServiceProviderBody): Promise<SubServiceProviderDTO> {
    const before = await this.row(caller.scope, id)
    requireSpLevel(caller.scope, before.spId)
    const patch: Partial<typeof subServiceProviders.$inferInsert> = {}
    if (input.name !== undefined) patch.name = input.name
    if (input.adminName !== undefined) patch.adminName = input.adminName
    if (input.phone !== undefined) patch.phone = input.phone
    if (input.wechatRebateBp !== undefined) patch.wxRebateBp = input.wechatRebateBp
    if (input.alipayRebateBp !== undefined) patch.alipayRebateBp = input.alipayRebateBp
    if (input.remark !== undefined) patch.remark = input.remark || null
    const row = await this.deps.db.transaction(async (tx) => {
      const [after] = await tx.update(subServiceProviders).set({ ...patch, updatedAt: this.deps.clock.now() }).where(eq(subServiceProviders.id, id)).returning()
      if (after === undefined) throw new AppError('not_found', 'sub_service_provider_not_found')
      await this.deps.audit.record(tx, {
        ...auditedBy(caller), action: 'sub_service_provider.updated', target: { type: 'sub_service_provider', id }, tenantId: before.spId, before: auditable(before), after: auditable(after),
      })
      return after
    })
    return subServiceProviderDTO(row)
  }
}
