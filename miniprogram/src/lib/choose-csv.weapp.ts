import Taro from '@tarojs/taro'
import { FILE_TOO_LARGE, FILE_UNREADABLE, MAX_CSV_BYTES, type ChosenFile } from './chosen-file'

/** Where the file comes from, said under the button. */
export const CHOOSE_CSV_HINT = '从微信聊天中选择文件：可先在电脑上把文件发送到「文件传输助手」'

/**
 * Mini-program: a file from a WeChat chat (the only place a mini-program can take files from),
 * read as UTF-8. Resolves null when the person cancels; rejects with words to show.
 */
export async function chooseCsv (): Promise<ChosenFile | null> {
  let chosen: Taro.chooseMessageFile.SuccessCallbackResult
  try {
    chosen = await Taro.chooseMessageFile({ count: 1, type: 'file', extension: ['csv', 'txt'] })
  } catch (e) {
    if (/cancel/i.test(String((e as { errMsg?: string } | null)?.errMsg ?? e))) return null
    throw new Error('无法打开聊天文件，请稍后重试')
  }
  const file = chosen.tempFiles[0]
  if (file === undefined) return null
  if (file.size > MAX_CSV_BYTES) throw new Error(FILE_TOO_LARGE)
  const text = await new Promise<string>((resolve, reject) => {
    Taro.getFileSystemManager().readFile({
      filePath: file.path,
      encoding: 'utf8',
      success: (res) => { resolve(String(res.data)) },
      fail: () => { reject(new Error(FILE_UNREADABLE)) },
    })
  })
  return { name: file.name, text }
}
