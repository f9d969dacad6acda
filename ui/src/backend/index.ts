import { ApiError } from './errors'
import { isTauri } from '@tauri-apps/api/core'
import { HttpBackend } from './http'
import { TauriBackend } from './tauri'
import type { Backend } from './types'

export type * from './types'
export { ApiError, NO_BACKEND, isApiError, toApiError } from './errors'

type UnauthorizedHandler = (error: ApiError) => void
let onUnauthorized: UnauthorizedHandler | null = null

/** Called when a call made with a session token fails with code "unauthorized". */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler
}

/** Methods that run without a session; "unauthorized" there means wrong alias or password. */
const SESSIONLESS = new Set<keyof Backend>(['appInfo', 'setupAdmin', 'login', 'logout'])

/**
 * Wraps a backend so that an "unauthorized" rejection of any session-scoped call ends the
 * session (the handler logs out and goes to the login page). The error is still rethrown.
 */
export function withSessionGuard(inner: Backend): Backend {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function' || SESSIONLESS.has(prop as keyof Backend)) {
        return typeof value === 'function' ? value.bind(target) : value
      }
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)
        } catch (e) {
          if (e instanceof ApiError && e.code === 'unauthorized' && onUnauthorized) onUnauthorized(e)
          throw e
        }
      }
    },
  })
}

/**
 * Picks the implementation: inside Tauri the REST API over the desktop shell's `cinedesk://`
 * scheme (embedded or remote, the shell decides), else the REST API of the `cinedesk serve`
 * that served this page.
 */
function createBackend(): Backend {
  return withSessionGuard(isTauri() ? new TauriBackend() : new HttpBackend())
}

let instance: Backend | null = null

/** The backend every page uses. */
export function useBackend(): Backend {
  if (!instance) instance = createBackend()
  return instance
}
