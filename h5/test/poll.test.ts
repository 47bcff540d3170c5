import { poll } from '../src/lib/poll'

const settle = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve() }

beforeEach(() => { jest.useFakeTimers() })
afterEach(() => { jest.useRealTimers() })

test('loads at once, then every interval until done; errors are retried', async () => {
  const answers: Array<number | Error> = [1, new Error('x'), 2, 3]
  const load = jest.fn(async () => { const a = answers.shift(); if (a instanceof Error || a === undefined) throw a ?? new Error('none'); return a })
  const seen: number[] = []
  const errors: unknown[] = []
  poll({ load, done: (n) => n >= 3, onUpdate: (n) => seen.push(n), onError: (e) => errors.push(e), intervalMs: 1000 })
  await settle()
  expect(seen).toEqual([1])
  for (let i = 0; i < 3; i++) { jest.advanceTimersByTime(1000); await settle() }
  expect(seen).toEqual([1, 2, 3])
  expect(errors).toHaveLength(1)
  jest.advanceTimersByTime(5000)
  await settle()
  expect(load).toHaveBeenCalledTimes(4)
})

test('cancel stops it, even with a load in flight', async () => {
  let resolve: (n: number) => void = () => {}
  const load = jest.fn(async () => await new Promise<number>((_resolve) => { resolve = _resolve }))
  const onUpdate = jest.fn()
  const cancel = poll({ load, done: () => false, onUpdate, intervalMs: 1000 })
  cancel()
  resolve(1)
  await settle()
  jest.advanceTimersByTime(5000)
  expect(onUpdate).not.toHaveBeenCalled()
  expect(load).toHaveBeenCalledTimes(1)
})
