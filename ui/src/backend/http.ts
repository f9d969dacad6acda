import { ApiError, NO_BACKEND, toApiError } from './errors'
import { FetchTransport, type HttpMethod, type Transport } from './transport'
import type {
  ApiKey,
  ApiKeyInfo,
  AppInfo,
  Cinema,
  CinemaDeletionImpact,
  DiskEnvelope,
  FolderDeletion,
  LibraryFolder,
  LibraryResource,
  LibrarySpaces,
  MovieUsage,
  ResourceInput,
  ResourcePage,
  ResourcePatch,
  ResourceQuery,
  SpaceRef,
  UsedForMovie,
  CinemaInput,
  CinemaQuery,
  ComsMessage,
  DistributionOutcome,
  EnumKind,
  FileDomain,
  Hall,
  HallInput,
  HallQuery,
  HmdModel,
  HmdModelInput,
  LoginInput,
  ModelQuery,
  Movie,
  MovieInput,
  MovieQuery,
  OssPolicy,
  Page,
  Paging,
  QrSheetOptions,
  SeatModel,
  SeatModelInput,
  ServerSettings,
  Session,
  SysEnums,
  User,
  UserInput,
  UserQuery,
  VodStatus,
  VodTask,
  VodTaskInput,
  VodTaskQuery,
  VrClient,
  VrClientInput,
  VrClientQuery,
} from './types'

type QueryValue = string | number | boolean | readonly string[] | undefined | null

/**
 * A query string in the API's spelling: keys in the given order, lists as repeated keys
 * (`cinema_id=a&cinema_id=b`), empty and absent values left out. Starts with '?' unless empty.
 */
export function queryString(params: Record<string, QueryValue>): string {
  const q = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value == null) continue
    if (Array.isArray(value)) {
      for (const v of value as readonly string[]) if (v !== '') q.append(key, v)
    } else if (typeof value === 'string') {
      if (value.trim() !== '') q.append(key, value.trim())
    } else {
      q.append(key, String(value))
    }
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

function paging(p: Paging): Record<string, QueryValue> {
  return { start: p.start, limit: p.limit }
}

const enc = encodeURIComponent

/** Seed 004's `result` of a success. */
const DISK_OK = '000000'

/**
 * The `data` of a seed-004 answer. A failure the server sent with a 4xx status has already
 * become an ApiError in {@link HttpBackend.raw}; this catches one that came as a 2xx anyway
 * (another implementation of the seed, a proxy) so that it rejects the same way.
 */
export function unwrapDisk<T>(answer: DiskEnvelope<T> | null): T {
  if (answer && typeof answer === 'object' && answer.result === DISK_OK) return answer.data
  const info = answer?.info || answer?.resultDesc || 'the resource library gave an answer without a result'
  throw new ApiError(answer?.code || 'internal', info, answer?.field || undefined)
}

/** The error code of a failure whose body does not say (a proxy's page, an old server). */
const STATUS_CODES: Record<number, string> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  502: NO_BACKEND,
}

/** What the backend calls when the server refuses the session it sent (see {@link HttpBackend.onSessionEnd}). */
export type SessionEndHandler = (error: ApiError) => void

/**
 * The whole REST API of `cinedesk serve` (seed 000 and the routes beside it), one method per
 * route, over a {@link Transport}. It holds the session token and sends it as a bearer header;
 * failures reject with an {@link ApiError} carrying the server's `{ info, code, field? }`.
 */
export class HttpBackend {
  private token = ''
  private sessionEnded: SessionEndHandler | null = null

  constructor(readonly transport: Transport = new FetchTransport()) {}

  /** The bearer token sent with every call from now on ('' for none). */
  setToken(token: string): void {
    this.token = token
  }

  /**
   * `handler` runs when the server answers 401 to a call that carried the session's token (it
   * expired, was revoked, its user was deleted), so that no page has to handle that itself. It
   * runs once per session: the token is forgotten first, and the calls still in flight with it,
   * failing the same way, do not run it again. A 401 to a call made without a token (a wrong
   * password at login) is only that call's failure. The call still rejects with its error.
   */
  onSessionEnd(handler: SessionEndHandler | null): void {
    this.sessionEnded = handler
  }

  /** Sends one request; answers the raw body of a 2xx (null for 204), else throws its ApiError. */
  raw(method: HttpMethod, path: string, body?: unknown): Promise<Blob | null> {
    return this.exchange(method, path, body, this.token)
  }

  /** {@link raw} with the token given rather than the current one. */
  private async exchange(method: HttpMethod, path: string, body: unknown, token: string): Promise<Blob | null> {
    const headers: Record<string, string> = {}
    if (token) headers.authorization = `Bearer ${token}`
    let payload: string | FormData | undefined
    if (body instanceof FormData) payload = body
    else if (body !== undefined) {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(body)
    }
    let res
    try {
      res = await this.transport.send({ method, path, headers, body: payload })
    } catch (e) {
      throw e instanceof ApiError ? e : new ApiError(NO_BACKEND, `cannot reach the Cinedesk server: ${String(e)}`)
    }
    if (res.status >= 200 && res.status < 300) return res.status === 204 ? null : res.body
    const text = await res.body.text()
    let json: unknown = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = null
    }
    const code = STATUS_CODES[res.status] ?? 'internal'
    const error = toApiError(json && typeof json === 'object' && 'info' in json ? { code, ...json } : { code, info: text || `HTTP ${res.status}` })
    if (res.status === 401 && token !== '' && token === this.token) {
      this.token = ''
      this.sessionEnded?.(error)
    }
    throw error
  }

  /** A JSON call. */
  async call<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    const blob = await this.raw(method, path, body)
    if (!blob) return null as T
    const text = await blob.text()
    return (text ? JSON.parse(text) : null) as T
  }

  // ---- session ----------------------------------------------------------------------------

  appInfo(): Promise<AppInfo> {
    return this.call('GET', '/cms/app_info')
  }

  login(input: LoginInput): Promise<Session> {
    return this.call('POST', '/cms/login', { alias: input.alias, password: input.password })
  }

  /**
   * Ends the session on the server. The token is given up before asking: a logout answered 401
   * (the session had expired already) is not a session ending under the user's feet.
   */
  async logout(): Promise<void> {
    const token = this.token
    this.token = ''
    await this.exchange('POST', '/cms/logout', undefined, token)
  }

  // ---- enumerations and settings ------------------------------------------------------------

  sysEnums(): Promise<SysEnums> {
    return this.call('GET', '/cms/sys_params/enum')
  }

  async putEnumValue(kind: EnumKind, value: { id: string; name: string; isDefault?: boolean }): Promise<void> {
    await this.call('PUT', `/cms/sys_params/enum/${kind}/${enc(value.id)}`, {
      name: value.name,
      isDefault: value.isDefault ?? false,
    })
  }

  async deleteEnumValue(kind: EnumKind, id: string): Promise<void> {
    await this.call('DELETE', `/cms/sys_params/enum/${kind}/${enc(id)}`)
  }

  settings(): Promise<ServerSettings> {
    return this.call('GET', '/cms/settings')
  }

  async putSettings(settings: Partial<ServerSettings>): Promise<void> {
    await this.call('PUT', '/cms/settings', settings)
  }

  // ---- cinemas ------------------------------------------------------------------------------

  listCinemas(q: CinemaQuery = {}): Promise<Page<Cinema>> {
    return this.call(
      'GET',
      '/cms/cinemas' +
        queryString({
          region_id: q.regionID,
          cinema_id: q.cinemaID,
          cinema_code: q.cinemaCode,
          name: q.name,
          ...paging(q),
        }),
    )
  }

  getCinema(id: string): Promise<Cinema> {
    return this.call('GET', `/cms/cinemas/${enc(id)}`)
  }

  createCinema(input: CinemaInput): Promise<{ cinemaID: string }> {
    return this.call('POST', '/cms/cinemas', input)
  }

  async updateCinema(id: string, input: CinemaInput): Promise<void> {
    await this.call('PUT', `/cms/cinemas/${enc(id)}`, input)
  }

  async deleteCinemas(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/cinemas' + queryString({ cinema_id: ids }))
  }

  cinemaDeletionImpact(ids: string[]): Promise<CinemaDeletionImpact> {
    return this.call('GET', '/cms/cinemas/_deletion_impact' + queryString({ cinema_id: ids }))
  }

  async listApiKeys(cinemaID: string): Promise<ApiKeyInfo[]> {
    return (await this.call<Page<ApiKeyInfo>>('GET', `/cms/cinemas/${enc(cinemaID)}/api_keys`)).itemList
  }

  createApiKey(cinemaID: string): Promise<ApiKey> {
    return this.call('POST', `/cms/cinemas/${enc(cinemaID)}/api_keys`)
  }

  async revokeApiKey(cinemaID: string, apikey: string): Promise<void> {
    await this.call('DELETE', `/cms/cinemas/${enc(cinemaID)}/api_keys/${enc(apikey)}`)
  }

  /** One long poll of a cinema's COMS queue (seed §6), as the COMS would; null on 204. */
  pollComs(cinemaID: string, opts: { timeout?: number; ack?: string } = {}): Promise<ComsMessage | null> {
    return this.call('GET', `/cms/long_poll/${enc(cinemaID)}` + queryString({ timeout: opts.timeout, ack: opts.ack }))
  }

  // ---- halls --------------------------------------------------------------------------------

  listHalls(q: HallQuery = {}): Promise<Page<Hall>> {
    return this.call(
      'GET',
      '/cms/halls' + queryString({ cinema_id: q.cinemaID, hall_id: q.hallID, hall_code: q.hallCode, ...paging(q) }),
    )
  }

  getHall(id: string): Promise<Hall> {
    return this.call('GET', `/cms/halls/${enc(id)}`)
  }

  createHall(input: HallInput): Promise<{ hallID: string }> {
    return this.call('POST', '/cms/halls', input)
  }

  async updateHall(id: string, input: HallInput): Promise<void> {
    await this.call('PUT', `/cms/halls/${enc(id)}`, input)
  }

  async deleteHalls(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/halls' + queryString({ hall_id: ids }))
  }

  /** The hall's printable QR sheet: a PDF, or a ZIP of one PNG per seat. */
  async hallQrSheet(hallID: string, opts: QrSheetOptions): Promise<Blob> {
    const path = `/cms/halls/${enc(hallID)}/qr_sheet` + queryString({ format: opts.format, per_page: opts.perPage })
    return (await this.raw('GET', path)) ?? new Blob()
  }

  // ---- seats --------------------------------------------------------------------------------

  listVrClients(q: VrClientQuery = {}): Promise<Page<VrClient>> {
    return this.call(
      'GET',
      '/cms/vr_clients' +
        queryString({
          client_id: q.clientID,
          cinema_id: q.cinemaID,
          hall_id: q.hallID,
          status: q.status,
          ...paging(q),
        }),
    )
  }

  getVrClient(id: string): Promise<VrClient> {
    return this.call('GET', `/cms/vr_clients/${enc(id)}`)
  }

  createVrClient(input: VrClientInput): Promise<{ clientID: string }> {
    return this.call('POST', '/cms/vr_clients', input)
  }

  /** All or none. */
  async createVrClients(inputs: VrClientInput[]): Promise<string[]> {
    return (await this.call<{ clientIDList: string[] }>('POST', '/cms/vr_clients/_batch', inputs)).clientIDList
  }

  async updateVrClient(id: string, input: VrClientInput): Promise<void> {
    await this.call('PUT', `/cms/vr_clients/${enc(id)}`, input)
  }

  async deleteVrClients(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/vr_clients' + queryString({ client_id: ids }))
  }

  async regenerateScene(id: string): Promise<string> {
    return (await this.call<{ sceneNumber: string }>('POST', `/cms/vr_clients/${enc(id)}/_regenerate_scene`)).sceneNumber
  }

  async seatQrCode(id: string, opts: { format: 'png' | 'svg'; size?: number }): Promise<Blob> {
    const path = `/cms/vr_clients/${enc(id)}/qr_code` + queryString({ format: opts.format, size: opts.size })
    return (await this.raw('GET', path)) ?? new Blob()
  }

  // ---- films --------------------------------------------------------------------------------

  listMovies(q: MovieQuery = {}): Promise<Page<Movie>> {
    return this.call(
      'GET',
      '/cms/movies' +
        queryString({
          movie_id: q.movieID,
          open_id: q.openID,
          cinema_id: q.cinemaID,
          name: q.name,
          movie_code: q.movieCode,
          type: q.type,
          category: q.category,
          country: q.country,
          online: q.online,
          ...paging(q),
          order_param: q.orderParam,
          order_seq: q.orderSeq,
        }),
    )
  }

  getMovie(id: string): Promise<Movie> {
    return this.call('GET', `/cms/movies/${enc(id)}`)
  }

  createMovie(input: MovieInput): Promise<{ movieID: string }> {
    return this.call('POST', '/cms/movies', input)
  }

  async updateMovie(id: string, input: MovieInput): Promise<void> {
    await this.call('PUT', `/cms/movies/${enc(id)}`, input)
  }

  async deleteMovies(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/movies' + queryString({ movie_id: ids }))
  }

  /** Answers the new praise count. */
  async praiseMovie(id: string, openID?: string): Promise<number> {
    const path = `/cms/movies/${enc(id)}/_praise` + queryString({ open_id: openID })
    return (await this.call<{ numOfPraise: number }>('POST', path)).numOfPraise
  }

  distributeMovie(id: string, cinemaIDList: string[]): Promise<DistributionOutcome> {
    return this.call('POST', `/cms/movies/${enc(id)}/_distribute`, { cinemaIDList })
  }

  /** The cinemas a film is already distributed to. */
  async movieCinemas(id: string): Promise<string[]> {
    return (await this.call<{ cinemaIDList: string[] }>('GET', `/cms/movies/${enc(id)}/cinemas`)).cinemaIDList
  }

  // ---- VOD tasks ----------------------------------------------------------------------------

  listVodTasks(q: VodTaskQuery = {}): Promise<Page<VodTask>> {
    return this.call(
      'GET',
      '/cms/vod_tasks' +
        queryString({
          task_id: q.taskID,
          cinema_id: q.cinemaID,
          client_id: q.clientID,
          status: q.status,
          ...paging(q),
        }),
    )
  }

  getVodTask(id: string): Promise<VodTask> {
    return this.call('GET', `/cms/vod_tasks/${enc(id)}`)
  }

  createVodTask(input: VodTaskInput): Promise<{ taskID: string }> {
    return this.call('POST', '/cms/vod_tasks', input)
  }

  async setVodTaskStatus(id: string, status: VodStatus): Promise<void> {
    await this.call('PUT', `/cms/vod_tasks/${enc(id)}`, { status })
  }

  // ---- users --------------------------------------------------------------------------------

  listUsers(q: UserQuery = {}): Promise<Page<User>> {
    return this.call(
      'GET',
      '/cms/users' + queryString({ user_id: q.userID, alias: q.alias, name: q.name, role: q.role, ...paging(q) }),
    )
  }

  getUser(id: string): Promise<User> {
    return this.call('GET', `/cms/users/${enc(id)}`)
  }

  createUser(input: UserInput): Promise<{ userID: string }> {
    return this.call('POST', '/cms/users', input)
  }

  async updateUser(id: string, input: UserInput): Promise<void> {
    await this.call('PUT', `/cms/users/${enc(id)}`, input)
  }

  async deleteUser(id: string): Promise<void> {
    await this.call('DELETE', `/cms/users/${enc(id)}`)
  }

  async deleteUsers(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/users' + queryString({ user_id: ids }))
  }

  // ---- catalogues ---------------------------------------------------------------------------

  listHmdModels(q: ModelQuery = {}): Promise<Page<HmdModel>> {
    return this.call('GET', '/cms/hmd_models' + modelQuery(q))
  }

  createHmdModel(input: HmdModelInput): Promise<{ hmdModelID: string }> {
    return this.call('POST', '/cms/hmd_models', input)
  }

  async updateHmdModel(id: string, input: HmdModelInput): Promise<void> {
    await this.call('PUT', `/cms/hmd_models/${enc(id)}`, input)
  }

  async deleteHmdModels(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/hmd_models' + queryString({ id: ids }))
  }

  listSeatModels(q: ModelQuery = {}): Promise<Page<SeatModel>> {
    return this.call('GET', '/cms/seat_models' + modelQuery(q))
  }

  createSeatModel(input: SeatModelInput): Promise<{ seatModelID: string }> {
    return this.call('POST', '/cms/seat_models', input)
  }

  async updateSeatModel(id: string, input: SeatModelInput): Promise<void> {
    await this.call('PUT', `/cms/seat_models/${enc(id)}`, input)
  }

  async deleteSeatModels(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/seat_models' + queryString({ id: ids }))
  }

  // ---- files (seed §11) ---------------------------------------------------------------------

  ossPolicy(domain: FileDomain): Promise<OssPolicy> {
    return this.call('GET', '/cms/upload/oss_policy' + queryString({ domain }))
  }

  /** A stored file (poster, icon …) as a Blob, fetched with the session so it works everywhere. */
  async file(fileID: string): Promise<Blob> {
    return (await this.raw('GET', `/cms/files/${enc(fileID)}`)) ?? new Blob()
  }

  // ---- resource library (seed 004, /onlineDisk/*) -------------------------------------------

  /** One call of the library: a JSON POST whose answer is seed 004's envelope, unwrapped. */
  async disk<T>(route: string, body: unknown): Promise<T> {
    return unwrapDisk(await this.call<DiskEnvelope<T> | null>('POST', `/onlineDisk/${route}`, body))
  }

  /** The spaces the caller may use (personal, cinemas', the chain's) and the chain's id. */
  querySpaces(): Promise<LibrarySpaces> {
    return this.disk('querySpaces', {})
  }

  async queryFolders(space: SpaceRef, parentId = '0'): Promise<LibraryFolder[]> {
    return (await this.disk<{ list: LibraryFolder[] }>('queryFolders', { ...space, parentId })).list
  }

  async createFolder(space: SpaceRef, parentId: string, dirName: string): Promise<string> {
    return (await this.disk<{ dirId: string }>('createFolder', { ...space, parentId, dirName })).dirId
  }

  async renameFolder(dirId: string, dirName: string): Promise<void> {
    await this.disk('renameFolder', { dirId, dirName })
  }

  /** Moves a folder under `parentId` ("0": the space's root) of the same space. */
  async moveFolder(dirId: string, parentId: string): Promise<void> {
    await this.disk('moveFolder', { dirId, parentId })
  }

  /** A non-empty folder needs `recursive` (all or nothing). */
  deleteFolder(dirId: string, recursive: boolean): Promise<FolderDeletion> {
    return this.disk('deleteFolder', { dirId, recursive })
  }

  /** xkzyList: a page of the resources visible to the caller, filtered and ordered. */
  listResources(q: ResourceQuery = {}): Promise<ResourcePage> {
    const query: Record<string, string> = { ...(q.space ?? {}) }
    if (q.parentId) query.parentId = q.parentId
    if (q.keyword?.trim()) query.keyword = q.keyword.trim()
    if (q.resType) query.resType = String(q.resType)
    if (q.orderBy) query.orderBy = q.orderBy
    return this.disk('xkzyList', {
      page: { curPage: String(q.page ?? 1), numPerPage: String(q.perPage ?? 20) },
      query,
    })
  }

  async createResource(input: ResourceInput): Promise<string> {
    return (await this.disk<{ resId: string }>('createResource', input)).resId
  }

  async updateResource(patch: ResourcePatch): Promise<void> {
    await this.disk('updateResource', patch)
  }

  /** All or none. */
  async deleteResources(resIdList: string[]): Promise<void> {
    await this.disk('deleteResource', { resIdList })
  }

  /** A resource, counting a view (opening its preview). */
  viewResource(resId: string): Promise<LibraryResource> {
    return this.disk('viewResource', { resId })
  }

  /** A resource without counting a view. */
  resourceInfo(resId: string): Promise<LibraryResource> {
    return this.disk('resourceInfo', { resId })
  }

  /** A stored resource's content, counting a download (the server redirects to the file). */
  async downloadResource(resId: string): Promise<Blob> {
    return (await this.raw('GET', '/onlineDisk/downloadResource' + queryString({ resId }))) ?? new Blob()
  }

  /** One mark (1–5) per rater; answers the new average. */
  async markResource(resId: string, mark: number): Promise<number> {
    return (await this.disk<{ score: number }>('markResource', { resId, mark })).score
  }

  /** Makes a stored resource a film's poster, icon (pictures) or film file (a video). */
  useResourceForMovie(resId: string, movieId: string, usage: MovieUsage): Promise<UsedForMovie> {
    return this.disk('useResourceForMovie', { resId, movieId, usage })
  }

  /** The absolute URL of an API path, where the transport has one (see {@link Transport.url}). */
  url(path: string): string | null {
    return this.transport.url(path)
  }

  /** The bearer header value, for uploads that talk to the server themselves (tus). */
  authorization(): string {
    return this.token ? `Bearer ${this.token}` : ''
  }
}

function modelQuery(q: ModelQuery): string {
  return queryString({ id: q.id, model_code: q.modelCode, name: q.name, vendor: q.vendor, ...paging(q) })
}
