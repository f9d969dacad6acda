/**
 * The shapes of the REST API of `cinedesk serve`, taken from its OpenAPI document: `./generated/`
 * is generated from the route table (`npm --prefix ui run gen:types`; the test command fails when
 * it is stale), so a route whose request or answer changes shows up here as a type error.
 *
 * Written by hand below are only what the document cannot say: unions that the server keeps as
 * plain strings on the wire (film types, seat effects, library owner types …) with their lists
 * for the pages, and the shape of what the desktop shell adds (first-run admin, app modes).
 * Lists of values the document does enumerate (seat and VOD states, film usages) are checked
 * against it, so a value added or dropped there fails the type check until the list follows.
 */
import type { components, operations } from './generated/openapi'

type Schemas = components['schemas']

/** A schema of the document by name (`Schema<'Cinema'>`). */
export type Schema<K extends keyof Schemas> = Schemas[K]

/** The query parameters of an operation (by its `operationId`), as the wire spells them. */
export type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>

/** The JSON body of an operation. */
export type Body<Op extends keyof operations> = operations[Op] extends { requestBody?: { content: { 'application/json': infer B } } }
  ? B
  : never

/** The JSON answer of an operation's success. */
export type Answer<Op extends keyof operations> = operations[Op]['responses'] extends { 200: { content: { 'application/json': infer A } } }
  ? A
  : never

/**
 * `values` as a list of every member of the union `T`, checked both ways: a value outside `T`,
 * or a member of `T` left out, is a type error here.
 */
function everyOf<T extends string>() {
  return <const A extends readonly T[]>(values: A & ([T] extends [A[number]] ? unknown : 'is missing a value')): A => values
}

// ---- session, enumerations, settings ----------------------------------------------------------

/** How the UI reaches the core: a server, or the desktop's own embedded core or a remote server. */
export type AppMode = 'embedded' | 'server' | 'remote'

/** `GET /cms/app_info`; the desktop's answer also names the mode it runs in and its data dir. */
export type AppInfo = Omit<Schema<'AppInfo'>, 'mode'> & {
  mode: AppMode
  /** Where the embedded database lives; a server does not say. */
  dataDir?: string
}

/** A logged-in session. `role` is a comma list such as "SYS_ADMIN,MANAGER". */
export type Session = Schema<'Session'>
export type LoginInput = Required<{ [K in keyof Schema<'Credentials'>]: string }>

/** The desktop's first run (a Tauri command): the first SYS_ADMIN of the embedded database. */
export interface SetupAdminInput {
  name: string
  alias: string
  password: string
}

/** One entry of a system enumeration; `name` is Chinese. */
export type EnumItem = Schema<'EnumValue'>
export type SysEnums = Schema<'SysEnums'>

/** The editable enumeration kinds (`PUT /cms/sys_params/enum/{kind}/{id}`). */
export type EnumKind = 'MOVIE_COUNTRY' | 'MOVIE_CATEGORY' | 'CINEMA_REGION' | 'USER_ROLE'

/** The notification centre's items, the alert rules and the chain's webhooks (issue 13). */
export type AppNotification = Schema<'Notification'>
export type AlertKind = Schema<'AlertKind'>
export type AlertRules = Schema<'AlertRules'>
export type Webhook = Schema<'Webhook'>
export type WebhookFormat = Schema<'WebhookFormat'>
export const WEBHOOK_FORMATS = everyOf<WebhookFormat>()(['JSON', 'WECOM', 'DINGTALK'])

/** `GET/PUT /cms/settings`: installation settings kept in the database. */
export type ServerSettings = Schema<'Settings'>

/** Backups (`/cms/backups*`) and storage (`/cms/storage*`), SYS_ADMIN. */
export type BackupStatus = Schema<'BackupStatus'>
export type SnapshotInfo = Schema<'SnapshotInfo'>
export type StorageUse = Schema<'StorageUse'>
export type OrphanFile = Schema<'OrphanFile'>

/** A page of results, as every list route answers. */
export type Page<T> = { totalCount: number; itemList: T[] }

// ---- cinemas, halls, seats --------------------------------------------------------------------

export type Cinema = Schema<'Cinema'>
export type CinemaQuery = Query<'list_cinemas'>
/** Create: the seed's required fields; update: a patch (absent keeps, '' clears an optional field). */
export type CinemaInput = Schema<'CinemaInput'>
/** What deleting cinemas would take with it. */
export type CinemaDeletionImpact = Schema<'CinemaDeletionImpact'>
/** `POST /cms/cinemas/{id}/api_keys`: the secret is shown this once. */
export type ApiKey = Schema<'ApiKey'>
export type ApiKeyInfo = Schema<'ApiKeyInfo'>

export type Hall = Schema<'Hall'>
export type HallQuery = Query<'list_halls'>
export type HallInput = Schema<'HallInput'>
/** The print sheet of a hall's seat QR codes. */
export type QrSheetOptions = Required<Query<'hall_qr_sheet'>>

export type SeatStatus = Schema<'SeatStatus'>
export const SEAT_STATUSES = everyOf<SeatStatus>()(['SHUT_DOWN', 'IDLE', 'IN_VOD', 'PLAYING', 'ERROR'])

export type VrClient = Schema<'VrClient'>
export type VrClientQuery = Query<'list_vr_clients'>
export type VrClientInput = Schema<'VrClientInput'>
/** A fault a seat reported (raised on ERROR, cleared when it left it). */
export type SeatFault = Schema<'SeatFault'>

/** A command to a cinema's seats, sent to its COMS as COMMAND and answered by the site. */
export type Command = Schema<'Command'>
export type CommandAction = Schema<'CommandAction'>
export const COMMAND_ACTIONS = everyOf<CommandAction>()(['REBOOT', 'SHUTDOWN', 'WAKE_ON_LAN', 'STOP_PLAYBACK'])
export type CommandState = Schema<'CommandState'>
export const COMMAND_STATES = everyOf<CommandState>()(['PENDING', 'SENT', 'DONE', 'FAILED'])
export type SeatQrOptions = Query<'seat_qr_code'>

// ---- films and VOD tasks ----------------------------------------------------------------------

/** Film types (the document has them as a string; the server accepts only these). */
export const MOVIE_TYPES = ['MOVIE', 'GUIDE', 'AD'] as const
export type MovieType = (typeof MOVIE_TYPES)[number]

export type Movie = Schema<'Movie'>
export type MovieQuery = Query<'list_movies'>
export type MovieOrderParam = NonNullable<MovieQuery['order_param']>
export const MOVIE_ORDER_PARAMS = everyOf<MovieOrderParam>()([
  'scheduleStart',
  'scheduleEnd',
  'name',
  'movieCode',
  'duration',
  'price',
  'numOfPraise',
  'numOfView',
  'createTime',
])
export type MovieInput = Schema<'MovieInput'>
export type DistributionOutcome = Schema<'DistributionOutcome'>
export type WithdrawalOutcome = Schema<'WithdrawalOutcome'>

/** One (film, cinema) pair's delivery, and a board of them with the counts per state. */
export type Delivery = Schema<'Delivery'>
export type DeliveryState = Schema<'DeliveryState'>
export const DELIVERY_STATES = everyOf<DeliveryState>()(['QUEUED', 'SENT', 'DOWNLOADING', 'READY', 'FAILED', 'WITHDRAWN'])
export type DeliveryBoard = Schema<'DeliveryBoard'>
export type DeliveryCounts = Schema<'StateCounts'>
export type MovieDeliveryQuery = Query<'movie_deliveries'>
export type CinemaDeliveryQuery = Query<'cinema_deliveries'>

export type VodStatus = Schema<'VodStatus'>
export const VOD_STATUSES = everyOf<VodStatus>()(['PENDING', 'ACCEPTED', 'PLAYING', 'COMPLETED', 'CANCELLED', 'FAILED'])
export type VodTask = Schema<'VodTask'>
export type VodTaskQuery = Query<'list_vod_tasks'>
export type VodTaskInput = Schema<'VodTaskInput'>
/** One status a task took: when, by whom, why. */
export type VodTaskEvent = Schema<'VodTaskEvent'>

/** One message of a cinema's COMS queue (seed §6), its body by its type (issue 13). */
export type ComsMessage = Schema<'QueuedMessage'>

// ---- users and catalogues ---------------------------------------------------------------------

export type User = Schema<'User'>
export type UserQuery = Query<'list_users'>
export type UserInput = Schema<'UserInput'>

/** A live session as its user (or a SYS_ADMIN) sees it. */
export type SessionInfo = Schema<'SessionInfo'>

// ---- audit log --------------------------------------------------------------------------------

/** One entry of the audit log; `before`/`after` are the record as the API shows it. */
export type AuditEntry = Omit<Schema<'AuditEntry'>, 'before' | 'after'> & {
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
}
export type AuditQuery = Query<'list_audit'>
/** The filters of the audit log without paging (the CSV export takes these). */
export type AuditFilter = Query<'export_audit'>

export type HmdModel = Schema<'HmdModel'>
export type HmdModelInput = Schema<'HmdModelInput'>
export type SeatModel = Schema<'SeatModel'>
export type SeatModelInput = Schema<'SeatModelInput'>
/** The filters both catalogues take. */
export type ModelQuery = Query<'list_hmd_models'> & Query<'list_seat_models'>

/** Seat effects (the document lists them in prose; the server accepts only these). */
export const SEAT_EFFECTS = ['WIND', 'VIBRATION', 'WATER', 'SCENT', 'LEG_SWEEP', 'BACK_POKE', 'HEAT', 'SNOW'] as const
export type SeatEffect = (typeof SEAT_EFFECTS)[number]

// ---- files ------------------------------------------------------------------------------------

/** The business area a file belongs to (seed §11.1). */
export type FileDomain = Schema<'Domain'>
/** `GET /cms/upload/oss_policy?domain=` (seed §11.1). */
export type OssPolicy = Schema<'OssPolicy'>

/** What the upload host answers a seed §11.2 POST (its callback's answer, passed through). */
export interface OssUploadResult {
  isSuccess: boolean
  fileID: string
  Info: string
}

// ---- resource library (seed 004, /onlineDisk/*) -----------------------------------------------

/** Seed 004's envelope: `result` "000000" and `data` on success; "100000" with `info`/`code` on failure. */
export interface DiskEnvelope<T> {
  result: string
  resultDesc?: string
  data: T
  info?: string
  code?: Schema<'ErrorCode'>
  field?: string
}

/** "0" a user's personal space, "1" a cinema's (the seed's group), "2" the chain's (organisation). */
export type OwnerType = '0' | '1' | '2'

/** The seed's way of naming a space: `ownerType` with `userId`, `groupId` or `orgId`. */
export type SpaceRef = Omit<Schema<'SpaceRef'>, 'ownerType'> & { ownerType: OwnerType }

/** A space the caller may use (`querySpaces`). */
export type LibrarySpace = Omit<Schema<'SpaceInfo'>, 'ownerType'> & { ownerType: OwnerType }
export type LibrarySpaces = Omit<Schema<'Spaces'>, 'list'> & { list: LibrarySpace[] }

export type LibraryFolder = Omit<Schema<'Folder'>, 'ownerType'> & { ownerType: OwnerType }
/** What a recursive folder delete took with it. */
export type FolderDeletion = Schema<'FolderDeletion'>

/** xkzyList's `resType`: 0 other (or, as a filter, all), 1 picture, 2 document, 3 video, 4 audio, 5 animation. */
export const RES_TYPES = [0, 1, 2, 3, 4, 5] as const
export type ResType = (typeof RES_TYPES)[number]

/** xkzyList's orders, all descending. */
export const RESOURCE_ORDERS = ['viewCount', 'downCount', 'createTime', 'fileLength', 'marks'] as const
export type ResourceOrder = (typeof RESOURCE_ORDERS)[number]

/** A resource as viewed (`viewResource`, `resourceInfo`). */
export type LibraryResource = Omit<Schema<'Resource'>, 'ownerType' | 'resType'> & { ownerType: OwnerType; resType: ResType }

/** One resource of an xkzyList page (the seed's listing shape). */
export type ResourceProduct = Omit<Schema<'Product'>, 'ownerType' | 'resType'> & { ownerType: OwnerType; resType: ResType }
export type ResourcePage = Omit<Schema<'ResourcePage'>, 'productList'> & { productList: ResourceProduct[] }

/** A listing of the library as the pages ask for it (sent as xkzyList's `{page, query}`). */
export interface ResourceQuery {
  /** One space, and within it one folder ("0": its root). Absent: everything visible. */
  space?: SpaceRef
  parentId?: string
  keyword?: string
  /** 0 (or absent): every kind. */
  resType?: ResType
  orderBy?: ResourceOrder
  /** From 1. */
  page?: number
  /** 1 to 100. */
  perPage?: number
}

/** createResource's body (seed 004 §3.1). */
export type ResourceInput = Schema<'ResourceInput'> & SpaceRef & { resForm: '1' | '2' }

/** updateResource's body: what is given changes; `parentId` moves it to another folder of its space. */
export type ResourcePatch = Schema<'ResourcePatch'>

export type MovieUsage = Schema<'MovieUsage'>
export const MOVIE_USAGES = everyOf<MovieUsage>()(['poster', 'icon', 'film'])

/** The film after `useResourceForMovie`. */
export type UsedForMovie = Schema<'UsedForMovie'>
