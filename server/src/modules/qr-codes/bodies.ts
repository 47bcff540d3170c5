/* eslint-disable @typescript-eslint/no-redeclare -- each zod schema and the type it infers share one name, the zod idiom */
import { z } from 'zod'
import { fen, type Fen } from '@yima/shared'
import { plateCode } from './code'
import { QR_KINDS } from './qr-codes.schema'

/*
 * Request bodies of the QR code API. They live here until the console and the mobile pages need
 * them; then they move to @yima/shared next to the tenancy bodies.
 */

/** A blank batch is printed in one go; more than this is several batches. */
export const MAX_BATCH = 1000
/** ¥100,000 for one item of a fixed-amount code: beyond that it is a typo, not a price. */
export const MAX_UNIT_PRICE_FEN = 10_000_000

const name = z.string().trim().min(1, '请填写名称').max(40, '名称最多 40 个字')
const unitPriceFen = z.number().int('单价以分为单位，须为整数').min(1, '单价至少 0.01 元').max(MAX_UNIT_PRICE_FEN, '单价不能超过 100000 元').transform((n): Fen => fen(n))
const id = z.string().trim().min(1).max(64)

export const CreateQrCodeBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('store'), name: name.optional() }),
  /** Defaults to the clerk's name (seed 000, 绑定空白二维码). */
  z.object({ kind: z.literal('staff'), staffId: id, name: name.optional() }),
  z.object({ kind: z.literal('fixed_amount'), name, unitPriceFen }),
])
export type CreateQrCodeBody = z.infer<typeof CreateQrCodeBody>

export const CreateQrBatchBody = z.object({
  serviceProviderId: id,
  count: z.number().int().min(1, '至少生成 1 个').max(MAX_BATCH, `一批最多 ${MAX_BATCH} 个`),
  /** Printed on every plate; the SP's short name when left out. */
  title: z.string().trim().min(1).max(30, '标题最多 30 个字').optional(),
})
export type CreateQrBatchBody = z.infer<typeof CreateQrBatchBody>

export const BindQrCodeBody = z.object({ storeId: id, staffId: id.optional(), name: name.optional() })
export type BindQrCodeBody = z.infer<typeof BindQrCodeBody>

/** Binding by the code printed on the plate: holding the plate is what entitles one to bind it. */
export const BindByCodeBody = BindQrCodeBody.extend({
  // Typed off the plate: `ABCD-EFGH-JKMN` or with spaces is the same code.
  code: z.string().max(64).transform((s) => s.replace(/[\s-]/g, '').toLowerCase()),
})
export type BindByCodeBody = z.infer<typeof BindByCodeBody>

/**
 * Binding on the phone (`/v1/mobile/stores/:id/qr-codes/bind`): the store is the page's, and the
 * code is typed off the plate or is the printed URL the camera read.
 */
export const MobileBindBody = BindQrCodeBody.omit({ storeId: true }).extend({
  code: z.string().max(600).transform(plateCode).pipe(z.string().min(1, '请填写码牌上的编号，或扫码')),
})
export type MobileBindBody = z.infer<typeof MobileBindBody>

export const UpdateQrCodeBody = z.object({ name: name.optional(), unitPriceFen: unitPriceFen.optional() })
export type UpdateQrCodeBody = z.infer<typeof UpdateQrCodeBody>

export const QrCodeListQuery = z.object({
  storeId: id.optional(),
  merchantId: id.optional(),
  batchId: id.optional(),
  kind: z.enum(QR_KINDS).optional(),
  status: z.enum(['active', 'disabled']).optional(),
})
export type QrCodeListQuery = z.infer<typeof QrCodeListQuery>
