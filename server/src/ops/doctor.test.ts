import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { selfSignedCertificate } from '../../../sandbox/src/wxpay/x509'
import { checkAlipayKeys, checkCertificateValidity, checkConfig, checkWechatPayKeys, formatCheck, scrub, type Check, type WechatPayKeys } from './doctor'

const NOW = new Date('2026-03-01T00:00:00Z')
const DAY = 86_400_000

function keyPair (): { privateKey: string, publicKey: string, objects: ReturnType<typeof generateKeyPairSync> } {
  const objects = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    privateKey: objects.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: objects.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    objects,
  }
}

/** A certificate for `keys`, valid from a year before NOW until `daysLeft` after it. */
function certificate (keys: ReturnType<typeof keyPair>, daysLeft: number): { pem: string, serial: string } {
  const c = selfSignedCertificate({
    subject: { CN: 'doctor test' },
    publicKey: keys.objects.publicKey,
    privateKey: keys.objects.privateKey,
    notBefore: new Date(NOW.getTime() - 365 * DAY),
    notAfter: new Date(NOW.getTime() + daysLeft * DAY),
  })
  return { pem: c.pem, serial: c.serial }
}

const merchant = keyPair()
const platform = keyPair()
const merchantCert = certificate(merchant, 900)
const platformCert = certificate(platform, 900)

const healthy = (over: Partial<WechatPayKeys> = {}): WechatPayKeys => ({
  mchId: '1900000100',
  privateKey: merchant.privateKey,
  certificateSerial: merchantCert.serial,
  certificate: merchantCert.pem,
  apiV3Key: 'a'.repeat(32),
  apiV2Key: 'b'.repeat(32),
  platformCertificate: platformCert.pem,
  publicKey: platform.publicKey,
  publicKeyId: 'PUB_KEY_ID_0114000000000000000000000000000000',
  ...over,
})

const byName = (checks: Check[], name: string): Check => {
  const c = checks.find((x) => x.name === name)
  if (c === undefined) throw new Error(`no check named ${name}: ${checks.map((x) => x.name).join(', ')}`)
  return c
}
const failedNames = (checks: Check[]): string[] => checks.filter((c) => !c.ok).map((c) => c.name)

describe('WeChat Pay keys', () => {
  it('passes a complete, matching, long-lived set', () => {
    const checks = checkWechatPayKeys(healthy(), NOW)
    expect(failedNames(checks)).toEqual([])
    expect(checks.map((c) => c.name)).toEqual([
      'WeChat Pay settings',
      'WeChat Pay merchant private key',
      'WeChat Pay merchant certificate',
      'WeChat Pay merchant key pair',
      'WeChat Pay certificate serial',
      'WeChat Pay APIv3 key',
      'WeChat Pay API v2 key',
      'WeChat Pay platform certificate',
      'WeChat Pay public key',
    ])
    expect(byName(checks, 'WeChat Pay platform certificate').detail).toContain('(900 days)')
  })

  it('fails a certificate that expired or expires within 30 days, and says when', () => {
    const soon = certificate(platform, 10)
    const checks = checkWechatPayKeys(healthy({ platformCertificate: soon.pem }), NOW)
    expect(failedNames(checks)).toEqual(['WeChat Pay platform certificate'])
    expect(byName(checks, 'WeChat Pay platform certificate').detail).toMatch(/^expires on 2026-03-11, in 10 day\(s\): download the current one/)

    const expired = checkCertificateValidity('cert', certificate(merchant, -3).pem, NOW, 'renew it')
    expect(expired).toEqual({ name: 'cert', ok: false, detail: 'expired on 2026-02-26: renew it' })
    expect(checkCertificateValidity('cert', certificate(merchant, 30).pem, NOW, 'renew it').ok).toBe(true)
    expect(checkCertificateValidity('cert', 'not a certificate', NOW, 'renew it')).toMatchObject({ ok: false, detail: 'does not parse as a PEM X.509 certificate: renew it' })
  })

  it('fails a merchant certificate that expires soon, of another key pair, or with another serial', () => {
    const other = keyPair()
    const otherCert = certificate(other, 900)
    const mismatched = checkWechatPayKeys(healthy({ certificate: otherCert.pem }), NOW)
    expect(failedNames(mismatched)).toEqual(['WeChat Pay merchant key pair', 'WeChat Pay certificate serial'])
    expect(byName(mismatched, 'WeChat Pay merchant key pair').detail).toContain('does not belong to the merchant certificate')
    expect(byName(mismatched, 'WeChat Pay certificate serial').detail).toBe(`configured ${merchantCert.serial}, but the merchant certificate's serial is ${otherCert.serial}: WeChat Pay identifies the signing key by this serial; enter the certificate's serial`)

    const renewed = certificate(merchant, 5)
    expect(failedNames(checkWechatPayKeys(healthy({ certificate: renewed.pem, certificateSerial: renewed.serial.toLowerCase() }), NOW)))
      .toEqual(['WeChat Pay merchant certificate'])

    // Without the certificate there is nothing to cross-check, and that is not a failure.
    const none = checkWechatPayKeys(healthy({ certificate: null }), NOW)
    expect(failedNames(none)).toEqual([])
    expect(none.map((c) => c.name)).not.toContain('WeChat Pay merchant key pair')
  })

  it('fails keys of the wrong length, naming the length, never the key', () => {
    const checks = checkWechatPayKeys(healthy({ apiV3Key: 'k'.repeat(31), apiV2Key: '中'.repeat(32) }), NOW)
    expect(failedNames(checks)).toEqual(['WeChat Pay APIv3 key'])
    expect(byName(checks, 'WeChat Pay APIv3 key').detail).toMatch(/^31 bytes, not 32/)
    // 32 characters: the v2 key is a string of characters, the APIv3 key is 32 bytes.
    expect(byName(checks, 'WeChat Pay API v2 key').ok).toBe(true)
    const multibyte = checkWechatPayKeys(healthy({ apiV3Key: '中'.repeat(32), apiV2Key: 'x'.repeat(16) }), NOW)
    expect(byName(multibyte, 'WeChat Pay APIv3 key').detail).toMatch(/^96 bytes, not 32/)
    expect(byName(multibyte, 'WeChat Pay API v2 key')).toMatchObject({ ok: false, detail: expect.stringMatching(/^16 characters, not 32/) })
    expect(byName(checkWechatPayKeys(healthy({ apiV2Key: null }), NOW), 'WeChat Pay API v2 key')).toMatchObject({ ok: true, detail: 'not set (only deposits use it)' })
    expect(JSON.stringify(multibyte)).not.toContain('中中')
  })

  it('fails incomplete settings, an unreadable private key and a public key without its id', () => {
    const incomplete = checkWechatPayKeys(healthy({ apiV3Key: null, platformCertificate: null, publicKey: null }), NOW)
    expect(byName(incomplete, 'WeChat Pay settings')).toMatchObject({ ok: false, detail: expect.stringContaining('lacks: APIv3 key, platform certificate or WeChat Pay public key') })

    const garbage = checkWechatPayKeys(healthy({ privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }), NOW)
    expect(failedNames(garbage)).toEqual(['WeChat Pay merchant private key'])

    const noId = checkWechatPayKeys(healthy({ publicKeyId: null }), NOW)
    expect(failedNames(noId)).toEqual(['WeChat Pay public key'])
    expect(failedNames(checkWechatPayKeys(healthy({ publicKey: 'nope' }), NOW))).toEqual(['WeChat Pay public key'])
  })

  it('never puts key material in a line', () => {
    const text = checkWechatPayKeys(healthy({ apiV3Key: 'S'.repeat(33) }), NOW).map(formatCheck).join('\n')
    expect(text).not.toContain('S'.repeat(33))
    expect(text).not.toContain(merchant.privateKey.split('\n')[1])
    expect(text).not.toContain('b'.repeat(32))
  })
})

describe('Alipay keys', () => {
  it('passes parseable keys and fails missing or broken ones', () => {
    const app = keyPair()
    const alipay = keyPair()
    expect(failedNames(checkAlipayKeys({ appId: '2021000000000001', privateKey: app.privateKey, alipayPublicKey: alipay.publicKey }))).toEqual([])
    const broken = checkAlipayKeys({ appId: '2021000000000001', privateKey: 'MIIEvQ', alipayPublicKey: null })
    expect(broken).toEqual([
      { name: 'Alipay app private key', ok: false, detail: 'does not parse as an RSA private key: paste it again in the console (服务商 → 支付宝)' },
      { name: 'Alipay public key', ok: false, detail: 'not set: paste it again in the console (服务商 → 支付宝)' },
    ])
  })
})

describe('configuration', () => {
  const KEY = Buffer.alloc(32, 7).toString('base64')
  const production = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const [h5, mp] = ['h5', 'mp'].map((name) => {
      const dir = mkdtempSync(path.join(tmpdir(), `yima-doctor-${name}-`))
      writeFileSync(path.join(dir, 'index.html'), '<!doctype html>')
      return dir
    })
    return {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://yima:pw@db.example.com/yima',
      SECRETS_KEY: KEY,
      SESSION_SECRET: 's'.repeat(40),
      PUBLIC_URL: 'https://pay.example.com',
      PLATFORM_OA_APPID: 'wx0123456789abcdef',
      PLATFORM_OA_SECRET: 'secret',
      H5_DIST_DIR: h5,
      MINIPROGRAM_H5_DIST_DIR: mp,
      ...extra,
    }
  }

  it('turns a ConfigError into one failed line', () => {
    const r = checkConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' })
    expect(r.config).toBeNull()
    expect(r.checks).toEqual([{ name: 'configuration', ok: false, detail: 'production requires SECRETS_KEY, SESSION_SECRET (see .env.example) (variables: docs/configuration.md)' }])
    expect(checkConfig({ NODE_ENV: 'test', PORT: 'eighty' }).checks[0]).toMatchObject({ ok: false, detail: expect.stringContaining('PORT') })
  })

  it('passes a complete production configuration without printing its secrets', () => {
    const r = checkConfig(production())
    expect(r.config?.env).toBe('production')
    expect(failedNames(r.checks)).toEqual([])
    expect(r.checks[0]).toEqual({ name: 'configuration', ok: true, detail: 'production; database PostgreSQL; WeChat Pay api.mch.weixin.qq.com; Alipay openapi.alipay.com' })
    const text = r.checks.map(formatCheck).join('\n')
    expect(text).not.toContain(KEY)
    expect(text).not.toContain('pw@')
  })

  it('fails what production accepts but cannot run with', () => {
    const { PLATFORM_OA_APPID: _appId, PLATFORM_OA_SECRET: _secret, ...withoutOa } = production({ PUBLIC_URL: 'http://pay.example.com', WXPAY_BASE_URL: 'http://127.0.0.1:4101/', H5_DIST_DIR: '/nonexistent' })
    const r = checkConfig(withoutOa)
    expect(failedNames(r.checks)).toEqual(['configuration: PUBLIC_URL', 'configuration: channel hosts', 'configuration: PLATFORM_OA_*', 'configuration: H5 builds'])
    expect(byName(r.checks, 'configuration: PUBLIC_URL').detail).toContain('is not HTTPS')
    expect(byName(r.checks, 'configuration: channel hosts').detail).toMatch(/^WXPAY_BASE_URL point/)
    expect(byName(r.checks, 'configuration: H5 builds').detail).toMatch(/^\/nonexistent\/index\.html missing: npm start builds them/)
    const { PUBLIC_URL: _unset, ...withoutUrl } = production()
    expect(byName(checkConfig(withoutUrl).checks, 'configuration: PUBLIC_URL').detail).toMatch(/^http:\/\/127\.0\.0\.1:3000 is not reachable from outside/)
  })

  it('fails a half-set group of variables that config.ts would quietly ignore', () => {
    const r = checkConfig({ NODE_ENV: 'test', WX_COMPONENT_APPID: 'wx0123456789abcdef', WX_COMPONENT_SECRET: 'x' })
    expect(r.config?.wechatComponent).toBeNull()
    expect(r.checks.filter((c) => !c.ok)).toEqual([{
      name: 'configuration: WX_COMPONENT_*',
      ok: false,
      detail: 'WX_COMPONENT_TOKEN, WX_COMPONENT_AES_KEY unset, so official-account authorization (open platform) is off: set all of WX_COMPONENT_APPID, WX_COMPONENT_SECRET, WX_COMPONENT_TOKEN, WX_COMPONENT_AES_KEY, or none',
    }])
    // Outside production only the configuration itself is judged.
    expect(checkConfig({ NODE_ENV: 'test' }).checks).toHaveLength(1)
  })
})

describe('lines', () => {
  it('prints ✓/✗ name — detail', () => {
    expect(formatCheck({ name: 'database', ok: true, detail: 'PostgreSQL answers' })).toBe('✓ database — PostgreSQL answers')
    expect(formatCheck({ name: 'database', ok: false, detail: 'no' })).toBe('✗ database — no')
  })

  it('scrubs secrets and query strings out of error messages', () => {
    const err = new Error('request to https://openapi.alipay.com/gateway.do?app_auth_token=202601BBsecret&sign=abc failed, token 202601BBsecret')
    expect(scrub(err, ['202601BBsecret'])).toBe('request to https://openapi.alipay.com/gateway.do?… failed, token [secret]')
    expect(scrub('x'.repeat(400))).toHaveLength(301)
  })
})
