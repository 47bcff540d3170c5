import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { MerchantCreatedDTO } from '@yima/shared'
import { copyText, downloadText } from '../../lib/clipboard'
import { credentialRows, credentialsText } from '../../lib/credentials'
import { getActivationQr, getManagementQr } from '../../services/staff'
import { Modal } from '../modal'
import { Message } from '../ui'
import { ServerQr } from './server-qr'
import './index.scss'

/**
 * After adding a sub-merchant (T7): first the keys, shown this once, then the two QR codes the
 * SP sends the merchant (admin activation and management), as seed 000 describes.
 */
export function MerchantCreatedDialog ({ created, onDone }: { created: MerchantCreatedDTO, onDone: () => void }) {
  const [step, setStep] = useState<'keys' | 'qr'>('keys')
  const [copied, setCopied] = useState<string | null>(null)
  const m = created.merchant

  if (step === 'qr') {
    return (
      <Modal
        title='子商户二维码'
        wide
        className='created created--qr'
        onClose={onDone}
        footer={<Button type='primary' size='small' className='created__done' onClick={onDone}>完成</Button>}
      >
        <View className='created__lead'>请将下面两个二维码发送给商户：商户管理员先扫激活二维码获取管理权限，一分钟后再扫管理二维码进入手机端子商户管理后台。</View>
        <View className='created__qrs'>
          <ServerQr className='qr--activation' caption={`激活子商户管理员（${created.admin.name}）`} load={async () => await getActivationQr(created.admin.id)} />
          <ServerQr className='qr--management' caption='进入子商户管理后台' load={async () => await getManagementQr({ kind: 'merchant', id: m.id })} />
        </View>
      </Modal>
    )
  }

  const copy = (key: string, value: string): void => {
    copyText(value).then((ok) => { setCopied(ok ? key : null) }, () => {})
  }
  return (
    <Modal
      title='请立即保存'
      wide
      className='created created--keys'
      footer={(
        <>
          <Button size='small' className='created__download' onClick={() => { downloadText(`${m.outSubMchId}-keys.txt`, credentialsText(created)) }}>下载为 .txt</Button>
          <Button size='small' type='primary' className='created__next' onClick={() => { setStep('qr') }}>我已保存，下一步</Button>
        </>
      )}
    >
      <Message className='created__warning'>认证密钥和签名私钥只显示这一次，关闭后无法再次查看。请复制或下载，保存到本地电脑。</Message>
      <View className='created__name'>{`${m.name}（子商户号 ${m.wechatSubMchId}）`}</View>
      {credentialRows(created).map((r) => (
        <View key={r.key} className={`credential created__${r.key}`}>
          <View className='credential__head'>
            <Text className='credential__label'>{r.label}</Text>
            <Text className='credential__copy' onClick={() => { copy(r.key, r.value) }}>{copied === r.key ? '已复制' : '复制'}</Text>
          </View>
          <View className={`credential__value ${r.value.includes('\n') || r.value.length > 64 ? 'credential__value--block' : ''}`}>{r.value}</View>
        </View>
      ))}
    </Modal>
  )
}
