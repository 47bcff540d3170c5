import { useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { CreateMerchantBody, MerchantCreatedDTO, MerchantDTO, UpdateMerchantBody } from '@yima/shared'
import { EditPage } from '../../../components/edit-page'
import { Choice, Field, FormErrors } from '../../../components/field'
import { MerchantCreatedDialog } from '../../../components/merchant-created'
import { Section } from '../../../components/ui'
import { MERCHANT_FIELDS, prepareMerchantBody } from '../../../lib/entity-forms'
import { queryParam } from '../../../lib/format'
import { back, replace, ROUTES } from '../../../lib/routes'
import { useEntityForm } from '../../../lib/use-entity-form'
import { useServiceProviderChoice, useSubServiceProviderOptions } from '../../../lib/use-options'
import { createMerchant, getMerchant, updateMerchant } from '../../../services/merchants'

/** Add (then show the keys once and the two QR codes) or edit a sub-merchant (T7). */
export default function MerchantEdit () {
  const params = useRouter().params
  const preset = { serviceProviderId: queryParam(params, 'serviceProviderId') ?? '', subServiceProviderId: queryParam(params, 'subServiceProviderId') ?? '' }
  return <EditPage active='merchant' titles={['添加子商户', '编辑子商户']} load={getMerchant} form={(dto) => <MerchantForm dto={dto} preset={preset} />} />
}

function MerchantForm ({ dto, preset }: { dto: MerchantDTO | null, preset: { serviceProviderId: string, subServiceProviderId: string } }) {
  const creating = dto === null
  const [created, setCreated] = useState<MerchantCreatedDTO | null>(null)
  const form = useEntityForm({
    fields: MERCHANT_FIELDS,
    dto,
    preset,
    prepare: prepareMerchantBody,
    save: async (body) => {
      if (creating) setCreated(await createMerchant(body as CreateMerchantBody))
      else {
        await updateMerchant(dto.id, body as UpdateMerchantBody)
        replace(ROUTES.merchant, { id: dto.id })
      }
    },
  })
  const { values, bind, setValues } = form
  const sps = useServiceProviderChoice(creating, setValues)
  const ssps = useSubServiceProviderOptions(values.serviceProviderId ?? '')

  return (
    <View className='merchant-form'>
      <FormErrors errors={form.errors} fields={form.keys} />
      {creating && (
        <Section title='所属服务商'>
          <Choice {...bind('serviceProviderId')} {...sps} label='服务商' required onChange={(v) => { setValues((old) => ({ ...old, serviceProviderId: v, subServiceProviderId: '' })) }} />
          {ssps.options.length > 0 && (
            <Choice {...bind('subServiceProviderId')} label='子服务商' options={[{ value: '', label: '不属于子服务商' }, ...ssps.options]} />
          )}
        </Section>
      )}
      <Section title='子商户基本信息'>
        <Field {...bind('name')} label='子商户名称' required hint='微信支付商户平台上的商户名称' />
        <Field {...bind('shortName')} label='子商户简称' required hint='微信支付商户平台上的商家简称' />
        <Field {...bind('adminName')} label='子商户管理员姓名' required />
        <Field {...bind('adminEmail')} label='子商户管理员邮箱' required />
        <Field {...bind('logoUrl')} label='子商户 logo' hint='图片网址，在一码支付的支付页面等地方展示' />
        <Field {...bind('adUrl')} label='广告 URL' hint='单击广告图片跳转的链接' />
        <Field {...bind('adImageUrl')} label='广告图片' hint='图片网址，在一码支付的支付完成页展示' />
        <Field {...bind('remark')} label='备注' multiline />
      </Section>
      <Section title='第三方支付信息'>
        <Field
          {...bind('wechatSubMchId')}
          label='子商户商户号'
          required={creating}
          disabled={!creating}
          hint='微信支付分配给子商户的商户号；必须是该服务商的特约商户'
        />
      </Section>
      <View className='form__actions'>
        <Button type='primary' loading={form.busy} className='merchant-form__submit' onClick={() => { form.submit() }}>{creating ? '下一步' : '保存'}</Button>
        <Button onClick={() => { back(ROUTES.merchants) }}>取消</Button>
      </View>
      {created !== null && (
        <MerchantCreatedDialog created={created} onDone={() => { replace(ROUTES.merchant, { id: created.merchant.id }) }} />
      )}
    </View>
  )
}
