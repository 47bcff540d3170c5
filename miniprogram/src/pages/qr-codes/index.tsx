import { useState } from 'react'
import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, Cell, CellGroup, Field, Radio, RadioGroup, Tag } from '@antmjs/vantui'
import { ApiError, formatFen, type StaffDTO } from '@yima/shared'
import { PageState } from '../../components/page-state'
import { param, toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import { bindQrCode, listQrCodes, QR_STATUS_LABELS, type StoreQrCodeDto } from '../../services/qr-codes'
import { getMe } from '../../services/staff'
import { accessAt, getStore, listStoreStaff } from '../../services/stores'
import './index.scss'

interface QrCodesPageData {
  codes: StoreQrCodeDto[]
  /** The store's people when the caller may bind codes (merchant admin, store manager); null otherwise. */
  staff: StaffDTO[] | null
}

async function loadQrCodes (storeId: string): Promise<QrCodesPageData> {
  const [store, me, codes] = await Promise.all([getStore(storeId), getMe(), listQrCodes(storeId)])
  const staff = accessAt(me.roles, store).manages ? await listStoreStaff(store.id) : null
  return { codes, staff }
}

/**
 * 门店二维码列表 (S1, S3, S4): the store code, clerk codes and fixed-amount codes, and for the
 * merchant admin and the store's manager binding a blank plate (空码) to this store or one of its
 * clerks (seed 000 绑定空白二维码).
 */
export default function QrCodesPage () {
  const storeId = param('storeId')
  const s = useData(async () => await loadQrCodes(storeId), [storeId])
  const page = s.data
  return (
    <View className='qr-codes'>
      <PageState loading={s.loading && page === null} error={s.error} onRetry={() => { s.reload() }}>
        {page !== null && (
          <>
            <CodeList codes={page.codes} staff={page.staff} />
            {page.staff !== null && <BindBlankCode storeId={storeId} staff={page.staff} onBound={() => { s.reload() }} />}
          </>
        )}
      </PageState>
    </View>
  )
}

function CodeList ({ codes, staff }: { codes: StoreQrCodeDto[], staff: StaffDTO[] | null }) {
  const nameOf = new Map((staff ?? []).map((p) => [p.id, p.name]))
  return (
    <CellGroup title='收款二维码'>
      {codes.length === 0 && <Cell title='还没有收款二维码' label='可把服务商提供的空码绑定到本门店' />}
      {codes.map((qr) => {
        // A clerk sees no staff list; the code's name is the clerk's unless someone renamed it.
        const boundStaff = qr.staffId === null ? null : nameOf.get(qr.staffId) ?? qr.name
        return (
          <Cell
            key={qr.id}
            className='qr-cell'
            title={qr.name ?? qr.kindLabel}
            renderLabel={(
              <View className='qr-codes__label'>
                <View>{`${qr.kindLabel} · 编号 ${qr.displayCode}`}</View>
                {boundStaff !== null && <View>{`店员：${boundStaff}`}</View>}
                {qr.unitPriceFen !== null && <View>{`单价 ${formatFen(qr.unitPriceFen)}`}</View>}
              </View>
            )}
            renderExtra={<Tag plain type={qr.status === 'active' ? 'success' : 'danger'}>{QR_STATUS_LABELS[qr.status]}</Tag>}
          />
        )
      })}
    </CellGroup>
  )
}

type Target = 'store' | 'staff'
interface BindErrors { code?: string, staffId?: string, name?: string }

/** The camera's answer, or null when the person closed the scanner. */
async function scanPlate (): Promise<string | null> {
  try {
    return (await Taro.scanCode({ scanType: ['qrCode'] })).result
  } catch {
    return null
  }
}

/**
 * A blank plate becomes this store's code (or one clerk's: payment messages go to them). The
 * code is what is printed under the QR, or the QR's URL; the server takes either.
 */
function BindBlankCode ({ storeId, staff, onBound }: { storeId: string, staff: StaffDTO[], onBound: () => void }) {
  const [code, setCode] = useState('')
  const [target, setTarget] = useState<Target>('store')
  const [staffId, setStaffId] = useState('')
  const [name, setName] = useState('')
  const [errors, setErrors] = useState<BindErrors>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const bind = async (plate: string): Promise<void> => {
    setFailure(null)
    const problems: BindErrors = {}
    if (plate.trim() === '') problems.code = '请填写码牌上的编号，或扫码'
    if (target === 'staff' && staffId === '') problems.staffId = '请选择店员'
    setErrors(problems)
    if (Object.keys(problems).length > 0) return
    setBusy(true)
    try {
      await bindQrCode(storeId, {
        code: plate.trim(),
        ...(target === 'staff' ? { staffId } : {}),
        ...(name.trim() === '' ? {} : { name: name.trim() }),
      })
      toast('已绑定')
      setCode('')
      setName('')
      onBound()
    } catch (e) {
      if (e instanceof ApiError && (e.param === 'code' || e.param === 'staffId' || e.param === 'name')) setErrors({ [e.param]: e.message })
      else setFailure(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  const scanAndBind = async (): Promise<void> => {
    const scanned = await scanPlate()
    if (scanned === null) return
    setCode(scanned)
    await bind(scanned)
  }

  return (
    <CellGroup title='绑定空码'>
      <Field
        className='bind-code'
        label='码牌编号'
        placeholder='码牌上的编号，或二维码地址'
        value={code}
        maxlength={600}
        errorMessage={errors.code}
        onChange={(e) => { setCode(String(e.detail)) }}
      />
      <View className='qr-codes__choices'>
        <RadioGroup direction='horizontal' value={target} onChange={(e) => { setTarget(e.detail as Target) }}>
          <Radio name='store' className='target-store'>门店码</Radio>
          {staff.length > 0 && <Radio name='staff' className='target-staff'>店员码</Radio>}
        </RadioGroup>
      </View>
      {target === 'staff' && (
        <View className='qr-codes__choices'>
          <RadioGroup value={staffId} onChange={(e) => { setStaffId(String(e.detail)) }}>
            {staff.map((p) => <Radio key={p.id} name={p.id} className={`staff-${p.id}`}>{`${p.name}（${p.roleLabel}）`}</Radio>)}
          </RadioGroup>
        </View>
      )}
      {errors.staffId !== undefined && <View className='qr-codes__error staff-error'>{errors.staffId}</View>}
      <Field
        className='bind-name'
        label='名称'
        placeholder={target === 'staff' ? '选填，默认为店员姓名' : '选填'}
        value={name}
        maxlength={40}
        errorMessage={errors.name}
        onChange={(e) => { setName(String(e.detail)) }}
      />
      {failure !== null && <View className='qr-codes__error bind-error'>{failure}</View>}
      <View className='qr-codes__actions'>
        <Button className='qr-codes__action bind-button' type='primary' loading={busy} onClick={() => { bind(code) }}>绑定</Button>
        {process.env.TARO_ENV === 'weapp' && (
          <Button className='qr-codes__action scan-bind' plain type='primary' disabled={busy} onClick={() => { scanAndBind() }}>扫码绑定</Button>
        )}
      </View>
    </CellGroup>
  )
}
