import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { chooseCsv } from '../src/lib/choose-csv'
import MemberImport from '../src/pages/member-import/index'
import { mockApi, type Reply, type Sent, withParams } from './helpers/api'
import { renderPage, tap, tapButton } from './helpers/ui'

// The file picker is the platform's (tested by hand on the phone); here it hands over a file.
jest.mock('../src/lib/choose-csv', () => ({ chooseCsv: jest.fn(), CHOOSE_CSV_HINT: '选择手机中的 CSV 文件' }))

// The shared mock renders Textarea as a bare div: this one is a <textarea> the test can type into.
jest.mock('@tarojs/components', () => {
  const React = jest.requireActual('react')
  const actual = jest.requireActual('@tarojs/components')
  const Textarea = ({ className, value, placeholder, onInput }: { className?: string, value?: string, placeholder?: string, onInput?: (e: { detail: { value: string } }) => void }) =>
    React.createElement('div', { className }, React.createElement('textarea', {
      value, placeholder, onChange: (e: { target: { value: string } }) => { onInput?.({ detail: { value: e.target.value } }) },
    }))
  return new Proxy(actual, { get: (t, k) => (k === 'Textarea' ? Textarea : t[k]) })
})

const choose = jest.mocked(chooseCsv)
const showModal = jest.mocked(Taro.showModal)

const CSV = '\uFEFF手机号,姓名,本金,赠送金\r\n13800138000,张三,100.00,20\r\n1380013800,李四,50,\r\n13900139000,王五,abc,\r\n'
const IMPORT = 'POST /v1/mobile/merchants/mch_1/members/import'

const rejected: Reply = {
  statusCode: 400,
  data: {
    error: {
      type: 'invalid_request',
      code: 'import_rejected',
      message: '导入文件中有不合格的行，未导入任何数据',
      requestId: 'req_server_1',
      details: { rejected: [{ line: 3, phone: '1380013800', reason: '手机号应为 11 位数字' }, { line: 4, phone: '13900139000', reason: '本金格式不正确' }] },
    },
  },
}

let sent: Sent[] = []

beforeEach(() => {
  choose.mockReset()
  showModal.mockReset()
  showModal.mockResolvedValue({ confirm: true, cancel: false } as never)
  withParams({ merchant: 'mch_1' })
})
afterEach(() => { jest.restoreAllMocks() })

const imports = (): Sent[] => sent.filter((r) => `${r.method} ${r.url}` === IMPORT)

test('explains the format, sends the chosen file and lists the rows the server rejected', async () => {
  sent = mockApi({ [IMPORT]: rejected })
  choose.mockResolvedValue({ name: '旧会员.csv', text: CSV })
  const container = await renderPage(<MemberImport />)
  expect(screen.getAllByText(/手机号,姓名,本金,赠送金/).length).toBeGreaterThan(0)

  await tapButton(container, '.member-import__choose')
  expect(screen.getByText('旧会员.csv')).toBeTruthy()
  expect(screen.getByText('3 行会员数据')).toBeTruthy()
  await tapButton(container, '.member-import__submit')

  expect(showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认导入', content: expect.stringContaining('3 位会员') }))
  // Sent without the byte-order mark, otherwise as chosen.
  expect(imports().map((r) => r.data)).toEqual([{ csv: CSV.slice(1) }])
  expect(await screen.findByText('不合格的行（2）')).toBeTruthy()
  expect(screen.getByText('导入文件中有不合格的行，未导入任何数据')).toBeTruthy()
  expect(screen.getByText('第 3 行 · 1380013800')).toBeTruthy()
  expect(screen.getByText('手机号应为 11 位数字')).toBeTruthy()
  expect(screen.getByText('第 4 行 · 13900139000')).toBeTruthy()
  expect(screen.getByText('本金格式不正确')).toBeTruthy()
  // The file stays, to be fixed and sent again.
  expect(screen.getByText('旧会员.csv')).toBeTruthy()

  // The same CSV again carries the same key (a lost answer cannot import twice); another CSV a new one.
  await tapButton(container, '.member-import__submit')
  choose.mockResolvedValue({ name: '改好的.csv', text: CSV.replace('1380013800,', '13800138001,') })
  await tapButton(container, '.member-import__choose')
  await tapButton(container, '.member-import__submit')
  const keys = imports().map((r) => r.header['Idempotency-Key'])
  expect(keys).toHaveLength(3)
  expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/)
  expect(keys[1]).toBe(keys[0])
  expect(keys[2]).not.toBe(keys[0])
})

test('pasted CSV is imported and the report shown', async () => {
  sent = mockApi({ [IMPORT]: { statusCode: 201, data: { imported: 2, principalFen: 15000, bonusFen: 2000 } } })
  const container = await renderPage(<MemberImport />)
  const text = '手机号,姓名,本金,赠送金\n13800138000,张三,100.00,20\n13900139000,李四,50,'
  const area = container.querySelector('.member-import__text textarea')!
  await act(async () => { fireEvent.change(area, { target: { value: text } }) })
  await tapButton(container, '.member-import__submit')

  expect(imports().map((r) => r.data)).toEqual([{ csv: text }])
  expect(await screen.findByText('导入完成')).toBeTruthy()
  expect(screen.getByText('2 位')).toBeTruthy()
  expect(screen.getByText('¥150.00')).toBeTruthy()
  expect(screen.getByText('¥20.00')).toBeTruthy()
})

test('a file without the header, or not in UTF-8, is refused before sending', async () => {
  sent = mockApi({})
  const container = await renderPage(<MemberImport />)

  await tapButton(container, '.member-import__submit')
  expect(screen.getByText('请选择 CSV 文件，或粘贴 CSV 内容')).toBeTruthy()

  choose.mockResolvedValueOnce({ name: 'a.csv', text: '13800138000,张三,100,\n' })
  await tapButton(container, '.member-import__choose')
  expect(screen.getByText('第一行应为表头：手机号,姓名,本金,赠送金')).toBeTruthy()

  choose.mockResolvedValueOnce({ name: 'gbk.csv', text: '\uFFFD\uFFFD,\uFFFD\uFFFD\n' })
  await tapButton(container, '.member-import__choose')
  expect(screen.getByText(/文件不是 UTF-8 编码/)).toBeTruthy()
  await tapButton(container, '.member-import__submit')

  choose.mockRejectedValueOnce(new Error('文件过大：一次最多导入 1 MB'))
  await tapButton(container, '.member-import__choose')
  expect(screen.getByText('文件过大：一次最多导入 1 MB')).toBeTruthy()

  expect(sent).toHaveLength(0)
  expect(showModal).not.toHaveBeenCalled()
})

test('a store manager is refused with the server\'s reason', async () => {
  sent = mockApi({ [IMPORT]: { statusCode: 403, data: { error: { type: 'permission', code: 'forbidden', message: '只有商户管理员可以导入会员' } } } })
  choose.mockResolvedValue({ name: 'a.csv', text: '手机号,姓名,本金,赠送金\n13800138000,张三,1,\n' })
  const container = await renderPage(<MemberImport />)
  await tapButton(container, '.member-import__choose')
  await tapButton(container, '.member-import__submit')
  await waitFor(() => { expect(showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '导入失败', content: '只有商户管理员可以导入会员' })) })
  expect(container.querySelector('.member-import__rejected')).toBeNull()
  await tap(container.querySelector('.member-import__file'))
  expect(container.querySelector('.member-import__text textarea')).not.toBeNull()
})
