import type { WechatBindingDTO } from '@yima/shared'
import { createBindingFlow, type BindingView } from '../src/lib/binding-flow'
import { ApiError } from '../src/services/api'

const NOW = Date.parse('2024-05-01T00:00:00Z')
const binding = (id: string, status: WechatBindingDTO['status'], expiresInMs = 300_000): WechatBindingDTO =>
  ({ id, url: `http://yima.test/wx/bind/${id}`, status, expiresAt: new Date(NOW + expiresInMs).toISOString() })

/** Lets pending promise callbacks run (the flow chains .then on the API calls). */
const settle = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve() }

function setup (answers: { create: Array<WechatBindingDTO | Error>, get: Array<WechatBindingDTO | Error> }) {
  const views: BindingView[] = []
  const create = jest.fn(async () => { const a = answers.create.shift(); if (a === undefined || a instanceof Error) throw a ?? new Error('no answer'); return a })
  const get = jest.fn(async (_id: string) => { const a = answers.get.shift(); if (a === undefined || a instanceof Error) throw a ?? new Error('no answer'); return a })
  const onBound = jest.fn()
  let clock = NOW
  const flow = createBindingFlow({ create, get, onBound, onChange: (v) => views.push(v), now: () => clock })
  return { flow, views, create, get, onBound, advance: (ms: number) => { clock += ms; jest.advanceTimersByTime(ms) } }
}

beforeEach(() => { jest.useFakeTimers() })
afterEach(() => { jest.useRealTimers() })

test('pending → polled every 2 s → bound: stops polling and reports once', async () => {
  const t = setup({ create: [binding('b1', 'pending')], get: [binding('b1', 'pending'), binding('b1', 'bound')] })
  t.flow.start()
  await settle()
  expect(t.views.map((v) => v.phase)).toEqual(['creating', 'pending'])
  expect(t.get).not.toHaveBeenCalled()

  t.advance(1999)
  await settle()
  expect(t.get).not.toHaveBeenCalled()
  t.advance(1)
  await settle()
  expect(t.get).toHaveBeenCalledWith('b1')
  // Still pending and the same QR: nothing new to show.
  expect(t.views.map((v) => v.phase)).toEqual(['creating', 'pending'])

  t.advance(2000)
  await settle()
  expect(t.views.map((v) => v.phase)).toEqual(['creating', 'pending', 'bound'])
  expect(t.onBound).toHaveBeenCalledTimes(1)
  t.advance(10_000)
  await settle()
  expect(t.get).toHaveBeenCalledTimes(2)
})

test('expired stops polling until refreshed; the refresh asks for a new QR', async () => {
  const t = setup({ create: [binding('b1', 'pending'), binding('b2', 'pending')], get: [binding('b1', 'expired')] })
  t.flow.start()
  await settle()
  t.advance(2000)
  await settle()
  expect(t.flow.view()).toEqual({ phase: 'expired', binding: binding('b1', 'expired') })
  t.advance(10_000)
  await settle()
  expect(t.get).toHaveBeenCalledTimes(1)

  t.flow.start() // "二维码已失效，点击刷新"
  await settle()
  expect(t.create).toHaveBeenCalledTimes(2)
  expect(t.flow.view()).toMatchObject({ phase: 'pending', binding: { id: 'b2' } })
})

test('a failed poll is retried; a binding the server no longer knows counts as expired', async () => {
  const t = setup({
    create: [binding('b1', 'pending')],
    get: [new ApiError(0, 'unavailable', 'network_error', '网络连接失败'), new ApiError(404, 'not_found', 'resource_not_found', '请求的对象不存在')],
  })
  t.flow.start()
  await settle()
  t.advance(2000)
  await settle()
  expect(t.flow.view().phase).toBe('pending')
  t.advance(2000)
  await settle()
  expect(t.flow.view().phase).toBe('expired')
})

test('past expiresAt (plus a grace) the dialog stops waiting even if the server still says pending', async () => {
  const t = setup({ create: [binding('b1', 'pending', 3000)], get: [binding('b1', 'pending', 3000), binding('b1', 'pending', 3000)] })
  t.flow.start()
  await settle()
  t.advance(2000)
  await settle()
  expect(t.flow.view().phase).toBe('pending')
  t.advance(12_000)
  await settle()
  expect(t.flow.view().phase).toBe('expired')
})

test('creation failures are shown; stop() drops answers still in flight', async () => {
  const t = setup({ create: [new ApiError(429, 'rate_limit', 'rate_limited', '请求过于频繁，请稍后再试'), binding('b2', 'pending')], get: [binding('b2', 'bound')] })
  t.flow.start()
  await settle()
  expect(t.flow.view()).toEqual({ phase: 'error', message: '请求过于频繁，请稍后再试' })

  t.flow.start()
  await settle()
  t.advance(2000)
  t.flow.stop()
  await settle()
  expect(t.flow.view().phase).toBe('pending')
  expect(t.onBound).not.toHaveBeenCalled()
})
