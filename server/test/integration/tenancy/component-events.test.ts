import request from 'supertest'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'

/* The open platform's push URL refuses whatever is not WeChat's signed XML, hostile or malformed, with a 4xx (400 for a JSON body that is not an object, else 401): never a 500 (found by the fuzz suite). */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
afterAll(async () => { await live.stop() })

it('answers malformed and unsigned pushes with a 4xx', async () => {
  const post = (body: string, type = 'application/json', query = 'cursor=&day=constructor') =>
    request(live.app.callback()).post(`/wx/component/events?${query}`).set('content-type', type).send(body)
  for (const body of ['"<script>alert(1)</script>"', '"<xml><Encrypt>abc"', '{"a":"<"}', '[1,"</x>"]', '{"xml":"<xml><Encrypt>QUJD</Encrypt></xml>"}']) {
    const { status } = await post(body)
    expect(status >= 400 && status < 500).toBe(true)
  }
  expect((await post('<xml><Encrypt>QUJD</Encrypt></xml>', 'text/xml', 'timestamp=1&nonce=2&msg_signature=zz')).status).toBe(401)
  expect((await post('<xml><Encrypt><![CDATA[', 'text/xml')).status).toBe(401)
})
