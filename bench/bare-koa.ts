// The baseline of the pay and memory figures: what any payment server must at least do, with
// nothing else around it. A bare Koa handler that makes the same signed WeChat Pay call and one
// insert (/create), or verifies, decrypts and inserts (/notify). pay.ts runs it in process;
// startup.ts runs this file as a process of its own (BENCH_BARE = JSON of BareSettings).
import { createDecipheriv, randomBytes } from 'node:crypto'
import Koa from 'koa'
import pg from 'pg'
import type { DemoSettings } from '@yima/server/src/cli/demo-tenant'
import { wechatpayClient } from '@yima/server/src/channels/wechat-pay/partner'
import { verificationKeys, verifySignature } from '@yima/server/src/channels/wechat-pay/sign'

export interface BareSettings { settings: DemoSettings, wxpayBaseUrl: string }
export type Query = (text: string, params?: unknown[]) => Promise<unknown>

export const BARE_TABLE = 'create table if not exists bench_baseline (id text primary key, amount bigint not null, ref text)'

/** AEAD_AES_256_GCM as WeChat Pay v3 uses it: the tag is the ciphertext's last 16 bytes. */
function decryptResource (r: { ciphertext: string, nonce: string, associated_data?: string }, key: string): string {
  const data = Buffer.from(r.ciphertext, 'base64')
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), Buffer.from(r.nonce, 'utf8'))
  decipher.setAAD(Buffer.from(r.associated_data ?? '', 'utf8'))
  decipher.setAuthTag(data.subarray(data.length - 16))
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8')
}

export function bareApp ({ settings, wxpayBaseUrl }: BareSettings, query: Query): Koa {
  const wx = settings.wechatPay
  const keys = verificationKeys({ platformCertificate: wx.platformCertificate ?? null, publicKey: wx.publicKey ?? null, publicKeyId: wx.publicKeyId ?? null })
  const client = wechatpayClient({ mchId: wx.mchId, certificateSerial: wx.certificateSerial ?? '', privateKey: wx.privateKey ?? '', platformCertificate: wx.platformCertificate ?? null, publicKey: wx.publicKey ?? null, publicKeyId: wx.publicKeyId ?? null }, wxpayBaseUrl)
  const koa = new Koa()
  let n = 0
  koa.use(async (ctx) => {
    if (ctx.path === '/healthz') { ctx.body = { status: 'ok' }; return }
    const chunks: Buffer[] = []
    for await (const c of ctx.req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    if (ctx.path === '/create') {
      const id = `b${n++}-${randomBytes(6).toString('hex')}`
      const { data } = await client.chain('v3/pay/partner/transactions/jsapi').post({
        sp_appid: wx.officialAccountAppId,
        sp_mchid: wx.mchId,
        sub_mchid: settings.subMchId,
        description: 'bench',
        out_trade_no: id,
        notify_url: 'http://127.0.0.1:9/n',
        amount: { total: 100, currency: 'CNY' },
        payer: { sp_openid: 'oBench' },
      }) as { data: { prepay_id: string } }
      await query('insert into bench_baseline (id, amount, ref) values ($1, 100, $2)', [id, data.prepay_id])
      ctx.body = { id, prepayId: data.prepay_id }
      return
    }
    const check = verifySignature(ctx.headers, raw, keys, Math.floor(Date.now() / 1000))
    if (!check.ok) { ctx.status = 401; return }
    const r = (JSON.parse(raw) as { resource: { ciphertext: string, nonce: string, associated_data?: string } }).resource
    const t = JSON.parse(decryptResource(r, wx.apiV3Key ?? '')) as { out_trade_no: string, amount: { total: number } }
    await query('insert into bench_baseline (id, amount) values ($1, $2) on conflict do nothing', [`n-${t.out_trade_no}`, t.amount.total])
    ctx.status = 204
  })
  return koa
}

/** As a process: DATABASE_URL, BENCH_BARE, PORT (0: any); prints `{"port":…}` once listening. */
async function main (): Promise<void> {
  const bare = JSON.parse(process.env.BENCH_BARE ?? '') as BareSettings
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 16 })
  await pool.query(BARE_TABLE)
  const server = bareApp(bare, async (text, params) => await pool.query(text, params)).listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address()
    process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address !== null ? address.port : 0 })}\n`)
  })
  process.on('SIGTERM', () => { server.close(); pool.end().catch(() => {}) })
}

if (process.env.BENCH_BARE !== undefined && process.argv[1]?.endsWith('bare-koa.ts') === true) {
  main().catch((err: unknown) => { process.stderr.write(`${String(err)}\n`); process.exit(1) })
}
