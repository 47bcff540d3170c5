import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button, Cell, CellGroup, Field, Radio, RadioGroup } from '@antmjs/vantui'
import {
  AddCashierDeviceBody, ApiError, CASHIER_DEVICE_TYPE_LABELS, CASHIER_DEVICE_TYPES, type CashierDeviceDTO, type CashierDeviceType,
} from '@yima/shared'
import { PageState } from '../../components/page-state'
import { QrImage } from '../../components/qr-image'
import { chinaDateTime } from '../../lib/china-time'
import { confirm, param, toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import { addCashierDevice, getDeviceConfigQr, listCashierDevices, unbindCashierDevice } from '../../services/devices'
import './index.scss'

/**
 * 收银设备 (S5, seed 000 添加收银设备): the POS and cashier software that take payment-code
 * (刷卡/扫码) payments for the store. Each bound device has a configuration QR the device scans.
 */
export default function Devices () {
  const storeId = param('storeId')
  const s = useData(async () => await listCashierDevices(storeId), [storeId])
  const [adding, setAdding] = useState(false)
  const [showingQr, setShowingQr] = useState<string | null>(null)

  const unbind = async (d: CashierDeviceDTO): Promise<void> => {
    if (!await confirm('解绑设备', `确定解绑 ${d.typeLabel}（SN：${d.sn}）吗？解绑后该设备不能再收款，SN 可重新绑定。`)) return
    try {
      await unbindCashierDevice(d.id)
      toast('已解绑')
      s.reload()
    } catch (e) {
      toast(errorText(e), 'none')
    }
  }

  return (
    <View className='devices'>
      <PageState
        loading={s.loading && s.data === null}
        error={s.error}
        empty={s.data?.length === 0 && '还没有收银设备'}
        onRetry={() => { s.reload() }}
      >
        {s.data?.map((d) => (
          <CellGroup key={d.id} className='device'>
            <Cell title={d.name === null ? d.typeLabel : `${d.typeLabel} · ${d.name}`} label={`SN：${d.sn}`} value={`绑定于 ${chinaDateTime(d.boundAt)}`} />
            <View className='device__actions'>
              <Button size='small' className='show-config-qr' onClick={() => { setShowingQr(showingQr === d.id ? null : d.id) }}>
                {showingQr === d.id ? '收起配置二维码' : '配置二维码'}
              </Button>
              <Button size='small' type='danger' plain className='unbind-device' onClick={() => { unbind(d) }}>解绑</Button>
            </View>
            {showingQr === d.id && <ConfigQr deviceId={d.id} />}
          </CellGroup>
        ))}
      </PageState>
      {s.error === null && s.data !== null && (adding
        ? <AddDevice storeId={storeId} onAdded={(d) => { setAdding(false); setShowingQr(d.id); s.reload() }} onCancel={() => { setAdding(false) }} />
        : (
          <View className='devices__add'>
            <Button className='add-device' type='primary' block onClick={() => { setAdding(true) }}>添加收银设备</Button>
            <View className='devices__hint'>刷卡支付或扫码支付的门店需要添加收银设备。</View>
          </View>
          ))}
    </View>
  )
}

/**
 * The QR a POS scans to learn where the API is and who it is. The 认证密钥 is not in it (a secret):
 * it was shown once when the merchant was created and is typed on the device.
 */
function ConfigQr ({ deviceId }: { deviceId: string }) {
  const qr = useData(async () => await getDeviceConfigQr(deviceId), [deviceId])
  return (
    <View className='device__qr'>
      <PageState loading={qr.loading && qr.data === null} error={qr.error} onRetry={() => { qr.reload() }}>
        {qr.data !== null && (
          <>
            <QrImage value={qr.data.content} pngPath={qr.data.pngPath} />
            <View className='device__payload'>
              <Text userSelect>{`接口地址：${qr.data.payload.api_base_url}`}</Text>
              <Text userSelect>{`门店编号：${qr.data.payload.out_shop_id}`}</Text>
              <Text userSelect className='device-id'>{`设备 ID：${qr.data.payload.device_id}`}</Text>
            </View>
            <View className='device__tip'>用收银设备扫码完成配置；认证密钥不在二维码中，请在设备上输入。</View>
          </>
        )}
      </PageState>
    </View>
  )
}

function AddDevice ({ storeId, onAdded, onCancel }: { storeId: string, onAdded: (d: CashierDeviceDTO) => void, onCancel: () => void }) {
  const [type, setType] = useState<CashierDeviceType>('cloud_cashier')
  const [sn, setSn] = useState('')
  const [name, setName] = useState('')
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const save = async (): Promise<void> => {
    setFailure(null)
    const parsed = AddCashierDeviceBody.safeParse({ type, sn, name: name.trim() === '' ? undefined : name })
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]).reverse()))
      return
    }
    setErrors({})
    setBusy(true)
    try {
      const device = await addCashierDevice(storeId, parsed.data)
      toast('已绑定')
      onAdded(device)
    } catch (e) {
      // 409 device_already_bound ("设备已被绑定") names the SN.
      if (e instanceof ApiError && (e.param === 'sn' || e.param === 'name')) setErrors({ [e.param]: e.message })
      else setFailure(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <CellGroup title='添加收银设备' className='add-device-form'>
      <Cell title='设备类型' />
      <RadioGroup className='device-type' value={type} onChange={(e) => { setType(e.detail as CashierDeviceType) }}>
        {CASHIER_DEVICE_TYPES.map((t) => <Radio key={t} name={t} className='devices__radio'>{CASHIER_DEVICE_TYPE_LABELS[t]}</Radio>)}
      </RadioGroup>
      <Field className='device-sn' label='设备 SN' required placeholder='设备背面或设置中的 SN' value={sn} errorMessage={errors.sn} onChange={(e) => { setSn(String(e.detail)) }} />
      <Field className='device-name' label='名称' placeholder='选填，如 1 号收银台' value={name} errorMessage={errors.name} onChange={(e) => { setName(String(e.detail)) }} />
      {errors.type !== undefined && <View className='devices__error'>{errors.type}</View>}
      {failure !== null && <View className='devices__error'>{failure}</View>}
      <View className='devices__form-actions'>
        <Button size='small' onClick={onCancel}>取消</Button>
        <Button size='small' type='primary' className='save-device' loading={busy} onClick={() => { save() }}>保存</Button>
      </View>
    </CellGroup>
  )
}
