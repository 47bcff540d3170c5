import { createHash } from 'node:crypto'
import type Router from '@koa/router'
import type { Context } from 'koa'
import { fen, fenToYuanString } from '@yima/shared'
import type { SimWorld } from '../core/world'
import { deviceFault, requestParams, transportFault, type DeviceFault } from './http'
import type { Device, DeviceRegistry } from './registry'

// 博瑞皓科 (BRHK) cloud speakers (https://speaker.17laimai.cn): GET or form POST to bind.php, add.php
// (payment amount + type) and notify.php (free text, TTS). Auth is the agency `token` issued by the
// vendor, plus the model's interface `version`; there is no request signature. Answers are HTTP 200
// {errcode, errmsg, detail} with the gateway codes of the vendor's integration guide.

export interface BrhkAccount { token: string }

type Reply = [errcode: number, errmsg: string]
const SUCCESS: Reply = [0, 'success']
const UNKNOWN: Reply = [1, '未知错误']
const CODES = {
  notFound: [2, 'SPEAKERID 不存在'],
  boundToOther: [3, 'SPEAKERID 已经被其它用户 ID 绑定'],
  boundToSame: [4, 'SPEAKERID 已经被同一用户 ID 绑定'],
  unbound: [5, 'SPEAKERID 未被任何用户 ID 绑定'],
  noId: [6, '未提供 SPEAKERID'],
  noPermission: [8, '此 token 无此 SPEAKERID 权限'],
  badToken: [9, '无效的 token'],
  duplicate: [17, '重复的请求'],
} satisfies Record<string, Reply>

/** Requests with the same `seq` and the same content within 200 s are duplicates (errcode 17). */
const DEDUP_MS = 200_000
const MAX_MESSAGE_BYTES = 128

/** Payment-type prompts (`pt`): models 901/902 (version 9) say "…收款", the others the 210 series' words. */
const PT_V9: Record<string, string> = { 1: '支付宝收款', 2: '微信收款', 3: '云闪付收款', 8: '会员卡消费', 9: '会员卡充值', 10: '翼支付收款成功', 11: '退款', 12: '支付宝退款', 13: '微信退款', 19: '京东收款成功', 20: '有用户取消订单' }
const PT_210: Record<string, string> = {
  1: '支付宝', 2: '微信支付', 3: '云支付', 4: '余额支付', 5: '微信储值', 6: '微信买单', 7: '银联刷卡', 8: '会员卡消费', 9: '会员卡充值', 10: '翼支付', 11: '退款', 12: '支付宝退款', 13: '微信退款', 14: '银行卡退款', 15: '银联退款', 16: '工行e支付', 18: 'QQ钱包到账', 19: '京东支付', 20: '用户取消支付', 22: '西银惠支付',
}

/** vol: 0–100; undefined keeps the speaker's current volume, NaN marks a bad value. */
function volumeOf (raw: string | undefined, current: number): number {
  if (raw === undefined || raw === '') return current
  const v = Number(raw)
  return Number.isInteger(v) && v >= 0 && v <= 100 ? v : Number.NaN
}

interface Call { p: Record<string, string>, d: Device, fault: DeviceFault }

export function brhkRoutes (router: Router, world: SimWorld, registry: DeviceRegistry, account: BrhkAccount): void {
  const seen = new Map<string, { atMs: number, digest: string }>()

  const speak = ({ d, fault }: Call, text: string, volume: number): Reply => {
    d.volume = volume
    registry.announce(d, text, volume, fault === undefined)
    return SUCCESS
  }

  const apis: Record<string, (call: Call) => Reply> = {
    /** m: 1 bind, 0 unbind, 4 force unbind (no USERID needed). */
    'bind.php': ({ p, d }) => {
      const { m, uid } = p
      if (m === '4') {
        if (d.boundTo === undefined) return CODES.unbound
        d.boundTo = undefined
        return SUCCESS
      }
      if ((m !== '0' && m !== '1') || uid === undefined || uid === '') return UNKNOWN
      if (m === '1') {
        if (d.boundTo === uid) return CODES.boundToSame
        if (d.boundTo !== undefined) return CODES.boundToOther
        d.boundTo = uid
        return SUCCESS
      }
      if (d.boundTo === undefined) return CODES.unbound
      if (d.boundTo !== uid) return CODES.boundToOther
      d.boundTo = undefined
      return SUCCESS
    },
    /** price in fen; the speaker says the payment type's prompt and the amount. Needs a bound speaker (WIFI 310/330 rule). */
    'add.php': (call) => {
      const { p, d } = call
      const price = Number(p.price)
      const volume = volumeOf(p.vol, d.volume)
      if (!Number.isInteger(price) || price < 1 || price > 2_147_483_647 || Number.isNaN(volume)) return UNKNOWN
      if (d.boundTo === undefined) return CODES.unbound
      const prompts = d.version === '9' ? PT_V9 : PT_210
      return speak(call, `${prompts[p.pt ?? ''] ?? '收款'}${fenToYuanString(fen(price))}元`, volume)
    },
    /** Free text read by the speaker's TTS (at most 128 bytes). */
    'notify.php': (call) => {
      const { p, d } = call
      const volume = volumeOf(p.vol, d.volume)
      if (p.message === undefined || p.message === '' || Buffer.byteLength(p.message) > MAX_MESSAGE_BYTES || Number.isNaN(volume)) return UNKNOWN
      return speak(call, p.message, volume)
    },
  }

  const isDuplicate = (api: string, p: Record<string, string>): boolean => {
    if (p.seq === undefined || p.seq === '') return false
    const key = `${p.id ?? ''}|${api}|${p.seq}`
    const digest = createHash('sha1').update(JSON.stringify(Object.entries(p).filter(([k]) => k !== 'seq').sort())).digest('hex')
    const now = world.clock.nowMs()
    const prior = seen.get(key)
    if (prior !== undefined && prior.digest === digest && now - prior.atMs < DEDUP_MS) return true
    seen.set(key, { atMs: now, digest })
    return false
  }

  const handle = async (ctx: Context, api: string): Promise<void> => {
    const handler = apis[api]
    if (handler === undefined) return
    const send = ([errcode, errmsg]: Reply): void => { ctx.body = { errcode, errmsg, detail: null } }
    const p = requestParams(ctx)
    const fault = world.faults.take(`devices:brhk:${api}`)
    if (await transportFault(ctx, fault)) return
    if (p.id === undefined || p.id === '') return send(CODES.noId)
    if (p.token !== account.token) return send(CODES.badToken)
    const d = registry.get('brhk', p.id)
    if (d === undefined) return send(CODES.notFound)
    // The vendor's FAQ: a wrong `version` for the model shows up as "no permission" too.
    if (d.agencyToken !== p.token || d.version !== p.version) return send(CODES.noPermission)
    if (isDuplicate(api, p)) return send(CODES.duplicate)
    send(handler({ p, d, fault: deviceFault(fault) }))
  }

  for (const api of Object.keys(apis)) {
    router.get(`/brhk/${api}`, async (ctx) => { await handle(ctx, api) })
    router.post(`/brhk/${api}`, async (ctx) => { await handle(ctx, api) })
  }
}
