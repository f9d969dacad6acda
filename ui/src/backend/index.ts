/**
 * The UI's way to the server: the one {@link HttpBackend} every page uses (`useBackend()`), the
 * desktop shell's own calls (`useDesktop()`), and the API's types and errors.
 */
import { HttpBackend } from './http'
import { FetchTransport } from './transport'
import { desktop, isDesktop, type Desktop } from './tauri'

export type * from './types'
export { WEBHOOK_FORMATS, SEAT_STATUSES, VOD_STATUSES, DELIVERY_STATES, COMMAND_ACTIONS, COMMAND_STATES, MOVIE_TYPES, MOVIE_ORDER_PARAMS, SEAT_EFFECTS, RES_TYPES, RESOURCE_ORDERS, MOVIE_USAGES } from './types'
export type { DesktopAppInfo, DesktopSettings, DesktopState, FileDropEvent } from './tauri'
export { ApiError, NO_BACKEND, isApiError, toApiError } from './errors'
export { HttpBackend, queryString, type SessionEndHandler } from './http'

export type Backend = HttpBackend

/**
 * The one backend: the REST API, reached with `fetch` — in a browser at the server that served
 * the page, in the desktop window through the shell's `cinedesk` URI scheme (embedded core or
 * remote server).
 */
function createBackend(): Backend {
  return new HttpBackend(new FetchTransport(isDesktop() ? desktop.apiBase() : ''))
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
