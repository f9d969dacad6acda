/**
 * How an HTTP request of the REST API reaches the Cinedesk server: `fetch` in a browser, or a
 * transport the desktop shell provides (embedded core or a remote server, see ./tauri.ts).
 * The backend (./http.ts) builds requests and reads answers; a transport only carries them.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface TransportRequest {
  method: HttpMethod
  /** Path and query string of the API, e.g. `/cms/cinemas?start=0&limit=20`. */
  path: string
  /** Lower-case header names. */
  headers: Record<string, string>
  /** A JSON text, or a multipart form (file uploads). */
  body?: string | FormData
}

export interface TransportResponse {
  status: number
  /** The Content-Type header ('' when absent). */
  contentType: string
  /** The Retry-After header in seconds, when the answer has one (a 429 or a 503). */
  retryAfter?: number
  body: Blob
}

export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>
  /**
   * The absolute URL of an API path for things that must talk to the server themselves (tus
   * uploads, a browser download); null where there is no such URL (the embedded desktop core).
   */
  url(path: string): string | null
}

/** The browser's transport: `fetch` against `base` (by default the server that served the page). */
export class FetchTransport implements Transport {
  constructor(private readonly base = '') {}

  async send(request: TransportRequest): Promise<TransportResponse> {
    const res = await fetch(this.base + request.path, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    })
    const retryAfter = retryAfterSeconds(res.headers.get('retry-after'))
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      ...(retryAfter === undefined ? {} : { retryAfter }),
      body: await res.blob(),
    }
  }

  url(path: string): string {
    const origin = typeof location !== 'undefined' ? location.origin : ''
    return new URL(this.base + path, this.base.startsWith('http') ? undefined : origin).toString()
  }
}

/**
 * A Retry-After header as seconds: the delay form ("120"), or the date form (an HTTP date) as the
 * seconds from now; undefined when absent or unreadable.
 */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header == null || header.trim() === '') return undefined
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text)
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000))
}
