import { invoke, isTauri } from '@tauri-apps/api/core'
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
  SetupAdminInput,
  SysEnums,
} from './types'

/** Calls a Tauri command; rejections become ApiError. Tauri maps camelCase args to snake_case. */
async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  if (!isTauri()) throw new ApiError(NO_BACKEND, 'the Tauri runtime is not available')
  try {
    return await invoke<T>(cmd, args)
  } catch (e) {
    throw toApiError(e)
  }
}

/** {@link Backend} over the Tauri commands of the desktop app (embedded mode). */
export class TauriBackend implements Backend {
  appInfo(): Promise<AppInfo> {
    return call<AppInfo>('app_info')
  }

  setupAdmin(input: SetupAdminInput): Promise<Session> {
    return call<Session>('setup_admin', { name: input.name, alias: input.alias, password: input.password })
  }

  login(input: LoginInput): Promise<Session> {
    return call<Session>('login', { alias: input.alias, password: input.password })
  }

  async logout(token: string): Promise<void> {
    await call<null>('logout', { token })
  }

  sysEnums(token: string): Promise<SysEnums> {
    return call<SysEnums>('sys_enums', { token })
  }

  listCinemas(token: string, query: CinemaQuery): Promise<Page<Cinema>> {
    return call<Page<Cinema>>('list_cinemas', { token, query })
  }

  createCinema(token: string, input: CinemaInput): Promise<CreatedCinema> {
    return call<CreatedCinema>('create_cinema', { token, input })
  }
}
