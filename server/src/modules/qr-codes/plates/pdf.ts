import { deflateSync } from 'node:zlib'

/*
 * Just enough PDF to print QR plates, written by hand rather than with a PDF library: a library
 * would need a CJK font file (10+ MB) embedded to print Chinese names. PDF's predefined Chinese
 * font STSong-Light with the UniGB-UCS2-H CMap is not embedded: every PDF reader (Acrobat, PDFium
 * in browsers, Preview, poppler) supplies it. QR modules are drawn as vector rectangles, so plates
 * print sharp at any size. Pages are written as they are produced, so a 1000-code batch streams.
 */

/** Fonts every page may use: /F1 Courier for codes (fixed width), /F2 STSong-Light for Chinese. */
export type FontName = 'mono' | 'cjk'

const enc = (s: string): Buffer => Buffer.from(s, 'latin1')

/** UTF-16BE hex for the UCS-2 CMap; characters beyond the BMP cannot be shown and become '?'. */
const ucs2Hex = (s: string): string => [...s].map((ch) => {
  const cp = ch.codePointAt(0) ?? 63
  return (cp > 0xffff ? 63 : cp).toString(16).padStart(4, '0')
}).join('')

/** Printable ASCII goes in Courier even in Chinese text: STSong-Light's Latin glyphs space unevenly. */
const runs = (s: string): string[] => s.match(/[\x20-\x7e]+|[^\x20-\x7e]+/g) ?? []
const isAscii = (run: string): boolean => /^[\x20-\x7e]/.test(run)

/** Advance width in em: Courier is 0.6, the Chinese font 1 (/DW below). */
export const textWidthEm = (s: string, font: FontName): number =>
  font === 'mono' ? s.length * 0.6 : runs(s).reduce((w, run) => w + (isAscii(run) ? run.length * 0.6 : [...run].length), 0)

/** Drawing operations of one page, in PDF points (origin bottom-left). */
export class PageCanvas {
  readonly ops: string[] = []

  fillRects (rects: Array<[number, number, number, number]>, gray = 0): void {
    if (rects.length === 0) return
    this.ops.push(`${gray} g`, ...rects.map(([x, y, w, h]) => `${n(x)} ${n(y)} ${n(w)} ${n(h)} re`), 'f')
  }

  /** A dashed cutting line around a plate. */
  dashedRect (x: number, y: number, w: number, h: number): void {
    this.ops.push('q 0.75 G 0.5 w [4 3] 0 d', `${n(x)} ${n(y)} ${n(w)} ${n(h)} re S`, 'Q')
  }

  text (s: string, x: number, y: number, size: number, font: FontName, gray = 0): void {
    const parts = (font === 'mono' ? [s] : runs(s)).map((run) => font === 'mono' || isAscii(run)
      ? `/F1 ${n(size)} Tf (${run.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?')}) Tj`
      : `/F2 ${n(size)} Tf <${ucs2Hex(run)}> Tj`)
    this.ops.push(`BT ${gray} g ${n(x)} ${n(y)} Td ${parts.join(' ')} ET`)
  }

  /** Text centred on x, shrunk to fit maxWidth. */
  centeredText (s: string, cx: number, y: number, size: number, font: FontName, maxWidth: number, gray = 0): void {
    const width = textWidthEm(s, font) * size
    const fitted = width > maxWidth ? size * maxWidth / width : size
    this.text(s, cx - textWidthEm(s, font) * fitted / 2, y, fitted, font, gray)
  }
}

const n = (v: number): string => Number.isInteger(v) ? String(v) : v.toFixed(2)

/**
 * Writes a PDF page by page. Objects 1–5 are fixed (catalog, page tree, fonts); the page tree is
 * written last, once the pages are known; the cross-reference table points at every object.
 */
export async function * writePdf (pages: AsyncIterable<PageCanvas> | Iterable<PageCanvas>, size: { width: number, height: number }): AsyncGenerator<Buffer> {
  const offsets: number[] = []
  let position = 0
  const emit = (chunk: Buffer): Buffer => { position += chunk.length; return chunk }
  const object = (num: number, body: Buffer | string, stream?: Buffer): Buffer => {
    offsets[num] = position
    const head = typeof body === 'string' ? enc(body) : body
    return emit(stream === undefined
      ? Buffer.concat([enc(`${num} 0 obj\n`), head, enc('\nendobj\n')])
      : Buffer.concat([enc(`${num} 0 obj\n`), head, enc('\nstream\n'), stream, enc('\nendstream\nendobj\n')]))
  }

  // The binary comment line tells transfer tools the file is binary.
  yield emit(Buffer.concat([enc('%PDF-1.4\n%'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), enc('\n')]))
  yield object(1, '<< /Type /Catalog /Pages 2 0 R >>')
  yield object(3, '<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>')
  yield object(4, '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] >>')
  yield object(5, '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 6 0 R /DW 1000 /W [1 95 500] >>')
  yield object(6, '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 737 /StemV 58 >>')

  const kids: number[] = []
  let next = 7
  for await (const page of pages) {
    const pageNum = next++
    const contentNum = next++
    kids.push(pageNum)
    const content = deflateSync(enc(page.ops.join('\n')))
    yield object(contentNum, `<< /Length ${content.length} /Filter /FlateDecode >>`, content)
    yield object(pageNum, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${n(size.width)} ${n(size.height)}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${contentNum} 0 R >>`)
  }
  yield object(2, `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`)

  const xref = position
  const rows = ['0000000000 65535 f ']
  for (let i = 1; i < next; i++) rows.push(`${String(offsets[i] ?? 0).padStart(10, '0')} 00000 n `)
  yield emit(enc(`xref\n0 ${next}\n${rows.join('\n')}\ntrailer\n<< /Size ${next} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`))
}
