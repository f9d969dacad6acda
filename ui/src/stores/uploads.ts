import { computed, reactive, watch } from 'vue'
import { defineStore } from 'pinia'
import * as tus from 'tus-js-client'
import { useBackend, type FileDomain, type OssUploadResult } from '@/backend'
import { SpeedMeter } from '@/uploadSpeed'
import { desktop, isDesktop, type NativeUpload } from '@/backend/tauri'
import { applyNative, tokenOf } from '@/nativeUploads'
import type { UploadAttach, UploadItem } from '@/uploadItem'
import { useSessionStore } from '@/stores/session'

/**
 * The upload queue of this window: posters and icons go up in one multipart POST (seed §11
 * policy flow), films over tus in chunks so that pause, resume and a restart of the app lose
 * nothing already sent. The queue itself is kept in localStorage; after a restart a film upload
 * continues from the server's offset once its file is chosen again (a page cannot reopen a
 * file by itself). In the desktop app files go by path through the Rust upload manager instead
 * (protocol 'desktop'): it keeps its own list across restarts, and its events update the items.
 */

export type { UploadAttach, UploadItem, UploadState } from '@/uploadItem'

const STORAGE_KEY = 'cinedesk.uploads'
/** Films: tus chunks of 8 MiB (each one is fsynced by the server before it answers). */
const CHUNK = 8 * 1024 * 1024
/** Files this big or bigger go over tus even when they are images. */
const TUS_FROM = 32 * 1024 * 1024

interface Engine {
  /** null for the desktop's uploads: the Rust side reads the file. */
  file: File | null
  tus?: tus.Upload
  xhr?: XMLHttpRequest
  meter: SpeedMeter
  waiters: Array<{ resolve: (id: string) => void; reject: (e: Error) => void }>
}

function loadItems(): UploadItem[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]')
    if (!Array.isArray(raw)) return []
    // What was running when the window closed waits for its file to be chosen again.
    // The desktop's uploads are the Rust manager's to list (upload_subscribe).
    return (raw as UploadItem[]).filter((u) => u.protocol !== 'desktop').map((u) =>
      u.state === 'uploading' || u.state === 'paused'
        ? { ...u, state: u.protocol === 'tus' ? 'interrupted' : 'failed', speed: 0, eta: null }
        : u,
    )
  } catch {
    return []
  }
}

let seq = 0
const newId = () => `${Date.now().toString(36)}-${(seq++).toString(36)}`

export const useUploadsStore = defineStore('uploads', () => {
  const items = reactive<UploadItem[]>(loadItems())
  const engines = new Map<string, Engine>()

  function persist(): void {
    try {
      // Finished uploads are kept for the list; the oldest ones go beyond 200.
      localStorage.setItem(STORAGE_KEY, JSON.stringify(items.filter((u) => u.protocol !== 'desktop').slice(-200)))
    } catch {
      // storage unavailable: the queue lasts for this window only
    }
  }

  const find = (id: string) => items.find((u) => u.id === id)
  const active = computed(() => items.filter((u) => u.state === 'uploading').length)

  function settle(item: UploadItem, fileID: string | null, error?: string): void {
    const engine = engines.get(item.id)
    item.speed = 0
    item.eta = null
    if (fileID) {
      item.state = 'done'
      item.fileID = fileID
      item.sent = item.size
      for (const w of engine?.waiters ?? []) w.resolve(fileID)
      if (item.attach) void attach(item)
    } else {
      if (item.state !== 'cancelled') item.state = 'failed'
      item.error = error
      for (const w of engine?.waiters ?? []) w.reject(new Error(error ?? item.state))
    }
    if (engine) engine.waiters = []
    persist()
  }

  async function attach(item: UploadItem): Promise<void> {
    if (!item.attach || !item.fileID) return
    try {
      await useBackend().updateMovie(item.attach.movieID, { [item.attach.field]: item.fileID })
      item.attach = undefined
    } catch (e) {
      item.error = e instanceof Error ? e.message : String(e)
    }
    persist()
  }

  function progress(item: UploadItem, sent: number): void {
    const engine = engines.get(item.id)
    item.sent = sent
    if (engine) {
      engine.meter.add(sent)
      item.speed = engine.meter.speed()
      item.eta = item.speed > 0 ? (item.size - sent) / item.speed : null
    }
  }

  /** Applies one event of the desktop's upload manager. */
  function onNative(n: NativeUpload): void {
    const { item, changed } = applyNative(items, n)
    if (!engines.has(item.id)) engines.set(item.id, { file: null, meter: new SpeedMeter(), waiters: [] })
    if (!changed) return
    if (item.state === 'done') settle(item, item.fileID ?? n.id)
    else if (item.state === 'failed' || item.state === 'cancelled') settle(item, null, item.error ?? item.state)
  }

  if (isDesktop()) {
    void desktop
      .uploadSubscribe(onNative)
      .then((list) => list.forEach(onNative))
      .catch(() => undefined) // no manager (an older shell): the list stays the browser's
    // Each time a session begins (a login, or this window reloaded), the uploads the app
    // stopped under (it quit or crashed while they ran) go on with it. Paused ones wait.
    watch(
      () => useSessionStore().token,
      (session) => {
        if (session) void desktop.uploadResumeInterrupted(session).catch(() => undefined)
      },
      { immediate: true },
    )
  }

  const token = () => tokenOf(useBackend().authorization())

  /** Desktop: uploads a file on disk by path; answers its item once the manager took it. */
  async function addPath(path: string, domain: FileDomain, attachTo?: UploadAttach): Promise<UploadItem> {
    const id = await desktop.uploadStart(path, domain, token())
    let item = find(id)
    if (!item) {
      const name = path.split(/[\\/]/).pop() ?? path
      item = applyNative(items, { id, name, path, domain, mode: 'embedded', done: 0, total: 0, speed: 0, eta: null, state: 'running', fileID: null, error: null }).item
    }
    if (!engines.has(id)) engines.set(id, { file: null, meter: new SpeedMeter(), waiters: [] })
    if (attachTo) attachWhenDone(id, attachTo)
    return item
  }

  /** Runs a desktop command for an item; a refusal is shown on the item. */
  function native(item: UploadItem, op: Promise<void>): void {
    op.catch((e: unknown) => {
      item.error = e instanceof Error ? e.message : String(e)
    })
  }

  function startTus(item: UploadItem, engine: Engine): void {
    const api = useBackend()
    if (!engine.file) return
    const endpoint = api.url('/files/')
    if (!endpoint) {
      settle(item, null, 'no upload endpoint')
      return
    }
    const upload = new tus.Upload(engine.file, {
      endpoint,
      chunkSize: CHUNK,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      headers: api.authorization() ? { authorization: api.authorization() } : {},
      metadata: { filename: engine.file.name, filetype: engine.file.type || 'application/octet-stream', domain: item.domain },
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: (sent) => progress(item, sent),
      onSuccess: () => {
        const url = upload.url ?? ''
        settle(item, decodeURIComponent(url.replace(/\/+$/, '').split('/').pop() ?? ''))
      },
      onError: (e) => settle(item, null, e.message),
    })
    engine.tus = upload
    // Continues an upload of the same file begun before (this window or an earlier one).
    void upload
      .findPreviousUploads()
      .then((previous) => {
        if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0])
        upload.start()
      })
      .catch(() => upload.start())
  }

  async function startOss(item: UploadItem, engine: Engine): Promise<void> {
    const api = useBackend()
    try {
      const policy = await api.ossPolicy(item.domain)
      // A relative host is this server; an absolute one is a real OSS bucket (no bearer there).
      const own = policy.host.startsWith('/')
      const host = own ? (api.url(policy.host) ?? policy.host) : policy.host
      const form = new FormData()
      // The upload's id as a directory keeps keys unique and leaves the file's own name last
      // (the store names the file after the key's last segment).
      form.append('key', `${policy.dir.replace(/\/+$/, '')}/${item.id}/${engine.file?.name ?? item.name}`)
      form.append('policy', policy.policy)
      form.append('OSSAccessKeyId', policy.accessid)
      form.append('signature', policy.signature)
      form.append('callback', policy.callback)
      form.append('success_action_status', '200')
      if (engine.file) form.append('file', engine.file)
      const xhr = new XMLHttpRequest()
      engine.xhr = xhr
      xhr.open('POST', host)
      if (own && api.authorization()) xhr.setRequestHeader('authorization', api.authorization())
      xhr.upload.onprogress = (e) => progress(item, e.loaded)
      xhr.onload = () => {
        let body: Partial<OssUploadResult> & { info?: string } = {}
        try {
          body = JSON.parse(xhr.responseText) as typeof body
        } catch {
          // not JSON: reported below by status
        }
        if (xhr.status >= 200 && xhr.status < 300 && body.isSuccess && body.fileID) settle(item, body.fileID)
        else settle(item, null, body.Info || body.info || `HTTP ${xhr.status}`)
      }
      xhr.onerror = () => settle(item, null, 'network error')
      xhr.onabort = () => {
        if (item.state === 'cancelled') settle(item, null, 'cancelled')
      }
      xhr.send(form)
    } catch (e) {
      settle(item, null, e instanceof Error ? e.message : String(e))
    }
  }

  function run(item: UploadItem, file: File): void {
    const engine: Engine = engines.get(item.id) ?? { file, meter: new SpeedMeter(), waiters: [] }
    engine.file = file
    engine.meter = new SpeedMeter()
    engines.set(item.id, engine)
    item.state = 'uploading'
    item.error = undefined
    persist()
    if (item.protocol === 'tus') startTus(item, engine)
    else void startOss(item, engine)
  }

  /** Queues `file` and starts sending it at once. */
  function add(file: File, domain: FileDomain, attachTo?: UploadAttach): UploadItem {
    items.push({
      id: newId(),
      name: file.name,
      size: file.size,
      modified: file.lastModified,
      domain,
      // Films and the library's videos and documents resume over tus; small images go in one POST.
      protocol: (domain === 'MOVIE' || domain === 'RESOURCE') && (!file.type.startsWith('image/') || file.size >= TUS_FROM) ? 'tus' : 'oss',
      sent: 0,
      speed: 0,
      eta: null,
      state: 'uploading',
      attach: attachTo,
      createdAt: Date.now(),
    })
    const item = items[items.length - 1]
    run(item, file)
    return item
  }

  /** The file id once `id` has finished (rejects if it fails or is cancelled). */
  function done(id: string): Promise<string> {
    const item = find(id)
    if (!item) return Promise.reject(new Error('no such upload'))
    if (item.state === 'done' && item.fileID) return Promise.resolve(item.fileID)
    if (item.state === 'failed' || item.state === 'cancelled') return Promise.reject(new Error(item.error ?? item.state))
    return new Promise((resolve, reject) => {
      const engine = engines.get(id)
      if (engine) engine.waiters.push({ resolve, reject })
      else reject(new Error('interrupted'))
    })
  }

  /** When the upload finishes, set the film's field to its file id (also after the form closed). */
  function attachWhenDone(id: string, to: UploadAttach): void {
    const item = find(id)
    if (!item) return
    item.attach = to
    persist()
    if (item.state === 'done') void attach(item)
  }

  function pause(id: string): void {
    const item = find(id)
    const engine = engines.get(id)
    if (item?.protocol === 'desktop') return native(item, desktop.uploadPause(id))
    if (!item || !engine || item.state !== 'uploading') return
    item.state = 'paused'
    item.speed = 0
    item.eta = null
    if (engine.tus) void engine.tus.abort(false)
    // A one-shot POST cannot stop halfway: pausing it starts it over on resume.
    if (engine.xhr) {
      engine.xhr.abort()
      item.sent = 0
    }
    persist()
  }

  function resume(id: string): void {
    const item = find(id)
    const engine = engines.get(id)
    if (item?.protocol === 'desktop') return native(item, desktop.uploadResume(id, token()))
    if (!item || !engine?.file || (item.state !== 'paused' && item.state !== 'failed')) return
    run(item, engine.file)
  }

  /** Continues an interrupted (or failed) upload with its file chosen again; false if it is another file. */
  function resumeWith(id: string, file: File): boolean {
    const item = find(id)
    if (!item) return false
    if (file.name !== item.name || file.size !== item.size) return false
    run(item, file)
    return true
  }

  function cancel(id: string): void {
    const item = find(id)
    if (!item || item.state === 'done' || item.state === 'cancelled') return
    if (item.protocol === 'desktop') return native(item, desktop.uploadCancel(id, token()))
    const engine = engines.get(id)
    item.state = 'cancelled'
    item.speed = 0
    item.eta = null
    // terminate=true also drops what the server holds of it.
    if (engine?.tus) void engine.tus.abort(true).catch(() => undefined)
    if (engine?.xhr) engine.xhr.abort()
    for (const w of engine?.waiters ?? []) w.reject(new Error('cancelled'))
    if (engine) engine.waiters = []
    persist()
  }

  /** Drops finished, failed and cancelled entries from the list. */
  function clearFinished(): void {
    for (let i = items.length - 1; i >= 0; i--) {
      if (!['uploading', 'paused', 'interrupted'].includes(items[i].state)) {
        engines.delete(items[i].id)
        items.splice(i, 1)
      }
    }
    persist()
  }

  function remove(id: string): void {
    cancel(id)
    const i = items.findIndex((u) => u.id === id)
    if (i >= 0) items.splice(i, 1)
    engines.delete(id)
    persist()
  }

  return { items, active, add, addPath, done, attachWhenDone, pause, resume, resumeWith, cancel, remove, clearFinished }
})
