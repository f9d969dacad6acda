/**
 * Stored files and generated images shown in pages: fetched with the session (an <img> cannot
 * send the bearer header) and shown through object URLs, and blobs saved as downloads.
 */
import { useBackend } from '@/backend'

const fileUrls = new Map<string, Promise<string>>()

/** An object URL of a stored file (poster, icon), fetched once per file id. */
export function fileObjectUrl(fileID: string): Promise<string> {
  let url = fileUrls.get(fileID)
  if (!url) {
    url = useBackend()
      .file(fileID)
      .then((b) => URL.createObjectURL(b))
    // A failure is not cached: the next look tries again.
    url.catch(() => fileUrls.delete(fileID))
    fileUrls.set(fileID, url)
  }
  return url
}

/** Offers `blob` as a download named `name` (the browser's, or the webview's, save flow). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** A file name safe on Windows and macOS, from a seat number, hall code … */
export function safeFileName(s: string): string {
  return s.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 120) || 'file'
}
