import { ApiError } from './errors'
import { HttpBackend } from './http'
import { FetchTransport } from './transport'
import { desktop, isDesktop, type Desktop } from './tauri'

export type * from './types'
export { SEAT_STATUSES, VOD_STATUSES, MOVIE_TYPES, MOVIE_ORDER_PARAMS, SEAT_EFFECTS, RES_TYPES, RESOURCE_ORDERS, MOVIE_USAGES } from './types'
export type { DesktopAppInfo, DesktopSettings, DesktopState, FileDropEvent } from './tauri'
export { ApiError, NO_BACKEND, isApiError, toApiError } from './errors'
export { HttpBackend, queryString } from './http'

export type Backend = HttpBackend

type UnauthorizedHandler = (error: ApiError) => void
let onUnauthorized: UnauthorizedHandler | null = null

/** Called when a call made with a session fails with code "unauthorized". */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler
}

/** Calls that run without a session; "unauthorized" there means wrong alias or password. */
const SESSIONLESS = new Set<string>(['appInfo', 'login', 'logout'])

/**
 * Wraps a backend so that an "unauthorized" rejection of any session-scoped call ends the
 * session (the handler logs out and goes to the login page). The error is still rethrown.
 */
export function withSessionGuard<B extends object>(inner: B): B {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      if (SESSIONLESS.has(String(prop))) return value.bind(target)
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args)
        if (!(result instanceof Promise)) return result
        return result.catch((e: unknown) => {
          if (e instanceof ApiError && e.code === 'unauthorized' && onUnauthorized) onUnauthorized(e)
          throw e
        })
      }
    },
  })
}

/**
 * The one backend: the REST API, reached with `fetch` — in a browser at the server that served
 * the page, in the desktop window through the shell's `cinedesk` URI scheme (embedded core or
 * remote server).
 */
function createBackend(): Backend {
  return withSessionGuard(new HttpBackend(new FetchTransport(isDesktop() ? desktop.apiBase() : '')))
}

let instance: Backend | null = null

/** The backend every page uses. */
export function useBackend(): Backend {
  if (!instance) instance = createBackend()
  return instance
}

/** The desktop shell's own calls, or null in a browser (desktop-only settings are then hidden). */
export function useDesktop(): Desktop | null {
  return isDesktop() ? desktop : null
}
