import { useRef, useState } from 'react'
import { Text, Textarea, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, Cell, CellGroup } from '@antmjs/vantui'
import { fen, formatFen, IMPORT_CSV_HEADER, ImportMembersBody, MAX_IMPORT_ROWS, newIdempotencyKey } from '@yima/shared'
import { chooseCsv, CHOOSE_CSV_HINT } from '../../lib/choose-csv'
import type { ChosenFile } from '../../lib/chosen-file'
import { confirm, param } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { importMembers, type ImportOutcome } from '../../services/members'
import './index.scss'

const money = (n: number): string => formatFen(fen(n))

const SAMPLE = [IMPORT_CSV_HEADER.join(','), '13800138000,张三,100.00,20', '13900139000,李四,58.5,']

/**
 * The CSV as it will be sent (without a byte-order mark) and how many member rows it has, or why
 * it cannot be sent: what the server would refuse as a whole is said here, row problems come back
 * from the server with their line numbers.
 */
function checkCsv (raw: string): { ok: true, csv: string, rows: number } | { ok: false, problem: string } {
  const csv = raw.replace(/^\uFEFF/, '')
  if (csv.trim() === '') return { ok: false, problem: '请选择 CSV 文件，或粘贴 CSV 内容' }
  // A file saved as GBK (Excel's default "CSV" on Chinese Windows) reads as replacement characters.
  if (csv.includes('\uFFFD')) return { ok: false, problem: '文件不是 UTF-8 编码：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」后重新选择' }
  const lines = csv.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '')
  const head = (lines[0] ?? '').split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'))
  const [phone, name, principal, bonus] = IMPORT_CSV_HEADER
  if (head[0] !== phone || head[1] !== name || head[2] !== principal || (head[3] !== undefined && head[3] !== bonus)) {
    return { ok: false, problem: `第一行应为表头：${IMPORT_CSV_HEADER.join(',')}` }
  }
  const rows = lines.length - 1
  if (rows === 0) return { ok: false, problem: '文件中没有会员数据' }
  if (rows > MAX_IMPORT_ROWS) return { ok: false, problem: `一次最多导入 ${MAX_IMPORT_ROWS} 位会员，请分成几个文件导入` }
  const parsed = ImportMembersBody.safeParse({ csv })
  if (!parsed.success) return { ok: false, problem: parsed.error.issues[0]?.message ?? 'CSV 内容不正确' }
  return { ok: true, csv: parsed.data.csv, rows }
}

function Format () {
  return (
    <CellGroup title='文件格式' className='member-import__format'>
      <View className='member-import__rules'>
        <Text>{`· CSV 文件，UTF-8 编码（Excel 中另存为「CSV UTF-8」），第一行为表头：${IMPORT_CSV_HEADER.join(',')}`}</Text>
        <Text>· 每行一位会员：11 位手机号、姓名、本金、赠送金；金额单位为元，最多两位小数，赠送金可不填</Text>
        <Text>{`· 一次最多 ${MAX_IMPORT_ROWS} 行；有任何一行不合格时不导入任何数据，并列出不合格的行`}</Text>
        <Text>· 导入的会员状态为「待领卡」，领取会员卡后即可使用余额</Text>
      </View>
      <View className='member-import__sample'>
        <Text className='member-import__sample-title'>示例</Text>
        {SAMPLE.map((line) => <View key={line}>{line}</View>)}
      </View>
    </CellGroup>
  )
}

function Outcome ({ outcome }: { outcome: ImportOutcome }) {
  if (outcome.ok) {
    const r = outcome.report
    return (
      <CellGroup title='导入完成' className='member-import__report'>
        <Cell title='导入会员' value={`${r.imported} 位`} />
        <Cell title='本金合计' value={money(r.principalFen)} />
        <Cell title='赠送金合计' value={money(r.bonusFen)} />
      </CellGroup>
    )
  }
  return (
    <CellGroup title={outcome.rejected.length === 0 ? '未导入' : `不合格的行（${outcome.rejected.length}）`} className='member-import__rejected'>
      <View className='member-import__rejected-note'>{outcome.message}</View>
      {outcome.rejected.map((r) => (
        <Cell
          key={`${r.line}-${r.phone}`}
          className='member-import__rejected-row'
          title={`第 ${r.line} 行${r.phone === '' ? '' : ` · ${r.phone}`}`}
          label={r.reason}
        />
      ))}
    </CellGroup>
  )
}

/**
 * 旧会员卡余额导入 (M4, merchant admins): legacy members and balances from a CSV file, chosen or
 * pasted; every row is imported or none, and the rows the server refused are listed with the reason.
 */
export default function MemberImport () {
  const merchantId = param('merchant')
  const [file, setFile] = useState<ChosenFile | null>(null)
  const [pasted, setPasted] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null)
  const [sending, setSending] = useState(false)
  // One key per CSV: resending the same one replays the first answer, a changed one is a new import.
  const [key, setKey] = useState(newIdempotencyKey)
  const busy = useRef(false)
  const raw = file?.text ?? pasted
  const takeCsv = (next: ChosenFile | null, text: string): void => {
    setFile(next)
    setPasted(text)
    setOutcome(null)
    setKey(newIdempotencyKey())
  }

  const choose = async (): Promise<void> => {
    try {
      const chosen = await chooseCsv()
      if (chosen === null) return
      takeCsv(chosen, '')
      const checked = checkCsv(chosen.text)
      setProblem(checked.ok ? null : checked.problem)
    } catch (e) {
      setProblem(e instanceof Error && e.message !== '' ? e.message : '读取文件失败，请重新选择')
    }
  }

  const submit = async (): Promise<void> => {
    const checked = checkCsv(raw)
    setProblem(checked.ok ? null : checked.problem)
    if (!checked.ok || busy.current) return
    busy.current = true
    try {
      if (!await confirm('确认导入', `将导入 ${checked.rows} 位会员及其余额，导入后不能撤销。`)) return
      setSending(true)
      setOutcome(null)
      const result = await importMembers(merchantId, { csv: checked.csv }, key)
      if (result.ok) takeCsv(null, '')
      setOutcome(result)
    } catch (e) {
      await Taro.showModal({ title: '导入失败', content: errorText(e), showCancel: false, confirmText: '知道了' })
    } finally {
      busy.current = false
      setSending(false)
    }
  }

  return (
    <View className='member-import'>
      <Format />
      <CellGroup title='会员数据' className='member-import__input'>
        {file !== null
          ? (
            <Cell
              className='member-import__file'
              title={file.name}
              label={`${file.text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '').length - 1} 行会员数据`}
              value='移除'
              clickable
              onClick={() => { takeCsv(null, ''); setProblem(null) }}
            />
            )
          : (
            <Textarea
              className='member-import__text'
              value={pasted}
              maxlength={-1}
              placeholder={`或把 CSV 内容粘贴在这里，第一行为表头：${IMPORT_CSV_HEADER.join(',')}`}
              onInput={(e) => { takeCsv(null, e.detail.value) }}
            />
            )}
        <View className='member-import__choose-row'>
          <Button className='member-import__choose' size='small' plain type='primary' onClick={() => { choose() }}>选择 CSV 文件</Button>
          <Text className='member-import__hint'>{CHOOSE_CSV_HINT}</Text>
        </View>
      </CellGroup>
      {problem !== null && <View className='member-import__problem'>{problem}</View>}
      <View className='member-import__actions'>
        <Button className='member-import__submit' type='primary' block loading={sending} onClick={() => { submit() }}>开始导入</Button>
      </View>
      {outcome !== null && <Outcome outcome={outcome} />}
    </View>
  )
}
