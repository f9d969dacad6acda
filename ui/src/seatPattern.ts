/**
 * Seat numbers from a pattern such as "A01-A30" or "A01–A15, B01–B15, VIP1": each comma part is
 * one seat number or a range of numbers sharing a prefix. Also hands out consecutive IPv4
 * addresses for generated seats.
 */
import { isIPv4 } from './validation'

/** Most seats one pattern may give (the server's batch and list limit). */
export const MAX_GENERATED = 1000
/** Longest seat number the server takes. */
export const MAX_SEAT_NUMBER = 32

export type PatternError =
  | { key: 'empty' }
  | { key: 'syntax'; part: string }
  | { key: 'prefixMismatch'; part: string }
  | { key: 'reversed'; part: string }
  | { key: 'tooMany'; max: number }
  | { key: 'duplicate'; seat: string }
  | { key: 'tooLong'; seat: string }

export type PatternResult = { ok: true; seats: string[] } | { ok: false; error: PatternError }

// Range dashes people type: ASCII hyphen, en and em dash, tildes (also full-width), "..".
const RANGE = /^(.*?)(\d+)\s*(?:-|–|—|~|～|\.\.)\s*(.*?)(\d+)$/
const SPLIT = /[,，;；\s]+/

/** Expands a pattern into seat numbers in the order written. */
export function expandSeatPattern(pattern: string): PatternResult {
  const parts = pattern
    // "A01 - A30" is one range: spaces around a dash do not separate parts.
    .replace(/\s*(-|–|—|~|～|\.\.)\s*/g, '$1')
    .split(SPLIT)
    .map((p) => p.trim())
    .filter(Boolean)
  if (parts.length === 0) return { ok: false, error: { key: 'empty' } }
  const seats: string[] = []
  const seen = new Set<string>()
  const add = (seat: string): PatternError | null => {
    if (seat.length > MAX_SEAT_NUMBER) return { key: 'tooLong', seat }
    const k = seat.toUpperCase()
    if (seen.has(k)) return { key: 'duplicate', seat }
    seen.add(k)
    seats.push(seat)
    return seats.length > MAX_GENERATED ? { key: 'tooMany', max: MAX_GENERATED } : null
  }
  for (const part of parts) {
    const m = RANGE.exec(part)
    if (!m) {
      if (!/^[\p{L}\p{N}_#-]+$/u.test(part)) return { ok: false, error: { key: 'syntax', part } }
      const e = add(part)
      if (e) return { ok: false, error: e }
      continue
    }
    const [, prefixA, fromText, prefixB, toText] = m
    // "A01-30" repeats the prefix implicitly; "A01-B05" mixes two rows and is refused.
    if (prefixB !== '' && prefixB.toUpperCase() !== prefixA.toUpperCase()) {
      return { ok: false, error: { key: 'prefixMismatch', part } }
    }
    if (/[-–—~～.]$/.test(prefixA) || /\s/.test(prefixA)) return { ok: false, error: { key: 'syntax', part } }
    const from = Number(fromText)
    const to = Number(toText)
    if (to < from) return { ok: false, error: { key: 'reversed', part } }
    if (to - from + 1 > MAX_GENERATED) return { ok: false, error: { key: 'tooMany', max: MAX_GENERATED } }
    // Zero padding follows the first number as written: A01 → A01…A30, A1 → A1…A30.
    const width = fromText.startsWith('0') ? fromText.length : 0
    for (let n = from; n <= to; n++) {
      const e = add(prefixA + String(n).padStart(width, '0'))
      if (e) return { ok: false, error: e }
    }
  }
  return { ok: true, seats }
}

/** `count` consecutive IPv4 addresses from `first`, or null if `first` is not one or the range leaves x.x.x.254. */
export function consecutiveIPs(first: string, count: number): string[] | null {
  if (!isIPv4(first.trim())) return null
  const octets = first.trim().split('.').map(Number)
  const base = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3]
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    const v = base + i
    // Stay inside the /24 and off its broadcast address: seats share one LAN segment.
    if ((v & 0xff) === 255 || Math.floor(v / 256) !== Math.floor(base / 256)) return null
    out.push([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff].join('.'))
  }
  return out
}

/** The row a seat number belongs to in a seat map: its leading letters ("A12" → "A"), or "" for plain numbers. */
export function seatRow(seat: string): string {
  const m = /^(\D*?)\d*$/.exec(seat)
  return m ? m[1].toUpperCase() : seat.toUpperCase()
}

/** Compares seat numbers as a person reads them: "A2" before "A10". */
export function compareSeatNumbers(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' })
}
