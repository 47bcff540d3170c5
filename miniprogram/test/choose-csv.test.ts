import Taro from '@tarojs/taro'
import { chooseCsv } from '../src/lib/choose-csv'
import { chooseCsv as chooseCsvWeapp } from '../src/lib/choose-csv.weapp'

afterEach(() => { jest.restoreAllMocks() })

/** The file input the H5 chooser opens, once it has asked the browser to open it. */
function openedInput (): Promise<HTMLInputElement> {
  return new Promise((resolve) => {
    jest.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(function (this: HTMLInputElement) { resolve(this) })
  })
}

function pick (input: HTMLInputElement, files: File[]): void {
  Object.defineProperty(input, 'files', { value: files })
  input.dispatchEvent(new Event('change'))
}

test('H5: reads the chosen file as UTF-8; nothing when the picker is closed', async () => {
  let opened = openedInput()
  let chosen = chooseCsv()
  const input = await opened
  expect(input.type).toBe('file')
  expect(input.accept).toContain('.csv')
  pick(input, [new File(['手机号,姓名,本金,赠送金\n'], '会员.csv', { type: 'text/csv' })])
  await expect(chosen).resolves.toEqual({ name: '会员.csv', text: '手机号,姓名,本金,赠送金\n' })

  opened = openedInput()
  chosen = chooseCsv()
  ;(await opened).dispatchEvent(new Event('cancel'))
  await expect(chosen).resolves.toBeNull()
})

test('H5: a file over 1 MB is refused with words to show', async () => {
  const opened = openedInput()
  const chosen = chooseCsv()
  pick(await opened, [new File(['x'.repeat(1_000_001)], 'big.csv')])
  await expect(chosen).rejects.toThrow('文件过大：一次最多导入 1 MB')
})

test('weapp: a file from a chat, read through the file system manager; cancel is nothing', async () => {
  const chooseMessageFile = jest.mocked(Taro.chooseMessageFile)
  const readFile = jest.fn((o: { filePath: string, encoding: string, success: (r: { data: string }) => void }) => { o.success({ data: `read ${o.filePath} as ${o.encoding}` }) })
  jest.mocked(Taro.getFileSystemManager).mockReturnValue({ readFile } as never)

  chooseMessageFile.mockResolvedValueOnce({ tempFiles: [{ path: 'wxfile://tmp_1.csv', name: '会员.csv', size: 100, type: 'file', time: 0 }], errMsg: 'chooseMessageFile:ok' } as never)
  await expect(chooseCsvWeapp()).resolves.toEqual({ name: '会员.csv', text: 'read wxfile://tmp_1.csv as utf8' })
  expect(chooseMessageFile).toHaveBeenCalledWith(expect.objectContaining({ count: 1, type: 'file', extension: ['csv', 'txt'] }))

  chooseMessageFile.mockRejectedValueOnce({ errMsg: 'chooseMessageFile:fail cancel' })
  await expect(chooseCsvWeapp()).resolves.toBeNull()

  chooseMessageFile.mockResolvedValueOnce({ tempFiles: [{ path: 'wxfile://tmp_2.csv', name: 'big.csv', size: 2_000_000, type: 'file', time: 0 }], errMsg: 'chooseMessageFile:ok' } as never)
  await expect(chooseCsvWeapp()).rejects.toThrow('文件过大')
})
