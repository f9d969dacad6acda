import { ApiError, NO_BACKEND, toApiError, type ApiErrorCode } from './errors'
import { FetchTransport, type HttpMethod, type Transport } from './transport'
import type {
  Answer,
  ApiKeyInfo,
  AppInfo,
  AuditEntry,
  AuditFilter,
  AuditQuery,
  Body,
  CinemaDeliveryQuery,
  CinemaQuery,
  CommandAction,
  DiskEnvelope,
  EnumKind,
  FileDomain,
  FolderDeletion,
  HallQuery,
  LibraryFolder,
  LibraryResource,
  LibrarySpaces,
  LoginInput,
  ModelQuery,
  MovieDeliveryQuery,
  Query,
  MovieQuery,
  MovieUsage,
  QrSheetOptions,
  ResourceInput,
  ResourcePage,
  ResourcePatch,
  ResourceQuery,
  SeatQrOptions,
  SessionInfo,
  SpaceRef,
  UsedForMovie,
  UserQuery,
  VodStatus,
  VodTaskQuery,
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
const STATUS_CODES: Partial<Record<number, ApiErrorCode>> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  429: 'too_many_requests',
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
    if (res.retryAfter !== undefined) error.retryAfter = res.retryAfter
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

  login(input: LoginInput): Promise<Answer<'login'>> {
    return this.call('POST', '/cms/login', { alias: input.alias, password: input.password })
  }

  /** The user the session belongs to, with the cinemas and regions it may work on. */
  me(): Promise<Answer<'me'>> {
    return this.call('GET', '/cms/me')
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

  sysEnums(): Promise<Answer<'get_enums'>> {
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

  // ---- alerts -------------------------------------------------------------------------------

  /** The caller's notifications (its cinemas only), newest first. */
  notifications(q: { start?: number; limit?: number; unread?: boolean } = {}): Promise<Answer<'list_notifications'>> {
    return this.call('GET', `/cms/notifications${queryString({ start: q.start, limit: q.limit, unread: q.unread || undefined })}`)
  }

  async unreadNotifications(): Promise<number> {
    return (await this.call<Answer<'count_unread_notifications'>>('GET', '/cms/notifications/_count')).unreadCount
  }

  async readNotification(id: string): Promise<void> {
    await this.call('POST', `/cms/notifications/${enc(id)}/_read`, {})
  }

  async readAllNotifications(): Promise<void> {
    await this.call('POST', '/cms/notifications/_read', {})
  }

  alertRules(): Promise<Answer<'get_alert_rules'>> {
    return this.call('GET', '/cms/alert_rules')
  }

  putAlertRules(rules: Body<'put_alert_rules'>): Promise<Answer<'put_alert_rules'>> {
    return this.call('PUT', '/cms/alert_rules', rules)
  }

  webhooks(): Promise<Answer<'list_webhooks'>> {
    return this.call('GET', '/cms/webhooks')
  }

  async createWebhook(body: Body<'create_webhook'>): Promise<string> {
    return (await this.call<Answer<'create_webhook'>>('POST', '/cms/webhooks', body)).webhookID
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.call('DELETE', `/cms/webhooks/${enc(id)}`)
  }

  testWebhook(id: string): Promise<Answer<'test_webhook'>> {
    return this.call('POST', `/cms/webhooks/${enc(id)}/_test`, {})
  }

  settings(): Promise<Answer<'get_settings'>> {
    return this.call('GET', '/cms/settings')
  }

  async putSettings(settings: Body<'put_settings'>): Promise<void> {
    await this.call('PUT', '/cms/settings', settings)
  }

  // ---- backups and storage (SYS_ADMIN) -------------------------------------------------------

  backupStatus(): Promise<Answer<'get_backup_status'>> {
    return this.call('GET', '/cms/backups/status')
  }

  putBackupSettings(settings: Body<'put_backup_settings'>): Promise<Answer<'put_backup_settings'>> {
    return this.call('PUT', '/cms/backups/settings', settings)
  }

  /** The snapshots of `folder` (else the configured backup folder), newest first. */
  listBackups(folder?: string): Promise<Answer<'list_backups'>> {
    return this.call('GET', '/cms/backups' + queryString({ folder }))
  }

  createBackup(folder?: string): Promise<Answer<'create_backup'>> {
    return this.call('POST', '/cms/backups', folder ? { folder } : {})
  }

  /** Every session ends with a restore: the caller logs in again. */
  restoreBackup(snapshot: string, folder?: string): Promise<Answer<'restore_backup'>> {
    return this.call('POST', '/cms/backups/_restore', folder ? { folder, snapshot } : { snapshot })
  }

  storage(): Promise<Answer<'get_storage'>> {
    return this.call('GET', '/cms/storage')
  }

  orphanFiles(q: Query<'list_orphan_files'> = {}): Promise<Answer<'list_orphan_files'>> {
    return this.call('GET', '/cms/storage/orphans' + queryString(q))
  }

  reclaimFiles(fileIDList: string[]): Promise<Answer<'reclaim_files'>> {
    return this.call('POST', '/cms/storage/_reclaim', { fileIDList })
  }

  // ---- cinemas ------------------------------------------------------------------------------

  listCinemas(q: CinemaQuery = {}): Promise<Answer<'list_cinemas'>> {
    return this.call('GET', '/cms/cinemas' + queryString(q))
  }

  getCinema(id: string): Promise<Answer<'get_cinema'>> {
    return this.call('GET', `/cms/cinemas/${enc(id)}`)
  }

  createCinema(input: Body<'create_cinema'>): Promise<Answer<'create_cinema'>> {
    return this.call('POST', '/cms/cinemas', input)
  }

  async updateCinema(id: string, input: Body<'update_cinema'>): Promise<void> {
    await this.call('PUT', `/cms/cinemas/${enc(id)}`, input)
  }

  async deleteCinemas(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/cinemas' + queryString({ cinema_id: ids }))
  }

  cinemaDeletionImpact(ids: string[]): Promise<Answer<'cinema_deletion_impact'>> {
    return this.call('GET', '/cms/cinemas/_deletion_impact' + queryString({ cinema_id: ids }))
  }

  async listApiKeys(cinemaID: string): Promise<ApiKeyInfo[]> {
    return (await this.call<Answer<'list_api_keys'>>('GET', `/cms/cinemas/${enc(cinemaID)}/api_keys`)).itemList
  }

  createApiKey(cinemaID: string): Promise<Answer<'create_api_key'>> {
    return this.call('POST', `/cms/cinemas/${enc(cinemaID)}/api_keys`)
  }

  async revokeApiKey(cinemaID: string, apikey: string): Promise<void> {
    await this.call('DELETE', `/cms/cinemas/${enc(cinemaID)}/api_keys/${enc(apikey)}`)
  }

  /** One long poll of a cinema's COMS queue (seed §6), as the COMS would; null on 204. */
  pollComs(cinemaID: string, opts: { timeout?: number; ack?: string } = {}): Promise<Answer<'long_poll'> | null> {
    return this.call('GET', `/cms/long_poll/${enc(cinemaID)}` + queryString({ timeout: opts.timeout, ack: opts.ack }))
  }

  // ---- halls --------------------------------------------------------------------------------

  listHalls(q: HallQuery = {}): Promise<Answer<'list_halls'>> {
    return this.call('GET', '/cms/halls' + queryString(q))
  }

  getHall(id: string): Promise<Answer<'get_hall'>> {
    return this.call('GET', `/cms/halls/${enc(id)}`)
  }

  createHall(input: Body<'create_hall'>): Promise<Answer<'create_hall'>> {
    return this.call('POST', '/cms/halls', input)
  }

  async updateHall(id: string, input: Body<'update_hall'>): Promise<void> {
    await this.call('PUT', `/cms/halls/${enc(id)}`, input)
  }

  async deleteHalls(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/halls' + queryString({ hall_id: ids }))
  }

  /** The hall's printable QR sheet: a PDF, or a ZIP of one PNG per seat. */
  async hallQrSheet(hallID: string, opts: QrSheetOptions): Promise<Blob> {
    const path = `/cms/halls/${enc(hallID)}/qr_sheet` + queryString(opts)
    return (await this.raw('GET', path)) ?? new Blob()
  }

  // ---- seats --------------------------------------------------------------------------------

  listVrClients(q: VrClientQuery = {}): Promise<Answer<'list_vr_clients'>> {
    return this.call('GET', '/cms/vr_clients' + queryString(q))
  }

  getVrClient(id: string): Promise<Answer<'get_vr_client'>> {
    return this.call('GET', `/cms/vr_clients/${enc(id)}`)
  }

  createVrClient(input: Body<'create_vr_client'>): Promise<Answer<'create_vr_client'>> {
    return this.call('POST', '/cms/vr_clients', input)
  }

  /** All or none. */
  async createVrClients(inputs: Body<'create_vr_clients'>): Promise<string[]> {
    return (await this.call<Answer<'create_vr_clients'>>('POST', '/cms/vr_clients/_batch', inputs)).clientIDList
  }

  async updateVrClient(id: string, input: Body<'update_vr_client'>): Promise<void> {
    await this.call('PUT', `/cms/vr_clients/${enc(id)}`, input)
  }

  async deleteVrClients(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/vr_clients' + queryString({ client_id: ids }))
  }

  async regenerateScene(id: string): Promise<string> {
    return (await this.call<Answer<'regenerate_scene_number'>>('POST', `/cms/vr_clients/${enc(id)}/_regenerate_scene`)).sceneNumber
  }

  async seatQrCode(id: string, opts: SeatQrOptions): Promise<Blob> {
    const path = `/cms/vr_clients/${enc(id)}/qr_code` + queryString(opts)
    return (await this.raw('GET', path)) ?? new Blob()
  }

  // ---- films --------------------------------------------------------------------------------

  listMovies(q: MovieQuery = {}): Promise<Answer<'list_movies'>> {
    return this.call('GET', '/cms/movies' + queryString(q))
  }

  getMovie(id: string): Promise<Answer<'get_movie'>> {
    return this.call('GET', `/cms/movies/${enc(id)}`)
  }

  createMovie(input: Body<'create_movie'>): Promise<Answer<'create_movie'>> {
    return this.call('POST', '/cms/movies', input)
  }

  async updateMovie(id: string, input: Body<'update_movie'>): Promise<void> {
    await this.call('PUT', `/cms/movies/${enc(id)}`, input)
  }

  async deleteMovies(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/movies' + queryString({ movie_id: ids }))
  }

  /** Answers the new praise count. */
  async praiseMovie(id: string, openID?: string): Promise<number> {
    const path = `/cms/movies/${enc(id)}/_praise` + queryString({ open_id: openID })
    return (await this.call<Answer<'praise_movie'>>('POST', path)).numOfPraise
  }

  distributeMovie(id: string, cinemaIDList: string[]): Promise<Answer<'distribute_movie'>> {
    return this.call('POST', `/cms/movies/${enc(id)}/_distribute`, { cinemaIDList })
  }

  /** The cinemas a film is already distributed to. */
  async movieCinemas(id: string): Promise<string[]> {
    return (await this.call<Answer<'movie_cinemas'>>('GET', `/cms/movies/${enc(id)}/cinemas`)).cinemaIDList
  }

  /** Withdraws a film from cinemas (all or nothing): each gets MOVIE_WITHDRAWN. */
  withdrawMovie(id: string, cinemaIDList: string[]): Promise<Answer<'withdraw_movie'>> {
    return this.call('DELETE', `/cms/movies/${enc(id)}/_distribute`, { cinemaIDList })
  }

  // ---- deliveries and commands (what the sites were sent and what they said) ---------------

  /** A film's delivery board: a page of its cinemas and the counts per state of all of them. */
  movieDeliveries(id: string, q: MovieDeliveryQuery = {}): Promise<Answer<'movie_deliveries'>> {
    return this.call('GET', `/cms/movies/${enc(id)}/deliveries` + queryString(q))
  }

  /** A cinema's films as its delivery board. */
  cinemaDeliveries(cinemaID: string, q: CinemaDeliveryQuery = {}): Promise<Answer<'cinema_deliveries'>> {
    return this.call('GET', `/cms/cinemas/${enc(cinemaID)}/deliveries` + queryString(q))
  }

  /** Sends a film's message to these cinemas again (their deliveries start over). */
  async retryDeliveries(movieID: string, cinemaIDList: string[]): Promise<void> {
    await this.call('POST', `/cms/movies/${enc(movieID)}/deliveries/_retry`, { cinemaIDList })
  }

  /** Answers the new command's id. */
  async sendCommand(cinemaID: string, action: CommandAction, clientIDList: string[]): Promise<string> {
    const path = `/cms/cinemas/${enc(cinemaID)}/commands`
    return (await this.call<Answer<'send_command'>>('POST', path, { action, clientIDList })).commandID
  }

  getCommand(commandID: string): Promise<Answer<'get_command'>> {
    return this.call('GET', `/cms/commands/${enc(commandID)}`)
  }

  /** A cinema's commands, newest first. */
  listCommands(cinemaID: string, q: { start?: number; limit?: number } = {}): Promise<Answer<'list_commands'>> {
    return this.call('GET', `/cms/cinemas/${enc(cinemaID)}/commands` + queryString(q))
  }

  // ---- VOD tasks ----------------------------------------------------------------------------

  listVodTasks(q: VodTaskQuery = {}): Promise<Answer<'list_vod_tasks'>> {
    return this.call('GET', '/cms/vod_tasks' + queryString(q))
  }

  getVodTask(id: string): Promise<Answer<'get_vod_task'>> {
    return this.call('GET', `/cms/vod_tasks/${enc(id)}`)
  }

  createVodTask(input: Body<'create_vod_task'>): Promise<Answer<'create_vod_task'>> {
    return this.call('POST', '/cms/vod_tasks', input)
  }

  /** Moves a task along its lifecycle; `reason` is kept in its history (a cancel tells the seat). */
  async setVodTaskStatus(id: string, status: VodStatus, reason?: string): Promise<void> {
    await this.call('PUT', `/cms/vod_tasks/${enc(id)}`, reason ? { status, reason } : { status })
  }

  // ---- users --------------------------------------------------------------------------------

  listUsers(q: UserQuery = {}): Promise<Answer<'list_users'>> {
    return this.call('GET', '/cms/users' + queryString(q))
  }

  getUser(id: string): Promise<Answer<'get_user'>> {
    return this.call('GET', `/cms/users/${enc(id)}`)
  }

  createUser(input: Body<'create_user'>): Promise<Answer<'create_user'>> {
    return this.call('POST', '/cms/users', input)
  }

  async updateUser(id: string, input: Body<'update_user'>): Promise<void> {
    await this.call('PUT', `/cms/users/${enc(id)}`, input)
  }

  async deleteUser(id: string): Promise<void> {
    await this.call('DELETE', `/cms/users/${enc(id)}`)
  }

  async deleteUsers(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/users' + queryString({ user_id: ids }))
  }

  // ---- sessions -----------------------------------------------------------------------------

  /** The live sessions of the caller, or of `userID` (a SYS_ADMIN's question). */
  listSessions(userID?: string): Promise<SessionInfo[]> {
    return this.call('GET', '/cms/sessions' + queryString({ user_id: userID }))
  }

  async endSession(sessionID: string): Promise<void> {
    await this.call('DELETE', `/cms/sessions/${enc(sessionID)}`)
  }

  // ---- audit log ----------------------------------------------------------------------------

  async listAudit(q: AuditQuery = {}): Promise<{ totalCount: number; itemList: AuditEntry[] }> {
    return this.call('GET', '/cms/audit' + queryString(q))
  }

  /** Every entry the filters select, as the server's CSV file. */
  async exportAudit(q: AuditFilter = {}): Promise<Blob> {
    return (await this.raw('GET', '/cms/audit/_export' + queryString(q))) ?? new Blob()
  }

  // ---- catalogues ---------------------------------------------------------------------------

  listHmdModels(q: ModelQuery = {}): Promise<Answer<'list_hmd_models'>> {
    return this.call('GET', '/cms/hmd_models' + queryString(q))
  }

  createHmdModel(input: Body<'create_hmd_model'>): Promise<Answer<'create_hmd_model'>> {
    return this.call('POST', '/cms/hmd_models', input)
  }

  async updateHmdModel(id: string, input: Body<'update_hmd_model'>): Promise<void> {
    await this.call('PUT', `/cms/hmd_models/${enc(id)}`, input)
  }

  async deleteHmdModels(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/hmd_models' + queryString({ id: ids }))
  }

  listSeatModels(q: ModelQuery = {}): Promise<Answer<'list_seat_models'>> {
    return this.call('GET', '/cms/seat_models' + queryString(q))
  }

  createSeatModel(input: Body<'create_seat_model'>): Promise<Answer<'create_seat_model'>> {
    return this.call('POST', '/cms/seat_models', input)
  }

  async updateSeatModel(id: string, input: Body<'update_seat_model'>): Promise<void> {
    await this.call('PUT', `/cms/seat_models/${enc(id)}`, input)
  }

  async deleteSeatModels(ids: string[]): Promise<void> {
    await this.call('DELETE', '/cms/seat_models' + queryString({ id: ids }))
  }

  // ---- files (seed §11) ---------------------------------------------------------------------

  ossPolicy(domain: FileDomain): Promise<Answer<'oss_policy'>> {
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
    const query: NonNullable<Body<'list_resources'>['query']> = { ...q.space }
    if (q.parentId) query.parentId = q.parentId
    if (q.keyword?.trim()) query.keyword = q.keyword.trim()
    if (q.resType) query.resType = String(q.resType)
    if (q.orderBy) query.orderBy = q.orderBy
    const body: Body<'list_resources'> = { page: { curPage: String(q.page ?? 1), numPerPage: String(q.perPage ?? 20) }, query }
    return this.disk('xkzyList', body)
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
