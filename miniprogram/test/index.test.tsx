import { act, fireEvent, render, screen } from '@testing-library/react'
import Index from '../src/pages/index/index'

test('shows the sample amount and computes the fee on tap', async () => {
  const { container } = render(<Index />)
  expect(screen.getByText('yima 商户助手')).toBeTruthy()
  expect(screen.getByText('示例金额')).toBeTruthy()
  expect(screen.getByText('¥1,234.56')).toBeTruthy()
  expect(screen.queryByText('¥4.69')).toBeNull()

  const button = container.querySelector('.van-native-button')
  expect(button).not.toBeNull()
  await act(async () => { fireEvent.click(button!) })

  expect(screen.getByText('手续费（0.38%）')).toBeTruthy()
  expect(screen.getByText('¥4.69')).toBeTruthy()
})
