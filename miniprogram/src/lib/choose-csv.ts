import { FILE_TOO_LARGE, FILE_UNREADABLE, MAX_CSV_BYTES, type ChosenFile } from './chosen-file'

/** Where the file comes from, said under the button. */
export const CHOOSE_CSV_HINT = '选择手机中的 CSV 文件'

/**
 * H5 build (the official account's browser): a file `<input>`, read with FileReader as UTF-8.
 * Resolves null when the person closes the picker without choosing; rejects with words to show.
 */
export async function chooseCsv (): Promise<ChosenFile | null> {
  return await new Promise((resolve, reject) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = '.csv,text/csv,text/plain'
    input.addEventListener('cancel', () => { resolve(null) })
    input.addEventListener('change', () => {
      const file = input.files?.[0]
      if (file === undefined) { resolve(null); return }
      if (file.size > MAX_CSV_BYTES) { reject(new Error(FILE_TOO_LARGE)); return }
      const reader = new FileReader()
      reader.onload = () => { resolve({ name: file.name, text: String(reader.result ?? '') }) }
      reader.onerror = () => { reject(new Error(FILE_UNREADABLE)) }
      reader.readAsText(file, 'utf-8')
    })
    input.click()
  })
}
