/**
 * The desktop's uploads (the Rust upload manager, by path) as items of the upload queue: its
 * events map onto the same UploadItem the browser's uploads use, so one page shows both.
 */
import type { NativeUpload } from '@/backend/tauri'
import type { FileDomain } from '@/backend'
import type { UploadItem, UploadState } from '@/uploadItem'

const STATES: Record<NativeUpload['state'], UploadState> = {
  running: 'uploading',
  paused: 'paused',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
}

/** The queue's state for the manager's. */
export function nativeState(s: NativeUpload['state']): UploadState {
  return STATES[s]
}

/** The bare token of an `Authorization: Bearer …` value (the commands take the token itself). */
export function tokenOf(authorization: string): string {
  return authorization.replace(/^Bearer\s+/i, '')
}

/**
 * Merges one event into `items` (updating the item of that id, or adding it); answers the item
 * and whether its state changed (a change settles waiters and persists).
 */
export function applyNative(items: UploadItem[], n: NativeUpload, now = Date.now()): { item: UploadItem; changed: boolean } {
  const state = nativeState(n.state)
  let item = items.find((u) => u.id === n.id)
  const before = item?.state
  if (!item) {
    items.push({
      id: n.id,
      name: n.name,
      size: n.total,
      modified: 0,
      domain: n.domain as FileDomain,
      protocol: 'desktop',
      path: n.path,
      sent: n.done,
      speed: n.speed,
      eta: n.eta,
      state,
      createdAt: now,
    })
    item = items[items.length - 1]
  }
  item.size = n.total
  item.sent = n.done
  item.speed = n.speed
  item.eta = n.eta
  item.state = state
  item.error = n.error ? n.error.info : undefined
  if (n.fileID) item.fileID = n.fileID
  return { item, changed: before !== state }
}

/** The native dialog's filters for what a drop zone takes. */
export function pickFilters(kind: 'poster' | 'icon' | 'film', label: string): Array<{ name: string; extensions: string[] }> {
  const extensions = kind === 'film' ? ['mp4', 'mkv', 'mov', 'ts', 'm4v', 'webm'] : ['png', 'jpg', 'jpeg', 'webp', 'gif']
  return [{ name: label, extensions }]
}
