import { View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { CreateServiceProviderBody, ServiceProviderDTO, UpdateServiceProviderBody } from '@yima/shared'
import { EditPage } from '../../../components/edit-page'
import { Field, FormErrors } from '../../../components/field'
import { Section } from '../../../components/ui'
import { back, replace, ROUTES } from '../../../lib/routes'
import { prepareSpBody, SP_FIELDS, spStoredSecrets } from '../../../lib/sp-form'
import { useEntityForm } from '../../../lib/use-entity-form'
import { createServiceProvider, getServiceProvider, updateServiceProvider } from '../../../services/service-providers'

const STORED = '已设置，留空则不修改'

/** Add or edit a service provider (T2; seed 000 配置服务商 steps 3–5). */
export default function ServiceProviderEdit () {
  return <EditPage active='sp' titles={['添加服务商', '编辑服务商']} load={getServiceProvider} form={(dto) => <SpForm dto={dto} />} />
}

function SpForm ({ dto }: { dto: ServiceProviderDTO | null }) {
  const form = useEntityForm({
    fields: SP_FIELDS,
    dto,
    prepare: prepareSpBody,
    save: async (body) => {
      const saved = dto === null
        ? await createServiceProvider(body as CreateServiceProviderBody)
        : await updateServiceProvider(dto.id, body as UpdateServiceProviderBody)
      replace(ROUTES.serviceProvider, { id: saved.id, saved: '1' })
    },
  })
  const stored = spStoredSecrets(dto)
  const bind = (key: string) => ({ ...form.bind(key), placeholder: stored.has(key) ? STORED : undefined })

  return (
    <View className='sp-form'>
      <FormErrors errors={form.errors} fields={form.keys} />
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
        <Field {...bind('wechatPay.certificate')} label='商户 API 证书' multiline hint='apiclient_cert.pem 的内容；使用微信押金时必填' />
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
        <Button type='primary' loading={form.busy} className='sp-form__submit' onClick={() => { form.submit() }}>保存</Button>
        <Button onClick={() => { back(ROUTES.serviceProviders) }}>取消</Button>
      </View>
    </View>
  )
}
