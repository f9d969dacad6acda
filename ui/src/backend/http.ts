import { ApiError, NO_BACKEND, toApiError } from './errors'
import type {
  AppInfo,
  Backend,
  Cinema,
  CinemaInput,
  CinemaQuery,
  CreatedCinema,
  LoginInput,
  Page,
  Session,
  SysEnums,
} from './types'

/**
 * {@link Backend} over the REST API of `cinedesk serve` (server mode). By default it talks to
 * the server that served the page; failures arrive as the API's `{ info, code, field? }`.
 */
export class HttpBackend implements Backend {
  constructor(private readonly base = '') {}

  private async request<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {}
    if (token) headers.authorization = `Bearer ${token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    let res: Response
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch (e) {
      throw new ApiError(NO_BACKEND, `cannot reach the Cinedesk server: ${String(e)}`)
    }
    const text = await res.text()
    let json: unknown = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = { code: 'internal', info: `${res.status} ${res.statusText}` }
    }
    if (!res.ok) throw toApiError(json ?? { code: 'internal', info: `${res.status} ${res.statusText}` })
    return json as T
  }

  appInfo(): Promise<AppInfo> {
    return this.request<AppInfo>('GET', '/cms/app_info')
  }

  setupAdmin(): Promise<Session> {
    // A server's first administrator is made on the server itself, never over the network.
    return Promise.reject(
      new ApiError('forbidden', 'server mode: create the administrator with CINEDESK_ADMIN_PASSWORD or `cinedesk user add`'),
    )
  }

  login(input: LoginInput): Promise<Session> {
    return this.request<Session>('POST', '/cms/login', undefined, { alias: input.alias, password: input.password })
  }

  async logout(token: string): Promise<void> {
    await this.request<unknown>('POST', '/cms/logout', token)
  }

  sysEnums(token: string): Promise<SysEnums> {
    return this.request<SysEnums>('GET', '/cms/sys_params/enum', token)
  }

  listCinemas(token: string, query: CinemaQuery): Promise<Page<Cinema>> {
    const params = new URLSearchParams()
    if (query.regionID) params.set('region_id', query.regionID)
    if (query.cinemaCode) params.set('cinema_code', query.cinemaCode)
    if (query.name) params.set('name', query.name)
    for (const id of query.cinemaID ?? []) params.append('cinema_id', id)
    params.set('start', String(query.start))
    params.set('limit', String(query.limit))
    return this.request<Page<Cinema>>('GET', `/cms/cinemas?${params.toString()}`, token)
  }

  createCinema(token: string, input: CinemaInput): Promise<CreatedCinema> {
    return this.request<CreatedCinema>('POST', '/cms/cinemas', token, input)
  }
}
