import { type ReactNode, useState } from 'react'
import { View } from '@tarojs/components'
import { Button, Cell, CellGroup, Field, Radio, RadioGroup, Stepper, Switch } from '@antmjs/vantui'
import {
  AddCloudPrinterBody, AddCloudSpeakerBody, ApiError, CLOUD_PRINTER_BRAND_LABELS, CLOUD_PRINTER_BRANDS, CLOUD_SPEAKER_BRAND_LABELS,
  CLOUD_SPEAKER_BRANDS, MAX_PRINT_COPIES,
  type CloudPrinterBrand, type CloudPrinterDto, type CloudSpeakerBrand, type CloudSpeakerDto,
} from '@yima/shared'
import { PageState } from '../../components/page-state'
import { confirm, param, toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import {
  addPrinter, addSpeaker, listPrinters, listSpeakers, listStoreQrCodes, removePrinter, removeSpeaker, updatePrinter, updateSpeaker,
  type StoreQrCodeOption,
} from '../../services/devices'
import './index.scss'

/** The target choice meaning "every one-code payment of the store" (qrCodeId null); code ids start with `qr_`. */
const WHOLE_STORE = 'store'
const DEFAULT_VOLUME = 60
/** A printer's copies and a speaker's volume take the same bounds in the list and in the add form. */
const COPIES = { min: 1, max: MAX_PRINT_COPIES }
const VOLUME = { min: 0, max: 100, step: 10 }
type Kind = 'printer' | 'speaker'
const NOUN: Record<Kind, string> = { printer: '云打印机', speaker: '云喇叭' }
type Errors = Partial<Record<string, string>>

const targetName = (codes: StoreQrCodeOption[], qrCodeId: string | null): string => {
  if (qrCodeId === null) return '整个门店'
  const code = codes.find((c) => c.id === qrCodeId)
  return code === undefined ? '指定收款码' : (code.name ?? code.displayCode)
}

/** First message per field, from a zod result or the server's `param`. */
const issuesByField = (issues: ReadonlyArray<{ path: readonly PropertyKey[], message: string }>): Errors =>
  Object.fromEntries(issues.map((i) => [String(i.path[0]), i.message]).reverse())

/**
 * 云打印机/云喇叭自助配置 (seed 000, S6/S7): a store's cloud printers (receipts for one-code
 * payments, so many copies) and speakers (announce them, at a volume). A device serves the whole
 * store or only one of its payment codes.
 */
export default function Printers () {
  const storeId = param('storeId')
  const devices = useData(async () => {
    const [printers, speakers] = await Promise.all([listPrinters(storeId), listSpeakers(storeId)])
    return { printers, speakers }
  }, [storeId])
  const codes = useData(async () => await listStoreQrCodes(storeId), [storeId])
  const [adding, setAdding] = useState<Kind | null>(null)
  const targets = codes.data ?? []

  /** A change on a listed device: the list is reloaded from the server either way. */
  const change = async (work: () => Promise<unknown>, done: string): Promise<void> => {
    try {
      await work()
      toast(done)
    } catch (e) {
      toast(errorText(e), 'none')
    }
    devices.reload()
  }
  const added = (kind: Kind): void => { setAdding(null); toast(`已添加${NOUN[kind]}`); devices.reload() }

  return (
    <View className='printers'>
      <PageState loading={devices.loading && devices.data === null} error={devices.error} onRetry={() => { devices.reload() }}>
        {devices.data !== null && (
          <>
            <DeviceSection
              kind='printer'
              empty={devices.data.printers.length === 0}
              adding={adding === 'printer'}
              form={<AddPrinter storeId={storeId} targets={targets} onAdded={() => { added('printer') }} onCancel={() => { setAdding(null) }} />}
              onAdd={() => { setAdding('printer') }}
            >
              {devices.data.printers.map((p) => <PrinterRow key={p.id} printer={p} target={targetName(targets, p.qrCodeId)} change={change} />)}
            </DeviceSection>
            <DeviceSection
              kind='speaker'
              empty={devices.data.speakers.length === 0}
              adding={adding === 'speaker'}
              form={<AddSpeaker storeId={storeId} targets={targets} onAdded={() => { added('speaker') }} onCancel={() => { setAdding(null) }} />}
              onAdd={() => { setAdding('speaker') }}
            >
              {devices.data.speakers.map((s) => <SpeakerRow key={s.id} speaker={s} target={targetName(targets, s.qrCodeId)} change={change} />)}
            </DeviceSection>
            <View className='printers__hint'>启用后，门店的一码付收款都会打印小票、语音播报；绑定到收款码的设备只处理该码的收款。</View>
          </>
        )}
      </PageState>
    </View>
  )
}

type Change = (work: () => Promise<unknown>, done: string) => Promise<void>

/**
 * One kind's list, then its add form while adding, else the add button (`add-printer`,
 * `add-speaker`).
 */
function DeviceSection ({ kind, empty, adding, form, onAdd, children }: {
  kind: Kind
  empty: boolean
  adding: boolean
  form: ReactNode
  onAdd: () => void
  children: ReactNode
}) {
  const noun = NOUN[kind]
  return (
    <>
      <CellGroup title={noun} className='printers__group'>
        {empty && <Cell title={`还没有${noun}`} className='printers__none' />}
        {children}
      </CellGroup>
      {adding
        ? form
        : <View className='printers__add'><Button className={`add-${kind}`} block onClick={onAdd}>{`添加${noun}`}</Button></View>}
    </>
  )
}

/** The number a listed device is tuned by (a printer's copies, a speaker's volume): its cell, its stepper and how it is saved. */
interface Setting {
  cell: { title: string, label?: string }
  stepper: { className: string, value: number, min: number, max: number, step?: number }
  save: (value: number) => Promise<unknown>
}

interface RowProps {
  kind: Kind
  className: string
  device: { brandLabel: string, name: string | null, sn: string, enabled: boolean }
  /** More for the title cell: a printer shows its state there. */
  head?: { value: string, className: string }
  target: string
  setting: Setting
  setEnabled: (enabled: boolean) => Promise<unknown>
  remove: () => Promise<unknown>
  change: Change
}

/**
 * A listed printer or speaker: name and target, the enabled switch (`printer-enabled`,
 * `speaker-enabled`), its setting, and delete after confirming (`remove-printer`, `remove-speaker`).
 */
function DeviceRow ({ kind, className, device: d, head, target, setting, setEnabled, remove, change }: RowProps) {
  const confirmRemove = async (): Promise<void> => {
    if (!await confirm(`删除${NOUN[kind]}`, `确定删除 ${d.brandLabel} ${d.sn} 吗？也会在厂商处解绑。`)) return
    await change(remove, '已删除')
  }
  return (
    <View className={className}>
      <Cell title={`${d.brandLabel} ${d.name ?? d.sn}`} label={`编号 ${d.sn} · ${target}`} {...head} />
      <Cell title='启用'>
        <Switch className={`${kind}-enabled`} size='24px' checked={d.enabled} onChange={(e) => { change(async () => await setEnabled(Boolean(e.detail)), e.detail === true ? '已启用' : '已停用') }} />
      </Cell>
      <Cell {...setting.cell}>
        <Stepper
          {...setting.stepper}
          integer
          asyncChange // shows the server's value: a refused change does not stick
          onChange={(e) => { change(async () => await setting.save(Number(e.detail)), '已保存') }}
        />
      </Cell>
      <View className='device-row__actions'>
        <Button size='small' type='danger' plain className={`remove-${kind}`} onClick={() => { confirmRemove() }}>删除</Button>
      </View>
    </View>
  )
}

function PrinterRow ({ printer: p, target, change }: { printer: CloudPrinterDto, target: string, change: Change }) {
  return (
    <DeviceRow
      kind='printer'
      className={`device-row printer printer--${p.state}`}
      device={p}
      head={{ value: p.stateLabel, className: 'printer__state' }}
      target={target}
      setting={{ cell: { title: '打印份数' }, stepper: { className: 'printer-copies', value: p.copies, ...COPIES }, save: async (copies) => await updatePrinter(p.id, { copies }) }}
      setEnabled={async (enabled) => await updatePrinter(p.id, { enabled })}
      remove={async () => await removePrinter(p.id)}
      change={change}
    />
  )
}

function SpeakerRow ({ speaker: s, target, change }: { speaker: CloudSpeakerDto, target: string, change: Change }) {
  return (
    <DeviceRow
      kind='speaker'
      className='device-row speaker'
      device={s}
      target={target}
      setting={{ cell: { title: '音量', label: '下一次播报生效' }, stepper: { className: 'speaker-volume', value: s.volume, ...VOLUME }, save: async (volume) => await updateSpeaker(s.id, { volume }) }}
      setEnabled={async (enabled) => await updateSpeaker(s.id, { enabled })}
      remove={async () => await removeSpeaker(s.id)}
      change={change}
    />
  )
}

/** Which payments the device serves: the whole store, or one payment code of it. */
function TargetChoice ({ targets, value, onChange, className }: { targets: StoreQrCodeOption[], value: string, onChange: (v: string) => void, className: string }) {
  return (
    <>
      <Cell title='打印/播报范围' />
      <RadioGroup className={className} value={value} onChange={(e) => { onChange(String(e.detail)) }}>
        <Radio name={WHOLE_STORE} className='printers__radio'>整个门店</Radio>
        {targets.map((c) => (
          <Radio key={c.id} name={c.id} className='printers__radio'>{`${c.name ?? c.displayCode}（${c.kindLabel}）`}</Radio>
        ))}
      </RadioGroup>
    </>
  )
}

function BrandChoice<B extends string> ({ className, brands, labels, value, onChange, error }: {
  className: string
  brands: readonly B[]
  labels: Record<B, string>
  value: B
  onChange: (brand: B) => void
  error: string | undefined
}) {
  return (
    <>
      <Cell title='品牌' />
      <RadioGroup className={className} value={value} onChange={(e) => { onChange(e.detail as B) }}>
        {brands.map((b) => <Radio key={b} name={b} className='printers__radio'>{labels[b]}</Radio>)}
      </RadioGroup>
      {error !== undefined && <View className='printers__error'>{error}</View>}
    </>
  )
}

/** A zod `safeParse` result, as far as the forms read it. */
type Parsed<T> =
  | { success: true, data: T }
  | { success: false, error: { issues: ReadonlyArray<{ path: readonly PropertyKey[], message: string }> } }

/**
 * What both add forms keep besides their own fields: the target, field errors, a failure and
 * whether it is saving. `save` checks the parsed body, sends it, and maps a refusal about one of
 * `fields` onto that field.
 */
function useAddForm (onAdded: () => void) {
  const [target, setTarget] = useState(WHOLE_STORE)
  const [errors, setErrors] = useState<Errors>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const save = async <T,>(parsed: Parsed<T>, send: (body: T) => Promise<unknown>, fields: readonly string[]): Promise<void> => {
    setFailure(null)
    if (!parsed.success) { setErrors(issuesByField(parsed.error.issues)); return }
    setErrors({})
    setBusy(true)
    try {
      await send(parsed.data)
    } catch (e) {
      if (e instanceof ApiError && e.param !== undefined && fields.includes(e.param)) setErrors({ [e.param]: e.message })
      else setFailure(errorText(e))
      return
    } finally {
      setBusy(false)
    }
    onAdded()
  }

  return { target, setTarget, qrCodeId: target === WHOLE_STORE ? null : target, errors, failure, busy, save }
}

interface FormProps { storeId: string, targets: StoreQrCodeOption[], onAdded: () => void, onCancel: () => void }

/**
 * The frame of an add form around its own fields: the target (`printer-target`, `speaker-target`),
 * the failure, and cancel and save (`save-printer`, `save-speaker`).
 */
function AddForm ({ kind, form, targets, onSave, onCancel, children }: {
  kind: Kind
  form: ReturnType<typeof useAddForm>
  targets: StoreQrCodeOption[]
  onSave: () => void
  onCancel: () => void
  children: ReactNode
}) {
  return (
    <CellGroup title={`添加${NOUN[kind]}`} className={`${kind}-form`}>
      {children}
      <TargetChoice className={`${kind}-target`} targets={targets} value={form.target} onChange={(v) => { form.setTarget(v) }} />
      {form.failure !== null && <View className='printers__error'>{form.failure}</View>}
      <View className='printers__form-actions'>
        <Button size='small' onClick={onCancel}>取消</Button>
        <Button size='small' type='primary' className={`save-${kind}`} loading={form.busy} onClick={onSave}>保存</Button>
      </View>
    </CellGroup>
  )
}

function AddPrinter ({ storeId, targets, onAdded, onCancel }: FormProps) {
  const [brand, setBrand] = useState<CloudPrinterBrand>('feie')
  const [sn, setSn] = useState('')
  const [key, setKey] = useState('')
  const [copies, setCopies] = useState(1)
  const form = useAddForm(onAdded)
  const save = async (): Promise<void> => {
    const parsed = AddCloudPrinterBody.safeParse({ brand, sn, key, copies, qrCodeId: form.qrCodeId })
    await form.save(parsed, async (body) => await addPrinter(storeId, body), ['brand', 'sn', 'key'])
  }

  return (
    <AddForm kind='printer' form={form} targets={targets} onSave={() => { save() }} onCancel={onCancel}>
      <BrandChoice className='printer-brand' brands={CLOUD_PRINTER_BRANDS} labels={CLOUD_PRINTER_BRAND_LABELS} value={brand} onChange={setBrand} error={form.errors.brand} />
      <Field className='printer-sn' label='设备编号' required placeholder='打印机底部标签上的编号' value={sn} errorMessage={form.errors.sn} onChange={(e) => { setSn(String(e.detail)) }} />
      {/* Write-only: the server keeps it sealed and never sends it back. */}
      <Field className='printer-key' label='密钥' required password placeholder='标签上的 KEY/终端密钥' value={key} errorMessage={form.errors.key} onChange={(e) => { setKey(String(e.detail)) }} />
      <Cell title='打印份数'>
        <Stepper className='new-printer-copies' value={copies} {...COPIES} integer onChange={(e) => { setCopies(Number(e.detail)) }} />
      </Cell>
    </AddForm>
  )
}

function AddSpeaker ({ storeId, targets, onAdded, onCancel }: FormProps) {
  const [brand, setBrand] = useState<CloudSpeakerBrand>('brhk')
  const [sn, setSn] = useState('')
  const [volume, setVolume] = useState(DEFAULT_VOLUME)
  const form = useAddForm(onAdded)
  const save = async (): Promise<void> => {
    const parsed = AddCloudSpeakerBody.safeParse({ brand, sn, volume, qrCodeId: form.qrCodeId })
    await form.save(parsed, async (body) => await addSpeaker(storeId, body), ['brand', 'sn'])
  }

  return (
    <AddForm kind='speaker' form={form} targets={targets} onSave={() => { save() }} onCancel={onCancel}>
      <BrandChoice className='speaker-brand' brands={CLOUD_SPEAKER_BRANDS} labels={CLOUD_SPEAKER_BRAND_LABELS} value={brand} onChange={setBrand} error={form.errors.brand} />
      <Field className='speaker-sn' label='设备编号' required placeholder='云喇叭标签上的编号' value={sn} errorMessage={form.errors.sn} onChange={(e) => { setSn(String(e.detail)) }} />
      <Cell title='音量'>
        <Stepper className='new-speaker-volume' value={volume} {...VOLUME} integer onChange={(e) => { setVolume(Number(e.detail)) }} />
      </Cell>
    </AddForm>
  )
}
