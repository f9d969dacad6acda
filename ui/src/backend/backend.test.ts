// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { ApiError, NO_BACKEND, toApiError } from './errors'
import { TauriBackend } from './tauri'
import { setUnauthorizedHandler, withSessionGuard } from './index'

type Call = { cmd: string; args: unknown }

describe('TauriBackend', () => {
  let calls: Call[]
  let reply: (cmd: string) => unknown

  beforeEach(() => {
    calls = []
    reply = () => null
    ;(globalThis as { isTauri?: boolean }).isTauri = true
    mockIPC((cmd, args) => {
      calls.push({ cmd, args })
      return reply(cmd)
    })
  })

  afterEach(() => {
    clearMocks()
    delete (globalThis as { isTauri?: boolean }).isTauri
  })

  it('passes the documented argument objects to each command', async () => {
    const b = new TauriBackend()
    await b.appInfo()
    await b.setupAdmin({ name: '管理员', alias: 'admin', password: 'pw' })
    await b.login({ alias: 'admin', password: 'pw' })
    await b.logout('tok')
    await b.sysEnums('tok')
    await b.listCinemas('tok', { regionID: 'BJ', start: 20, limit: 20 })
    await b.createCinema('tok', { cinemaCode: 'C1', name: '一号店', regionID: 'BJ', numberOfHalls: 2 })
    expect(calls).toEqual([
      { cmd: 'app_info', args: {} },
      { cmd: 'setup_admin', args: { name: '管理员', alias: 'admin', password: 'pw' } },
      { cmd: 'login', args: { alias: 'admin', password: 'pw' } },
      { cmd: 'logout', args: { token: 'tok' } },
      { cmd: 'sys_enums', args: { token: 'tok' } },
      { cmd: 'list_cinemas', args: { token: 'tok', query: { regionID: 'BJ', start: 20, limit: 20 } } },
      {
        cmd: 'create_cinema',
        args: { token: 'tok', input: { cinemaCode: 'C1', name: '一号店', regionID: 'BJ', numberOfHalls: 2 } },
      },
    ])
  })

  it('returns the command result', async () => {
    reply = () => ({ totalCount: 1, itemList: [{ cinemaID: 'x' }] })
    await expect(new TauriBackend().listCinemas('t', { start: 0, limit: 20 })).resolves.toEqual({
      totalCount: 1,
      itemList: [{ cinemaID: 'x' }],
    })
  })

  it('rejects with ApiError carrying code, info and field', async () => {
    mockIPC(() => {
      throw { code: 'invalid', info: 'comsIPAddr: must be an IPv4 address', field: 'comsIPAddr' }
    })
    const err = await new TauriBackend().createCinema('t', { cinemaCode: 'C', name: 'n', regionID: 'r' }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'invalid', info: 'comsIPAddr: must be an IPv4 address', field: 'comsIPAddr' })
  })

  it('rejects with no_backend outside the Tauri runtime', async () => {
    delete (globalThis as { isTauri?: boolean }).isTauri
    await expect(new TauriBackend().appInfo()).rejects.toMatchObject({ code: NO_BACKEND })
  })
})

describe('toApiError', () => {
  it('keeps error objects and wraps strings', () => {
    expect(toApiError({ code: 'conflict', info: 'cinemaCode already exists: C1', field: 'cinemaCode' })).toMatchObject({
      code: 'conflict',
      field: 'cinemaCode',
    })
    expect(toApiError('boom')).toMatchObject({ code: 'internal', info: 'boom' })
    expect(toApiError({ code: 'not_found', info: 'x' }).field).toBeUndefined()
  })
})

describe('withSessionGuard', () => {
  afterEach(() => setUnauthorizedHandler(null))

  const failing = (code: string) =>
    ({
      appInfo: vi.fn(),
      setupAdmin: vi.fn(),
      login: vi.fn().mockRejectedValue(new ApiError('unauthorized', 'wrong alias or password')),
      logout: vi.fn(),
      sysEnums: vi.fn().mockRejectedValue(new ApiError(code, 'no')),
      listCinemas: vi.fn(),
      createCinema: vi.fn(),
    }) as unknown as TauriBackend

  it('calls the handler on unauthorized from a session-scoped call and rethrows', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    await expect(withSessionGuard(failing('unauthorized')).sysEnums('t')).rejects.toMatchObject({ code: 'unauthorized' })
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('leaves other errors and a failed login alone', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    const b = withSessionGuard(failing('forbidden'))
    await expect(b.sysEnums('t')).rejects.toMatchObject({ code: 'forbidden' })
    await expect(b.login({ alias: 'a', password: 'b' })).rejects.toMatchObject({ code: 'unauthorized' })
    expect(handler).not.toHaveBeenCalled()
  })
})
