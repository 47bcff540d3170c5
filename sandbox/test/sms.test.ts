import { createHash, createHmac, randomInt } from 'node:crypto'
import { Agent } from 'node:http'
import { sms } from 'tencentcloud-sdk-nodejs-sms'
import { startSandbox, type Sandbox } from '../src'

let sandbox: Sandbox
beforeAll(async () => { sandbox = await startSandbox() })
afterAll(async () => { await sandbox.stop() })
beforeEach(async () => { await fetch(`${sandbox.urls.sms}/__sim/reset`, { method: 'POST' }) })

/** A fresh mainland number per test, so no test sees another's messages. */
const phone = (): string => `+86139${String(randomInt(0, 1e8)).padStart(8, '0')}`

interface SdkOptions { secretId?: string, secretKey?: string, language?: 'zh-CN' | 'en-US', reqTimeout?: number }

function client (o: SdkOptions = {}): InstanceType<typeof sms.v20210111.Client> {
  const c = sandbox.clients.sms
  return new sms.v20210111.Client({
    credential: { secretId: o.secretId ?? c.secretId, secretKey: o.secretKey ?? c.secretKey },
    region: c.region,
    profile: { httpProfile: { endpoint: c.endpoint, protocol: c.protocol, reqTimeout: o.reqTimeout ?? 10 }, ...(o.language === undefined ? {} : { language: o.language }) },
  })
}

function paymentRequest (phones: string[]): { PhoneNumberSet: string[], SmsSdkAppId: string, SignName: string, TemplateId: string, TemplateParamSet: string[], SessionContext: string } {
  const c = sandbox.clients.sms
  return { PhoneNumberSet: phones, SmsSdkAppId: c.sdkAppId, SignName: c.signName, TemplateId: c.templates.payment.id, TemplateParamSet: ['一号店', '12.50', '微信支付', '0427'], SessionContext: 'ctx-1' }
}

async function sdkError (p: Promise<unknown>): Promise<{ code?: string, message: string, httpCode?: number }> {
  try {
    await p
  } catch (err) {
    return err as { code?: string, message: string, httpCode?: number }
  }
  throw new Error('expected the SDK call to fail')
}

interface Message { phone: string, text: string, templateId: string, params: string[], fee: number, serialNo: string, sessionContext: string }
async function inbox (p: string): Promise<Message[]> {
  const r = await fetch(`${sandbox.urls.sms}/__sim/sms/messages?phone=${encodeURIComponent(p)}`)
  return await r.json() as Message[]
}

// An independent TC3-HMAC-SHA256 signer written from Tencent's signature v3 document.
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')
const hmac = (k: string | Buffer, s: string): Buffer => createHmac('sha256', k).update(s).digest()
interface RawOptions {
  body?: string
  headers?: Record<string, string>
  timestamp?: number
  service?: string
  secretKey?: string
  signedHeaders?: string[]
  tamper?: (body: string) => string
  authorization?: string
}
async function raw (o: RawOptions = {}): Promise<{ status: number, json: { Response: { Error?: { Code: string, Message: string }, SendStatusSet?: Array<{ Code: string }>, RequestId: string } } }> {
  const c = sandbox.clients.sms
  const body = o.body ?? JSON.stringify(paymentRequest([phone()]))
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000)
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10)
  const service = o.service ?? 'sms'
  const host = new URL(sandbox.urls.sms).host
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    host,
    'x-tc-action': 'SendSms',
    'x-tc-version': '2021-01-11',
    'x-tc-region': 'ap-guangzhou',
    'x-tc-timestamp': String(timestamp),
    ...o.headers,
  }
  const signed = o.signedHeaders ?? ['content-type', 'host']
  const canonical = ['POST', '/', '', signed.map((h) => `${h}:${(headers[h] ?? '').toLowerCase()}\n`).join(''), signed.join(';'), sha256(body)].join('\n')
  const toSign = ['TC3-HMAC-SHA256', String(timestamp), `${date}/${service}/tc3_request`, sha256(canonical)].join('\n')
  const key = hmac(hmac(hmac(`TC3${o.secretKey ?? c.secretKey}`, date), service), 'tc3_request')
  const signature = createHmac('sha256', key).update(toSign).digest('hex')
  headers.authorization = o.authorization ?? `TC3-HMAC-SHA256 Credential=${c.secretId}/${date}/${service}/tc3_request, SignedHeaders=${signed.join(';')}, Signature=${signature}`
  const r = await fetch(`${sandbox.urls.sms}/`, { method: 'POST', headers, body: (o.tamper ?? ((b) => b))(body) })
  return { status: r.status, json: await r.json() as never }
}

describe('Tencent Cloud SMS SendSms, through the official Node SDK', () => {
  it('delivers a rendered template to every number and answers the real SendStatusSet', async () => {
    const [a, b] = [phone(), phone()]
    const res = await client().SendSms(paymentRequest([a, b]))
    expect(res.RequestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(res.SendStatusSet).toEqual([a, b].map((p) => ({
      SerialNo: expect.stringMatching(/^\d{4}:\d{24}$/), PhoneNumber: p, Fee: 1, SessionContext: 'ctx-1', Code: 'Ok', Message: 'send success', IsoCode: 'CN',
    })))
    const [m] = await inbox(a)
    expect(m).toMatchObject({ phone: a, text: '【yima】一号店收款12.50元，支付方式微信支付，订单尾号0427。', templateId: sandbox.clients.sms.templates.payment.id, fee: 1, sessionContext: 'ctx-1' })
    expect(m?.serialNo).toBe(res.SendStatusSet?.[0]?.SerialNo)
    expect(await inbox(b)).toHaveLength(1)
  })

  it('accepts the SDK signing with service `sms` against a named host on another port', async () => {
    // Resolve sms.tencentcloudapi.com to the sandbox, so the SDK derives the real service name.
    const port = new URL(sandbox.urls.sms).port
    const agent = new Agent({ lookup: (_host, _opts, cb) => { cb(null, [{ address: '127.0.0.1', family: 4 }]) } })
    const c = sandbox.clients.sms
    const named = new sms.v20210111.Client({
      credential: { secretId: c.secretId, secretKey: c.secretKey },
      region: c.region,
      profile: { httpProfile: { endpoint: `sms.tencentcloudapi.com:${port}`, protocol: 'http://', agent } },
    })
    const p = phone()
    const res = await named.SendSms(paymentRequest([p]))
    expect(res.SendStatusSet?.[0]?.Code).toBe('Ok')
    agent.destroy()
  })

  it('refuses a wrong SecretKey with AuthFailure.SignatureFailure and delivers nothing', async () => {
    const p = phone()
    const err = await sdkError(client({ secretKey: 'x'.repeat(32) }).SendSms(paymentRequest([p])))
    expect(err.code).toBe('AuthFailure.SignatureFailure')
    expect(err.message).toBe('The provided credentials could not be validated. Please check your signature is correct.')
    expect(await inbox(p)).toEqual([])
  })

  it('refuses an unknown SecretId with AuthFailure.SecretIdNotFound, in Chinese when asked', async () => {
    const err = await sdkError(client({ secretId: 'AKIDunknownunknownunknownunknown0000' }).SendSms(paymentRequest([phone()])))
    expect(err.code).toBe('AuthFailure.SecretIdNotFound')
    const zh = await sdkError(client({ secretKey: 'y'.repeat(32), language: 'zh-CN' }).SendSms(paymentRequest([phone()])))
    expect(zh).toMatchObject({ code: 'AuthFailure.SignatureFailure', message: '请求签名验证失败，请检查您的签名计算是否正确。' })
  })

  it('refuses request-level mistakes with the real error codes', async () => {
    const c = sandbox.clients.sms
    const base = paymentRequest([phone()])
    const cases: Array<[Partial<typeof base>, string]> = [
      [{ SmsSdkAppId: '1400000000' }, 'InvalidParameterValue.SdkAppIdNotExist'],
      [{ SignName: '别家签名' }, 'FailedOperation.SignatureIncorrectOrUnapproved'],
      [{ TemplateId: '1' }, 'FailedOperation.TemplateIncorrectOrUnapproved'],
      [{ TemplateParamSet: ['一号店'] }, 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate'],
      [{ PhoneNumberSet: [] }, 'MissingParameter.EmptyPhoneNumberSet'],
      [{ PhoneNumberSet: Array.from({ length: 201 }, phone) }, 'LimitExceeded.PhoneNumberCountLimit'],
    ]
    for (const [patch, code] of cases) {
      expect((await sdkError(client().SendSms({ ...base, ...patch }))).code).toBe(code)
    }
    const { TemplateId: _omit, ...noTemplate } = base
    expect(await sdkError(client().SendSms(noTemplate as never))).toMatchObject({ code: 'MissingParameter', message: 'The request is missing a required parameter `TemplateId`.' })
    expect(c.templates.verifyCode.content).toContain('{1}')
  })

  it('normalises domestic number forms and fails malformed numbers one by one', async () => {
    const p = phone()
    const res = await client().SendSms(paymentRequest([p.slice(3), `0086${p.slice(3)}`, '+1415555012', '12345']))
    expect(res.SendStatusSet?.map((s) => [s.PhoneNumber, s.Code, s.Fee])).toEqual([
      [p, 'Ok', 1], [p, 'Ok', 1], ['+1415555012', 'InvalidParameterValue.IncorrectPhoneNumber', 0], ['12345', 'InvalidParameterValue.IncorrectPhoneNumber', 0],
    ])
    expect(await inbox(p)).toHaveLength(2)
  })

  it('bills long texts in 67-character parts', async () => {
    const t = await (await fetch(`${sandbox.urls.sms}/__sim/sms/templates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'long', content: '长'.repeat(80) + '{1}' }) })).json() as { id: string }
    const p = phone()
    const res = await client().SendSms({ ...paymentRequest([p]), TemplateId: t.id, TemplateParamSet: ['尾'] })
    // 【yima】 (6) + 80 + 1 = 87 characters → 2 parts.
    expect(res.SendStatusSet?.[0]?.Fee).toBe(2)
    expect((await inbox(p))[0]?.text).toBe(`【yima】${'长'.repeat(80)}尾`)
  })
})

describe('TC3 verification, with an independent signer', () => {
  it('accepts a correctly signed request, header values signed in lower case', async () => {
    const ok = await raw({ signedHeaders: ['content-type', 'host', 'x-tc-action'] })
    expect(ok.json.Response.SendStatusSet?.[0]?.Code).toBe('Ok')
  })

  it('rejects a timestamp more than 300 s away with AuthFailure.SignatureExpire', async () => {
    // `now` is read just before each request: on a busy machine a second passes between two of them,
    // which once let `now + 301` arrive inside the window.
    const now = (): number => Math.floor(Date.now() / 1000)
    expect((await raw({ timestamp: now() - 310 })).json.Response.Error?.Code).toBe('AuthFailure.SignatureExpire')
    expect((await raw({ timestamp: now() + 310 })).json.Response.Error?.Code).toBe('AuthFailure.SignatureExpire')
    expect((await raw({ timestamp: now() - 250 })).json.Response.Error).toBeUndefined()
  })

  it('rejects a body changed after signing, a wrong service and a wrong key', async () => {
    const tampered = await raw({ tamper: (b) => b.replace('12.50', '99.99') })
    expect(tampered).toMatchObject({ status: 200, json: { Response: { Error: { Code: 'AuthFailure.SignatureFailure' } } } })
    expect((await raw({ service: 'cvm' })).json.Response.Error?.Code).toBe('AuthFailure.SignatureFailure')
    expect((await raw({ secretKey: 'wrong' })).json.Response.Error?.Code).toBe('AuthFailure.SignatureFailure')
  })

  it('rejects malformed Authorization headers with AuthFailure.InvalidAuthorization', async () => {
    expect((await raw({ authorization: 'Bearer abc' })).json.Response.Error?.Code).toBe('AuthFailure.InvalidAuthorization')
    expect((await raw({ signedHeaders: ['content-type'] })).json.Response.Error?.Code).toBe('AuthFailure.InvalidAuthorization')
  })

  it('checks action, version and region after authentication', async () => {
    const code = async (headers: Record<string, string>): Promise<string | undefined> => (await raw({ headers })).json.Response.Error?.Code
    expect(await code({ 'x-tc-action': 'SendSmsPlus' })).toBe('InvalidAction')
    expect(await code({ 'x-tc-version': '2019-07-11' })).toBe('NoSuchVersion')
    expect(await code({ 'x-tc-region': 'ap-mars' })).toBe('UnsupportedRegion')
    expect(await code({ 'x-tc-region': '' })).toBe('MissingParameter')
    const noAction = await fetch(`${sandbox.urls.sms}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(((await noAction.json()) as { Response: { Error: { Code: string } } }).Response.Error.Code).toBe('MissingParameter')
  })
})

describe('SMS control API and faults', () => {
  it('registers templates that SendSms then accepts, and lists them', async () => {
    const created = await fetch(`${sandbox.urls.sms}/__sim/sms/templates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '2000001', name: 'shift', content: '{1}已交班，共{2}笔。' }) })
    expect(created.status).toBe(201)
    const p = phone()
    await client().SendSms({ ...paymentRequest([p]), TemplateId: '2000001', TemplateParamSet: ['小王', '12'] })
    expect((await inbox(p))[0]?.text).toBe('【yima】小王已交班，共12笔。')
    const list = await (await fetch(`${sandbox.urls.sms}/__sim/sms/templates`)).json() as Array<{ id: string }>
    expect(list.map((t) => t.id)).toContain('2000001')
    expect(sandbox.clients.sms.templates.payment.id).toMatch(/^\d{7}$/)
    const bad = await fetch(`${sandbox.urls.sms}/__sim/sms/templates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: '' }) })
    expect(bad.status).toBe(400)
  })

  it('fails scripted numbers with a per-number code, once per count', async () => {
    const [p, other] = [phone(), phone()]
    const armed = await fetch(`${sandbox.urls.sms}/__sim/sms/failures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: p, code: 'LimitExceeded.PhoneNumberDailyLimit' }) })
    expect(armed.status).toBe(204)
    const first = await client().SendSms(paymentRequest([p, other]))
    expect(first.SendStatusSet?.map((s) => [s.Code, s.Fee, s.SerialNo === ''])).toEqual([['LimitExceeded.PhoneNumberDailyLimit', 0, true], ['Ok', 1, false]])
    expect(await inbox(p)).toEqual([])
    const second = await client().SendSms(paymentRequest([p]))
    expect(second.SendStatusSet?.[0]?.Code).toBe('Ok')
    const bad = await fetch(`${sandbox.urls.sms}/__sim/sms/failures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: p, code: 'Nope' }) })
    expect(bad.status).toBe(400)
    expect((await fetch(`${sandbox.urls.sms}/__sim/sms/messages?phone=123`)).status).toBe(400)
  })

  it('answers 500 on a 5xx fault and never on a TIMEOUT fault, delivering nothing', async () => {
    const p = phone()
    const arm = async (mode: string): Promise<void> => {
      await fetch(`${sandbox.urls.sms}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: 'sms:SendSms', mode }) })
    }
    await arm('5xx')
    expect(await sdkError(client().SendSms(paymentRequest([p])))).toMatchObject({ httpCode: 500 })
    await arm('TIMEOUT')
    const started = Date.now()
    await sdkError(client({ reqTimeout: 1 }).SendSms(paymentRequest([p])))
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(await inbox(p)).toEqual([])
    expect((await client().SendSms(paymentRequest([p]))).SendStatusSet?.[0]?.Code).toBe('Ok')
  })

  it('reads the endpoint lazily and forgets messages on reset', async () => {
    expect(sandbox.clients.sms.endpoint).toBe(new URL(sandbox.urls.sms).host)
    const p = phone()
    await client().SendSms(paymentRequest([p]))
    await fetch(`${sandbox.urls.sms}/__sim/reset`, { method: 'POST' })
    expect(await inbox(p)).toEqual([])
  })
})
