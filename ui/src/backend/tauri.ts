import { convertFileSrc, invoke, isTauri } from '@tauri-apps/api/core'
import { ApiError, NO_BACKEND, toApiError } from './errors'
import { HttpBackend } from './http'
import type { AppInfo, Session, SetupAdminInput } from './types'

/**
 * Where the desktop shell answers the REST API: its `cinedesk` URI scheme, which hands each
 * request to the server's own router (embedded mode) or to the configured server (remote mode).
 * `cinedesk://localhost` on Linux/macOS, `http://cinedesk.localhost` on Windows; Tauri's
 * convertFileSrc knows the platform's form. See NOTES-shell.md for the contract.
 */
export function desktopApiBase(): string {
  return convertFileSrc('', 'cinedesk').replace(/\/$/, '')
}

/** Calls a Tauri command; rejections become ApiError. Tauri maps camelCase args to snake_case. */
async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  if (!isTauri()) throw new ApiError(NO_BACKEND, 'the Tauri runtime is not available')
  try {
    return await invoke<T>(cmd, args)
  } catch (e) {
    throw toApiError(e)
  }
}

/**
 * {@link Backend} of the desktop app: the REST API over the `cinedesk://` scheme (the same
 * HttpBackend as in a browser), plus the two things only the desktop has as commands.
 */
export class TauriBackend extends HttpBackend {
  constructor(base: string = desktopApiBase()) {
    super(base)
  }

  /** The desktop's own answer: embedded or remote mode, and the data dir. */
  override appInfo(): Promise<AppInfo> {
    return call<AppInfo>('app_info')
  }

  /**
   * First run of the embedded database only; a server never offers this. (The parameter is
   * optional only to match HttpBackend's signature, which takes none.)
   */
  override setupAdmin(input?: SetupAdminInput): Promise<Session> {
    if (!input) return Promise.reject(new ApiError('invalid', 'setupAdmin needs name, alias and password'))
    return call<Session>('setup_admin', { name: input.name, alias: input.alias, password: input.password })
  }
}
