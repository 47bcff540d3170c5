import { eq } from 'drizzle-orm'
import type { Executor } from '../../db/client'
import { orders, type OrderRow } from '../payments/payment.schema'
import { merchants, serviceProviders, staff, stores, type ServiceProviderRow, type StaffRow } from '../tenancy/tenancy.schema'
import type { PaymentFacts } from './messages.content'
import type { DeliveryRow } from './notify.schema'

/** What a payment-message job needs, read when it runs: the person as they are now, the order as paid. */
export interface PaymentMessageContext {
  person: StaffRow | undefined
  order: OrderRow
  sp: ServiceProviderRow
  facts: PaymentFacts
}

export async function paymentMessageContext (exec: Executor, row: DeliveryRow): Promise<PaymentMessageContext | undefined> {
  const [hit] = await exec.select({ order: orders, sp: serviceProviders, storeName: stores.name, branchName: stores.branchName })
    .from(orders)
    .innerJoin(merchants, eq(merchants.id, orders.merchantId))
    .innerJoin(serviceProviders, eq(serviceProviders.id, merchants.spId))
    .leftJoin(stores, eq(stores.id, orders.storeId))
    .where(eq(orders.id, row.subjectId))
  if (hit === undefined) return undefined
  const [person] = await exec.select().from(staff).where(eq(staff.id, row.recipientId))
  const { order } = hit
  const storeName = hit.storeName === null ? '' : `${hit.storeName}${hit.branchName === null || hit.branchName === '' ? '' : `（${hit.branchName}）`}`
  return {
    person,
    order,
    sp: hit.sp,
    facts: { amountFen: order.amountFen, storeName, payPlatform: order.payPlatform, paidAt: order.paidAt ?? order.updatedAt, outTradeNo: order.outTradeNo },
  }
}
