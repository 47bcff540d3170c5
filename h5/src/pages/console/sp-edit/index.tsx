import { useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { CreateServiceProviderBody, ServiceProviderDTO, UpdateServiceProviderBody } from '@yima/shared'
import { ConsoleShell } from '../../../components/console-shell'
import { Field, FormErrors } from '../../../components/field'
import { Loading, Message, Section } from '../../../components/ui'
import { queryParam } from '../../../lib/format'
import { errorsFromServer, type FieldErrors, type FormValues } from '../../../lib/forms'
import { back, replace, ROUTES } from '../../../lib/routes'
import { prepareSpBody, SP_FIELD_KEYS, spFormFromDto, spStoredSecrets } from '../../../lib/sp-form'
import { useConsoleData } from '../../../lib/use-async'
import { createServiceProvider, getServiceProvider, updateServiceProvider } from '../../../services/service-providers'

const STORED = '已设置，留空则不修改'

/** Add or edit a service provider (T2; seed 000 配置服务商 steps 3–5). */
export default function ServiceProviderEdit () {
  const id = queryParam(useRouter().params, 'id')
  const existing = useConsoleData(async () => (id === undefined ? null : await getServiceProvider(id)), [id])
  return (
    <ConsoleShell active='sp' title={id === undefined ? '添加服务商' : '编辑服务商'}>
      {existing.error !== null && <Message>{existing.error}</Message>}
      {id !== undefined && existing.data === null && existing.error === null && <Loading />}
      {(id === undefined || existing.data !== null) && <SpForm key={existing.data?.id ?? 'new'} dto={existing.data} />}
    </ConsoleShell>
  )
}

function SpForm ({ dto }: { dto: ServiceProviderDTO | null }) {
  const [initial] = useState<FormValues | null>(() => (dto === null ? null : spFormFromDto(dto)))
  const [values, setValues] = useState<FormValues>(() => spFormFromDto(dto))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const stored = spStoredSecrets(dto)

  const bind = (key: string) => ({
    name: key,
    value: values[key] ?? '',
    error: errors[key],
    placeholder: stored.has(key) ? STORED : undefined,
    onChange: (v: string) => { setValues((old) => ({ ...old, [key]: v })) },
  })

  const submit = async (): Promise<void> => {
    const prepared = prepareSpBody(values, initial)
    if (!prepared.ok) { setErrors(prepared.errors); return }
    setErrors({})
    setBusy(true)
    try {
      const saved = dto === null
        ? await createServiceProvider(prepared.body as CreateServiceProviderBody)
        : await updateServiceProvider(dto.id, prepared.body as UpdateServiceProviderBody)
      replace(ROUTES.serviceProvider, { id: saved.id, saved: '1' })
    } catch (e) {
      setErrors(errorsFromServer(e, SP_FIELD_KEYS))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='sp-form'>
      <FormErrors errors={errors} fields={SP_FIELD_KEYS} />
      <Section title='服务商基本信息'>
        <Field {...bind('name')} label='服务商名称' required hint='微信支付服务商平台上的商户名称' />
        <Field {...bind('shortName')} label='服务商简称' required hint='微信支付服务商平台上的商家简称' />
        <Field {...bind('adminName')} label='服务商管理员姓名' required />
        <Field {...bind('adminPhone')} label='服务商管理员手机号码' required />
        <Field {...bind('tradeCallbackUrl')} label='交易完成回调 URL' hint='支付成功后，云支付会回传对应的支付成功订单信息到该 URL' />
        <Field {...bind('logoUrl')} label='服务商 logo' hint='图片网址，在一码支付的支付页面展示' />
        <Field {...bind('adUrl')} label='广告 URL' hint='单击支付完成页上的广告图片时跳转的链接' />
        <Field {...bind('adImageUrl')} label='广告图片' hint='图片网址，在支付完成页展示' />
        <Field {...bind('payCompleteUrl')} label='支付完成页 URL' hint='一码支付完成后，用户手机会跳转到该页面' />
        <Field {...bind('remark')} label='服务商备注' multiline />
      </Section>
      <Section title='微信支付信息'>
        <Field {...bind('wechatPay.mchId')} label='微信支付商户号' hint='服务商在微信支付分配的商户号（mch_id）' />
        <Field {...bind('wechatPay.apiV3Key')} label='APIv3 密钥' password hint='32 位字母或数字' />
        <Field {...bind('wechatPay.apiV2Key')} label='API 密钥（v2）' password />
        <Field {...bind('wechatPay.privateKey')} label='商户 API 私钥' multiline hint='apiclient_key.pem 的内容（PEM 格式）' />
        <Field {...bind('wechatPay.certificateSerial')} label='商户 API 证书序列号' />
        <Field {...bind('wechatPay.platformCertificate')} label='微信支付平台证书' multiline hint='平台证书或微信支付公钥二选一' />
        <Field {...bind('wechatPay.publicKey')} label='微信支付公钥' multiline />
        <Field {...bind('wechatPay.publicKeyId')} label='微信支付公钥 ID' hint='以 PUB_KEY_ID_ 开头' />
        <Field {...bind('wechatPay.officialAccountAppId')} label='公众号 AppID' hint='服务商通过认证的微信公众号 AppID' />
        <Field {...bind('wechatPay.officialAccountSecret')} label='公众号 AppSecret' password />
        <Field {...bind('wechatPay.rebateBp')} label='返佣比例（%）' hint='仅用于统计参考，以微信支付服务商平台结算数据为准，非必填' />
      </Section>
      <Section title='支付宝信息'>
        <Field {...bind('alipay.appId')} label='服务商应用 ID' />
        <Field {...bind('alipay.privateKey')} label='支付宝应用签名私钥' multiline />
        <Field {...bind('alipay.alipayPublicKey')} label='支付宝验签公钥' multiline />
        <Field {...bind('alipay.pid')} label='合作者身份 ID（PID）' />
        <Field {...bind('alipay.rebateBp')} label='返佣比例（%）' hint='仅用于统计参考，以支付宝结算数据为准，非必填' />
      </Section>
      <View className='form__actions'>
        <Button type='primary' loading={busy} className='sp-form__submit' onClick={() => { submit().catch(() => {}) }}>保存</Button>
        <Button onClick={() => { back(ROUTES.serviceProviders) }}>取消</Button>
      </View>
    </View>
  )
}
