import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { postJson } from './http-post'
import { checkUrl, isPublicAddress, parseTargetUrl, pinnedLookup, STRICT_URL_POLICY, UrlRefusedError, urlPolicyFor, type Resolver } from './url-guard'

const LAX = urlPolicyFor('test')
/** A resolver that knows a few names and fails on the rest, as DNS would. */
const fakeDns = (names: Record<string, string[]>): Resolver => async (host) => {
  const addresses = names[host]
  if (addresses === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
}
const PUBLIC_DNS = fakeDns({ 'pay.example.com': ['203.0.114.10'], 'v6.example.com': ['2606:4700:4700::1111'] })

describe('isPublicAddress', () => {
  it.each([
    '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.100.100.200', '127.0.0.1', '127.255.255.254',
    '169.254.169.254', '169.254.0.1', '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.0.2.1', '192.168.1.1',
    '198.18.0.1', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
  ])('refuses IPv4 %s', (ip) => { expect(isPublicAddress(ip)).toBe(false) })

  it.each([
    '::', '::1', 'fe80::1', 'febf::1', 'fc00::1', 'fd12:3456:789a::1', 'fec0::1', 'ff02::1', '64:ff9b::a00:1', '64:ff9b:1::1',
    '2001::1', '2001:db8::1', '2002:a00:1::1', '3fff::1', '100::1', '::127.0.0.1',
    // IPv4-mapped: judged by the IPv4 inside, in both spellings.
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:a00:1', '::ffff:169.254.169.254', '0:0:0:0:0:ffff:c0a8:101',
  ])('refuses IPv6 %s', (ip) => { expect(isPublicAddress(ip)).toBe(false) })

  it.each(['8.8.8.8', '1.1.1.1', '203.0.114.10', '100.63.255.255', '100.128.0.1', '172.32.0.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8'])(
    'allows %s', (ip) => { expect(isPublicAddress(ip)).toBe(true) })

  it('is not fooled by what is not an address', () => {
    expect(isPublicAddress('example.com')).toBe(false)
    expect(isPublicAddress('2130706433')).toBe(false)
    expect(isPublicAddress('')).toBe(false)
  })
})

describe('checkUrl in production', () => {
  const refused = async (url: string, resolve: Resolver = PUBLIC_DNS): Promise<string> => {
    try {
      await checkUrl(url, STRICT_URL_POLICY, resolve)
    } catch (err) {
      if (err instanceof UrlRefusedError) return err.message
      throw err
    }
    throw new Error(`${url} was allowed`)
  }

  it('allows an https URL whose host resolves to public addresses only', async () => {
    const ok = await checkUrl('https://pay.example.com/cb?x=1', STRICT_URL_POLICY, PUBLIC_DNS)
    expect(ok.addresses).toEqual([{ address: '203.0.114.10', family: 4 }])
    expect((await checkUrl('https://v6.example.com/', STRICT_URL_POLICY, PUBLIC_DNS)).addresses[0]?.family).toBe(6)
  })

  it('requires https, a host and no credentials', async () => {
    expect(await refused('http://pay.example.com/cb')).toBe('回调地址必须使用 https')
    expect(await refused('ftp://pay.example.com/cb')).toBe('回调地址只能使用 http 或 https')
    expect(await refused('https://user:pw@pay.example.com/cb')).toBe('回调地址不能包含用户名或密码')
    expect(await refused('https://user@pay.example.com/cb')).toBe('回调地址不能包含用户名或密码')
    expect(await refused('not a url')).toBe('回调地址不是有效的网址')
  })

  it.each([
    ['https://127.0.0.1/cb', '127.0.0.1'],
    ['https://10.1.2.3/cb', '10.1.2.3'],
    ['https://[::1]/cb', '::1'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    // Every IPv4 spelling the URL parser accepts ends up as the address it means.
    ['https://2130706433/cb', '127.0.0.1'],
    ['https://0x7f.0.0.1/cb', '127.0.0.1'],
    ['https://0x7f000001/cb', '127.0.0.1'],
    ['https://0177.0.0.1/cb', '127.0.0.1'],
    ['https://127.1/cb', '127.0.0.1'],
    ['https://012.0.0.1/cb', '10.0.0.1'],
    ['https://[::ffff:127.0.0.1]/cb', '::ffff:7f00:1'],
    ['https://[0:0:0:0:0:ffff:a9fe:a9fe]/cb', '::ffff:a9fe:a9fe'],
    ['https://[fd00::1]/cb', 'fd00::1'],
    ['https://[fe80::1]/cb', 'fe80::1'],
  ])('refuses %s (%s)', async (url, address) => {
    expect(await refused(url)).toBe(`回调地址指向内网或保留地址（${address}），已拒绝`)
  })

  it('resolves names and refuses when any address is private', async () => {
    const dns = fakeDns({
      'metadata.google.internal': ['169.254.169.254'],
      'localhost.example.com': ['127.0.0.1'],
      'mixed.example.com': ['203.0.114.10', '10.0.0.5'],
      'v6-internal.example.com': ['2606:4700:4700::1111', 'fd00::5'],
      'cgnat.example.com': ['100.64.1.1'],
    })
    expect(await refused('https://metadata.google.internal/computeMetadata/v1/', dns)).toContain('169.254.169.254')
    expect(await refused('https://localhost.example.com/', dns)).toContain('127.0.0.1')
    expect(await refused('https://mixed.example.com/', dns)).toContain('10.0.0.5')
    expect(await refused('https://v6-internal.example.com/', dns)).toContain('fd00::5')
    expect(await refused('https://cgnat.example.com/', dns)).toContain('100.64.1.1')
  })

  it('lets a DNS failure through as a temporary error, not a refusal', async () => {
    await expect(checkUrl('https://nowhere.example.com/', STRICT_URL_POLICY, PUBLIC_DNS)).rejects.toMatchObject({ code: 'ENOTFOUND' })
  })
})

describe('checkUrl outside production', () => {
  it('allows http and loopback (the sandbox and test receivers run on 127.0.0.1)', async () => {
    expect((await checkUrl('http://127.0.0.1:8080/cb', LAX, PUBLIC_DNS)).addresses).toEqual([{ address: '127.0.0.1', family: 4 }])
    expect((await checkUrl('http://[::1]:8080/cb', LAX, PUBLIC_DNS)).addresses).toEqual([{ address: '::1', family: 6 }])
  })

  it('still refuses credentials and other schemes', () => {
    expect(() => parseTargetUrl('http://a:b@127.0.0.1/', LAX)).toThrow(UrlRefusedError)
    expect(() => parseTargetUrl('file:///etc/passwd', LAX)).toThrow(UrlRefusedError)
  })

  it('is production unless the environment says development or test', () => {
    expect(urlPolicyFor('production')).toEqual(STRICT_URL_POLICY)
    expect(urlPolicyFor(undefined)).toEqual(STRICT_URL_POLICY)
    expect(urlPolicyFor('development')).toEqual({ requireHttps: false, allowPrivate: true })
  })
})

describe('pinned connections', () => {
  it('connects to the checked address, never asking DNS again', async () => {
    const server = createServer((req, res) => { res.end(JSON.stringify({ host: req.headers.host })) })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.address() as AddressInfo).port
      // No real DNS knows this name: the request can only arrive through the pinned lookup.
      const target = await checkUrl(`http://callback.invalid:${port}/cb`, LAX, fakeDns({ 'callback.invalid': ['127.0.0.1'] }))
      const res = await postJson(target, '{}', AbortSignal.timeout(5_000))
      expect(res.status).toBe(200)
      expect(JSON.parse(res.text)).toEqual({ host: `callback.invalid:${port}` })
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('answers both lookup forms with the checked addresses only', () => {
    const lookup = pinnedLookup([{ address: '203.0.114.10', family: 4 }, { address: '2606:4700:4700::1111', family: 6 }])
    const all = jest.fn()
    lookup('anything', { all: true }, all)
    expect(all).toHaveBeenCalledWith(null, [{ address: '203.0.114.10', family: 4 }, { address: '2606:4700:4700::1111', family: 6 }])
    const one = jest.fn()
    lookup('anything', { family: 6 }, one)
    expect(one).toHaveBeenCalledWith(null, '2606:4700:4700::1111', 6)
  })
})
