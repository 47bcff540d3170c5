import { useRef, useState, type ReactElement } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, Cell, CellGroup, Field } from '@antmjs/vantui'
import {
  DELIVERY_CHANNEL_LABELS, DELIVERY_STATUS_LABELS, fen, fenToYuanString, formatFen, isYuanString, newIdempotencyKey,
  ORDER_STATUS_LABELS, REFUND_STATUS_LABELS, STORE_PAYMENT_TYPE_LABELS, yuanStringToFen,
  type DeliveryDto, type OrderDto, type RefundDto, type StoreDTO,
} from '@yima/shared'
import { PageState } from '../../components/page-state'
import { confirm, param, toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import { chinaDateTime } from '../../lib/china-time'
import { orderDetail, printedText, printOrder, refundOrder, type Part } from '../../services/orders'
import './index.scss'

/** A message that must be read, not flashed: the server's reason a refund was refused. */
async function alertText (title: string, content: string): Promise<void> {
  await Taro.showModal({ title, content, showCancel: false, confirmText: '知道了' })
}

async function printAndTell (orderId: string, refundId?: string): Promise<void> {
  try {
    toast(printedText(await printOrder(orderId, refundId)), 'none')
  } catch (e) {
    toast(errorText(e), 'none')
  }
}

const refundableFen = (o: OrderDto): number => o.status === 'succeeded' ? o.amountFen - o.refundedFen : 0

/** Why a typed refund amount cannot be sent, or null when it can. */
function refundAmountProblem (text: string, refundable: number): string | null {
  if (!isYuanString(text)) return '请输入金额，最多两位小数'
  const amount = yuanStringToFen(text)
  if (amount <= 0) return '退款金额必须大于 0'
  if (amount > refundable) return `最多可退 ${formatFen(fen(refundable))}`
  return null
}

const storeName = (store: StoreDTO | null, order: OrderDto): string =>
  store === null ? order.storeId ?? '—' : `${store.name}${store.branchName === null ? '' : `（${store.branchName}）`}`

function OrderFacts ({ order, store }: { order: OrderDto, store: StoreDTO | null }) {
  return (
    <>
      <View className='order__head'>
        <View className='order__amount'>{formatFen(fen(order.amountFen))}</View>
        <View className={`order__status order__status--${order.status}`}>{ORDER_STATUS_LABELS[order.status]}</View>
      </View>
      <CellGroup>
        <Cell title='支付方式' value={STORE_PAYMENT_TYPE_LABELS[order.payPlatform]} />
        <Cell title='商户订单号' value={order.outTradeNo} />
        {order.channelTxnId !== null && <Cell title='渠道交易号' value={order.channelTxnId} />}
        <Cell title='下单时间' value={chinaDateTime(order.createdAt)} />
        <Cell title='支付时间' value={order.paidAt === null ? '未支付' : chinaDateTime(order.paidAt)} />
        <Cell title='门店' value={storeName(store, order)} />
        <Cell title='付款备注' value={order.remark ?? '无'} />
        {order.refundedFen > 0 && <Cell title='已退款' value={formatFen(fen(order.refundedFen))} />}
        {order.failureMessage != null && <Cell title='失败原因' value={order.failureMessage} />}
      </CellGroup>
    </>
  )
}

function RefundRow ({ refund }: { refund: RefundDto }) {
  return (
    <Cell
      title={formatFen(fen(refund.amountFen))}
      value={REFUND_STATUS_LABELS[refund.status]}
      renderLabel={(
        <View className='order__refund-meta'>
          <Text>{chinaDateTime(refund.refundedAt ?? refund.createdAt)}</Text>
          {refund.reason !== null && <Text>{refund.reason}</Text>}
          <Button className='order__refund-print' size='mini' plain onClick={() => printAndTell(refund.orderId, refund.id)}>打印退款小票</Button>
        </View>
      )}
    />
  )
}

/** Refunds and deliveries load apart from the order, so each says for itself when it could not. */
function PartList<T> ({ title, part, empty, children }: { title: string, part: Part<T[]>, empty: string, children: (items: T[]) => ReactElement[] }) {
  return (
    <CellGroup title={title}>
      {!part.ok && <Cell title={part.error} className='order__part-error' />}
      {part.ok && part.data.length === 0 && <Cell title={empty} />}
      {part.ok && children(part.data)}
    </CellGroup>
  )
}

const SUBJECT_LABELS: Record<string, string> = { payment: '收款', refund: '退款', order_detail: '订单小票', handover: '交接班' }
const RECIPIENT_LABELS: Record<DeliveryDto['recipient']['kind'], string> = { staff: '店员', printer: '打印机', speaker: '云音箱' }

function DeliveryRow ({ delivery: d }: { delivery: DeliveryDto }) {
  return (
    <Cell
      title={`${DELIVERY_CHANNEL_LABELS[d.channel]} · ${d.recipient.name ?? RECIPIENT_LABELS[d.recipient.kind]}`}
      value={DELIVERY_STATUS_LABELS[d.status]}
      renderLabel={(
        <View className='order__delivery-meta'>
          <Text>{SUBJECT_LABELS[d.subject] ?? d.subject}</Text>
          <Text>{d.target}</Text>
          <Text>{chinaDateTime(d.sentAt ?? d.updatedAt)}</Text>
          {d.lastError !== null && <Text className='order__delivery-error'>{d.lastError}</Text>}
        </View>
      )}
    />
  )
}

/**
 * The refund form. Its idempotency key lives as long as the amount and reason stay the same: a
 * second tap after a lost answer replays the first refund instead of making another; changing
 * either makes it a new refund with a new key.
 */
function RefundForm ({ order, onClose, onRefunded }: { order: OrderDto, onClose: () => void, onRefunded: () => void }) {
  const refundable = refundableFen(order)
  const [amount, setAmount] = useState(fenToYuanString(fen(refundable)))
  const [reason, setReason] = useState('')
  const [key, setKey] = useState(newIdempotencyKey)
  const [sending, setSending] = useState(false)
  // Taps arrive faster than state updates: this keeps a second tap from opening a second confirm.
  const busy = useRef(false)
  const problem = refundAmountProblem(amount.trim(), refundable)

  const handleSubmit = async (): Promise<void> => {
    if (problem !== null || busy.current) return
    busy.current = true
    const amountFen = yuanStringToFen(amount.trim())
    try {
      if (!await confirm('确认退款', `${formatFen(amountFen)} 将原路退回给顾客，退款后不能撤销。`)) return
      setSending(true)
      const trimmed = reason.trim()
      const refund = await refundOrder(order.id, { amountFen, ...(trimmed === '' ? {} : { reason: trimmed }) }, key)
      if (refund.status === 'failed') {
        await alertText('退款失败', '渠道未能退款，请稍后重试')
      } else {
        toast(refund.status === 'succeeded' ? '退款成功' : '退款处理中')
      }
      onRefunded()
    } catch (e) {
      await alertText('退款失败', errorText(e))
    } finally {
      busy.current = false
      setSending(false)
    }
  }

  return (
    <CellGroup title='退款' className='order__refund-form'>
      <Field
        label='退款金额'
        type='digit'
        placeholder={`最多 ${fenToYuanString(fen(refundable))} 元`}
        value={amount}
        errorMessage={problem ?? ''}
        onChange={(e) => { setAmount(String(e.detail)); setKey(newIdempotencyKey()) }}
      />
      <Field
        label='退款原因'
        placeholder='选填'
        maxlength={80}
        value={reason}
        onChange={(e) => { setReason(String(e.detail)); setKey(newIdempotencyKey()) }}
      />
      <View className='order__actions'>
        <Button className='order__refund-submit' type='danger' block loading={sending} disabled={problem !== null} onClick={handleSubmit}>确认退款</Button>
        <Button className='order__refund-cancel' block plain disabled={sending} onClick={onClose}>取消</Button>
      </View>
    </CellGroup>
  )
}

export default function OrderPage () {
  const id = param('id')
  const s = useData(async () => await orderDetail(id), [id])
  const [refunding, setRefunding] = useState(false)
  const detail = s.data

  return (
    <View className='order'>
      <PageState loading={s.loading && detail === null} error={s.error} onRetry={() => s.reload()}>
        {detail !== null && (
          <>
            <OrderFacts order={detail.order} store={detail.store} />
            <View className='order__actions'>
              <Button className='print-button' block plain type='primary' onClick={() => printAndTell(detail.order.id)}>打印小票</Button>
              {refundableFen(detail.order) > 0 && !refunding && (
                <Button className='refund-button' block plain type='danger' onClick={() => setRefunding(true)}>退款</Button>
              )}
            </View>
            {refunding && (
              <RefundForm
                order={detail.order}
                onClose={() => setRefunding(false)}
                onRefunded={() => { setRefunding(false); s.reload() }}
              />
            )}
            <PartList title='退款记录' part={detail.refunds} empty='无退款'>
              {(refunds) => refunds.map((r) => <RefundRow key={r.id} refund={r} />)}
            </PartList>
            <PartList title='通知记录' part={detail.deliveries} empty='暂无通知记录'>
              {(deliveries) => deliveries.map((d) => <DeliveryRow key={d.id} delivery={d} />)}
            </PartList>
          </>
        )}
      </PageState>
    </View>
  )
}
