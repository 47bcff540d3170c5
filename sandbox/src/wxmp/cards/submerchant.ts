import type Router from '@koa/router'
import { z } from 'zod'
import { WxError, ok } from '../errors'
import { api, parseBody, readJson } from '../http'
import { cardCaller, type CardDeps } from './common'
import type { SubMerchant } from './store'

const Info = z.object({
  brand_name: z.string().min(1),
  logo_url: z.string().min(1),
  protocol: z.string().min(1),
  end_time: z.number().int(),
  primary_category_id: z.number().int(),
  secondary_category_id: z.number().int(),
  agreement_media_id: z.string().optional(),
  operator_media_id: z.string().optional(),
  app_id: z.string().optional(),
})
const SubmitBody = z.object({ info: Info })
const UpdateBody = z.object({ info: Info.partial().extend({ merchant_id: z.number().int() }) })
const GetBody = z.object({ merchant_id: z.number().int() })
const BatchBody = z.object({ begin_id: z.number().int(), limit: z.number().int().min(1).max(100), status: z.string().optional() })

/** The `info` object WeChat returns for a sub-merchant. */
function view (sm: SubMerchant): Record<string, unknown> {
  return {
    merchant_id: sm.merchant_id,
    app_id: sm.app_id,
    create_time: sm.create_time,
    update_time: sm.update_time,
    brand_name: sm.brand_name,
    logo_url: sm.logo_url,
    status: sm.status,
    begin_time: sm.begin_time,
    end_time: sm.end_time,
    primary_category_id: sm.primary_category_id,
    secondary_category_id: sm.secondary_category_id,
  }
}

/**
 * 卡券子商户 (第三方代制): the SP's account submits a merchant's qualifications, WeChat reviews them
 * (control `POST /__sim/wxmp/submerchants/:id/review`), and cards for that merchant name its merchant_id.
 */
export function submerchantRoutes (router: Router, deps: CardDeps): void {
  const { world, store } = deps

  const own = (appid: string, merchantId: number): SubMerchant => {
    const sm = store.submerchants.get(merchantId)
    if (sm === undefined || sm.owner_appid !== appid) throw new WxError(40139)
    return sm
  }

  router.post('/card/submerchant/submit', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const { info } = parseBody(SubmitBody, await readJson(ctx))
    const now = store.nowS()
    const sm: SubMerchant = {
      merchant_id: store.nextMerchantId(),
      owner_appid: app.appid,
      app_id: info.app_id ?? '',
      brand_name: info.brand_name,
      logo_url: info.logo_url,
      protocol: info.protocol,
      agreement_media_id: info.agreement_media_id ?? '',
      operator_media_id: info.operator_media_id ?? '',
      primary_category_id: info.primary_category_id,
      secondary_category_id: info.secondary_category_id,
      begin_time: now,
      end_time: info.end_time,
      create_time: now,
      update_time: now,
      status: 'CHECKING',
    }
    store.submerchants.set(sm.merchant_id, sm)
    return { ...ok(), info: view(sm) }
  }))

  router.post('/card/submerchant/update', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const { info } = parseBody(UpdateBody, await readJson(ctx))
    const sm = own(app.appid, info.merchant_id)
    const { merchant_id: _id, ...changes } = info
    Object.assign(sm, Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)))
    // Changed qualifications go back to review.
    sm.status = 'CHECKING'
    sm.update_time = store.nowS()
    return { ...ok(), info: view(sm) }
  }))

  router.post('/card/submerchant/get', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const { merchant_id: merchantId } = parseBody(GetBody, await readJson(ctx))
    return { ...ok(), info: view(own(app.appid, merchantId)) }
  }))

  router.post('/card/submerchant/batchget', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const body = parseBody(BatchBody, await readJson(ctx))
    const page = [...store.submerchants.values()]
      .filter((sm) => sm.owner_appid === app.appid && sm.merchant_id >= body.begin_id && (body.status === undefined || sm.status === body.status))
      .sort((a, b) => a.merchant_id - b.merchant_id)
      .slice(0, body.limit)
    return { ...ok(), info_list: page.map(view), next_begin_id: page.at(-1)?.merchant_id ?? body.begin_id }
  }))
}
