import { promises as dns } from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'

/*
 * Outbound URL checks for callbacks: a service provider chooses the URL, so without these a
 * callback could reach the server's own network (databases, admin ports, cloud metadata at
 * 169.254.169.254). Address ranges are classified by Node's own BlockList, which also applies
 * IPv4 rules to IPv4-mapped IPv6 addresses. `ipaddr.js` sits in node_modules only as a dev
 * dependency of the H5 build, so the server cannot rely on it being installed.
 */

/** What a deployment allows. Production: https only, public addresses only. */
export interface UrlPolicy {
  requireHttps: boolean
  allowPrivate: boolean
}

export const STRICT_URL_POLICY: UrlPolicy = { requireHttps: true, allowPrivate: false }

/**
 * Outside production (development and tests run against the sandbox on 127.0.0.1) http and
 * private addresses are allowed. No environment given means production rules.
 */
export function urlPolicyFor (env: 'development' | 'test' | 'production' | undefined): UrlPolicy {
  return env === 'development' || env === 'test' ? { requireHttps: false, allowPrivate: true } : STRICT_URL_POLICY
}

/** IPv4 ranges that are not globally reachable (IANA IPv4 special-purpose registry, RFC 6890). */
const IPV4_DENIED: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // CGNAT (RFC 6598); also Alibaba Cloud's metadata at 100.100.100.200
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata at 169.254.169.254
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
]

/**
 * IPv6: only global unicast (2000::/3) is reachable, minus the blocks inside it that are not
 * (or that tunnel to an IPv4 address we cannot see: 6to4, Teredo). Everything outside 2000::/3
 * (::1, ::, fc00::/7 unique-local, fe80::/10 link-local, 64:ff9b::/96 NAT64, multicast) is refused
 * by not being in the allowed block. IPv4-mapped addresses (::ffff:a.b.c.d) are judged as IPv4.
 */
const IPV6_DENIED_IN_GLOBAL: Array<[string, number]> = [
  ['2001::', 23], // IETF protocol assignments, incl. Teredo 2001::/32
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['3fff::', 20], // documentation
]

const blockList = (ranges: Array<[string, number]>, type: 'ipv4' | 'ipv6'): BlockList => {
  const list = new BlockList()
  for (const [net, prefix] of ranges) list.addSubnet(net, prefix, type)
  return list
}
const ipv4Denied = blockList(IPV4_DENIED, 'ipv4')
const ipv6Global = blockList([['2000::', 3]], 'ipv6')
const ipv6DeniedInGlobal = blockList(IPV6_DENIED_IN_GLOBAL, 'ipv6')
const ipv4Mapped = blockList([['::ffff:0:0', 96]], 'ipv6')

/** True for an address on the public internet; false for private, loopback, link-local, reserved… */
export function isPublicAddress (address: string): boolean {
  const family = isIP(address)
  if (family === 4) return !ipv4Denied.check(address, 'ipv4')
  if (family !== 6) return false
  // BlockList checks a mapped address against the IPv4 rules too.
  if (ipv4Mapped.check(address, 'ipv6')) return !ipv4Denied.check(address, 'ipv6')
  return ipv6Global.check(address, 'ipv6') && !ipv6DeniedInGlobal.check(address, 'ipv6')
}

/** The target may not be used, and retrying will not change that. The message is for people. */
export class UrlRefusedError extends Error {
  override readonly name = 'UrlRefusedError'
}

export interface ResolvedAddress { address: string, family: 4 | 6 }
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>

/** The system resolver (hosts file included), every address. */
export const systemResolver: Resolver = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }))

/** A URL that passed the checks, with the addresses that were checked: connect only to these. */
export interface CheckedUrl {
  url: URL
  addresses: ResolvedAddress[]
}

/**
 * The syntactic half: an absolute http(s) URL without credentials; https when the policy says.
 * WHATWG parsing turns every IPv4 spelling (2130706433, 0x7f.1, 0177.0.0.1, 127.1) into dotted
 * decimal, so the address checks see the real address.
 */
export function parseTargetUrl (raw: string, policy: UrlPolicy): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UrlRefusedError('回调地址不是有效的网址')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UrlRefusedError('回调地址只能使用 http 或 https')
  if (policy.requireHttps && url.protocol !== 'https:') throw new UrlRefusedError('回调地址必须使用 https')
  if (url.username !== '' || url.password !== '') throw new UrlRefusedError('回调地址不能包含用户名或密码')
  if (url.hostname === '') throw new UrlRefusedError('回调地址缺少主机名')
  return url
}

/**
 * Both halves: the URL, then every address its host resolves to. One private address refuses
 * the URL: a host that resolves to a public and a private address could be either on connect.
 * A resolver failure is thrown as is (temporary: the caller retries).
 */
export async function checkUrl (raw: string, policy: UrlPolicy, resolve: Resolver = systemResolver): Promise<CheckedUrl> {
  const url = parseTargetUrl(raw, policy)
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const literal = isIP(host)
  const addresses: ResolvedAddress[] = literal === 0 ? await resolve(host) : [{ address: host, family: literal === 6 ? 6 : 4 }]
  if (addresses.length === 0) throw new Error(`${host} resolved to no address`)
  if (!policy.allowPrivate) {
    const denied = addresses.find((a) => !isPublicAddress(a.address))
    if (denied !== undefined) throw new UrlRefusedError(`回调地址指向内网或保留地址（${denied.address}），已拒绝`)
  }
  return { url, addresses }
}

/**
 * A `lookup` for http.request that answers with the checked addresses instead of asking DNS
 * again, so a name that changes its answer after the check (DNS rebinding) is not followed.
 */
export function pinnedLookup (addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all === true) {
      callback(null, addresses.map((a) => ({ address: a.address, family: a.family })))
      return
    }
    const wanted = options.family === 4 || options.family === 6 ? options.family : undefined
    const pick = addresses.find((a) => wanted === undefined || a.family === wanted) ?? addresses[0]
    if (pick === undefined) {
      callback(Object.assign(new Error('no checked address'), { code: 'ENOTFOUND' }), '', 0)
      return
    }
    callback(null, pick.address, pick.family)
  }
}
