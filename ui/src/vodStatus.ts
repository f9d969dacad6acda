/** The VOD task lifecycle as the core allows it (src-tauri/core/src/vod.rs `can_become`), and how states look. */
import type { VodStatus } from './backend/types'

const NEXT: Record<VodStatus, VodStatus[]> = {
  PENDING: ['ACCEPTED', 'CANCELLED', 'FAILED'],
  ACCEPTED: ['PLAYING', 'CANCELLED', 'FAILED'],
  PLAYING: ['COMPLETED', 'FAILED'],
  COMPLETED: [],
  CANCELLED: [],
  FAILED: [],
}

/** The states a task in `status` may move to. */
export function nextVodStatuses(status: VodStatus): VodStatus[] {
  return NEXT[status]
}

export const VOD_STATUS_TAG: Record<VodStatus, 'info' | 'success' | 'primary' | 'warning' | 'danger'> = {
  PENDING: 'warning',
  ACCEPTED: 'primary',
  PLAYING: 'primary',
  COMPLETED: 'success',
  CANCELLED: 'info',
  FAILED: 'danger',
}

/** What a task's films cost when it was ordered (fen); null when no price was recorded for any. */
export function orderTotal(movies: Array<{ price?: number | null }>): number | null {
  const priced = movies.filter((m) => m.price != null)
  return priced.length === 0 ? null : priced.reduce((sum, m) => sum + m.price!, 0)
}

/** Whether the console may cancel a task in `status` (the lifecycle allows it from there). */
export function canCancel(status: VodStatus): boolean {
  return NEXT[status].includes('CANCELLED')
}

/** Who moved a task, as its history records it: a user, a cinema's COMS, or the server itself. */
export type TaskActor = { kind: 'user'; id: string } | { kind: 'cinema'; id: string } | { kind: 'system' } | { kind: 'other'; text: string }

/** Reads a history entry's `actor` (`user:<id>`, `cinema:<id>` or `system`). */
export function parseActor(actor: string): TaskActor {
  if (actor === 'system') return { kind: 'system' }
  const m = /^(user|cinema):(.+)$/.exec(actor)
  if (!m) return { kind: 'other', text: actor }
  return m[1] === 'user' ? { kind: 'user', id: m[2] } : { kind: 'cinema', id: m[2] }
}
