/** How each seat state is shown: tag type and the colour of seat maps and charts. */
import type { SeatStatus } from './backend/types'

export const SEAT_STATUS_TAG: Record<SeatStatus, 'info' | 'success' | 'primary' | 'warning' | 'danger'> = {
  SHUT_DOWN: 'info',
  IDLE: 'success',
  IN_VOD: 'primary',
  PLAYING: 'warning',
  ERROR: 'danger',
}

export const SEAT_STATUS_COLOR: Record<SeatStatus, string> = {
  SHUT_DOWN: '#a8abb2',
  IDLE: '#52c41a',
  IN_VOD: '#1677ff',
  PLAYING: '#fa8c16',
  ERROR: '#f5222d',
}

/** Seats per state, every state present (0 when none). */
export function countByStatus(seats: Array<{ status: SeatStatus }>): Record<SeatStatus, number> {
  const out: Record<SeatStatus, number> = { SHUT_DOWN: 0, IDLE: 0, IN_VOD: 0, PLAYING: 0, ERROR: 0 }
  for (const s of seats) out[s.status]++
  return out
}

/** What a seat's COMS said of it lately: heard within the offline window, not lately, or never. */
export type SeatLiveness = 'online' | 'offline' | 'never'

export function seatLiveness(seat: { online: boolean; lastSeen?: number | null }): SeatLiveness {
  if (seat.online) return 'online'
  return seat.lastSeen == null ? 'never' : 'offline'
}

/** Seats heard from lately, not (or never), and in ERROR: the dashboard's live counts. */
export function countLiveness(seats: Array<{ online: boolean; status: SeatStatus }>): { online: number; offline: number; error: number } {
  const out = { online: 0, offline: 0, error: 0 }
  for (const s of seats) {
    if (s.online) out.online++
    else out.offline++
    if (s.status === 'ERROR') out.error++
  }
  return out
}

/** The seats whose latest fault is still open, the newest first, at most `n`. */
export function openFaults<T extends { fault?: { raisedAt: number; clearedAt?: number | null } | null }>(seats: T[], n: number): T[] {
  return seats
    .filter((s) => s.fault && s.fault.clearedAt == null)
    .sort((a, b) => b.fault!.raisedAt - a.fault!.raisedAt)
    .slice(0, n)
}
