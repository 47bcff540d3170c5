import { act, fireEvent, render } from '@testing-library/react'
import { createElement, type ReactElement, type ReactNode } from 'react'

/** Driving vantui components rendered by the jsdom mocks of @tarojs/components. */

function found<T extends Element> (el: T | null | undefined, what: string): T {
  if (el === null || el === undefined) throw new Error(`nothing to act on: ${what}`)
  return el
}

/** Renders a page and lets its first requests settle; returns the container. */
export async function renderPage (page: ReactElement): Promise<HTMLElement> {
  const { container } = render(page)
  await act(async () => {})
  return container
}

/** Types `value` into the vantui Field with this class name (into its <input>). */
export function typeInto (container: ParentNode, className: string, value: string): void {
  const selector = `.${className} input`
  fireEvent.change(found(container.querySelector(selector), selector), { target: { value } })
}

/** Clicks the element and lets what the click started settle. */
export async function tap (el: Element | null | undefined): Promise<void> {
  const target = found(el, 'the element to tap')
  await act(async () => { fireEvent.click(target) })
}

/** Clicks the vantui Button that `selector` names (its native button) and lets what it started settle. */
export async function tapButton (container: ParentNode, selector: string): Promise<void> {
  const button = `${selector} .van-native-button`
  await tap(found(container.querySelector(button), button))
}

interface PickerProps { className?: string, value?: unknown, onChange: (e: { detail: { value: string } }) => void, children?: ReactNode }

/**
 * @tarojs/components with a Picker the test can pick with: the shared mock renders Picker as a
 * bare div that drops onChange; this one holds an input the test types the picked value into (a
 * date, or a selector's index) with `typeInto`. A test file takes it with
 * `jest.mock('@tarojs/components', () => jest.requireActual('./helpers/ui').componentsWithTypedPicker())`.
 */
export function componentsWithTypedPicker (): Record<string | symbol, unknown> {
  const actual = jest.requireActual('@tarojs/components')
  const Picker = ({ className, value, onChange, children }: PickerProps) =>
    createElement('div', { className }, children, createElement('input', {
      value: String(value ?? ''),
      onChange: (e: { target: { value: string } }) => { onChange({ detail: { value: e.target.value } }) },
    }))
  return new Proxy(actual, { get: (t, k) => (k === 'Picker' ? Picker : t[k]) })
}
