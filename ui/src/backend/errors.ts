import type { Schema } from './types'

/**
 * The codes of the server's failures, as its OpenAPI document lists them (the `ErrorCode`
 * schema, generated), and the one code the client makes itself. A code compared with anywhere
 * in the UI that the server stops sending is a type error once the types are regenerated.
 */
export type ApiErrorCode = Schema<'ErrorCode'> | typeof NO_BACKEND

/** Client-side code: no host to talk to (e.g. the Tauri UI opened in a plain browser). */
export const NO_BACKEND = 'no_backend'

/** The error every {@link Backend} method rejects with: `{ code, info, field? }`. */
export class ApiError extends Error {
  readonly code: ApiErrorCode
  readonly info: string
  readonly field?: string
  /** Seconds until a retry may succeed (the answer's Retry-After), when it said. */
  retryAfter?: number

  constructor(code: ApiErrorCode, info: string, field?: string) {
    super(info)
    this.name = 'ApiError'
    this.code = code
    this.info = info
    if (field) this.field = field
  }
}

/** Normalizes whatever a transport rejected with into an {@link ApiError}. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>
    if (typeof o.code === 'string') {
      const info = typeof o.info === 'string' ? o.info : typeof o.message === 'string' ? o.message : o.code
      const field = typeof o.field === 'string' && o.field !== '' ? o.field : undefined
      // The server's codes are the document's; anything else is passed on as it came.
      return new ApiError(o.code as ApiErrorCode, info, field)
    }
    if (e instanceof Error) return new ApiError('internal', e.message)
  }
  if (typeof e === 'string' && e !== '') return new ApiError('internal', e)
  return new ApiError('internal', String(e))
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}
