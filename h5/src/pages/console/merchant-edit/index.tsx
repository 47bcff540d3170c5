import { useEffect, useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { CreateMerchantBody, MerchantCreatedDTO, MerchantDTO, UpdateMerchantBody } from '@yima/shared'
import { ConsoleShell } from '../../../components/console-shell'
import { Choice, Field, FormErrors } from '../../../components/field'
import { MerchantCreatedDialog } from '../../../components/merchant-created'
import { Loading, Message, Section } from '../../../components/ui'
import { MERCHANT_FIELDS, merchantFormFromDto, prepareMerchantBody } from '../../../lib/entity-forms'
import { queryParam } from '../../../lib/format'
import { errorsFromServer, type FieldErrors, type FormValues } from '../../../lib/forms'
import { back, replace, ROUTES } from '../../../lib/routes'
import { useConsoleData } from '../../../lib/use-async'
import { useServiceProviderOptions, useSubServiceProviderOptions } from '../../../lib/use-options'
import { createMerchant, getMerchant, updateMerchant } from '../../../services/merchants'

const KEYS = MERCHANT_FIELDS.map((f) => f.key)

/** Add (then show the keys once and the two QR codes) or edit a sub-merchant (T7). */
export default function MerchantEdit () {
  const params = useRouter().params
  const id = queryParam(params, 'id')
  const existing = useConsoleData(async () => (id === undefined ? null : await getMerchant(id)), [id])
  return (
    <ConsoleShell active='merchant' title={id === undefined ? '添加子商户' : '编辑子商户'}>
      {existing.error !== null && <Message>{existing.error}</Message>}
      {id !== undefined && existing.data === null && existing.error === null && <Loading />}
      {(id === undefined || existing.data !== null) && (
        <MerchantForm
          key={existing.data?.id ?? 'new'}
          dto={existing.data}
          serviceProviderId={queryParam(params, 'serviceProviderId')}
          subServiceProviderId={queryParam(params, 'subServiceProviderId')}
        />
      )}
    </ConsoleShell>
  )
}

function MerchantForm ({ dto, serviceProviderId, subServiceProviderId }: { dto: MerchantDTO | null, serviceProviderId?: string, subServiceProviderId?: string }) {
  const creating = dto === null
  const [initial] = useState<FormValues | null>(() => (dto === null ? null : merchantFormFromDto(dto)))
  const [values, setValues] = useState<FormValues>(() => ({
    ...merchantFormFromDto(dto),
    ...(creating ? { serviceProviderId: serviceProviderId ?? '', subServiceProviderId: subServiceProviderId ?? '' } : {}),
  }))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const [created, setCreated] = useState<MerchantCreatedDTO | null>(null)
  const sps = useServiceProviderOptions()
  const ssps = useSubServiceProviderOptions(values.serviceProviderId ?? '')
  const change = (key: string) => (v: string) => { setValues((old) => ({ ...old, [key]: v })) }
  const bind = (key: string) => ({ name: key, value: values[key] ?? '', error: errors[key], onChange: change(key) })
  const only = sps.options.length === 1 ? sps.options[0]?.value : undefined
  useEffect(() => {
    if (creating && only !== undefined) setValues((old) => (old.serviceProviderId === '' ? { ...old, serviceProviderId: only } : old))
  }, [only])

  const submit = async (): Promise<void> => {
    const prepared = prepareMerchantBody(values, initial)
    if (!prepared.ok) { setErrors(prepared.errors); return }
    setErrors({})
    setBusy(true)
    try {
      if (creating) setCreated(await createMerchant(prepared.body as CreateMerchantBody))
      else {
        await updateMerchant(dto.id, prepared.body as UpdateMerchantBody)
        replace(ROUTES.merchant, { id: dto.id })
      }
    } catch (e) {
      setErrors(errorsFromServer(e, KEYS))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='merchant-form'>
      <FormErrors errors={errors} fields={KEYS} />
      {creating && (
        <Section title='所属服务商'>
          <Choice name='serviceProviderId' label='服务商' required options={sps.options} value={values.serviceProviderId ?? ''} onChange={(v) => { setValues((old) => ({ ...old, serviceProviderId: v, subServiceProviderId: '' })) }} error={errors.serviceProviderId} empty={sps.loading ? '加载中…' : '请先添加服务商'} />
          {ssps.options.length > 0 && (
            <Choice name='subServiceProviderId' label='子服务商' options={[{ value: '', label: '不属于子服务商' }, ...ssps.options]} value={values.subServiceProviderId ?? ''} onChange={change('subServiceProviderId')} error={errors.subServiceProviderId} />
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
        <Button type='primary' loading={busy} className='merchant-form__submit' onClick={() => { submit().catch(() => {}) }}>{creating ? '下一步' : '保存'}</Button>
        <Button onClick={() => { back(ROUTES.merchants) }}>取消</Button>
      </View>
      {created !== null && (
        <MerchantCreatedDialog created={created} onDone={() => { replace(ROUTES.merchant, { id: created.merchant.id }) }} />
      )}
    </View>
  )
}
