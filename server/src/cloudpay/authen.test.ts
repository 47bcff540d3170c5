import { constants, sign } from 'node:crypto'
import { authenCode, verifyAuthenCode, verifyPss } from './authen'
import { generateMerchantCredentials } from '../modules/merchants/credentials'

// cloudpay-api.md §14: the published vectors.
const KEY = '0123456789ABCDEF0123456789ABCDEF'
const ORDER_CLIENT = '"order_client":{"machine_no":"32-62-A8-14-B3-C0","terminal_type":1,"device_id":"dev1","staff_id":"staff1","sdk_version":"javasdk1.6","spbill_create_ip":"127.0.0.1","sub_terminal_type":0}'
const MCH_KEY = (platform: boolean) => `"pay_mch_key":{"out_mch_id":"sz01OUTMCHID00000001","out_shop_id":"sz01OUTSHOP000000001",${platform ? '"pay_platform":1,' : ''}"out_sub_mch_id":"sz01OUTSUBMCH0000001"}`
const VECTORS: Array<[string, string, number, string]> = [
  ['micro_pay', `{"nonce_str":"416492026bc84091bcaf7e74ea90ceba","pay_content":{"out_trade_no":"sz0100test0001","total_fee":1,"author_code":"134680423163089456","fee_type":"CNY","body":"测试商品"},${ORDER_CLIENT},${MCH_KEY(true)}}`, 517, 'FBADF47B356FEF871FB654F7828DEAD5901B4C1B413C73D6350A15AC4025E5EB'],
  ['query_order', `{"nonce_str":"n1","out_trade_no":"sz0100test0001",${ORDER_CLIENT},${MCH_KEY(false)}}`, 366, '38D69EE90796A90742BCC010D90E59962FA974C5301201E581DB24034F572DE5'],
  ['refund', `{"refund_content":{"out_trade_no":"sz0100test0001","out_refund_no":"sz0100test0001r1","total_fee":1,"refund_fee":1,"refund_fee_type":"CNY"},"nonce_str":"n2",${ORDER_CLIENT},${MCH_KEY(true)}}`, 490, '082B6D9167D7A08A595A8D6635CA75176138A298CA7E03F4AE97CD6DE4BB0E48'],
  ['query_refund_order', `{"nonce_str":"n3","out_trade_no":"sz0100test0001",${ORDER_CLIENT},${MCH_KEY(true)}}`, 383, 'C9A16B9AB01E77CA7C0088A8E794786FB8B2B88F86918AB32294F1925E70759A'],
  ['close_order response', '{"status":0,"description":"","log_id":12345,"internal_status":0,"close_order":{"nonce_str":"abc"}}', 0, '7D842F44FE375E2552119A7E4B8959EE299C737F7222D10A895081CBAD6EBADC'],
  ['scan_code_pay response', '{"status":0,"description":"","log_id":12345,"internal_status":0,"scan_code_pay":{"nonce_str":"abc","code_url":"weixin://wxpay/bizpayurl?pr=abc"}}', 0, '1ACA140AA8EF0EC6A083259733511F8554E17F03FCB5B99E8C163D5D002D05C6'],
]

describe('Cloud Pay authen_code', () => {
  it.each(VECTORS)('matches the published vector for %s', (_name, content, bytes, code) => {
    if (bytes > 0) expect(Buffer.byteLength(content, 'utf8')).toBe(bytes)
    expect(authenCode(KEY, content)).toBe(code)
    expect(verifyAuthenCode(KEY, content, code)).toBe(true)
    expect(verifyAuthenCode(KEY, content, code.toLowerCase())).toBe(true)
    expect(verifyAuthenCode(KEY, `${content} `, code)).toBe(false)
    expect(verifyAuthenCode(KEY, content, code.slice(0, 63))).toBe(false)
  })

  it('hashes escaped content as received, never re-serialised', () => {
    const escaped = '{"body":"\\u003cb\\u003e\\u0026","nonce_str":"x"}'
    const reserialised = JSON.stringify(JSON.parse(escaped))
    expect(reserialised).not.toBe(escaped)
    expect(verifyAuthenCode(KEY, escaped, authenCode(KEY, escaped))).toBe(true)
    expect(verifyAuthenCode(KEY, reserialised, authenCode(KEY, escaped))).toBe(false)
  })
})

describe('generated merchant credentials', () => {
  it('give a 32-character authentication key and a PSS key pair that official clients can use', async () => {
    const c = await generateMerchantCredentials()
    expect(c.authenKey).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(c.signingPrivateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/) // PKCS#8, what the Java client reads
    expect(c.verifyPublicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/)
    const content = '{"refund_content":{"out_refund_no":"r1"},"nonce_str":"n"}'
    for (const saltLength of [32, constants.RSA_PSS_SALTLEN_MAX_SIGN]) {
      const signature = sign('sha256', Buffer.from(content), { key: c.signingPrivateKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }).toString('base64')
      expect(verifyPss(c.verifyPublicKeyPem, content, signature)).toBe(true)
      expect(verifyPss(c.verifyPublicKeyPem, `${content} `, signature)).toBe(false)
    }
    expect((await generateMerchantCredentials()).authenKey).not.toBe(c.authenKey)
  })
})
