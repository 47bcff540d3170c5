import { z } from 'zod'
import { fen, isYuanString, yuanStringToFen, type Fen } from './money'
import { isId, type Id, type IdPrefix } from './ids'

/** A non-negative amount in fen, as JSON numbers carry it. Fractions and unsafe integers are refused. */
export const zFen = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform((n): Fen => fen(n))

/** A positive amount in fen (orders, refunds: zero is never a valid charge). */
export const zPositiveFen = z.number().int().positive().max(Number.MAX_SAFE_INTEGER).transform((n): Fen => fen(n))

/** "12.34" as typed by a person or sent by Alipay, parsed to fen without floats. */
export const zYuanString = z.string().refine(isYuanString, { message: '金额格式不正确，最多两位小数' })
  .transform((s): Fen => yuanStringToFen(s))

export const zId = <P extends IdPrefix>(prefix: P) =>
  z.string().refine((s): s is Id<P> => isId(prefix, s), { message: `不是合法的 ${prefix}_ 编号` })
    .transform((s) => s as Id<P>)

/** Cursor pagination, Stripe style: `limit` 1–100 and an id to start after. */
export const zListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  startingAfter: z.string().min(1).max(64).optional(),
})

export interface List<T> { object: 'list', data: T[], hasMore: boolean }

/** The dotted path of the first issue, for `error.param`. */
export function firstIssuePath (error: z.ZodError): string | undefined {
  const path = error.issues[0]?.path
  return path === undefined || path.length === 0 ? undefined : path.map(String).join('.')
}

/** A one-line, person-readable summary of the first issue. */
export function firstIssueMessage (error: z.ZodError): string {
  const issue = error.issues[0]
  if (issue === undefined) return '请求参数不正确'
  const where = firstIssuePath(error)
  return where === undefined ? issue.message : `${where}: ${issue.message}`
}
