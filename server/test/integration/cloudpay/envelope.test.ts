import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { cpayWorld } from '../../factories/cloudpay'

/*
 * The /cpay envelope itself (cloudpay-api.md §3, §4, §10, §15): ping, authentication failures
 * answered 101/7 without authen_info, malformed envelopes, unknown endpoints.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
afterAll(async () => { await live.stop() })

describe('the envelope', () => {
  it('answers ping with a plain body', async () => {
    const w = await cpayWorld(live, database.get(), channels.get())
    expect(await w.client.ping()).toEqual({ description: 'ok', status: 0, timestamp: expect.any(Number) })
  })

  it('refuses a wrong authen_code, an unknown sub-merchant and a request_content object with 101, unsigned', async () => {
    const w = await cpayWorld(live, database.get(), channels.get())
    const { requestContent } = w.client.envelope({ out_trade_no: w.orderNo(), pay_mch_key: w.mchKey() })
    const wrong = await w.client.send('query_order', JSON.stringify({ request_content: requestContent, authen_info: { a: { authen_type: 1, authen_code: '0'.repeat(64) } } }))
    expect(wrong).toMatchObject({ status: 101, internalStatus: 7, description: '参数authen_code错误.', signed: false })
    const stranger = await w.client.send('query_order', JSON.stringify({ request_content: requestContent.replace(w.merchant.outSubMchId, 'sz01NOBODY0000000000'), authen_info: { a: { authen_type: 1, authen_code: '0'.repeat(64) } } }))
    expect(stranger).toMatchObject({ status: 101, internalStatus: 7, signed: false })
    const object = await w.client.send('query_order', JSON.stringify({ request_content: { nonce_str: 'x' }, authen_info: { a: { authen_type: 1, authen_code: '0'.repeat(64) } } }))
    expect(object).toMatchObject({ status: 101, signed: false })
    // The RSA form is only for refund and reverse.
    const rsa = w.client.envelope({ out_trade_no: w.orderNo(), pay_mch_key: w.mchKey() }, { rsa: {} })
    expect(await w.client.send('query_order', rsa.body)).toMatchObject({ status: 101, internalStatus: 7 })
  })
})
