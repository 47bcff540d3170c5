/** A text file the person picked: its name and its content read as UTF-8. */
export interface ChosenFile { name: string, text: string }

/** The largest file an import takes (ImportMembersBody's limit). */
export const MAX_CSV_BYTES = 1_000_000

export const FILE_TOO_LARGE = '文件过大：一次最多导入 1 MB'
export const FILE_UNREADABLE = '读取文件失败，请重新选择'
