import { useRouter } from '@tarojs/taro'
import { View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { CreateSubServiceProviderBody, SubServiceProviderDTO, UpdateSubServiceProviderBody } from '@yima/shared'
import { EditPage } from '../../../components/edit-page'
import { Choice, Field, FormErrors } from '../../../components/field'
import { Section } from '../../../components/ui'
import { prepareSspBody, SSP_FIELDS } from '../../../lib/entity-forms'
import { queryParam } from '../../../lib/format'
import { back, replace, ROUTES } from '../../../lib/routes'
import { useEntityForm } from '../../../lib/use-entity-form'
import { useServiceProviderChoice } from '../../../lib/use-options'
import { createSubServiceProvider, getSubServiceProvider, updateSubServiceProvider } from '../../../services/sub-service-providers'

/** Add or edit a sub-service provider (T6). */
export default function SubServiceProviderEdit () {
  const serviceProviderId = queryParam(useRouter().params, 'serviceProviderId')
  return <EditPage active='ssp' titles={['添加子服务商', '编辑子服务商']} load={getSubServiceProvider} form={(dto) => <SspForm dto={dto} serviceProviderId={serviceProviderId} />} />
}

function SspForm ({ dto, serviceProviderId }: { dto: SubServiceProviderDTO | null, serviceProviderId?: string }) {
  const creating = dto === null
  const form = useEntityForm({
    fields: SSP_FIELDS,
    dto,
    preset: { serviceProviderId: serviceProviderId ?? '' },
    prepare: prepareSspBody,
    save: async (body) => {
      const saved = creating
        ? await createSubServiceProvider(body as CreateSubServiceProviderBody)
        : await updateSubServiceProvider(dto.id, body as UpdateSubServiceProviderBody)
      replace(ROUTES.subServiceProvider, { id: saved.id, saved: '1' })
    },
  })
  const sps = useServiceProviderChoice(creating, form.setValues)
  const { bind } = form

  return (
    <View className='ssp-form'>
      <FormErrors errors={form.errors} fields={form.keys} />
      <Section title='子服务商信息'>
        {creating
          ? <Choice {...bind('serviceProviderId')} {...sps} label='云支付服务商账号' required />
          : <Field name='serviceProviderId' label='云支付服务商账号' value={sps.options.find((o) => o.value === dto.serviceProviderId)?.label ?? dto.serviceProviderId} onChange={() => {}} disabled />}
        <Field {...bind('accountId')} label='子服务商平台账号 ID' required={creating} disabled={!creating} hint='子服务商登录本平台所用账号的 ID（子服务商可在后台右上角查看）' />
        <Field {...bind('name')} label='子服务商名称' required />
        <Field {...bind('adminName')} label='子服务商管理员姓名' required />
        <Field {...bind('phone')} label='子服务商联系电话' required />
        <Field {...bind('wechatRebateBp')} label='微信支付返佣比例（%）' hint='服务商给子服务商的返佣分成比例，仅用于统计' />
        <Field {...bind('alipayRebateBp')} label='支付宝返佣比例（%）' />
        <Field {...bind('remark')} label='备注' multiline />
      </Section>
      <View className='form__actions'>
        <Button type='primary' loading={form.busy} className='ssp-form__submit' onClick={() => { form.submit() }}>确定</Button>
        <Button onClick={() => { back(ROUTES.subServiceProviders) }}>取消</Button>
      </View>
    </View>
  )
}
