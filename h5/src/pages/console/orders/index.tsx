import { useEffect, useRef, useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { fen, formatFen, ORDER_STATUS_LABELS, STORE_PAYMENT_TYPE_LABELS, type OrderDto } from '@yima/shared'
import { ConsoleShell } from '../../../components/console-shell'
import { Choice, Field } from '../../../components/field'
import { Action, Message } from '../../../components/ui'
import { ListItem, ListStatus } from '../../../components/ui/list'
import { queryParam } from '../../../lib/format'
import { errorMessage } from '../../../lib/forms'
import { go, ROUTES } from '../../../lib/routes'
import { useConsoleData } from '../../../lib/use-async'
import { searchOrders } from '../../../services/reports'
import { useMerchantStoreOptions } from '../reports/filters'
import { chinaDateTime, DateRangeFilter } from '../reports/range'
import { CsvExport } from './csv-export'
import {
  buildFilters, emptyForm, formFromParams, PAY_PLATFORM_OPTIONS, SOURCE_TYPE_OPTIONS, sourceTypeLabel, STATUS_OPTIONS,
  type OrderForm,
} from './query'
import '../reports/index.scss'

const STATUS_TONE: Partial<Record<OrderDto['status'], string>> = { succeeded: 'tag--ok', failed: 'tag--bad', pending: 'tag--warn', created: 'tag--warn' }

interface More { rows: OrderDto[], hasMore: boolean, loading: boolean, error: string | null }
const NO_MORE: More = { rows: [], hasMore: false, loading: false, error: null }

/** 交易明细 (R2): orders by time and any filter, newest first, keyset-paged; CSV export. */
export default function Orders () {
  const params = useRouter().params
  const [form, setForm] = useState<OrderForm>(() => formFromParams((k) => queryParam(params, k)))
  // What the list shows: the form as of the last 查询 (choices and dates apply at once).
  const [applied, setApplied] = useState<OrderForm>(form)
  const [exporting, setExporting] = useState(false)
  const options = useMerchantStoreOptions(form.merchantId)

  const built = buildFilters(applied)
  const filters = built.ok ? built.filters : null
  const errors = built.ok ? {} : built.errors
  const key = JSON.stringify(filters)
  const list = useConsoleData(async () => (filters === null ? null : await searchOrders(filters)), [key])

  // Later pages belong to the first page they follow: a new search starts over.
  const [more, setMore] = useState<More>(NO_MORE)
  const seq = useRef(0)
  useEffect(() => {
    seq.current++
    setMore(NO_MORE)
  }, [list.data])
  const rows = [...(list.data?.data ?? []), ...more.rows]
  const hasMore = more.rows.length > 0 ? more.hasMore : list.data?.hasMore ?? false

  const loadMore = async (): Promise<void> => {
    const last = rows[rows.length - 1]
    if (filters === null || last === undefined || more.loading || list.loading) return
    const mine = ++seq.current
    setMore((m) => ({ ...m, loading: true, error: null }))
    try {
      const page = await searchOrders(filters, last.id)
      if (mine === seq.current) setMore((m) => ({ rows: [...m.rows, ...page.data], hasMore: page.hasMore, loading: false, error: null }))
    } catch (e) {
      if (mine === seq.current) setMore((m) => ({ ...m, loading: false, error: errorMessage(e) }))
    }
  }

  const set = (patch: Partial<OrderForm>): void => { setForm((f) => ({ ...f, ...patch })) }
  const apply = (patch: Partial<OrderForm>): void => {
    const next = { ...form, ...patch }
    setForm(next)
    setApplied(next)
  }

  return (
    <ConsoleShell
      active='orders'
      title='交易明细'
      actions={(
        <>
          <Button size='small' className='orders__export' onClick={() => { setExporting((x) => !x) }}>导出 CSV</Button>
          <Button size='small' type='primary' className='orders__summary' onClick={() => { go(ROUTES.reports, { start: applied.range.start, end: applied.range.end, merchantId: applied.merchantId, storeId: applied.storeId }) }}>交易汇总</Button>
        </>
      )}
    >
      <View className='filters'>
        <DateRangeFilter value={form.range} onChange={(range) => { apply({ range }) }} error={errors.range} />
        <Choice name='merchantId' label='商户' options={options.merchants} value={form.merchantId} onChange={(v) => { apply({ merchantId: v, storeId: '' }) }} />
        {form.merchantId !== '' && (
          <Choice name='storeId' label='门店' options={options.stores} value={form.storeId} onChange={(v) => { apply({ storeId: v }) }} empty='该商户还没有门店' />
        )}
        <Choice name='payPlatform' label='支付渠道' options={PAY_PLATFORM_OPTIONS} value={form.payPlatform} onChange={(v) => { apply({ payPlatform: v }) }} />
        <Choice name='status' label='订单状态' options={STATUS_OPTIONS} value={form.status} onChange={(v) => { apply({ status: v }) }} />
        <Choice name='sourceType' label='订单来源' options={SOURCE_TYPE_OPTIONS} value={form.sourceType} onChange={(v) => { apply({ sourceType: v }) }} />
        <Field name='minYuan' label='最低金额（元）' value={form.minYuan} onChange={(v) => { set({ minYuan: v }) }} error={errors.minYuan} placeholder='如 10 或 10.50' onConfirm={() => { setApplied(form) }} />
        <Field name='maxYuan' label='最高金额（元）' value={form.maxYuan} onChange={(v) => { set({ maxYuan: v }) }} error={errors.maxYuan} placeholder='不限' onConfirm={() => { setApplied(form) }} />
        <Field name='outTradeNo' label='商户订单号' value={form.outTradeNo} onChange={(v) => { set({ outTradeNo: v }) }} placeholder='完整的商户订单号' onConfirm={() => { setApplied(form) }} />
        <Field name='staffId' label='店员 ID' value={form.staffId} onChange={(v) => { set({ staffId: v }) }} placeholder='stf_…' onConfirm={() => { setApplied(form) }} />
        <Field name='deviceId' label='设备 ID' value={form.deviceId} onChange={(v) => { set({ deviceId: v }) }} placeholder='设备 ID' onConfirm={() => { setApplied(form) }} />
        <Field name='qrCodeId' label='二维码 ID' value={form.qrCodeId} onChange={(v) => { set({ qrCodeId: v }) }} placeholder='qr_…' onConfirm={() => { setApplied(form) }} />
        <View className='orders__query'>
          <Button type='primary' size='small' className='orders__search' onClick={() => { setApplied(form) }}>查询</Button>
          <Button size='small' className='orders__reset' onClick={() => { const f = emptyForm(); setForm(f); setApplied(f) }}>重置</Button>
        </View>
      </View>

      {exporting && (
        <CsvExport
          filters={filters}
          filename={`交易明细_${applied.range.start}_${applied.range.end}.csv`}
          onClose={() => { setExporting(false) }}
        />
      )}

      {filters !== null && <ListStatus list={list} rows={list.data?.data} empty='没有符合条件的交易' />}
      {rows.map((o) => (
        <ListItem
          key={o.id}
          className='order-row'
          name={<Text className='mono order-row__no'>{o.outTradeNo}</Text>}
          onOpen={() => { go(ROUTES.order, { id: o.id }) }}
          meta={(
            <>
              <Text className='order-row__amount'>{formatFen(fen(o.amountFen))}</Text>
              <Text className={`tag order-row__status ${STATUS_TONE[o.status] ?? ''}`}>{ORDER_STATUS_LABELS[o.status]}</Text>
              <Text>{STORE_PAYMENT_TYPE_LABELS[o.payPlatform]}</Text>
              <Text>{sourceTypeLabel(o.sourceType)}</Text>
              {o.storeId !== null && options.storeNames.has(o.storeId) && <Text>{options.storeNames.get(o.storeId)}</Text>}
              {o.refundedFen > 0 && <Text className='tag tag--warn'>{`已退 ${formatFen(fen(o.refundedFen))}`}</Text>}
              <Text>{chinaDateTime(o.createdAt)}</Text>
            </>
          )}
          actions={<Action onClick={() => { go(ROUTES.order, { id: o.id }) }}>详情</Action>}
        />
      ))}
      {more.error !== null && <Message className='orders__more-error'>{more.error}</Message>}
      {hasMore && !list.loading && (
        <View className='orders__more'>
          <Button size='small' className='orders__load-more' loading={more.loading} onClick={() => { loadMore().catch(() => {}) }}>加载更多</Button>
        </View>
      )}
      {!hasMore && rows.length > 0 && <View className='orders__end'>{`共 ${rows.length} 笔，已全部加载`}</View>}
    </ConsoleShell>
  )
}
