/**
 * The one interface the pages use to reach the Cinedesk core.
 *
 * Today it is implemented over Tauri commands (./tauri.ts). The same core is also meant to be
 * served as a REST API ("server mode"); an HTTP implementation of this interface can then be
 * added beside tauri.ts and chosen in ./index.ts without touching any page.
 *
 * Rules that keep it transport-neutral:
 * - every method is async and takes/returns plain JSON data (no Tauri types leak out);
 * - the session token is an explicit argument (an HTTP client sends it as a header);
 * - every failure rejects with an {@link ApiError} (see ./errors.ts).
 */

/** `app_info()` */
export interface AppInfo {
  version: string
  /** Where the embedded database lives; a server does not say. */
  dataDir?: string
  /** false on first run: no user exists yet and the first SYS_ADMIN must be created. */
  hasUsers: boolean
  mode: 'embedded' | 'server'
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

/** A page of results. */
export interface Page<T> {
  totalCount: number
  itemList: T[]
}

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

export interface CinemaQuery {
  regionID?: string
  cinemaCode?: string
  cinemaID?: string[]
  /** Substring of the name. */
  name?: string
  start: number
  limit: number
}

export interface CinemaInput {
  cinemaCode: string
  name: string
  numberOfHalls?: number
  regionID: string
  comsMACAddr?: string
  comsIPAddr?: string
  description?: string
}

export interface CreatedCinema {
  cinemaID: string
}

export interface Backend {
  /** Works without a session. */
  appInfo(): Promise<AppInfo>
  /** Only while the database has no users: creates the first SYS_ADMIN and logs in. */
  setupAdmin(input: SetupAdminInput): Promise<Session>
  login(input: LoginInput): Promise<Session>
  logout(token: string): Promise<void>
  sysEnums(token: string): Promise<SysEnums>
  listCinemas(token: string, query: CinemaQuery): Promise<Page<Cinema>>
  createCinema(token: string, input: CinemaInput): Promise<CreatedCinema>
}
