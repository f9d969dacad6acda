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
