/**
 * The shapes of the REST API of `cinedesk serve` (seed 000 field names, exactly as on the wire),
 * and of the desktop-only calls of the Rust shell. Pages use these through ./http.ts and
 * ./tauri.ts; every failure rejects with an {@link ApiError} (./errors.ts).
 */

/** `GET /cms/app_info` (public). */
export interface AppInfo {
  version: string
  /** Where the embedded database lives; a server does not say. */
  dataDir?: string
  /** false on first run: no user exists yet and the first SYS_ADMIN must be created. */
  hasUsers: boolean
  mode: 'embedded' | 'server' | 'remote'
}

/** A logged-in session. `role` is a comma list such as "SYS_ADMIN,MANAGER". */
export interface Session {
  token: string
  userID: string
  name: string
  role: string
}

export interface SetupAdminInput {
  name: string
  alias: string
  password: string
}

export interface LoginInput {
  alias: string
  password: string
}

/** One entry of a system enumeration; `name` is Chinese. */
export interface EnumItem {
  id: string
  name: string
  isDefault?: boolean
}

export interface SysEnums {
  movieCountryList: EnumItem[]
  movieCategoryList: EnumItem[]
  cinemaRegionList: EnumItem[]
  userRoleList: EnumItem[]
  movieTypeList: EnumItem[]
}

/** The editable enumeration kinds (`PUT /cms/sys_params/enum/{kind}/{id}`). */
export type EnumKind = 'MOVIE_COUNTRY' | 'MOVIE_CATEGORY' | 'CINEMA_REGION' | 'USER_ROLE'

/** A page of results. */
export interface Page<T> {
  totalCount: number
  itemList: T[]
}

/** `start`/`limit` of every list (0/20 by default, limit at most 1000). */
export interface Paging {
  start?: number
  limit?: number
}

// ---- cinemas ----------------------------------------------------------------------------

export interface Cinema {
  cinemaID: string
  cinemaCode: string
  name: string
  numberOfHalls: number
  regionID: string
  comsMACAddr: string | null
  comsIPAddr: string | null
  description: string | null
  /** Epoch ms of the COMS' last poll; null if it never connected. */
  comsLastSeen: number | null
}

export interface CinemaQuery extends Paging {
  regionID?: string
  cinemaCode?: string
  cinemaID?: string[]
  /** Substring of the name. */
  name?: string
}

/** Create: the seed's required fields; update: a patch (absent keeps, '' clears an optional field). */
export interface CinemaInput {
  cinemaCode?: string
  name?: string
  numberOfHalls?: number
  regionID?: string
  comsMACAddr?: string
  comsIPAddr?: string
  description?: string
}

/** What deleting cinemas would take with it. */
export interface CinemaDeletionImpact {
  cinemas: number
  halls: number
  vrClients: number
  distributions: number
  pendingMessages: number
}

/** `POST /cms/cinemas/{id}/api_keys`: the secret is shown this once. */
export interface ApiKey {
  apikey: string
  secretkey: string
}

export interface ApiKeyInfo {
  apikey: string
  cinemaID: string
  createTime: number
  revokeTime: number | null
}

// ---- halls ------------------------------------------------------------------------------

export interface Hall {
  hallID: string
  hallCode: string
  name: string
  cinemaID: string
  numberOfSeats: number
}

export interface HallQuery extends Paging {
  cinemaID?: string
  hallID?: string[]
  hallCode?: string
}

export interface HallInput {
  hallCode?: string
  name?: string
  cinemaID?: string
  numberOfSeats?: number
}

/** The print sheet of a hall's seat QR codes (branch qr). */
export interface QrSheetOptions {
  format: 'pdf' | 'zip'
  perPage: 1 | 4 | 12
}

// ---- seats (VR clients) -----------------------------------------------------------------

export const SEAT_STATUSES = ['SHUT_DOWN', 'IDLE', 'IN_VOD', 'PLAYING', 'ERROR'] as const
export type SeatStatus = (typeof SEAT_STATUSES)[number]

export interface VrClient {
  clientID: string
  cinemaID: string
  hallID: string
  sceneNumber: string
  status: SeatStatus
  seatNumber: string
  hostModel: string | null
  seatModel: string | null
  HMDModel: string | null
  MACAddr: string | null
  IPAddr: string
  description: string | null
}

export interface VrClientQuery extends Paging {
  clientID?: string[]
  cinemaID?: string
  hallID?: string
  status?: SeatStatus
}

export interface VrClientInput {
  hallID?: string
  sceneNumber?: string
  status?: SeatStatus
  seatNumber?: string
  hostModel?: string
  seatModel?: string
  HMDModel?: string
  MACAddr?: string
  IPAddr?: string
  description?: string
}

// ---- films ------------------------------------------------------------------------------

export const MOVIE_TYPES = ['MOVIE', 'GUIDE', 'AD'] as const
export type MovieType = (typeof MOVIE_TYPES)[number]

export interface Movie {
  movieID: string
  name: string
  movieCode: string
  /** Minutes. */
  duration: number
  description: string
  type: MovieType
  /** Comma list of category ids. */
  category: string
  country: string
  fileID: string | null
  iconID: string | null
  posterID: string | null
  iconURL: string
  posterURL: string
  /** Epoch ms as a string (as the seed writes it), or null. */
  scheduleStart: string | null
  scheduleEnd: string | null
  numOfPraise: number
  numOfView: number
  online: boolean
  weixinURL: string | null
  /** Fen. */
  price: number
  isHot: boolean
  /** Only with `open_id`: whether that WeChat user praised it. */
  praised?: boolean
}

export const MOVIE_ORDER_PARAMS = [
  'scheduleStart',
  'scheduleEnd',
  'name',
  'movieCode',
  'duration',
  'price',
  'numOfPraise',
  'numOfView',
  'createTime',
] as const
export type MovieOrderParam = (typeof MOVIE_ORDER_PARAMS)[number]

export interface MovieQuery extends Paging {
  movieID?: string[]
  openID?: string
  cinemaID?: string
  /** Fuzzy. */
  name?: string
  movieCode?: string
  type?: MovieType
  category?: string
  country?: string
  online?: boolean
  orderParam?: MovieOrderParam
  orderSeq?: 'asc' | 'desc'
}

export interface MovieInput {
  name?: string
  movieCode?: string
  duration?: number
  description?: string
  type?: MovieType
  category?: string
  country?: string
  fileID?: string
  iconID?: string
  posterID?: string
  scheduleStart?: number | string
  scheduleEnd?: number | string
  online?: boolean
  weixinURL?: string
  price?: number
  isHot?: boolean
}

export interface DistributionOutcome {
  addedCinemaIDList: string[]
  alreadyCinemaIDList: string[]
}

// ---- VOD tasks --------------------------------------------------------------------------

export const VOD_STATUSES = ['PENDING', 'ACCEPTED', 'PLAYING', 'COMPLETED', 'CANCELLED', 'FAILED'] as const
export type VodStatus = (typeof VOD_STATUSES)[number]

export interface VodTaskMovie {
  id: string
  name: string
  movieCode: string
  duration: number
  fileID: string | null
}

export interface VodTask {
  taskID: string
  clientID: string
  cinemaID: string
  hallID: string
  seatNumber: string
  openID: string | null
  status: VodStatus
  movieList: VodTaskMovie[]
  createTime: number
  updateTime: number
}

export interface VodTaskQuery extends Paging {
  taskID?: string[]
  cinemaID?: string
  clientID?: string
  status?: VodStatus
}

export interface VodTaskInput {
  movieList: Array<{ id: string }>
  clientID: string
  openID?: string
}

// ---- COMS channel -----------------------------------------------------------------------

export interface ComsMessage {
  messageID: string
  type: 'NEW_MOVIE' | 'NEW_VOD_TASK'
  message: Record<string, unknown>
}

// ---- users ------------------------------------------------------------------------------

export interface User {
  userID: string
  name: string
  alias: string
  iconID: string | null
  iconURL: string
  role: string
  createTime: number
}

export interface UserQuery extends Paging {
  userID?: string[]
  alias?: string
  name?: string
  role?: string
}

export interface UserInput {
  name?: string
  alias?: string
  iconID?: string
  role?: string
  password?: string
}

// ---- catalogues -------------------------------------------------------------------------

export interface HmdModel {
  hmdModelID: string
  modelCode: string
  name: string
  vendor: string | null
  description: string | null
  /** Per eye, "2160x2160". */
  resolution: string | null
  refreshRateHz: number | null
  fieldOfViewDeg: number | null
  weightG: number | null
}

export interface HmdModelInput {
  modelCode?: string
  name?: string
  vendor?: string
  description?: string
  resolution?: string
  refreshRateHz?: number
  fieldOfViewDeg?: number
  weightG?: number
}

export const SEAT_EFFECTS = ['WIND', 'VIBRATION', 'WATER', 'SCENT', 'LEG_SWEEP', 'BACK_POKE', 'HEAT', 'SNOW'] as const
export type SeatEffect = (typeof SEAT_EFFECTS)[number]

export interface SeatModel {
  seatModelID: string
  modelCode: string
  name: string
  vendor: string | null
  description: string | null
  degreesOfFreedom: number | null
  maxLoadKg: number | null
  effects: SeatEffect[]
}

export interface SeatModelInput {
  modelCode?: string
  name?: string
  vendor?: string
  description?: string
  degreesOfFreedom?: number
  maxLoadKg?: number
  effects?: SeatEffect[]
}

export interface ModelQuery extends Paging {
  id?: string[]
  modelCode?: string
  name?: string
  vendor?: string
}

// ---- settings and files -----------------------------------------------------------------

/** `GET/PUT /cms/settings`: installation settings kept in the database. */
export interface ServerSettings {
  /** Holds `{sceneNumber}`. */
  qrUrlTemplate: string
}

/** The business area a file belongs to (seed §11.1). */
export type FileDomain = 'CINEMA' | 'HALL' | 'VR_CLIENT' | 'MOVIE' | 'USER' | 'RESOURCE'

/** `GET /cms/upload/oss_policy?domain=` (seed §11.1). */
export interface OssPolicy {
  accessid: string
  host: string
  policy: string
  signature: string
  expire: number
  callback: string
  dir: string
}

/** What the upload host answers (seed §11.2). */
export interface OssUploadResult {
  isSuccess: boolean
  fileID: string
  Info: string
}

// ---- resource library (seed 004, /onlineDisk/*) -----------------------------------------

/** Seed 004's envelope: `result` "000000" and `data` on success; "100000" with `info`/`code` on failure. */
export interface DiskEnvelope<T> {
  result: string
  resultDesc?: string
  data: T
  info?: string
  code?: string
  field?: string
}

/** "0" a user's personal space, "1" a cinema's (the seed's group), "2" the chain's (organisation). */
export type OwnerType = '0' | '1' | '2'

/** The seed's way of naming a space: `ownerType` with `userId`, `groupId` or `orgId`. */
export interface SpaceRef {
  ownerType: OwnerType
  userId?: string
  groupId?: string
  orgId?: string
}

/** A space the caller may use (`querySpaces`). */
export interface LibrarySpace {
  ownerType: OwnerType
  ownerId: string
  name: string
  writable: boolean
}

export interface LibrarySpaces {
  list: LibrarySpace[]
  /** The chain's organisation id. */
  orgId: string
}

export interface LibraryFolder {
  dirId: string
  dirName: string
  /** "0" at the space's root. */
  parentId: string
  ownerType: OwnerType
  ownerId: string
  createdBy: string
  createTime: string
  modifyTime: string
}

/** What a recursive folder delete took with it. */
export interface FolderDeletion {
  folders: number
  resources: number
}

/** xkzyList's `resType`: 0 other (or, as a filter, all), 1 picture, 2 document, 3 video, 4 audio, 5 animation. */
export const RES_TYPES = [0, 1, 2, 3, 4, 5] as const
export type ResType = (typeof RES_TYPES)[number]

/** xkzyList's orders, all descending. */
export const RESOURCE_ORDERS = ['viewCount', 'downCount', 'createTime', 'fileLength', 'marks'] as const
export type ResourceOrder = (typeof RESOURCE_ORDERS)[number]

/** A resource as viewed (`viewResource`, `resourceInfo`). */
export interface LibraryResource {
  resId: string
  title: string
  keyword: string
  intro: string
  /** "1" a stored file, "2" a network URL. */
  resForm: string
  fid: string | null
  url: string | null
  resType: ResType
  fileName: string
  fileExt: string
  fileLength: number
  fileSize: string
  mimeType: string
  ownerType: OwnerType
  ownerId: string
  parentId: string
  userId: string
  userName: string
  canRemoved: string
  viewCount: number
  downCount: number
  score: number
  marksCount: number
  createTime: string
  modifyTime: string
  /** Epoch ms. */
  createdAt: number
  /** The first thumbnail or snapshot, "" until processing made one. */
  imageUrl: string
  thumbnailUrlList: string[]
  /** The stored file (`/cms/files/{fid}`) or the network URL. */
  previewUrl: string
  downloadUrl: string
}

/** One resource of an xkzyList page (the seed's listing shape; the fields the pages use). */
export interface ResourceProduct {
  resId: string
  title: string
  keyword: string
  intro: string
  resForm: string
  fid: string | null
  url: string | null
  resType: ResType
  fileName: string
  fileExt: string
  fileLength: number
  fileSize: string
  userName: string
  viewCount: number
  downCount: number
  score: number
  marksCount: number
  createTime: string
  imageUrl: string
  previewUrl: string
  downloadUrl: string
  ownerType: OwnerType
  ownerId: string
  parentId: string
}

export interface ResourcePage {
  totalCount: number
  productList: ResourceProduct[]
}

/** A listing of the library (sent as xkzyList's `{page, query}`). */
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

/** createResource's body (seed 004 §3.1; the fields the pages send). */
export interface ResourceInput extends SpaceRef {
  title: string
  /** "1" a stored file (`fid`), "2" a network URL (`url`). */
  resForm: '1' | '2'
  fid?: string
  url?: string
  keyword?: string
  intro?: string
  parentId?: string
}

/** updateResource's body: what is given changes; `parentId` moves it to another folder of its space. */
export interface ResourcePatch {
  resId: string
  title?: string
  keyword?: string
  intro?: string
  parentId?: string
}

export const MOVIE_USAGES = ['poster', 'icon', 'film'] as const
export type MovieUsage = (typeof MOVIE_USAGES)[number]

/** The film after `useResourceForMovie`. */
export interface UsedForMovie {
  movieID: string
  fileID: string
  usage: MovieUsage
}
