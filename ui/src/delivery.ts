/** How a film's delivery to cinemas is shown: the colours of its states, the board's bar, a pair's progress. */
import { DELIVERY_STATES, type DeliveryCounts, type DeliveryState } from './backend/types'

export const DELIVERY_STATE_COLOR: Record<DeliveryState, string> = {
  QUEUED: '#a8abb2',
  SENT: '#13c2c2',
  DOWNLOADING: '#1677ff',
  READY: '#52c41a',
  FAILED: '#f5222d',
  WITHDRAWN: '#606266',
}

export const DELIVERY_STATE_TAG: Record<DeliveryState, 'info' | 'success' | 'primary' | 'warning' | 'danger'> = {
  QUEUED: 'info',
  SENT: 'warning',
  DOWNLOADING: 'primary',
  READY: 'success',
  FAILED: 'danger',
  WITHDRAWN: 'info',
}

/** One part of the board's stacked bar: a state, its count and its share of the width (percent). */
export interface BoardSegment {
  state: DeliveryState
  count: number
  percent: number
}

/** Every pair the board counts, whatever its state. */
export function boardTotal(counts: DeliveryCounts): number {
  return DELIVERY_STATES.reduce((sum, s) => sum + counts[s], 0)
}

/**
 * The stacked bar of a board: the states that have pairs, in lifecycle order, their widths
 * summing to 100 (nothing when the board is empty).
 */
export function boardSegments(counts: DeliveryCounts): BoardSegment[] {
  const total = boardTotal(counts)
  if (total === 0) return []
  return DELIVERY_STATES.filter((s) => counts[s] > 0).map((state) => ({
    state,
    count: counts[state],
    percent: (counts[state] / total) * 100,
  }))
}

/**
 * The share of the file a site has, as a whole percent for a progress bar: READY is 100; a
 * download is floored so that 100 means done (99.9 % shows 99), and unknown sizes show 0.
 */
export function deliveryPercent(d: { state: DeliveryState; bytes: number; totalBytes: number }): number {
  if (d.state === 'READY') return 100
  if (!(d.totalBytes > 0) || !(d.bytes > 0)) return 0
  return Math.min(100, Math.floor((d.bytes / d.totalBytes) * 100))
}

/**
 * Whether the film is there or on its way: such a pair can be re-sent or withdrawn; a withdrawn
 * one must be distributed again instead.
 */
export function isActive(state: DeliveryState): boolean {
  return state !== 'WITHDRAWN'
}
