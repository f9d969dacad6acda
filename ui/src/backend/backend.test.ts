// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { clearMocks, mockConvertFileSrc, mockIPC } from '@tauri-apps/api/mocks'
import { ApiError, NO_BACKEND, toApiError } from './errors'
import { TauriBackend } from './tauri'
import { setUnauthorizedHandler, withSessionGuard } from './index'

type Call = { cmd: string; args: unknown }

describe('TauriBackend', () => {
  let calls: Call[]
  let requests: { url: string; init: RequestInit }[]
  let reply: (cmd: string) => unknown
  let answer: () => Response

  beforeEach(() => {
    calls = []
    requests = []
    reply = () => null
    answer = () => new Response('{}', { status: 200 })
    ;(globalThis as { isTauri?: boolean }).isTauri = true
    mockIPC((cmd, args) => {
      calls.push({ cmd, args })
      return reply(cmd)
    })
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      requests.push({ url, init })
      return Promise.resolve(answer())
    })
  })

  afterEach(() => {
    clearMocks()
    vi.unstubAllGlobals()
    delete (globalThis as { isTauri?: boolean }).isTauri
  })

  it('asks the desktop commands only for app info and the first-run administrator', async () => {
    const b = new TauriBackend('cinedesk://localhost')
    await b.appInfo()
    await b.setupAdmin({ name: '管理员', alias: 'admin', password: 'pw' })
    expect(calls).toEqual([
      { cmd: 'app_info', args: {} },
      { cmd: 'setup_admin', args: { name: '管理员', alias: 'admin', password: 'pw' } },
    ])
    expect(requests).toEqual([])
  })

  it('sends the REST API through the cinedesk scheme with the bearer token', async () => {
    const b = new TauriBackend('cinedesk://localhost')
    answer = () => new Response(JSON.stringify({ totalCount: 1, itemList: [{ cinemaID: 'x' }] }), { status: 200 })
    await expect(b.listCinemas('tok', { regionID: 'BJ', start: 20, limit: 20 })).resolves.toEqual({
      totalCount: 1,
      itemList: [{ cinemaID: 'x' }],
    })
    await b.createCinema('tok', { cinemaCode: 'C1', name: '一号店', regionID: 'BJ' })
    expect(requests.map((r) => [r.init.method, r.url])).toEqual([
      ['GET', 'cinedesk://localhost/cms/cinemas?region_id=BJ&start=20&limit=20'],
      ['POST', 'cinedesk://localhost/cms/cinemas'],
    ])
    expect((requests[1].init.headers as Record<string, string>).authorization).toBe('Bearer tok')
    expect(JSON.parse(requests[1].init.body as string)).toEqual({ cinemaCode: 'C1', name: '一号店', regionID: 'BJ' })
    expect(calls).toEqual([])
  })

  it("takes the base from Tauri's platform rule by default", async () => {
    mockConvertFileSrc('windows')
    await new TauriBackend().sysEnums('t')
    expect(requests[0].url).toBe('http://cinedesk.localhost/cms/sys_params/enum')
  })

  it('rejects with ApiError carrying code, info and field', async () => {
    answer = () =>
      new Response(JSON.stringify({ code: 'invalid', info: 'comsIPAddr: must be an IPv4 address', field: 'comsIPAddr' }), {
        status: 400,
      })
    const err = await new TauriBackend('cinedesk://localhost')
      .createCinema('t', { cinemaCode: 'C', name: 'n', regionID: 'r' })
      .catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'invalid', info: 'comsIPAddr: must be an IPv4 address', field: 'comsIPAddr' })
  })

  it('rejects with no_backend outside the Tauri runtime', async () => {
    delete (globalThis as { isTauri?: boolean }).isTauri
    await expect(new TauriBackend('cinedesk://localhost').appInfo()).rejects.toMatchObject({ code: NO_BACKEND })
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
