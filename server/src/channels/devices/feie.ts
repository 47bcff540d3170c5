import { createHash } from 'node:crypto'
import type { Secret } from '../../secret'
import { DEFAULT_VENDOR_TIMEOUT_MS, isRecord, postForm } from './http'
import { DIVIDER, plainText, type DeviceOutcome, type DeviceRefusal, type PrintDocument, type PrinterAdapter, type PrinterCondition } from './types'

// 飞鹅云 open API (http://www.feieyun.com/open/apidoc-cn.html): one URL, form POST, `apiname` picks
// the call; every call carries user, stime (Unix seconds) and sig = sha1(user + UKEY + stime).
// Answers are HTTP 200 {msg, ret, data, serverExecutedTime}, ret 0 = ok.

export interface FeieOptions { url: string, user: string, ukey: Secret<string>, timeoutMs?: number }

interface Envelope { ret: number, msg: string, data: unknown }

/** A 58 mm roll holds 32 half-width characters a line. */
const RULE = '-'.repeat(32)

/** Feie markup: `<CB>` centred large bold, `<BR>` a line break. */
export function feieContent (doc: PrintDocument): string {
  const body = doc.lines.map((l) => l === DIVIDER ? RULE : plainText(l)).join('<BR>')
  return `<CB>${plainText(doc.title)}</CB><BR>${body}<BR><BR>`
}

/**
 * ret codes of Feie's documents: -2 a parameter (also "该帐号未注册": the platform's user), -3 the
 * signature (the platform's UKEY), 1001 a date format, 1002 a printer not under this user.
 */
function refusal (e: Envelope): DeviceOutcome<never> {
  const message = e.msg !== '' ? e.msg : `飞鹅返回 ret=${e.ret}`
  let code: DeviceRefusal
  if (e.ret === -3 || (e.ret === -2 && e.msg.includes('未注册'))) code = 'auth'
  else if (e.ret === 1002) code = 'not_ours'
  else code = 'invalid'
  return { kind: 'permanent', code, message, raw: e }
}

/** The `no` list of Open_printerAddlist / Open_printerDelList names why, in words. */
function listRefusal (line: string, raw: unknown): DeviceOutcome<never> {
  const message = line.replace(/^\S+\s*/, '').replace(/[（(]\s*错误[：:]\s*/, '').replace(/[）)]\s*$/, '').trim() || line
  let code: DeviceRefusal = 'invalid'
  if (line.includes('已被添加过')) code = 'already_bound'
  else if (line.includes('识别码不正确')) code = 'bad_key'
  else if (line.includes('编号错误') || line.includes('不存在')) code = 'not_found'
  else if (line.includes('不匹配')) code = 'not_ours'
  return { kind: 'permanent', code, message: `飞鹅：${message}`, raw }
}

/** Open_queryPrinterStatus says it in words; anything else is reported, never guessed. */
export function feieCondition (data: unknown): PrinterCondition {
  if (typeof data !== 'string') return 'unknown'
  if (data.startsWith('离线')) return 'offline'
  if (data.includes('不正常')) return 'paper_out'
  if (data.includes('正常')) return 'online'
  return 'unknown'
}

export function createFeieAdapter (o: FeieOptions): PrinterAdapter {
  const timeoutMs = o.timeoutMs ?? DEFAULT_VENDOR_TIMEOUT_MS

  const call = async (apiname: string, params: Record<string, string>): Promise<DeviceOutcome<Envelope>> => {
    const stime = String(Math.floor(Date.now() / 1000))
    const sig = createHash('sha1').update(o.user + o.ukey.reveal() + stime).digest('hex')
    const reply = await postForm(o.url, { user: o.user, stime, sig, apiname, ...params }, timeoutMs)
    if (!reply.ok) {
      return reply.retryable ? { kind: 'retryable', reason: `feie ${apiname}: ${reply.reason}` } : { kind: 'permanent', code: 'invalid', message: `飞鹅接口 ${reply.reason}` }
    }
    const b = reply.body
    if (!isRecord(b) || typeof b.ret !== 'number') return { kind: 'retryable', reason: `feie ${apiname}: unexpected answer`, raw: b }
    const e: Envelope = { ret: b.ret, msg: typeof b.msg === 'string' ? b.msg : '', data: b.data }
    return e.ret === 0 ? { kind: 'ok', value: e, raw: b } : refusal(e)
  }

  const listResult = (e: Envelope, raw: unknown): DeviceOutcome<null> => {
    const data = isRecord(e.data) ? e.data : {}
    const no = Array.isArray(data.no) ? data.no.filter((x): x is string => typeof x === 'string') : []
    const ok = Array.isArray(data.ok) ? data.ok : []
    if (no[0] !== undefined) return listRefusal(no[0], raw)
    if (ok.length === 0) return { kind: 'retryable', reason: 'feie: neither ok nor no in the answer', raw }
    return { kind: 'ok', value: null, raw }
  }

  const status: PrinterAdapter['status'] = async (sn) => {
    const r = await call('Open_queryPrinterStatus', { sn })
    return r.kind === 'ok' ? { kind: 'ok', value: feieCondition(r.value.data), raw: r.raw } : r
  }

  return {
    brand: 'feie',
    async bind ({ sn, key, name }) {
      // One `sn#key#remark` line; '#' and line breaks would split it.
      const remark = (name ?? '').replace(/[#\r\n]/g, ' ').trim()
      const r = await call('Open_printerAddlist', { printerContent: `${sn}#${key}${remark === '' ? '' : `#${remark}`}` })
      if (r.kind !== 'ok') return r
      const added = listResult(r.value, r.raw)
      // "已被添加过" is also Feie's answer when the platform itself added it earlier (a removal
      // whose unbind never reached Feie): a status query works only for our own printers.
      if (added.kind === 'permanent' && added.code === 'already_bound') {
        const mine = await status(sn)
        if (mine.kind === 'ok') return { kind: 'ok', value: null, raw: r.raw }
      }
      return added
    },
    async unbind (sn) {
      const r = await call('Open_printerDelList', { snlist: sn })
      return r.kind === 'ok' ? listResult(r.value, r.raw) : r
    },
    async print ({ sn, doc, copies }) {
      const r = await call('Open_printMsg', { sn, content: feieContent(doc), times: String(copies) })
      if (r.kind !== 'ok') return r
      const id = r.value.data
      return typeof id === 'string' && id !== '' ? { kind: 'ok', value: { vendorOrderId: id }, raw: r.raw } : { kind: 'retryable', reason: 'feie Open_printMsg: no order id in the answer', raw: r.raw }
    },
    status,
  }
}
