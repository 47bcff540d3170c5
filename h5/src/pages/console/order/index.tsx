import type { ReactNode } from 'react'
import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import {
  DELIVERY_CHANNEL_LABELS, DELIVERY_STATUS_LABELS, fen, formatFen, ORDER_STATUS_LABELS, REFUND_STATUS_LABELS, STORE_PAYMENT_TYPE_LABELS,
  type DeliveryDto, type OrderDto, type RefundDto,
} from '@yima/shared'
import { ConsoleShell } from '../../../components/console-shell'
import { Action, InfoList, Loading, Message, NoticeMessage, Section } from '../../../components/ui'
import { queryParam } from '../../../lib/format'
import { back, ROUTES } from '../../../lib/routes'
import { useConsoleData, type AsyncState } from '../../../lib/use-async'
import { useNotice } from '../../../lib/use-notice'
import { getOrder, getStaff, getStore, listOrderDeliveries, listOrderRefunds, printedText, printOrder } from '../../../services/reports'
import { sourceTypeLabel } from '../orders/query'
import { storeLabel } from '../reports/filters'
import { chinaDateTime } from '../reports/range'
import '../reports/index.scss'

const REFUND_TONE: Record<RefundDto['status'], string> = { processing: 'tag--warn', succeeded: 'tag--ok', failed: 'tag--bad' }
const DELIVERY_TONE: Record<DeliveryDto['status'], string> = { pending: 'tag--warn', sent: 'tag--ok', failed: 'tag--bad', fallback: 'tag--warn' }
const OPERATOR_LABELS: Record<string, string> = { account: '后台账号', staff: '店员' }
const SUBJECT_LABELS: Record<string, string> = { payment: '收款通知', refund: '退款通知', order_detail: '订单小票', handover: '交接班' }
const RECIPIENT_LABELS: Record<DeliveryDto['recipient']['kind'], string> = { staff: '店员', printer: '打印机', speaker: '云音箱' }

const money = (n: number): string => formatFen(fen(n))

/** 订单详情 (R2): the order, its refunds and who was told of it and how; printable on the store's printers. */
export default function OrderDetail () {
  const id = queryParam(useRouter().params, 'id') ?? ''
  const order = useConsoleData(async () => await getOrder(id), [id])
  const refunds = useConsoleData(async () => await listOrderRefunds(id), [id])
  const deliveries = useConsoleData(async () => await listOrderDeliveries(id), [id])
  const o = order.data
  // Names are extras: the ids show when they cannot be read.
  const storeId = o?.storeId ?? null
  const staffId = o?.staffId ?? null
  const store = useConsoleData(async () => (storeId === null ? null : await getStore(storeId).catch(() => null)), [storeId])
  const staff = useConsoleData(async () => (staffId === null ? null : await getStaff(staffId).catch(() => null)), [staffId])
  const { notice, run } = useNotice()

  const print = (refundId?: string): void => {
    run(async () => printedText(await printOrder(id, refundId)))
  }

  return (
    <ConsoleShell
      active='orders'
      title='订单详情'
      actions={(
        <>
          {o !== null && <Button size='small' type='primary' className='order-detail__print' onClick={() => { print() }}>打印</Button>}
          <Button size='small' className='order-detail__back' onClick={() => { back(ROUTES.orders) }}>返回</Button>
        </>
      )}
    >
      <NoticeMessage notice={notice} className='order-detail__notice' />
      {id === '' && <Message>缺少订单号</Message>}
      {order.error !== null && <Message className='order-detail__load-error'>{order.error}</Message>}
      {o === null && order.loading && id !== '' && <Loading />}
      {o !== null && (
        <>
          <Section title='订单信息' className='order-detail__info'>
            <InfoList items={orderItems(o, {
              store: store.data === null ? o.storeId : storeLabel(store.data),
              staff: staff.data === null ? o.staffId : staff.data.name,
            })}
            />
          </Section>
          <Section title='退款记录' className='order-detail__refunds'>
            <Part state={refunds} empty='没有退款'>
              {(refunds.data ?? []).map((r) => (
                <View key={r.id} className='order-detail__item order-detail__refund'>
                  <View className='order-detail__item-head'>
                    <Text className='order-row__amount'>{money(r.amountFen)}</Text>
                    <Text className={`tag ${REFUND_TONE[r.status]}`}>{REFUND_STATUS_LABELS[r.status]}</Text>
                    <Action className='order-detail__refund-print' onClick={() => { print(r.id) }}>打印退款小票</Action>
                  </View>
                  <View className='order-detail__item-meta'>
                    <Text className='mono'>{`退款单号 ${r.outRefundNo}`}</Text>
                    {r.reason !== null && <Text>{`原因：${r.reason}`}</Text>}
                    <Text>{`操作人：${OPERATOR_LABELS[r.operator.kind] ?? r.operator.kind} ${r.operator.id}`}</Text>
                    <Text>{`发起时间 ${chinaDateTime(r.createdAt)}`}</Text>
                    {r.refundedAt !== null && <Text>{`退款时间 ${chinaDateTime(r.refundedAt)}`}</Text>}
                  </View>
                </View>
              ))}
            </Part>
          </Section>
          <Section title='通知记录' className='order-detail__deliveries'>
            <Part state={deliveries} empty='没有通知记录'>
              {(deliveries.data ?? []).map((d) => (
                <View key={d.id} className='order-detail__item order-detail__delivery'>
                  <View className='order-detail__item-head'>
                    <Text>{`${SUBJECT_LABELS[d.subject] ?? d.subject} · ${DELIVERY_CHANNEL_LABELS[d.channel]} → ${d.recipient.name ?? RECIPIENT_LABELS[d.recipient.kind]}`}</Text>
                    <Text className={`tag ${DELIVERY_TONE[d.status]}`}>{DELIVERY_STATUS_LABELS[d.status]}</Text>
                  </View>
                  <View className='order-detail__item-meta'>
                    <Text>{`${RECIPIENT_LABELS[d.recipient.kind]} ${d.target}`}</Text>
                    <Text>{`尝试 ${d.attempts} 次`}</Text>
                    <Text>{d.sentAt === null ? `创建于 ${chinaDateTime(d.createdAt)}` : `发送于 ${chinaDateTime(d.sentAt)}`}</Text>
                    {d.lastError !== null && <Text className='order-detail__error'>{d.lastError}</Text>}
                  </View>
                </View>
              ))}
            </Part>
          </Section>
        </>
      )}
    </ConsoleShell>
  )
}

/** A part of the page that loads (and fails) on its own. */
function Part ({ state, empty, children }: { state: AsyncState<readonly unknown[]>, empty: string, children: ReactNode }) {
  if (state.error !== null) return <Message>{state.error}</Message>
  if (state.data === null) return state.loading ? <Loading /> : null
  if (state.data.length === 0) return <View className='list__empty'>{empty}</View>
  return <>{children}</>
}

function orderItems (o: OrderDto, names: { store: string | null, staff: string | null }): Array<[string, ReactNode, string?]> {
  return [
    ['订单金额', <Text key='a' className='order-detail__amount'>{money(o.amountFen)}</Text>],
    ['订单状态', <Text key='s' className='order-detail__status'>{ORDER_STATUS_LABELS[o.status]}</Text>],
    ['优惠金额', money(o.discountFen)],
    ['结算金额', money(o.amountFen - o.discountFen)],
    ['已退款', money(o.refundedFen), 'order-detail__refunded'],
    ['商户订单号', <Text key='n' className='mono'>{o.outTradeNo}</Text>],
    ['渠道交易号', o.channelTxnId === null ? null : <Text key='c' className='mono'>{o.channelTxnId}</Text>],
    ['订单 ID', <Text key='i' className='mono'>{o.id}</Text>],
    ['支付渠道', STORE_PAYMENT_TYPE_LABELS[o.payPlatform]],
    ['支付方式', `${o.method}（${o.tradeType}）`],
    ['订单来源', sourceTypeLabel(o.sourceType)],
    ['门店', names.store],
    ['店员', names.staff],
    ['设备', o.deviceId],
    ['二维码', o.qrCodeId],
    ['商品描述', o.description],
    ['数量', o.quantity === null ? null : String(o.quantity)],
    ['备注', o.remark],
    ['下单时间', chinaDateTime(o.createdAt)],
    ['支付时间', o.paidAt === null ? null : chinaDateTime(o.paidAt)],
    ['关闭时间', o.closedAt === null ? null : chinaDateTime(o.closedAt)],
    ...(o.status === 'failed' ? [['失败原因', o.failureMessage ?? o.failureCode] as [string, ReactNode]] : []),
  ]
}
