/**
 * CSV as spreadsheets write it (RFC 4180: quoted fields, doubled quotes, CRLF or LF, a UTF-8
 * BOM), and the seat list's columns for import and export.
 */
import type { SeatStatus, VrClient, VrClientInput } from './backend/types'
import { SEAT_STATUSES } from './backend/types'

/** Parses CSV text into rows of fields. Blank lines are dropped. */
export function parseCsv(text: string): string[][] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let i = 0
  const endRow = () => {
    row.push(field)
    if (row.length > 1 || row[0].trim() !== '') rows.push(row)
    row = []
    field = ''
  }
  while (i < s.length) {
    const c = s[i]
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
      } else field += c
      i++
      continue
    }
    if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\r') {
      if (s[i + 1] === '\n') i++
      endRow()
    } else if (c === '\n') endRow()
    else field += c
    i++
  }
  if (field !== '' || row.length > 0) endRow()
  return rows
}

function quote(v: string): string {
  // Quote what would break the row, and what a spreadsheet would read as a formula.
  if (/[",\r\n]/.test(v) || /^[=+\-@\t]/.test(v)) return `"${v.replace(/"/g, '""')}"`
  return v
}

/** CSV text with a BOM (so Excel on a Chinese Windows reads UTF-8) and CRLF line ends. */
export function toCsv(rows: string[][]): string {
  return '\ufeff' + rows.map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n'
}

/** The seat columns, in file order, as the API names them. */
export const SEAT_COLUMNS = [
  'seatNumber',
  'IPAddr',
  'MACAddr',
  'hostModel',
  'seatModel',
  'HMDModel',
  'status',
  'sceneNumber',
  'description',
] as const
export type SeatColumn = (typeof SEAT_COLUMNS)[number]

/** The hall's seats as CSV. */
export function seatsToCsv(seats: VrClient[]): string {
  return toCsv([
    [...SEAT_COLUMNS],
    ...seats.map((s) => SEAT_COLUMNS.map((c) => (s[c] == null ? '' : String(s[c])))),
  ])
}

export interface SeatImportRow {
  /** 1-based line in the file (the header is line 1). */
  line: number
  input: VrClientInput
}

export type SeatImport =
  | { ok: true; rows: SeatImportRow[] }
  | { ok: false; error: { key: 'noHeader' } | { key: 'missingColumn'; column: string } | { key: 'noRows' } }

/**
 * Reads seats for `hallID` from CSV: a header row naming columns (any case, any order; unknown
 * ones ignored) with at least seatNumber and IPAddr. Values are trimmed; empty ones left out.
 * A sceneNumber column is ignored: imported seats take fresh scene numbers.
 */
export function csvToSeats(text: string, hallID: string): SeatImport {
  const rows = parseCsv(text)
  if (rows.length === 0) return { ok: false, error: { key: 'noHeader' } }
  const header = rows[0].map((h) => h.trim().toLowerCase())
  const index = new Map<SeatColumn, number>()
  for (const c of SEAT_COLUMNS) {
    const i = header.indexOf(c.toLowerCase())
    if (i >= 0) index.set(c, i)
  }
  for (const required of ['seatNumber', 'IPAddr'] as const) {
    if (!index.has(required)) return { ok: false, error: { key: 'missingColumn', column: required } }
  }
  const out: SeatImportRow[] = []
  rows.slice(1).forEach((r, i) => {
    const input: VrClientInput = { hallID }
    for (const [c, at] of index) {
      if (c === 'sceneNumber') continue
      const v = (r[at] ?? '').trim()
      if (v === '') continue
      if (c === 'status') input.status = (SEAT_STATUSES as readonly string[]).includes(v) ? (v as SeatStatus) : undefined
      else input[c] = v
    }
    out.push({ line: i + 2, input })
  })
  if (out.length === 0) return { ok: false, error: { key: 'noRows' } }
  return { ok: true, rows: out }
}
