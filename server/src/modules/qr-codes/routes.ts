import Router from '@koa/router'
import type { DefaultContext, Middleware } from 'koa'
import { z } from 'zod'
import { AppError } from '@yima/shared'
import { errorResponses, type OpenAPIRegistry } from '../../docs/openapi'
import type { AppContext, AppState } from '../../http/context'
import { rateLimit } from '../../http/rate-limit'
import { mobileCaller, mobileSession, requireStoreManager, rolesOf } from '../tenancy/mobile'
import { documenter } from '../tenancy/route-doc'
import { callerOf } from '../tenancy/routes'
import type { ScanTokens } from '../tenancy/scan-tokens'
import { scopeOfStaff } from '../tenancy/scope'
import { BindByCodeBody, BindQrCodeBody, CreateQrBatchBody, CreateQrCodeBody, MobileBindBody, QrCodeListQuery, UpdateQrCodeBody } from './bodies'
import { batchPdf, platePdf, platePng } from './plates/plates'
import { codeUrl } from './code'
import { PLATE_FOOTER, QrCodeService, type QrCodeDeps } from './qr-codes.service'
import { publicQrDTO, QR_PROBLEMS, qrProblemError, QrResolver } from './resolve'

/** The H5 pages a printed code leads to (h5/src/pages/pay, h5/src/pages/scan/result). */
export const payPage = (code: string): string => `/#/pages/pay/index?${new URLSearchParams({ code }).toString()}`
const problemPage = (q: Record<string, string>): string => `/#/pages/scan/result/index?${new URLSearchParams(q).toString()}`

const BatchListQuery = z.object({ serviceProviderId: z.string().max(64).optional() })

/**
 * QR codes (S1, S3, S4): the console API behind `guard` (scoped like every tenancy route), the
 * store's codes on the staff phones (`yima_wx` session, mobile.ts), the printed URL `/q/:code`,
 * and `/v1/public/qr/:code` for the customer's pay page.
 */
export function qrCodeRoutes (deps: QrCodeDeps & { tokens: ScanTokens }, guard: Middleware<AppState>, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const codes = new QrCodeService(deps)
  const resolver = new QrResolver(deps)
  const router = new Router<AppState, DefaultContext>()
  const doc = (method: 'get' | 'post' | 'patch', path: string, summary: string, o: { body?: z.ZodType, public?: boolean, tag?: string } = {}): void => {
    openapi.registerPath({
      method,
      path: path.replace(/:(\w+)/g, '{$1}'),
      tags: [o.tag ?? '收款二维码'],
      summary,
      ...(o.public === true ? {} : { security: [{ bearer: [] }] }),
      ...(o.body === undefined ? {} : { request: { body: { content: { 'application/json': { schema: o.body } } } } }),
      responses: { ...errorResponses, 200: { description: 'OK' } },
    })
  }
  const id = (ctx: AppContext): string => String((ctx as unknown as { params: Record<string, string> }).params.id)
  const pdf = (ctx: AppContext, filename: string): void => {
    ctx.type = 'application/pdf'
    ctx.set('Content-Disposition', `attachment; filename="${filename}"`)
  }

  doc('get', '/v1/qr-codes', '二维码列表（可按门店、商户、类型、批次、状态筛选）')
  router.get('/v1/qr-codes', guard, async (ctx) => { ctx.body = await codes.list(callerOf(ctx), QrCodeListQuery.parse(ctx.query)) })
  doc('post', '/v1/stores/:id/qr-codes', '为门店添加门店码、店员码或定额二维码', { body: CreateQrCodeBody })
  router.post('/v1/stores/:id/qr-codes', guard, async (ctx) => {
    ctx.status = 201
    ctx.body = await codes.create(callerOf(ctx), id(ctx), CreateQrCodeBody.parse(ctx.request.body))
  })
  doc('post', '/v1/qr-codes/bind-by-code', '按码牌上的编号把空码绑定到门店或店员', { body: BindByCodeBody })
  router.post('/v1/qr-codes/bind-by-code', guard, async (ctx) => { ctx.body = await codes.bindByCode(callerOf(ctx), BindByCodeBody.parse(ctx.request.body)) })
  doc('get', '/v1/qr-codes/:id', '二维码详情')
  router.get('/v1/qr-codes/:id', guard, async (ctx) => { ctx.body = await codes.get(callerOf(ctx), id(ctx)) })
  doc('patch', '/v1/qr-codes/:id', '修改二维码名称（定额二维码可改单价）', { body: UpdateQrCodeBody })
  router.patch('/v1/qr-codes/:id', guard, async (ctx) => { ctx.body = await codes.update(callerOf(ctx), id(ctx), UpdateQrCodeBody.parse(ctx.request.body)) })
  doc('post', '/v1/qr-codes/:id/bind', '把空码绑定到门店或店员', { body: BindQrCodeBody })
  router.post('/v1/qr-codes/:id/bind', guard, async (ctx) => { ctx.body = await codes.bind(callerOf(ctx), id(ctx), BindQrCodeBody.parse(ctx.request.body)) })
  doc('post', '/v1/qr-codes/:id/unbind', '解绑（删除）：恢复为空码，二维码地址不变，可再次绑定')
  router.post('/v1/qr-codes/:id/unbind', guard, async (ctx) => { ctx.body = await codes.unbind(callerOf(ctx), id(ctx)) })
  doc('post', '/v1/qr-codes/:id/disable', '停用二维码')
  router.post('/v1/qr-codes/:id/disable', guard, async (ctx) => { ctx.body = await codes.setStatus(callerOf(ctx), id(ctx), 'disabled') })
  doc('post', '/v1/qr-codes/:id/enable', '启用二维码')
  router.post('/v1/qr-codes/:id/enable', guard, async (ctx) => { ctx.body = await codes.setStatus(callerOf(ctx), id(ctx), 'active') })
  doc('get', '/v1/qr-codes/:id/plate.png', '二维码图片（PNG）')
  router.get('/v1/qr-codes/:id/plate.png', guard, async (ctx) => {
    const qr = await codes.get(callerOf(ctx), id(ctx))
    ctx.type = 'image/png'
    ctx.set('Content-Disposition', `inline; filename="qr-${qr.code}.png"`)
    ctx.body = await platePng(qr.url)
  })
  doc('get', '/v1/qr-codes/:id/plate.pdf', '可打印码牌（PDF，含商户、门店名称与编号）')
  router.get('/v1/qr-codes/:id/plate.pdf', guard, async (ctx) => {
    const plate = await codes.plate(callerOf(ctx), id(ctx))
    pdf(ctx, `qr-${plate.code}.pdf`)
    ctx.body = platePdf(plate)
  })

  // On the phone: everyone of the store sees its codes; binding a plate to it (seed 000 绑定空白二维码)
  // is for the merchant admin and the store's manager, like its people and devices.
  const mobile = mobileSession({ db: deps.db, tokens: deps.tokens })
  const mobileDoc = documenter(openapi, '收款二维码')
  mobileDoc('get', '/v1/mobile/stores/:id/qr-codes', '门店的收款二维码：门店码、店员码、定额二维码（商户管理员、本店店长和店员）', { mobile: true })
  router.get('/v1/mobile/stores/:id/qr-codes', mobile, async (ctx) => {
    const store = await deps.tenancy.merchants.store(scopeOfStaff(rolesOf(ctx)), id(ctx))
    ctx.body = await codes.list(mobileCaller(ctx), { storeId: store.id })
  })
  mobileDoc('post', '/v1/mobile/stores/:id/qr-codes/bind', '按码牌编号或扫到的二维码地址把空码绑定到本门店（可指定本店店员）；已绑定时 409 qr_code_already_bound（商户管理员、本店店长）', { mobile: true, body: MobileBindBody })
  router.post('/v1/mobile/stores/:id/qr-codes/bind', mobile, async (ctx) => {
    const roles = rolesOf(ctx)
    const store = await deps.tenancy.merchants.store(scopeOfStaff(roles), id(ctx))
    const by = requireStoreManager(roles, store)
    const body = MobileBindBody.parse(ctx.request.body)
    ctx.body = await codes.bindByCode(mobileCaller(ctx, by), { ...body, storeId: store.id })
  })

  doc('get', '/v1/qr-batches', '空码批次列表', { tag: '空码' })
  router.get('/v1/qr-batches', guard, async (ctx) => { ctx.body = await codes.listBatches(callerOf(ctx), BatchListQuery.parse(ctx.query)) })
  doc('post', '/v1/qr-batches', '服务商生成一批空码（最多 1000 个）', { body: CreateQrBatchBody, tag: '空码' })
  router.post('/v1/qr-batches', guard, async (ctx) => {
    ctx.status = 201
    ctx.body = await codes.createBatch(callerOf(ctx), CreateQrBatchBody.parse(ctx.request.body))
  })
  doc('get', '/v1/qr-batches/:id', '空码批次详情', { tag: '空码' })
  router.get('/v1/qr-batches/:id', guard, async (ctx) => { ctx.body = await codes.getBatch(callerOf(ctx), id(ctx)) })
  doc('get', '/v1/qr-batches/:id/plates.pdf', '下载整批空码的可打印码牌（PDF，每页 6 个）', { tag: '空码' })
  router.get('/v1/qr-batches/:id/plates.pdf', guard, async (ctx) => {
    const { batch, codes: rows } = await codes.batchCodes(callerOf(ctx), id(ctx))
    pdf(ctx, `qr-batch-${batch.id}.pdf`)
    ctx.body = batchPdf(rows.map((r) => ({ title: batch.title, url: codeUrl(deps.publicUrl, r.code), code: r.code, footer: PLATE_FOOTER })))
  })

  // Public: a customer's phone. Codes are unguessable, and the limit keeps anyone from trying.
  const limiter = rateLimit(deps, { name: 'qr:ip', limit: 120, windowMs: 60_000, key: (ctx) => ctx.ip })
  doc('get', '/v1/public/qr/:code', '付款页：二维码对应的门店、商户与单价（未绑定、已停用、不存在时返回错误）', { public: true, tag: '付款' })
  router.get('/v1/public/qr/:code', limiter, async (ctx) => {
    const r = await resolver.inspect(String(ctx.params.code))
    if (!r.ok) throw qrProblemError(r.problem)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = publicQrDTO(r.qr)
  })
  // The printed URL. It must keep working for as long as the plate hangs on the wall.
  router.get('/q/:code', async (ctx, next) => {
    try {
      await limiter(ctx, next)
    } catch (err) {
      if (err instanceof AppError && err.type === 'rate_limit') { ctx.redirect(problemPage({ problem: 'rate_limited' })); return }
      throw err
    }
  }, async (ctx) => {
    const code = String(ctx.params.code)
    const r = await resolver.inspect(code)
    ctx.set('Cache-Control', 'no-store')
    if (r.ok) { ctx.redirect(payPage(r.qr.code)); return }
    // The unbound page keeps the code, so a merchant who scans it can go on to bind it.
    ctx.redirect(problemPage(r.problem === 'unbound' ? { problem: QR_PROBLEMS.unbound.page, code: code.toLowerCase() } : { problem: QR_PROBLEMS[r.problem].page }))
  })
  return router
}
