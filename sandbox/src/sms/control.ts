import type Router from '@koa/router'
import { z } from 'zod'
import { parseControl } from '../core/control'
import { PHONE_FAILURE_CODES } from './errors'
import { normalizePhone, type SmsState } from './store'

const Phone = z.string().transform((raw, ctx) => {
  const phone = normalizePhone(raw)
  if (phone === undefined) ctx.addIssue({ code: 'custom', message: `not a mainland mobile number: ${raw}` })
  return phone ?? raw
})
const Template = z.object({
  id: z.string().regex(/^\d{1,12}$/).optional(),
  name: z.string().min(1).max(64).optional(),
  content: z.string().min(1).max(500),
})
const Failure = z.object({ phone: Phone, code: z.enum(PHONE_FAILURE_CODES), count: z.number().int().positive().default(1) })

/** `/__sim/sms/*`: the fake phones' inboxes, template approval, scripted per-number failures. */
export function smsControlRoutes (router: Router, state: SmsState): void {
  router.get('/__sim/sms/messages', (ctx) => {
    const raw = ctx.query.phone
    const phone = typeof raw === 'string' ? parseControl(Phone, raw) : undefined
    ctx.body = state.messages.filter((m) => phone === undefined || m.phone === phone)
  })
  router.get('/__sim/sms/templates', (ctx) => { ctx.body = [...state.templates.values()] })
  /** Registers an approved template (an existing id is replaced: "re-approved" content). */
  router.post('/__sim/sms/templates', (ctx) => {
    ctx.status = 201
    ctx.body = state.addTemplate(parseControl(Template, ctx.request.body))
  })
  /** The next `count` sends to `phone` fail with `code` inside SendStatusSet. */
  router.post('/__sim/sms/failures', (ctx) => {
    const f = parseControl(Failure, ctx.request.body)
    state.failNext(f.phone, f.code, f.count)
    ctx.status = 204
  })
}
