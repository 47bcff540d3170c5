import { act, render, screen } from '@testing-library/react'
import { ORDER_CSV_FIELD_NAMES } from '@yima/shared'
import Orders from '../src/pages/console/orders/index'
import { csvRecordCounter } from '../src/services/reports'
import { loadSession } from '../src/services/session'
import { answer, list, me, NOW, resetConsole, serve, session, settle, tap, tapButton, taroRequest } from './helpers/console'

/** UTF-8 bytes without TextEncoder (jsdom has none). */
const utf8 = (s: string): Uint8Array =>
  Uint8Array.from((encodeURIComponent(s).match(/%[0-9A-F]{2}|[^%]/g) ?? []).map((t) => (t.length === 3 ? parseInt(t.slice(1), 16) : t.charCodeAt(0))))

const CSV = '\uFEFF商户订单号,订单金额（元）,备注\r\nNO3,10.03,\r\nNO2,10.02,"第一行\n第二行"\r\nNO1,10.01,"说""好的"""\r\n'

/** A fetch Response whose body hands out the chunks one read at a time, each when released. */
function streamed (chunks: Uint8Array[], headers: Record<string, string>) {
  const gates: Array<() => void> = []
  let i = 0
  const reader = {
    read: async () => {
      if (i >= chunks.length) return { done: true, value: undefined }
      const chunk = chunks[i++]
      await new Promise<void>((resolve) => { gates.push(resolve) })
      return { done: false, value: chunk }
    },
  }
  const response = {
    ok: true,
    status: 200,
    headers: { get: (k: string) => headers[k.toLowerCase()] ?? null },
    body: { getReader: () => reader },
  }
  const release = async (): Promise<void> => {
    await act(async () => {
      for (let n = 0; n < 5 && gates.length === 0; n++) await Promise.resolve()
      gates.shift()?.()
      for (let n = 0; n < 10; n++) await Promise.resolve()
    })
  }
  return { response, release }
}

const jsonResponse = (status: number, body: unknown) => ({
  ok: status >= 200 && status < 300,
  status,
  headers: { get: () => 'application/json' },
  body: null,
  json: async () => body,
})

let fetchMock: jest.Mock
let clicked: Array<{ href: string, download: string }>
const blobs: Blob[] = []

beforeEach(() => {
  resetConsole({ now: NOW })
  serve({
    'GET /v1/console/me': () => me(),
    'GET /v1/merchants': () => answer(200, list([])),
    'GET /v1/reports/orders': () => answer(200, list([])),
  })
  fetchMock = jest.fn()
  ;(globalThis as { fetch?: unknown }).fetch = fetchMock
  clicked = []
  blobs.length = 0
  Object.assign(URL, {
    createObjectURL: jest.fn((b: Blob) => { blobs.push(b); return `blob:yima/${blobs.length}` }),
    revokeObjectURL: jest.fn(),
  })
  jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push({ href: this.getAttribute('href') ?? '', download: this.download })
  })
})
afterEach(() => {
  jest.restoreAllMocks()
  delete (globalThis as { fetch?: unknown }).fetch
})

const status = (): string => document.querySelector('.csv-export__status')?.textContent ?? ''
const fill = (): string => document.querySelector<HTMLElement>('.csv-export__fill')?.style.width ?? ''

test('the chosen fields, streamed with progress against X-Row-Count, then saved as a file', async () => {
  const bytes = utf8(CSV)
  // Cut inside a multi-byte character and inside the quoted newline.
  const cut1 = utf8('\uFEFF商户订单号,订单金额（元）,备注\r\nNO3,10.03,\r\nNO2,10.02,"第').length - 1
  const cut2 = utf8('\uFEFF商户订单号,订单金额（元）,备注\r\nNO3,10.03,\r\nNO2,10.02,"第一行\n').length
  const { response, release } = streamed([bytes.slice(0, cut1), bytes.slice(cut1, cut2), bytes.slice(cut2)], { 'x-row-count': '3' })
  fetchMock.mockResolvedValue(response)

  render(<Orders />)
  await settle()
  await tapButton('orders__export')
  // Every field is on by default.
  const boxes = [...document.querySelectorAll<HTMLInputElement>('.csv-export__fields input[type=checkbox]')]
  expect(boxes.map((b) => b.value)).toEqual(ORDER_CSV_FIELD_NAMES)
  expect(boxes.every((b) => b.checked)).toBe(true)
  await tap(document.querySelector('.csv-export__field--remark input'))
  await tap(document.querySelector('.csv-export__field--channelTxnId input'))

  await tapButton('csv-export__start')
  expect(fetchMock).toHaveBeenCalledTimes(1)
  const [url, init] = fetchMock.mock.calls[0] as [string, { headers: Record<string, string> }]
  const q = Object.fromEntries(new URLSearchParams(url.split('?')[1]))
  expect(url.split('?')[0]).toBe('/v1/reports/orders.csv')
  expect(q).toEqual({
    from: '2026-11-01T00:00:00+08:00',
    to: '2026-11-08T00:00:00+08:00',
    fields: ORDER_CSV_FIELD_NAMES.filter((f) => f !== 'remark' && f !== 'channelTxnId').join(','),
  })
  expect(init.headers.Authorization).toBe('Bearer at1')
  expect(status()).toBe('已接收 0 / 3 行（0%）')

  await release()
  expect(status()).toBe('已接收 1 / 3 行（33%）')
  expect(fill()).toBe('33%')
  // The newline inside the quoted remark ends no row.
  await release()
  expect(status()).toBe('已接收 1 / 3 行（33%）')
  await release()
  await release()
  await settle()

  expect(status()).toBe('导出完成，共 3 行')
  expect(fill()).toBe('100%')
  expect(clicked).toEqual([{ href: 'blob:yima/1', download: '交易明细_2026-11-01_2026-11-07.csv' }])
  expect(blobs[0]?.size).toBe(bytes.length)
  expect(blobs[0]?.type).toBe('text/csv;charset=utf-8')
})

test('no field chosen: nothing is asked for', async () => {
  render(<Orders />)
  await settle()
  await tapButton('orders__export')
  await tap(document.querySelector('.csv-export__none'))
  await tapButton('csv-export__start')
  expect(screen.getByText('请至少选择一个导出字段')).toBeTruthy()
  expect(fetchMock).not.toHaveBeenCalled()
})

test('a refused export shows the server message and saves nothing', async () => {
  fetchMock.mockResolvedValue(jsonResponse(400, { error: { type: 'invalid_request', code: 'invalid_request', message: '未知的导出字段：x', param: 'fields' } }))
  render(<Orders />)
  await settle()
  await tapButton('orders__export')
  await tapButton('csv-export__start')
  expect(document.querySelector('.csv-export__error')?.textContent).toBe('未知的导出字段：x')
  expect(clicked).toEqual([])
})

test('an expired access token is renewed like any console call, and the export asked for again', async () => {
  const { response, release } = streamed([utf8('h\r\na\r\n')], { 'x-row-count': '1' })
  fetchMock
    .mockResolvedValueOnce(jsonResponse(401, { error: { type: 'authentication', code: 'session_expired', message: '登录已过期' } }))
    .mockResolvedValueOnce(response)
  let meCalls = 0
  const base = taroRequest.getMockImplementation()!
  taroRequest.mockImplementation((async (req: { method: string, url: string, header: Record<string, string> }) => {
    if (req.url === '/v1/auth/refresh') return answer(200, { ...session, accessToken: 'at2', refreshToken: 'rt2' })
    if (req.url === '/v1/console/me' && ++meCalls > 1 && req.header.Authorization === 'Bearer at1') {
      return answer(401, { error: { type: 'authentication', code: 'session_expired', message: '登录已过期' } })
    }
    return await (base as (r: unknown) => Promise<unknown>)(req)
  }) as never)

  render(<Orders />)
  await settle()
  await tapButton('orders__export')
  await tapButton('csv-export__start')
  await release()
  await settle()

  expect(fetchMock).toHaveBeenCalledTimes(2)
  expect((fetchMock.mock.calls[1] as [string, { headers: Record<string, string> }])[1].headers.Authorization).toBe('Bearer at2')
  expect(loadSession()?.accessToken).toBe('at2')
  expect(status()).toBe('导出完成，共 1 行')
})

test('the record counter: quoted newlines, a last row without a newline, chunks cut anywhere', () => {
  const bytes = utf8('a,b\n1,"x\ny"\n2,"z""\n"\n3,end')
  for (let cut = 0; cut <= bytes.length; cut++) {
    const c = csvRecordCounter()
    c.push(bytes.slice(0, cut))
    c.push(bytes.slice(cut))
    expect(c.end()).toBe(4)
  }
})
