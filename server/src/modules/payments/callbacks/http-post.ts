import http from 'node:http'
import https from 'node:https'
import { pinnedLookup, type CheckedUrl } from './url-guard'

/** A receiver's answer is a few dozen bytes; more than this is cut off (and then does not parse). */
const MAX_REPLY_BYTES = 64 * 1024

export interface PostResult { status: number, text: string }

/**
 * POSTs a JSON body to a checked URL, connecting only to the addresses that were checked.
 * Redirects are not followed (a 3xx is an answer like any other non-2xx), and no agent is shared,
 * so no socket opened for one host is reused for another.
 */
export async function postJson (target: CheckedUrl, body: string, signal: AbortSignal): Promise<PostResult> {
  const send = target.url.protocol === 'https:' ? https.request : http.request
  return await new Promise<PostResult>((resolve, reject) => {
    const req = send(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'user-agent': 'yima-trade-callback/1',
      },
      lookup: pinnedLookup(target.addresses),
      agent: false,
      signal,
    }, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      const done = (): void => { resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }) }
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_REPLY_BYTES) {
          res.destroy()
          done()
          return
        }
        chunks.push(chunk)
      })
      res.on('end', done)
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}
