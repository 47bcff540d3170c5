import { addCard, addCardOutcome, NO_CARD_BRIDGE } from '../src/lib/card-bridge'

type FakeWindow = Window & { WeixinJSBridge?: unknown }
const fakeWindow = (): FakeWindow => ({ document: document.implementation.createHTMLDocument('card') }) as unknown as FakeWindow
const PARAMS = { cardId: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc', cardExt: '{"timestamp":"1","signature":"s"}' }

test('batch_add_card answers: card_list as a JSON string or an array; cancel; fail with WeChat\'s words', () => {
  const listed = JSON.stringify([{ card_id: PARAMS.cardId, card_ext: PARAMS.cardExt, code: 'ENC==', is_succ: true }])
  expect(addCardOutcome({ err_msg: 'batch_add_card:ok', card_list: listed }, PARAMS.cardId)).toEqual({ outcome: 'ok', encryptCode: 'ENC==' })
  expect(addCardOutcome({ err_msg: 'batch_add_card:ok', card_list: [{ card_id: PARAMS.cardId, code: 'ENC2', is_succ: 1 }] }, PARAMS.cardId)).toEqual({ outcome: 'ok', encryptCode: 'ENC2' })
  expect(addCardOutcome({ errMsg: 'addCard:ok', card_list: [{ cardId: PARAMS.cardId, code: 'ENC3', isSuccess: true }] }, PARAMS.cardId)).toEqual({ outcome: 'ok', encryptCode: 'ENC3' })
  expect(addCardOutcome({ err_msg: 'batch_add_card:cancel' }, PARAMS.cardId)).toEqual({ outcome: 'cancel' })
  expect(addCardOutcome({ err_msg: 'batch_add_card:fail' }, PARAMS.cardId)).toEqual({ outcome: 'fail', message: '领取会员卡失败，请稍后重试' })
  expect(addCardOutcome({ err_msg: 'batch_add_card:fail, card not exist' }, PARAMS.cardId)).toEqual({ outcome: 'fail', message: '领取会员卡失败，请稍后重试（card not exist）' })
  expect(addCardOutcome({ err_msg: 'system:access_denied' }, PARAMS.cardId).outcome).toBe('fail')
  expect(addCardOutcome({ err_msg: 'batch_add_card:ok', card_list: '[{"card_id":"x","code":"E","is_succ":false}]' }, 'x')).toEqual({ outcome: 'fail', message: '会员卡未能放入卡包，请重试' })
  expect(addCardOutcome({ err_msg: 'batch_add_card:ok', card_list: 'not json' }, 'x').outcome).toBe('fail')
  expect(addCardOutcome(undefined, 'x').outcome).toBe('fail')
})

test('addCard: loads the sandbox shim first, waits for the bridge, invokes batchAddCard with card_list', async () => {
  const win = fakeWindow()
  const invoke = jest.fn((_api: string, _p: object, cb: (r: unknown) => void) => { cb({ err_msg: 'batch_add_card:ok', card_list: JSON.stringify([{ card_id: PARAMS.cardId, code: 'ENC==', is_succ: true }]) }) })
  const load = jest.fn(async () => {
    win.WeixinJSBridge = { invoke }
    win.document.dispatchEvent(new Event('WeixinJSBridgeReady'))
  })
  await expect(addCard(PARAMS, { win, load, scriptUrl: 'http://sandbox/bridge.js', timeoutMs: 1000 })).resolves.toEqual({ outcome: 'ok', encryptCode: 'ENC==' })
  expect(load).toHaveBeenCalledWith('http://sandbox/bridge.js')
  expect(invoke).toHaveBeenCalledWith('batchAddCard', { card_list: [{ card_id: PARAMS.cardId, card_ext: PARAMS.cardExt }] }, expect.any(Function))
})

test('addCard: no bridge, or the shim fails to load → a message, no invoke', async () => {
  await expect(addCard(PARAMS, { win: fakeWindow(), timeoutMs: 10 })).resolves.toEqual({ outcome: 'fail', message: NO_CARD_BRIDGE })
  await expect(addCard(PARAMS, { win: fakeWindow(), scriptUrl: 'x.js', load: async () => { throw new Error('404') } })).resolves.toEqual({ outcome: 'fail', message: NO_CARD_BRIDGE })
})
