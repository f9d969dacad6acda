/**
 * Field rules mirroring the core's (src-tauri/core/src/validate.rs), so forms can tell the user
 * before a round trip. Each validator returns null when the value is fine, or a violation whose
 * `key` is an i18n message key (under `validation.`) with its `params`.
 */

export interface Violation {
  key: string
  params?: Record<string, string | number>
}

/** Longest name or description (characters, not bytes). */
export const MAX_TEXT = 256
/** Longest code or alias. */
export const MAX_CODE = 64

const v = (key: string, params?: Record<string, string | number>): Violation =>
  params ? { key: `validation.${key}`, params } : { key: `validation.${key}` }

/** Length in characters (Unicode code points), as Rust's `chars().count()`. */
export function charCount(s: string): number {
  return Array.from(s).length
}

/** Control characters other than newline and tab are refused, as on the server. */
const CONTROL = /[\p{Cc}]/u
function hasForbiddenControl(s: string): boolean {
  for (const ch of s) {
    if (ch !== '\n' && ch !== '\t' && CONTROL.test(ch)) return true
  }
  return false
}

function isBlank(value: string | null | undefined): boolean {
  return value == null || value.trim() === ''
}

/** A required text: trimmed, non-empty, at most `max` characters, no control characters. */
export function validateText(value: string | null | undefined, max = MAX_TEXT): Violation | null {
  if (isBlank(value)) return v('required')
  const t = (value as string).trim()
  if (charCount(t) > max) return v('maxChars', { max })
  if (hasForbiddenControl(t)) return v('controlChars')
  return null
}

/** An optional text: empty means absent. */
export function validateOptionalText(value: string | null | undefined, max = MAX_TEXT): Violation | null {
  if (isBlank(value)) return null
  return validateText(value, max)
}

/** A required code: letters, digits, '_' and '-', at most 64 characters. */
export function validateCode(value: string | null | undefined): Violation | null {
  const base = validateText(value, MAX_CODE)
  if (base) return base
  if (!/^[A-Za-z0-9_-]+$/.test((value as string).trim())) return v('codeChars')
  return null
}

/** A login alias: letters, digits and '_', at most 64 characters. */
export function validateAlias(value: string | null | undefined): Violation | null {
  const base = validateText(value, MAX_CODE)
  if (base) return base
  if (!/^[A-Za-z0-9_]+$/.test((value as string).trim())) return v('aliasChars')
  return null
}

/** A required choice (e.g. a select's id). */
export function validateRequired(value: unknown): Violation | null {
  if (value == null) return v('required')
  if (typeof value === 'string' && value.trim() === '') return v('required')
  return null
}

/** An optional count: absent, or an integer ≥ 0. */
export function validateNonNegativeInt(value: number | string | null | undefined): Violation | null {
  if (value == null || value === '') return null
  const n = typeof value === 'number' ? value : Number(value.trim())
  if (typeof value === 'string' && !/^\d+$/.test(value.trim())) {
    return /^-\d+$/.test(value.trim()) ? v('nonNegative') : v('integer')
  }
  if (!Number.isFinite(n) || !Number.isInteger(n)) return v('integer')
  if (n < 0) return v('nonNegative')
  if (!Number.isSafeInteger(n)) return v('integer')
  return null
}

/** Is `s` a dotted-quad IPv4 without leading zeros ("192.168.8.21")? */
export function isIPv4(s: string): boolean {
  const parts = s.split('.')
  return (
    parts.length === 4 &&
    parts.every((o) => /^\d{1,3}$/.test(o) && (o === '0' || !o.startsWith('0')) && Number(o) <= 255)
  )
}

/** An optional IPv4 address. */
export function validateOptionalIPv4(value: string | null | undefined): Violation | null {
  if (isBlank(value)) return null
  return isIPv4((value as string).trim()) ? null : v('ipv4')
}

/** Is `s` six hex octets separated all by ':' or all by '-'? */
export function isMAC(s: string): boolean {
  return /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/.test(s) || /^[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){5}$/.test(s)
}

/** An optional MAC address. */
export function validateOptionalMAC(value: string | null | undefined): Violation | null {
  if (isBlank(value)) return null
  return isMAC((value as string).trim()) ? null : v('mac')
}

/** A password: required (the server decides anything further). */
export function validatePassword(value: string | null | undefined): Violation | null {
  return value == null || value === '' ? v('required') : null
}

/** The confirmation must equal the password. */
export function validatePasswordConfirm(password: string, confirm: string | null | undefined): Violation | null {
  if (confirm == null || confirm === '') return v('required')
  return confirm === password ? null : v('passwordMismatch')
}
