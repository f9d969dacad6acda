/**
 * One item of the upload queue, whatever carries it (a multipart POST, tus, or the desktop's
 * upload manager). Its own module so that the queue (./stores/uploads.ts) and the mapping of the
 * desktop's events onto it (./nativeUploads.ts) both depend on it and not on each other.
 */
import type { FileDomain } from '@/backend'

export type UploadState = 'uploading' | 'paused' | 'done' | 'failed' | 'cancelled' | 'interrupted'

/** A film's field to set to the uploaded file's id when the upload finishes. */
export interface UploadAttach {
  movieID: string
  field: 'fileID' | 'posterID' | 'iconID'
}

export interface UploadItem {
  id: string
  name: string
  size: number
  /** lastModified of the file, to recognise it when chosen again. */
  modified: number
  domain: FileDomain
  protocol: 'oss' | 'tus' | 'desktop'
  /** Desktop: the file on disk. */
  path?: string
  sent: number
  /** Bytes per second, smoothed. */
  speed: number
  /** Seconds left, or null while unknown. */
  eta: number | null
  state: UploadState
  error?: string
  fileID?: string
  attach?: UploadAttach
  createdAt: number
}
