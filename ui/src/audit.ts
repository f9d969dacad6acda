/**
 * The audit page's logic: its filters as the query `GET /cms/audit` takes, and what changed
 * between an entry's `before` and `after`.
 */
import type { AuditFilter } from '@/backend'

/** What the audit log records as `entity` (the core's `Entity::ALL`, by machine name). */
export const AUDIT_ENTITIES = [
  'cinema',
  'hall',
  'vr_client',
  'movie',
  'vod_task',
  'user',
  'hmd_model',
  'seat_model',
  'enum',
  'message',
  'session',
  'api_key',
  'file',
  'upload',
  'folder',
  'resource',
  'classification',
  'video',
  'delivery',
  'command',
  'settings',
] as const
export type AuditEntity = (typeof AUDIT_ENTITIES)[number]

/** What the audit log records as `action`. */
export const AUDIT_ACTIONS = [
  'create',
  'update',
  'delete',
  'distribute',
  'withdraw',
  'login',
  'login_failed',
  'logout',
  'password_change',
  'issue',
  'revoke',
  'restore',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

/** The audit page's filters as the user sets them ('' for "any"). */
export interface AuditFilters {
  userID: string
  cinemaID: string
  entity: string
  action: string
  /** Whole days, first and last (local midnights, epoch ms), or null for any time. */
  days: [number, number] | null
}

export function emptyFilters(): AuditFilters {
  return { userID: '', cinemaID: '', entity: '', action: '', days: null }
}

/** Local midnight of the day after `dayStart`'s (a day may have 23 or 25 hours). */
function nextMidnight(dayStart: number): number {
  const d = new Date(dayStart)
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime()
}

/**
 * The query of `filters`: empty ones left out, the days as `from` (the first day's midnight,
 * inclusive) and `to` (the midnight after the last day, exclusive), so the last day counts whole.
 */
export function auditFilterQuery(filters: AuditFilters): AuditFilter {
  const q: AuditFilter = {}
  if (filters.userID) q.user_id = filters.userID
  if (filters.cinemaID) q.cinema_id = filters.cinemaID
  if (filters.entity) q.entity = filters.entity
  if (filters.action) q.action = filters.action
  if (filters.days) {
    const [first, last] = filters.days[0] <= filters.days[1] ? filters.days : [filters.days[1], filters.days[0]]
    q.from = first
    q.to = nextMidnight(last)
  }
  return q
}

/** One field of a record in an entry's diff. */
export interface FieldChange {
  field: string
  before: unknown
  after: unknown
  /** added: only after; removed: only before; changed: both, different; same: both, equal. */
  kind: 'added' | 'removed' | 'changed' | 'same'
}

/** JSON with object keys sorted, so that two equal values compare equal whatever their key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  )
}

type Record_ = Record<string, unknown> | null | undefined

/**
 * The fields of `before` and `after` (the record before and after a change; null for a create or
 * a delete), each with how it changed. Fields in the order the record has them (after's, then
 * those only before had); a value that is not an object is one field, `value`.
 */
export function auditDiff(before: unknown, after: unknown): FieldChange[] {
  const asRecord = (v: unknown): Record_ =>
    v == null ? null : typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v }
  const b = asRecord(before)
  const a = asRecord(after)
  const fields = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])]
  return fields.map((field) => {
    const inBefore = !!b && field in b
    const inAfter = !!a && field in a
    const was = b?.[field]
    const is = a?.[field]
    const kind = !inBefore ? 'added' : !inAfter ? 'removed' : canonical(was) === canonical(is) ? 'same' : 'changed'
    return { field, before: was, after: is, kind }
  })
}

/** The names of the fields a change touched (added, removed or changed). */
export function changedFields(before: unknown, after: unknown): string[] {
  return auditDiff(before, after)
    .filter((c) => c.kind !== 'same')
    .map((c) => c.field)
}

/** A field's value as text: strings as they are, nothing as '—', anything else as JSON. */
export function auditValue(v: unknown): string {
  if (v === undefined || v === null) return '—'
  if (typeof v === 'string') return v === '' ? '""' : v
  return JSON.stringify(v)
}
