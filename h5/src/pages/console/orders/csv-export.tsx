import { useRef, useState } from 'react'
import { View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { ORDER_CSV_FIELD_NAMES, ORDER_CSV_FIELDS, type OrderCsvField } from '@yima/shared'
import { Message, Section } from '../../../components/ui'
import { errorMessage } from '../../../lib/forms'
import { saveBlob } from '../../../lib/clipboard'
import { exportOrdersCsv, type OrderFilterParams } from '../../../services/reports'

type ExportState =
  | { phase: 'idle' }
  | { phase: 'running', rows: number, total: number | null }
  | { phase: 'done', rows: number }
  | { phase: 'error', message: string }

const percent = (rows: number, total: number | null): number | null =>
  total === null ? null : total === 0 ? 100 : Math.min(100, Math.floor((rows / total) * 100))

/**
 * 导出 CSV (R2): the columns to write (all by default), then the streamed download with its
 * progress: rows received against the X-Row-Count the server sent first.
 */
export function CsvExport ({ filters, filename, onClose }: { filters: OrderFilterParams | null, filename: string, onClose: () => void }) {
  const [chosen, setChosen] = useState<ReadonlySet<OrderCsvField>>(() => new Set(ORDER_CSV_FIELD_NAMES))
  const [state, setState] = useState<ExportState>({ phase: 'idle' })
  const running = useRef(false)

  const toggle = (f: OrderCsvField): void => {
    setChosen((old) => {
      const next = new Set(old)
      if (next.has(f)) next.delete(f)
      else next.add(f)
      return next
    })
  }
  const start = async (): Promise<void> => {
    if (running.current || filters === null) return
    const fields = ORDER_CSV_FIELD_NAMES.filter((f) => chosen.has(f))
    if (fields.length === 0) {
      setState({ phase: 'error', message: '请至少选择一个导出字段' })
      return
    }
    running.current = true
    setState({ phase: 'running', rows: 0, total: null })
    try {
      const out = await exportOrdersCsv(filters, fields, (p) => { setState({ phase: 'running', rows: p.rows, total: p.total }) })
      saveBlob(out.blob, filename)
      setState({ phase: 'done', rows: out.rows })
    } catch (e) {
      setState({ phase: 'error', message: errorMessage(e) })
    } finally {
      running.current = false
    }
  }

  const pct = state.phase === 'running' ? percent(state.rows, state.total) : state.phase === 'done' ? 100 : null
  return (
    <Section
      title='导出 CSV'
      className='csv-export'
      actions={<View className='action csv-export__close' onClick={onClose}>收起</View>}
    >
      <View className='csv-export__bulk'>
        <View className='action csv-export__all' onClick={() => { setChosen(new Set(ORDER_CSV_FIELD_NAMES)) }}>全选</View>
        <View className='action csv-export__none' onClick={() => { setChosen(new Set()) }}>全不选</View>
      </View>
      <View className='csv-export__fields'>
        {ORDER_CSV_FIELD_NAMES.map((f) => (
          <label key={f} className={`csv-export__field csv-export__field--${f}`}>
            <input type='checkbox' value={f} checked={chosen.has(f)} onChange={() => { toggle(f) }} />
            {ORDER_CSV_FIELDS[f]}
          </label>
        ))}
      </View>
      {filters === null && <Message>请先修正筛选条件</Message>}
      {(state.phase === 'running' || state.phase === 'done') && (
        <View className='progress csv-export__progress'>
          <View className='progress__bar csv-export__bar'>
            <View className='progress__fill csv-export__fill' style={{ width: `${pct ?? 0}%` }} />
          </View>
          <View className='progress__text csv-export__status'>
            {state.phase === 'running'
              ? (state.total === null ? `已接收 ${state.rows} 行` : `已接收 ${state.rows} / ${state.total} 行（${pct ?? 0}%）`)
              : `导出完成，共 ${state.rows} 行`}
          </View>
        </View>
      )}
      {state.phase === 'error' && <Message className='csv-export__error'>{state.message}</Message>}
      <View className='csv-export__actions'>
        <Button
          type='primary'
          size='small'
          className='csv-export__start'
          loading={state.phase === 'running'}
          disabled={filters === null || state.phase === 'running'}
          onClick={() => { start().catch(() => {}) }}
        >
          {state.phase === 'running' ? '导出中…' : '开始导出'}
        </Button>
      </View>
    </Section>
  )
}
