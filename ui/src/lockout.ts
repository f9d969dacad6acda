/**
 * A login refused for too many failed tries (429): how long to wait, as the login page says it.
 * The server's Retry-After gives the seconds; the message names whole minutes from a minute up
 * (rounded up, so that nobody retries a little too early) and the clock time it ends.
 */
import { toApiError } from '@/backend'

export interface Lockout {
  /** The i18n key of the message and its parameters. */
  key: 'login.lockedMinutes' | 'login.lockedSeconds' | 'login.locked'
  params: Record<string, string | number>
}

/** The lockout a failed login `e` says, or null when it was refused for another reason. */
export function lockoutOf(e: unknown, locale: string, now = Date.now()): Lockout | null {
  const err = toApiError(e)
  if (err.code !== 'too_many_requests') return null
  const secs = err.retryAfter
  if (secs === undefined || !Number.isFinite(secs) || secs <= 0) return { key: 'login.locked', params: {} }
  const until = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(now + secs * 1000))
  return secs >= 60
    ? { key: 'login.lockedMinutes', params: { n: Math.ceil(secs / 60), until } }
    : { key: 'login.lockedSeconds', params: { n: Math.ceil(secs), until } }
}
