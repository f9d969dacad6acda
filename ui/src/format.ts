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
