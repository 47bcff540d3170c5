import type { Secret } from '../../secret'
import { DEFAULT_VENDOR_TIMEOUT_MS, isRecord, postForm } from './http'
import type { AnnouncedPayment, DeviceOutcome, DeviceRefusal, SpeakerAdapter } from './types'

// 博瑞皓科 (BRHK) cloud speakers (https://speaker.17laimai.cn, the vendor's public integration
// guide): bind.php, add.php (payment type + amount) and notify.php (free text), GET or form POST.
// Auth is the agency `token` the platform's speakers are sold under, plus the model's interface
// `version`; no signature. Answers are HTTP 200 {errcode, errmsg, detail}.
//
// 智联博众, the brand Cloud Pay named, publishes no API; BRHK's speakers stand in for it (see
// modules/devices/README.md).

export interface BrhkOptions { baseUrl: string, agencyToken: Secret<string>, timeoutMs?: number }

/**
 * The interface version of models 901/902 (WIFI and 4G), which say "微信收款12.50元". Older models
 * (210 series, other versions) would need the version stored per speaker; yima supports these.
 */
export const BRHK_MODEL_VERSION = '9'

/** `pt` prompt types of version 9: 1 支付宝收款, 2 微信收款. */
const PROMPT: Record<AnnouncedPayment, string> = { alipay: '1', wechat_pay: '2' }

const OK = 0
const BOUND_TO_OTHER = 3
const BOUND_TO_SAME = 4
const UNBOUND = 5
const DUPLICATE = 17

/** errcodes of the gateway (integration guide §错误码). */
function refusal (errcode: number, errmsg: string, raw: unknown): DeviceOutcome<never> {
  let code: DeviceRefusal
  switch (errcode) {
    case 2: code = 'not_found'; break
    case BOUND_TO_OTHER: code = 'already_bound'; break
    // Unbound (5), or sold under another agency / another model's version (8).
    case UNBOUND: case 8: code = 'not_ours'; break
    case 9: code = 'auth'; break
    default: code = 'invalid'
  }
  return { kind: 'permanent', code, message: `博瑞皓科：${errmsg !== '' ? errmsg : `errcode ${errcode}`}`, raw }
}

export function createBrhkAdapter (o: BrhkOptions): SpeakerAdapter {
  const timeoutMs = o.timeoutMs ?? DEFAULT_VENDOR_TIMEOUT_MS
  const base = o.baseUrl.replace(/\/+$/, '')

  const call = async (api: string, params: Record<string, string>, accept: readonly number[] = []): Promise<DeviceOutcome<null>> => {
    const reply = await postForm(`${base}/${api}`, { token: o.agencyToken.reveal(), version: BRHK_MODEL_VERSION, ...params }, timeoutMs)
    if (!reply.ok) {
      return reply.retryable ? { kind: 'retryable', reason: `brhk ${api}: ${reply.reason}` } : { kind: 'permanent', code: 'invalid', message: `博瑞皓科接口 ${reply.reason}` }
    }
    const b = reply.body
    if (!isRecord(b) || typeof b.errcode !== 'number') return { kind: 'retryable', reason: `brhk ${api}: unexpected answer`, raw: b }
    if (b.errcode === OK || accept.includes(b.errcode)) return { kind: 'ok', value: null, raw: b }
    return refusal(b.errcode, typeof b.errmsg === 'string' ? b.errmsg : '', b)
  }

  // m=4 (force unbind) needs no user id, so a binding left by a removal that never reached BRHK
  // can always be cleared.
  const forceUnbind = async (sn: string): Promise<DeviceOutcome<null>> => await call('bind.php', { id: sn, m: '4' }, [UNBOUND])

  return {
    brand: 'brhk',
    async bind ({ sn, userId }) {
      // 4: already bound to this user (added again after a removal).
      const r = await call('bind.php', { id: sn, m: '1', uid: userId }, [BOUND_TO_SAME])
      // Only the agency token's holder can bind its speakers: a binding to another user id is the
      // platform's own, left by a removal that never reached BRHK (the caller checked yima has no
      // live row for the SN). Clear it and bind again.
      if (r.kind === 'permanent' && r.code === 'already_bound') {
        const cleared = await forceUnbind(sn)
        if (cleared.kind !== 'ok') return cleared
        return await call('bind.php', { id: sn, m: '1', uid: userId }, [BOUND_TO_SAME])
      }
      return r
    },
    unbind: forceUnbind,
    async announce ({ sn, platform, amountFen, volume, seq }) {
      // 17: the same seq and content within 200 s, i.e. a retry of a push the speaker already took.
      return await call('add.php', { id: sn, pt: PROMPT[platform], price: String(amountFen), vol: String(volume), seq }, [DUPLICATE])
    },
    async say ({ sn, text, volume, seq }) {
      return await call('notify.php', { id: sn, message: text, vol: String(volume), seq }, [DUPLICATE])
    },
  }
}
