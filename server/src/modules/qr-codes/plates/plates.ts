import { Readable } from 'node:stream'
import QRCode from 'qrcode'
import { displayCode } from '../code'
import { PageCanvas, writePdf } from './pdf'

/** What one printed plate shows, top to bottom. */
export interface Plate {
  title: string
  subtitle?: string
  url: string
  code: string
  footer: string
}

const A4 = { width: 595.28, height: 841.89 }
/** A6: one plate to a sheet for a single code. */
const A6 = { width: 297.64, height: 419.53 }
const GRID = { columns: 2, rows: 3 }

/**
 * The dark modules of the QR as rectangles, one per horizontal run, so a code is a few hundred
 * rectangles rather than a thousand squares. Medium error correction survives a scuffed plate.
 */
export function qrRects (url: string, x: number, y: number, size: number): Array<[number, number, number, number]> {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' })
  const cell = size / modules.size
  const rects: Array<[number, number, number, number]> = []
  for (let r = 0; r < modules.size; r++) {
    let start = -1
    for (let c = 0; c <= modules.size; c++) {
      const dark = c < modules.size && modules.get(r, c) === 1
      if (dark && start < 0) start = c
      if (!dark && start >= 0) {
        // Rows run top-down in the QR, bottom-up on the page.
        rects.push([x + start * cell, y + size - (r + 1) * cell, (c - start) * cell, cell])
        start = -1
      }
    }
  }
  return rects
}

function drawPlate (page: PageCanvas, p: Plate, x: number, y: number, w: number, h: number, cut: boolean): void {
  if (cut) page.dashedRect(x + 4, y + 4, w - 8, h - 8)
  const cx = x + w / 2
  const unit = Math.min(w, h * 0.85)
  const qrSize = unit * 0.66
  const top = y + h
  const textWidth = w - 32
  page.centeredText(p.title, cx, top - unit * 0.12, unit * 0.065, 'cjk', textWidth)
  if (p.subtitle !== undefined) page.centeredText(p.subtitle, cx, top - unit * 0.19, unit * 0.045, 'cjk', textWidth, 0.25)
  const qrTop = top - unit * 0.23
  page.fillRects(qrRects(p.url, cx - qrSize / 2, qrTop - qrSize, qrSize))
  page.centeredText(displayCode(p.code), cx, qrTop - qrSize - unit * 0.07, unit * 0.045, 'mono', textWidth)
  page.centeredText(p.footer, cx, qrTop - qrSize - unit * 0.125, unit * 0.038, 'cjk', textWidth, 0.35)
}

/** A batch on A4, six plates to a page with cutting lines. */
export function batchPdf (plates: Iterable<Plate>): Readable {
  const pages = function * (): Generator<PageCanvas> {
    let page = new PageCanvas()
    let i = 0
    const cw = A4.width / GRID.columns
    const ch = A4.height / GRID.rows
    for (const p of plates) {
      const slot = i % (GRID.columns * GRID.rows)
      if (slot === 0 && i > 0) { yield page; page = new PageCanvas() }
      const col = slot % GRID.columns
      const row = Math.floor(slot / GRID.columns)
      drawPlate(page, p, col * cw, A4.height - (row + 1) * ch, cw, ch, true)
      i++
    }
    yield page
  }
  return Readable.from(writePdf(pages(), A4))
}

/** One code on an A6 page. */
export function platePdf (p: Plate): Readable {
  const page = new PageCanvas()
  drawPlate(page, p, 0, 0, A6.width, A6.height, false)
  return Readable.from(writePdf([page], A6))
}

/** The QR alone as a PNG: names need a CJK font to draw into pixels, the PDF plate has them. */
export async function platePng (url: string): Promise<Buffer> {
  return await QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: 640 })
}
