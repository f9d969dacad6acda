/** Codes the core uses; others may appear (e.g. "storage", "io", "internal"). */
export type ApiErrorCode =
  | 'invalid'
  | 'not_found'
  | 'conflict'
  | 'in_use'
  | 'unauthorized'
  | 'forbidden'
  | 'storage'
  | 'io'
  | 'internal'
  | typeof NO_BACKEND
  | (string & {})

/** Client-side code: no host to talk to (e.g. the Tauri UI opened in a plain browser). */
export const NO_BACKEND = 'no_backend'

/** The error every {@link Backend} method rejects with: `{ code, info, field? }`. */
export class ApiError extends Error {
  readonly code: ApiErrorCode
  readonly info: string
  readonly field?: string

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
      return new ApiError(o.code, info, field)
    }
    if (e instanceof Error) return new ApiError('internal', e.message)
  }
  if (typeof e === 'string' && e !== '') return new ApiError('internal', e)
  return new ApiError('internal', String(e))
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}
