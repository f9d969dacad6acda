import { Channel, convertFileSrc, invoke, isTauri } from '@tauri-apps/api/core'
import { listen } from '@tauri-apps/api/event'
import { ApiError, NO_BACKEND, toApiError } from './errors'
import type { AppInfo, Session, SetupAdminInput } from './types'

/**
 * The desktop-only calls of the Rust shell (contract: docs/desktop-shell.md).
 * Everything else goes through the one HTTP backend over the shell's `cinedesk` URI scheme.
 */

export interface DesktopSettings {
  mode: 'embedded' | 'remote'
  /** e.g. "http://192.168.1.10:8080"; required in remote mode. */
  serverUrl: string | null
  /** Embedded mode: also serve the API on 0.0.0.0:port for the site's COMS and seats. */
  lan: { enabled: boolean; port: number }
  language: 'zh-CN' | 'en'
  /** null: CINEDESK_DATA_DIR or the OS app data dir. */
  dataDir: string | null
}

export interface DesktopState {
  settings: DesktopSettings
  /** The data dir in use now. */
  dataDir: string
  /** e.g. "0.0.0.0:8080" while LAN serving runs. */
  lanListening: string | null
  /** Why LAN serving is not running although enabled. */
  lanError: string | null
  /** A saved change (data dir) waits for the next start. */
  restartRequired: boolean
}

export interface DesktopAppInfo extends AppInfo {
  apiBase: string
  serverUrl?: string
  /** Remote mode: why the server could not be asked. */
  serverError?: string
}

export interface PickFilesOptions {
  title?: string
  multiple?: boolean
  directory?: boolean
  filters?: Array<{ name: string; extensions: string[] }>
}

export interface FileDropEvent {
  kind: 'enter' | 'leave' | 'drop'
  /** Absolute paths on disk (empty on leave). */
  paths: string[]
}

/** One upload of the desktop's upload manager (Rust), as its list and its progress events give it. */
export interface NativeUpload {
  id: string
  name: string
  path: string
  domain: string
  mode: 'embedded' | 'remote'
  done: number
  total: number
  /** Bytes per second; 0 when not running. */
  speed: number
  /** Seconds left; null when unknown or not running. */
  eta: number | null
  state: 'running' | 'paused' | 'done' | 'failed' | 'cancelled'
  fileID: string | null
  error: { code: string; info: string } | null
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  if (!isTauri()) throw new ApiError(NO_BACKEND, 'the Tauri runtime is not available')
  try {
    return await invoke<T>(cmd, args)
  } catch (e) {
    throw toApiError(e)
  }
}

/** The desktop shell's calls; only inside the Tauri window (see {@link isDesktop}). */
export const desktop = {
  /** Where the shell's URI scheme answers the REST API (no trailing slash). */
  apiBase(): string {
    return convertFileSrc('', 'cinedesk').replace(/\/$/, '')
  },
  appInfo(): Promise<DesktopAppInfo> {
    return call('app_info')
  },
  /** First run of the embedded database only. */
  setupAdmin(input: SetupAdminInput): Promise<Session> {
    return call('setup_admin', { name: input.name, alias: input.alias, password: input.password })
  },
  settings(): Promise<DesktopState> {
    return call('desktop_settings')
  },
  saveSettings(settings: DesktopSettings): Promise<DesktopState> {
    return call('save_desktop_settings', { settings })
  },
  /** Absolute paths chosen in the native dialog; [] if cancelled. */
  pickFiles(options: PickFilesOptions = {}): Promise<string[]> {
    return call('pick_files', { options })
  },
  /** Files dragged over or dropped on the window, by path. Answers the function that stops listening. */
  onFileDrop(handler: (e: FileDropEvent) => void): Promise<() => void> {
    return listen<FileDropEvent>('cinedesk://file-drop', (e) => handler(e.payload))
  },
  /** Uploads a file on disk by path (the bytes never enter the webview); answers the upload's id. */
  uploadStart(path: string, domain: string, token: string): Promise<string> {
    return call('upload_start', { path, domain, token })
  },
  uploadPause(id: string): Promise<void> {
    return call('upload_pause', { id })
  },
  uploadResume(id: string, token: string): Promise<void> {
    return call('upload_resume', { id, token })
  },
  /** The session is back: the uploads the app stopped under (quit or crash) go on; answers their ids. */
  uploadResumeInterrupted(token: string): Promise<string[]> {
    return call('upload_resume_interrupted', { token })
  },
  uploadCancel(id: string, token: string): Promise<void> {
    return call('upload_cancel', { id, token })
  },
  uploadList(): Promise<NativeUpload[]> {
    return call('upload_list')
  },
  /** Every change of every upload from now on (progress at most ~10 per second each); answers the list now. */
  uploadSubscribe(handler: (u: NativeUpload) => void): Promise<NativeUpload[]> {
    const channel = new Channel<NativeUpload>()
    channel.onmessage = handler
    return call('upload_subscribe', { channel })
  },
}

export type Desktop = typeof desktop

/** Whether this page runs inside the desktop app. */
export function isDesktop(): boolean {
  return isTauri()
}
