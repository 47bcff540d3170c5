import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { MerchantPayCredentialsBody, type MerchantPayCredentialsDto } from '@yima/shared'
import { formatTime } from '../../lib/format'
import { errorsFromServer, validateWith, type FieldErrors } from '../../lib/forms'
import { useNotice } from '../../lib/use-notice'
import { deletePayCredentials, savePayCredentials } from '../../services/vouchers-console'
import { Field, FormErrors } from '../field'
import { Modal } from '../modal'
import { Action, InfoList, Message, NoticeMessage, Section } from '../ui'

/** 多商户号配置: the most merchant ids one certificate may serve (the schema's limit). */
const MAX_MCH_IDS = 10

const secretTag = (stored: boolean, className: string) => (
  <Text key={className} className={`tag ${className} ${stored ? 'tag--ok' : 'tag--bad'}`}>{stored ? '已配置' : '未配置'}</Text>
)

/**
 * 微信API证书配置 (seed 002): the merchant's own WeChat Pay merchant ids, certificate private key,
 * serial and APIv3 key, used to issue the vouchers of batches those merchant ids created. The
 * secrets are write-only: the console only learns whether they are stored.
 */
export function CredentialsSection ({ merchantId, credentials, onChanged }: { merchantId: string, credentials: MerchantPayCredentialsDto | null, onChanged: () => void }) {
  const { notice, setNotice, run } = useNotice()
  const [editing, setEditing] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const remove = (): void => {
    setConfirming(false)
    run(async () => {
      await deletePayCredentials(merchantId)
      onChanged()
      return '已删除微信API证书配置'
    })
  }
  return (
    <Section
      title='微信API证书配置'
      className='pay-credentials'
      actions={confirming
        ? (
          <>
            <Button size='small' type='danger' className='pay-credentials__confirm-delete' onClick={remove}>确认删除</Button>
            <Button size='small' onClick={() => { setConfirming(false) }}>取消</Button>
          </>
          )
        : (
          <>
            {credentials !== null && <Button size='small' className='pay-credentials__delete' onClick={() => { setNotice(null); setConfirming(true) }}>删除</Button>}
            <Button size='small' type={credentials === null ? 'primary' : 'default'} className='pay-credentials__edit' onClick={() => { setNotice(null); setEditing(true) }}>
              {credentials === null ? '配置' : '修改'}
            </Button>
          </>
          )}
    >
      {confirming && <Message className='pay-credentials__delete-warning'>删除后，由商户自己的商户号创建的代金券批次将改以服务商身份发放，可能发券失败。</Message>}
      <NoticeMessage notice={notice} className='pay-credentials__message' />
      {credentials === null
        ? <View className='pay-credentials__none'>未配置：所有批次以服务商身份发放。</View>
        : (
          <InfoList items={[
            ['微信商户号', <View key='m' className='pay-credentials__mch-ids'>{credentials.mchIds.map((id) => <Text key={id} className='mono pay-credentials__mch-id'>{id}</Text>)}</View>],
            ['证书序列号', <Text key='s' className='mono pay-credentials__serial'>{credentials.certificateSerial}</Text>],
            ['证书私钥', secretTag(credentials.secrets.privateKey, 'pay-credentials__private-key')],
            ['APIv3密钥', secretTag(credentials.secrets.apiV3Key, 'pay-credentials__api-v3-key')],
            ['更新时间', formatTime(credentials.updatedAt)],
          ]}
          />
          )}
      <View className='hint'>
        用于调用微信代金券接口发券：批次的制券商户号是这里的商户号之一时，以商户自己的证书发券；否则以服务商身份发券。请填写商户的证书私钥（apiclient_key.pem）、证书序列号和 APIv3 密钥（在微信支付商户平台“账户中心 → API安全”中设置）。
      </View>
      {editing && (
        <CredentialsDialog
          merchantId={merchantId}
          credentials={credentials}
          onClose={() => { setEditing(false) }}
          onSaved={() => {
            setEditing(false)
            setNotice({ tone: 'success', text: '已保存微信API证书配置' })
            onChanged()
          }}
        />
      )}
    </Section>
  )
}

interface CredentialValues { mchIds: string[], privateKey: string, certificateSerial: string, apiV3Key: string }

/**
 * The body to PUT, checked with the server's schema. Blank merchant-id rows are left out; an
 * error on `mchIds.k` (the k-th id sent) goes back to the row it came from.
 */
function prepareCredentials (values: CredentialValues): { ok: true, body: MerchantPayCredentialsBody } | { ok: false, errors: FieldErrors } {
  const rows = values.mchIds.map((v, row) => ({ v: v.trim(), row })).filter((r) => r.v !== '')
  const checked = validateWith(MerchantPayCredentialsBody, {
    mchIds: rows.map((r) => r.v),
    privateKey: values.privateKey,
    certificateSerial: values.certificateSerial,
    apiV3Key: values.apiV3Key.trim(),
  })
  if (checked.ok) return checked
  return { ok: false, errors: toRows(checked.errors, rows.map((r) => r.row)) }
}

/** `mchIds.k` → `mchIds.<row>`, for the rows actually sent. */
function toRows (errors: FieldErrors, rows: readonly number[]): FieldErrors {
  const out: FieldErrors = {}
  for (const [key, message] of Object.entries(errors)) {
    const m = /^mchIds\.(\d+)$/.exec(key)
    const row = m === null ? undefined : rows[Number(m[1])]
    out[row === undefined ? key : `mchIds.${row}`] = message
  }
  return out
}

function CredentialsDialog ({ merchantId, credentials, onClose, onSaved }: {
  merchantId: string
  credentials: MerchantPayCredentialsDto | null
  onClose: () => void
  onSaved: () => void
}) {
  const [values, setValues] = useState<CredentialValues>(() => ({
    mchIds: credentials === null || credentials.mchIds.length === 0 ? [''] : [...credentials.mchIds],
    // Write-only: what is stored is never shown, so these start empty.
    privateKey: '',
    certificateSerial: credentials?.certificateSerial ?? '',
    apiV3Key: '',
  }))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const keys = ['mchIds', 'privateKey', 'certificateSerial', 'apiV3Key', ...values.mchIds.map((_, i) => `mchIds.${i}`)]
  const set = (patch: Partial<CredentialValues>): void => { setValues((old) => ({ ...old, ...patch })) }
  const setMchId = (row: number, v: string): void => { setValues((old) => ({ ...old, mchIds: old.mchIds.map((x, i) => (i === row ? v : x)) })) }

  const submit = async (): Promise<void> => {
    const prepared = prepareCredentials(values)
    if (!prepared.ok) { setErrors(prepared.errors); return }
    setErrors({})
    setBusy(true)
    try {
      await savePayCredentials(merchantId, prepared.body)
      onSaved()
    } catch (e) {
      const sentRows = values.mchIds.map((v, row) => ({ v: v.trim(), row })).filter((r) => r.v !== '').map((r) => r.row)
      setErrors(toRows(errorsFromServer(e, ['mchIds', 'privateKey', 'certificateSerial', 'apiV3Key', ...sentRows.map((_, k) => `mchIds.${k}`)]), sentRows))
    } finally {
      setBusy(false)
    }
  }
  const storedHint = (stored: boolean | undefined, what: string): string =>
    stored === true ? `已配置（出于安全考虑不显示已保存的${what}），保存时请重新填写。` : ''

  return (
    <Modal
      title='微信API证书配置'
      className='pay-credentials-form'
      wide
      onClose={onClose}
      footer={(
        <>
          <Button size='small' onClick={onClose}>取消</Button>
          <Button size='small' type='primary' loading={busy} className='pay-credentials-form__submit' onClick={() => { submit().catch(() => {}) }}>保存证书</Button>
        </>
      )}
    >
      <FormErrors errors={errors} fields={keys} />
      <View className='pay-credentials-form__mch-ids'>
        {values.mchIds.map((v, row) => (
          <View key={row} className={`pay-credentials-form__mch-row pay-credentials-form__mch-row--${row}`}>
            <Field
              name={`mchIds.${row}`}
              label={row === 0 ? '微信商户号' : `微信商户号 ${row + 1}`}
              required={row === 0}
              value={v}
              error={errors[`mchIds.${row}`]}
              placeholder='8–12 位数字'
              onChange={(x) => { setMchId(row, x) }}
            />
            {values.mchIds.length > 1 && (
              <Action danger className='pay-credentials-form__remove' onClick={() => { set({ mchIds: values.mchIds.filter((_, i) => i !== row) }); setErrors({}) }}>删除</Action>
            )}
          </View>
        ))}
        {errors.mchIds !== undefined && <View className='field__error pay-credentials-form__mch-error'>{errors.mchIds}</View>}
        {values.mchIds.length < MAX_MCH_IDS && (
          <Action className='pay-credentials-form__add' onClick={() => { set({ mchIds: [...values.mchIds, ''] }) }}>+ 添加商户号</Action>
        )}
        <View className='hint'>多商户号配置：使用同一证书的多个微信商户号（最多 {MAX_MCH_IDS} 个）。</View>
      </View>
      <Field
        name='privateKey'
        label='证书私钥'
        required
        multiline
        value={values.privateKey}
        error={errors.privateKey}
        placeholder='-----BEGIN PRIVATE KEY-----'
        hint={`apiclient_key.pem 文件的全部内容。${storedHint(credentials?.secrets.privateKey, '私钥')}`}
        onChange={(x) => { set({ privateKey: x }) }}
      />
      <Field
        name='certificateSerial'
        label='证书序列号'
        required
        value={values.certificateSerial}
        error={errors.certificateSerial}
        placeholder='十六进制，例如 6EE8…5964'
        onChange={(x) => { set({ certificateSerial: x }) }}
      />
      <Field
        name='apiV3Key'
        label='APIv3密钥'
        required
        password
        value={values.apiV3Key}
        error={errors.apiV3Key}
        placeholder='32 个字符'
        hint={`由 32 个字符组成，只允许数字和英文大小写字母。${storedHint(credentials?.secrets.apiV3Key, '密钥')}`}
        onChange={(x) => { set({ apiV3Key: x }) }}
      />
    </Modal>
  )
}
