import type { AddCardParamsDto } from '@yima/shared'
import { BRIDGE_TIMEOUT_MS, loadScript, waitForBridge } from './pay-bridge'

/*
 * 领取到卡包: the WeChat client's `batchAddCard` bridge call (what JS-SDK's `wx.addCard` wraps),
 * with the card and the cardExt the server signed. WeChat answers, per card, an encrypted code
 * that the server decrypts (`/card/code/decrypt`) to make the membership.
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html (批量添加卡券接口)
 */

/**
 * - ok: the card is in the wallet; `encryptCode` goes to `POST claims`
 * - cancel: the customer closed the wallet sheet; nothing to say
 * - fail: `message` is for the customer
 */
export type AddCardOutcome = { outcome: 'ok', encryptCode: string } | { outcome: 'cancel' } | { outcome: 'fail', message: string }

/** The raw bridge answer: `card_list` is a JSON string on most clients, an array on some (and in the sandbox shim). */
export interface AddCardBridgeResult { err_msg?: string, errMsg?: string, err_desc?: string, card_list?: unknown }

interface AddedCard { card_id?: unknown, code?: unknown, is_succ?: unknown, cardId?: unknown, isSuccess?: unknown }

export const NO_CARD_BRIDGE = '无法打开微信卡包，请在微信中打开本页面'
const ADD_FAILED = '领取会员卡失败，请稍后重试'

function cardList (raw: unknown): AddedCard[] {
  let list = raw
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw)
    } catch {
      return []
    }
  }
  return Array.isArray(list) ? list.filter((c): c is AddedCard => c !== null && typeof c === 'object') : []
}

/** `batch_add_card:ok|cancel|fail…` and the card list, for the card `cardId`. */
export function addCardOutcome (res: AddCardBridgeResult | undefined, cardId: string): AddCardOutcome {
  const msg = res?.err_msg ?? res?.errMsg ?? ''
  const status = msg.slice(msg.lastIndexOf(':') + 1).trim()
  if (status === 'cancel') return { outcome: 'cancel' }
  if (status !== 'ok') {
    // e.g. `batch_add_card:fail, card not exist`: WeChat's words, shown after ours.
    const detail = res?.err_desc ?? msg.replace(/^[^:]*:\s*fail[\s,:_-]*/i, '')
    return { outcome: 'fail', message: detail === '' || detail === msg ? ADD_FAILED : `${ADD_FAILED}（${detail}）` }
  }
  const cards = cardList(res?.card_list)
  const card = cards.find((c) => c.card_id === cardId || c.cardId === cardId) ?? (cards.length === 1 ? cards[0] : undefined)
  const succeeded = card !== undefined && card.is_succ !== false && card.is_succ !== 0 && card.isSuccess !== false
  if (!succeeded || typeof card.code !== 'string' || card.code === '') return { outcome: 'fail', message: '会员卡未能放入卡包，请重试' }
  return { outcome: 'ok', encryptCode: card.code }
}

export interface AddCardOptions {
  /** The sandbox's shim (CustomerCardDto.bridgeScriptUrl), loaded before waiting for the bridge. */
  scriptUrl?: string
  win?: Window
  timeoutMs?: number
  load?: (url: string) => Promise<void>
}

/** Opens WeChat's add-to-wallet sheet for the card. */
export async function addCard (params: AddCardParamsDto, o: AddCardOptions = {}): Promise<AddCardOutcome> {
  if (o.scriptUrl !== undefined && o.scriptUrl !== '') {
    try {
      await (o.load ?? loadScript)(o.scriptUrl)
    } catch {
      return { outcome: 'fail', message: NO_CARD_BRIDGE }
    }
  }
  const wx = await waitForBridge(o.win ?? window, 'WeixinJSBridge', o.timeoutMs ?? BRIDGE_TIMEOUT_MS)
  if (wx === undefined) return { outcome: 'fail', message: NO_CARD_BRIDGE }
  const args = { card_list: [{ card_id: params.cardId, card_ext: params.cardExt }] }
  return await new Promise((resolve) => {
    wx.invoke('batchAddCard', args, (res) => { resolve(addCardOutcome(res as AddCardBridgeResult, params.cardId)) })
  })
}
