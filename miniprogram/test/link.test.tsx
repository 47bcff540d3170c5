import { render, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import Link from '../src/pages/link/index'
import { mockApi } from './helpers/api'
import { tapButton, typeInto } from './helpers/ui'

beforeEach(() => {
  ;(Taro.reLaunch as unknown as jest.Mock).mockReset()
})

const type = (container: HTMLElement, value: string): void => { typeInto(container, 'link__code', value) }
const submit = async (container: HTMLElement): Promise<void> => { await tapButton(container, '.link__submit') }

test('links with the typed code and starts over signed in', async () => {
  const sent = mockApi(() => ({ statusCode: 200, data: { linked: true, roles: 1 } }))
  const { container } = render(<Link />)
  type(container, 'abcd 2345')
  await submit(container)
  expect(sent).toEqual([expect.objectContaining({ method: 'POST', url: '/v1/mp/link', data: { linkCode: 'abcd 2345' } })])
  expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' })
})

test("shows the server's words for a spent code and asks for one before sending", async () => {
  const sent = mockApi(() => ({ statusCode: 400, data: { error: { type: 'invalid_request', code: 'link_code_invalid', message: '关联码无效或已过期', param: 'linkCode' } } }))
  const { container } = render(<Link />)
  await submit(container)
  expect(screen.getByText('请填写关联码')).toBeTruthy()
  expect(sent).toHaveLength(0)
  type(container, 'ZZZZ9999')
  await submit(container)
  expect(screen.getByText('关联码无效或已过期')).toBeTruthy()
  expect(Taro.reLaunch).not.toHaveBeenCalled()
})
