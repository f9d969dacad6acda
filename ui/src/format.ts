const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
]

/**
 * "3 minutes ago" / "3 分钟前" for moments within 30 days of `now`, otherwise a locale date-time.
 */
export function formatRelativeTime(epochMs: number, locale: string, now: number = Date.now()): string {
  let value = (epochMs - now) / 1000
  for (const [unit, size] of UNITS) {
    if (Math.abs(value) < size) {
      return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.round(value), unit)
    }
    value /= size
  }
  return formatDateTime(epochMs, locale)
}

/** A full locale date-time, e.g. "2025/11/22 22:38:05". */
export function formatDateTime(epochMs: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(epochMs))
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB']

/** "1.5 GB": binary multiples, one decimal from KB up. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—'
  let v = n
  let u = 0
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024
    u++
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${BYTE_UNITS[u]}`
}

/** "12.3 MB/s". */
export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.max(0, Math.round(bytesPerSecond)))}/s`
}

/** A remaining time as "1:02:03" or "02:03"; "—" when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '—'
  const s = Math.ceil(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const two = (x: number) => String(x).padStart(2, '0')
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${two(m)}:${two(s % 60)}`
}

/** Fen as yuan with two decimals, "¥29.90". */
export function formatPrice(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`
}

/** Yuan typed by a person ("29.9") as fen (2990); null if it is not a non-negative amount with at most 2 decimals. */
export function parsePrice(yuan: string | number): number | null {
  const s = String(yuan).trim()
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null
  const [i, f = ''] = s.split('.')
  return Number(i) * 100 + Number(f.padEnd(2, '0'))
}

/** Minutes as "1 h 35 min" / "1小时35分钟". */
export function formatMinutes(minutes: number, locale: string): string {
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  const zh = locale.startsWith('zh')
  if (h === 0) return zh ? `${m}分钟` : `${m} min`
  if (m === 0) return zh ? `${h}小时` : `${h} h`
  return zh ? `${h}小时${m}分钟` : `${h} h ${m} min`
}

/** A date only, "2025/11/22". */
export function formatDate(epochMs: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(epochMs))
}

/** Whether a COMS counts as online: seen within the last `windowMs` (a long poll returns within 120 s). */
export function isOnline(lastSeen: number | null | undefined, now: number = Date.now(), windowMs = 3 * 60_000): boolean {
  return lastSeen != null && now - lastSeen <= windowMs
}
