import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { ImportVoucherBatchBody, MAX_VOUCHER_DAYS, type VoucherBatchDto } from '@yima/shared'
import { validateWith } from '../../lib/forms'
import { useEntityForm } from '../../lib/use-entity-form'
import { importVoucherBatch } from '../../services/vouchers-console'
import { Field, FormErrors } from '../field'
import { Modal } from '../modal'
import { SCENARIO_ROWS } from './voucher-text'

/** The 订单优惠标记 table of seed 002 (微信优惠券导入): the batch must carry exactly one row's tags. */
export function ScenarioTable () {
  return (
    <View className='voucher-scenarios'>
      <View className='voucher-scenarios__row voucher-scenarios__row--head'>
        <Text className='voucher-scenarios__cell'>核销场景</Text>
        <Text className='voucher-scenarios__cell'>是否可与通用券互斥</Text>
        <Text className='voucher-scenarios__cell voucher-scenarios__cell--tags'>订单优惠标记</Text>
      </View>
      {SCENARIO_ROWS.map((r) => (
        <View key={r.key} className={`voucher-scenarios__row voucher-scenarios__row--${r.key}`}>
          <Text className='voucher-scenarios__cell'>{r.where}</Text>
          <Text className='voucher-scenarios__cell'>{r.mutex}</Text>
          <View className='voucher-scenarios__cell voucher-scenarios__cell--tags'>
            {r.tags.map((t) => <Text key={t} className='mono voucher-scenarios__tag'>{t}</Text>)}
          </View>
        </View>
      ))}
    </View>
  )
}

/**
 * 导入pay券 (seed 002): a batch created and activated in the WeChat Pay back office, by its 批次号
 * and 制券商户号. The server reads it from WeChat and refuses one it cannot use; that refusal is
 * shown next to the field it names, or on top.
 */
export function ImportDialog ({ merchantId, ownMchIds, onClose, onImported }: {
  merchantId: string
  /** The merchant's own merchant ids (微信API证书配置), offered as the creator. */
  ownMchIds: readonly string[]
  onClose: () => void
  onImported: (b: VoucherBatchDto) => void
}) {
  const form = useEntityForm({
    fields: [{ key: 'stockId' }, { key: 'creatorMchId' }],
    dto: null,
    prepare: (values) => validateWith(ImportVoucherBatchBody, { stockId: values.stockId ?? '', creatorMchId: values.creatorMchId ?? '' }),
    save: async (body) => { onImported(await importVoucherBatch(merchantId, body)) },
  })
  return (
    <Modal
      title='导入微信代金券批次'
      className='voucher-import'
      wide
      onClose={onClose}
      footer={(
        <>
          <Button size='small' onClick={onClose}>取消</Button>
          <Button size='small' type='primary' loading={form.busy} className='voucher-import__submit' onClick={() => { form.submit() }}>导入</Button>
        </>
      )}
    >
      <View className='hint voucher-import__intro'>
        在微信支付服务商后台（营销中心 → 创建全场券）创建代金券并在“管理代金券 → 草稿箱”中激活后，填写批次号同步导入。
        {`优惠券可用时间需在 ${MAX_VOUCHER_DAYS} 天内，否则不能导入。`}
      </View>
      <FormErrors errors={form.errors} fields={form.keys} />
      <Field {...form.bind('stockId')} label='批次号' required placeholder='例如 16246120' hint='微信支付后台“管理代金券”列表中的批次号' />
      <Field
        {...form.bind('creatorMchId')}
        label='制券商户号'
        required
        placeholder='8–12 位数字'
        hint={(
          <>
            创建该批次的微信商户号：服务商商户号，或商户自己的商户号（需先完成微信API证书配置）。
            {ownMchIds.map((id) => (
              <Text key={id} className='voucher-import__own' onClick={() => { form.setValues((v) => ({ ...v, creatorMchId: id })) }}>{`使用 ${id}`}</Text>
            ))}
          </>
        )}
        onConfirm={() => { form.submit() }}
      />
      <View className='voucher-import__scenarios-title'>订单优惠标记</View>
      <View className='hint'>
        请务必与创券方确认创建优惠券时按下表添加了“订单优惠标记”，否则无法控制优惠券的核销规则。以下 6 类核销场景组合，仅可添加 1 类的订单优惠标记（多个标记都要添加）。
      </View>
      <ScenarioTable />
    </Modal>
  )
}
