import { create } from 'qrcode'

/**
 * A QR code as a `data:image/png;base64,…` URL, built without canvas, `btoa` or `TextEncoder`:
 * the mini-program runtime has none of them, so `qrcode`'s own renderers (canvas, pngjs) cannot
 * run there. `qrcode` only computes the module matrix; this file writes the PNG itself
 * (1-bit grayscale, uncompressed deflate: a few KB for a URL, and crisp at any size).
 */

/** White modules around the code (scanners need a quiet zone), and about how wide the image is. */
const MARGIN = 2
const TARGET_PX = 320

export function qrPngDataUrl (text: string): string {
  // Given as bytes, the text is not examined for numeric/kanji runs (that path needs TextEncoder).
  const { modules } = create([{ mode: 'byte', data: utf8(text) }], { errorCorrectionLevel: 'M' })
  // Whole pixels per module keep the edges sharp; a long text (a device's JSON) gets smaller modules.
  const scale = Math.max(2, Math.round(TARGET_PX / (modules.size + 2 * MARGIN)))
  const side = (modules.size + 2 * MARGIN) * scale
  const rowBytes = Math.ceil(side / 8)
  const raw = new Uint8Array((rowBytes + 1) * side) // every row: filter byte 0, then the bits
  for (let y = 0; y < side; y++) {
    const row = y * (rowBytes + 1) + 1
    raw.fill(0xff, row, row + rowBytes) // 1 = white in 1-bit grayscale
    const r = Math.floor(y / scale) - MARGIN
    for (let x = 0; x < side; x++) {
      const c = Math.floor(x / scale) - MARGIN
      const dark = r >= 0 && c >= 0 && r < modules.size && c < modules.size && modules.get(r, c)
      const at = row + (x >> 3)
      if (dark) raw[at] = (raw[at] ?? 0) & ~(0x80 >> (x & 7))
    }
  }
  const header = new Uint8Array(13)
  const view = new DataView(header.buffer)
  view.setUint32(0, side)
  view.setUint32(4, side)
  header.set([1, 0, 0, 0, 0], 8) // bit depth 1, grayscale, deflate, no filter, no interlace
  const png = concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlibStored(raw)),
    chunk('IEND', new Uint8Array(0)),
  ])
  return `data:image/png;base64,${base64(png)}`
}

function utf8 (s: string): Uint8Array {
  const bytes: number[] = []
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0
    if (cp < 0x80) bytes.push(cp)
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63))
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63))
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63))
  }
  return new Uint8Array(bytes)
}

/** A zlib stream of "stored" deflate blocks (RFC 1950/1951): no compression, at most 65535 bytes a block. */
function zlibStored (data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [new Uint8Array([0x78, 0x01])]
  for (let at = 0; at < data.length; at += 65535) {
    const block = data.subarray(at, at + 65535)
    const final = at + 65535 >= data.length ? 1 : 0
    const n = block.length
    parts.push(new Uint8Array([final, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff]), block)
  }
  parts.push(uint32(adler32(data)))
  return concat(parts)
}

function chunk (type: string, data: Uint8Array): Uint8Array {
  const typed = concat([new Uint8Array([...type].map((c) => c.charCodeAt(0))), data])
  return concat([uint32(data.length), typed, uint32(crc32(typed))])
}

let crcTable: Uint32Array | null = null
function crc32 (data: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      crcTable[n] = c >>> 0
    }
  }
  let crc = 0xffffffff
  for (const b of data) crc = (crcTable[(crc ^ b) & 0xff] ?? 0) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

function adler32 (data: Uint8Array): number {
  let a = 1
  let b = 0
  for (const byte of data) {
    a = (a + byte) % 65521
    b = (b + a) % 65521
  }
  return ((b << 16) | a) >>> 0
}

function uint32 (n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
function base64 (bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    out += B64.charAt(n >> 18) + B64.charAt((n >> 12) & 63) +
      (i + 1 < bytes.length ? B64.charAt((n >> 6) & 63) : '=') +
      (i + 2 < bytes.length ? B64.charAt(n & 63) : '=')
  }
  return out
}
