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
