import { useEffect, useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { CreateSubServiceProviderBody, SubServiceProviderDTO, UpdateSubServiceProviderBody } from '@yima/shared'
import { ConsoleShell } from '../../../components/console-shell'
import { Choice, Field, FormErrors } from '../../../components/field'
import { Loading, Message, Section } from '../../../components/ui'
import { prepareSspBody, SSP_FIELDS, sspFormFromDto } from '../../../lib/entity-forms'
import { queryParam } from '../../../lib/format'
import { errorsFromServer, type FieldErrors, type FormValues } from '../../../lib/forms'
import { back, replace, ROUTES } from '../../../lib/routes'
import { useConsoleData } from '../../../lib/use-async'
import { useServiceProviderOptions } from '../../../lib/use-options'
import { createSubServiceProvider, getSubServiceProvider, updateSubServiceProvider } from '../../../services/sub-service-providers'

const KEYS = SSP_FIELDS.map((f) => f.key)

/** Add or edit a sub-service provider (T6). */
export default function SubServiceProviderEdit () {
  const params = useRouter().params
  const id = queryParam(params, 'id')
  const existing = useConsoleData(async () => (id === undefined ? null : await getSubServiceProvider(id)), [id])
  return (
    <ConsoleShell active='ssp' title={id === undefined ? '添加子服务商' : '编辑子服务商'}>
      {existing.error !== null && <Message>{existing.error}</Message>}
      {id !== undefined && existing.data === null && existing.error === null && <Loading />}
      {(id === undefined || existing.data !== null) && (
        <SspForm key={existing.data?.id ?? 'new'} dto={existing.data} serviceProviderId={queryParam(params, 'serviceProviderId')} />
      )}
    </ConsoleShell>
  )
}

function SspForm ({ dto, serviceProviderId }: { dto: SubServiceProviderDTO | null, serviceProviderId?: string }) {
  const [initial] = useState<FormValues | null>(() => (dto === null ? null : sspFormFromDto(dto)))
  const [values, setValues] = useState<FormValues>(() => ({ ...sspFormFromDto(dto), ...(dto === null && serviceProviderId !== undefined ? { serviceProviderId } : {}) }))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const sps = useServiceProviderOptions()
  const creating = dto === null
  const change = (key: string) => (v: string) => { setValues((old) => ({ ...old, [key]: v })) }
  const bind = (key: string) => ({ name: key, value: values[key] ?? '', error: errors[key], onChange: change(key) })
  // One provider only: nothing to choose.
  const only = sps.options.length === 1 ? sps.options[0]?.value : undefined
  useEffect(() => {
    if (creating && only !== undefined) setValues((old) => (old.serviceProviderId === '' ? { ...old, serviceProviderId: only } : old))
  }, [only])

  const submit = async (): Promise<void> => {
    const prepared = prepareSspBody(values, initial)
    if (!prepared.ok) { setErrors(prepared.errors); return }
    setErrors({})
    setBusy(true)
    try {
      const saved = creating
        ? await createSubServiceProvider(prepared.body as CreateSubServiceProviderBody)
        : await updateSubServiceProvider(dto.id, prepared.body as UpdateSubServiceProviderBody)
      replace(ROUTES.subServiceProvider, { id: saved.id, saved: '1' })
    } catch (e) {
      setErrors(errorsFromServer(e, KEYS))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='ssp-form'>
      <FormErrors errors={errors} fields={KEYS} />
      <Section title='子服务商信息'>
        {creating
          ? <Choice name='serviceProviderId' label='云支付服务商账号' required options={sps.options} value={values.serviceProviderId ?? ''} onChange={change('serviceProviderId')} error={errors.serviceProviderId} empty={sps.loading ? '加载中…' : '请先添加服务商'} />
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
        <Button type='primary' loading={busy} className='ssp-form__submit' onClick={() => { submit().catch(() => {}) }}>确定</Button>
        <Button onClick={() => { back(ROUTES.subServiceProviders) }}>取消</Button>
      </View>
    </View>
  )
}
