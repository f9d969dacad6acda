import { describe, expect, it, vi } from 'vitest'
import { ApiError, NO_BACKEND, toApiError } from './errors'
import { HttpBackend, queryString, unwrapDisk } from './http'
import { retryAfterSeconds, type Transport, type TransportRequest, type TransportResponse } from './transport'

/** A transport that records what the backend sends and answers `reply` (the request shape is what is under test). */
class Recorder implements Transport {
  sent: TransportRequest[] = []
  reply: (req: TransportRequest) => { status: number; body?: unknown; contentType?: string } = () => ({
    status: 200,
    body: {},
  })

  async send(req: TransportRequest): Promise<TransportResponse> {
    this.sent.push(req)
    const r = this.reply(req)
    const text = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body)
    return { status: r.status, contentType: r.contentType ?? 'application/json', body: new Blob([text]) }
  }

  url(path: string): string {
    return `http://cms.test${path}`
  }
}

function setup() {
  const rec = new Recorder()
  const api = new HttpBackend(rec)
  api.setToken('tok')
  const last = () => {
    const r = rec.sent[rec.sent.length - 1]
    return { method: r.method, path: r.path, body: typeof r.body === 'string' ? JSON.parse(r.body) : r.body }
  }
  return { rec, api, last }
}

describe('queryString', () => {
  it('repeats list keys, drops empty and absent values, keeps order', () => {
    expect(queryString({ a: ['x', 'y'], b: '', c: undefined, d: null, e: 0, f: false, g: ' v ' })).toBe(
      '?a=x&a=y&e=0&f=false&g=v',
    )
  })
  it('is empty when nothing is given', () => {
    expect(queryString({ a: undefined, b: [] })).toBe('')
  })
  it('encodes what URLs cannot carry as is', () => {
    expect(queryString({ name: '星际 穿越&2' })).toBe('?name=%E6%98%9F%E9%99%85+%E7%A9%BF%E8%B6%8A%262')
  })
})

describe('HttpBackend request shapes (every route of the server)', () => {
  // [call, method, path, body]
  const cases: Array<[string, (api: HttpBackend) => Promise<unknown>, string, string, unknown?]> = [
    ['appInfo', (a) => a.appInfo(), 'GET', '/cms/app_info'],
    ['login', (a) => a.login({ alias: 'admin', password: 'pw' }), 'POST', '/cms/login', { alias: 'admin', password: 'pw' }],
    ['logout', (a) => a.logout(), 'POST', '/cms/logout'],
    ['me', (a) => a.me(), 'GET', '/cms/me'],
    ['sysEnums', (a) => a.sysEnums(), 'GET', '/cms/sys_params/enum'],
    ['putEnumValue', (a) => a.putEnumValue('CINEMA_REGION', { id: 'BJ', name: '北京' }), 'PUT', '/cms/sys_params/enum/CINEMA_REGION/BJ', { name: '北京', isDefault: false }],
    ['deleteEnumValue', (a) => a.deleteEnumValue('MOVIE_CATEGORY', 'A B'), 'DELETE', '/cms/sys_params/enum/MOVIE_CATEGORY/A%20B'],
    ['settings', (a) => a.settings(), 'GET', '/cms/settings'],
    ['putSettings', (a) => a.putSettings({ qrUrlTemplate: 'x{sceneNumber}' }), 'PUT', '/cms/settings', { qrUrlTemplate: 'x{sceneNumber}' }],
    ['backupStatus', (a) => a.backupStatus(), 'GET', '/cms/backups/status'],
    ['putBackupSettings', (a) => a.putBackupSettings({ keep: 3 }), 'PUT', '/cms/backups/settings', { keep: 3 }],
    ['listBackups', (a) => a.listBackups('/mnt/b'), 'GET', '/cms/backups?folder=%2Fmnt%2Fb'],
    ['createBackup', (a) => a.createBackup('/mnt/b'), 'POST', '/cms/backups', { folder: '/mnt/b' }],
    ['restoreBackup', (a) => a.restoreBackup('s1'), 'POST', '/cms/backups/_restore', { snapshot: 's1' }],
    ['storage', (a) => a.storage(), 'GET', '/cms/storage'],
    ['orphanFiles', (a) => a.orphanFiles({ start: 20, limit: 20 }), 'GET', '/cms/storage/orphans?start=20&limit=20'],
    ['reclaimFiles', (a) => a.reclaimFiles(['f1']), 'POST', '/cms/storage/_reclaim', { fileIDList: ['f1'] }],
    ['notifications', (a) => a.notifications({ start: 20, limit: 20, unread: true }), 'GET', '/cms/notifications?start=20&limit=20&unread=true'],
    ['unreadNotifications', (a) => a.unreadNotifications(), 'GET', '/cms/notifications/_count'],
    ['readNotification', (a) => a.readNotification('n/1'), 'POST', '/cms/notifications/n%2F1/_read', {}],
    ['readAllNotifications', (a) => a.readAllNotifications(), 'POST', '/cms/notifications/_read', {}],
    ['alertRules', (a) => a.alertRules(), 'GET', '/cms/alert_rules'],
    ['putAlertRules', (a) => a.putAlertRules({ comsOfflineMinutes: 10 }), 'PUT', '/cms/alert_rules', { comsOfflineMinutes: 10 }],
    ['webhooks', (a) => a.webhooks(), 'GET', '/cms/webhooks'],
    ['createWebhook', (a) => a.createWebhook({ url: 'https://qyapi.weixin.qq.com/x', format: 'WECOM' }), 'POST', '/cms/webhooks', { url: 'https://qyapi.weixin.qq.com/x', format: 'WECOM' }],
    ['deleteWebhook', (a) => a.deleteWebhook('w/1'), 'DELETE', '/cms/webhooks/w%2F1'],
    ['testWebhook', (a) => a.testWebhook('w1'), 'POST', '/cms/webhooks/w1/_test', {}],
    ['listCinemas', (a) => a.listCinemas({ region_id: 'BJ', cinema_id: ['c1', 'c2'], cinema_code: 'C', name: '影', start: 20, limit: 20 }), 'GET', '/cms/cinemas?region_id=BJ&cinema_id=c1&cinema_id=c2&cinema_code=C&name=%E5%BD%B1&start=20&limit=20'],
    ['getCinema', (a) => a.getCinema('c/1'), 'GET', '/cms/cinemas/c%2F1'],
    ['createCinema', (a) => a.createCinema({ cinemaCode: 'C1', name: 'n', regionID: 'BJ' }), 'POST', '/cms/cinemas', { cinemaCode: 'C1', name: 'n', regionID: 'BJ' }],
    ['updateCinema', (a) => a.updateCinema('c1', { comsIPAddr: '' }), 'PUT', '/cms/cinemas/c1', { comsIPAddr: '' }],
    ['deleteCinemas', (a) => a.deleteCinemas(['c1', 'c2']), 'DELETE', '/cms/cinemas?cinema_id=c1&cinema_id=c2'],
    ['cinemaDeletionImpact', (a) => a.cinemaDeletionImpact(['c1']), 'GET', '/cms/cinemas/_deletion_impact?cinema_id=c1'],
    ['listApiKeys', (a) => a.listApiKeys('c1'), 'GET', '/cms/cinemas/c1/api_keys'],
    ['createApiKey', (a) => a.createApiKey('c1'), 'POST', '/cms/cinemas/c1/api_keys'],
    ['revokeApiKey', (a) => a.revokeApiKey('c1', 'k1'), 'DELETE', '/cms/cinemas/c1/api_keys/k1'],
    ['pollComs', (a) => a.pollComs('c1', { timeout: 5, ack: 'm1' }), 'GET', '/cms/long_poll/c1?timeout=5&ack=m1'],
    ['listHalls', (a) => a.listHalls({ cinema_id: 'c1', hall_id: ['h1'], hall_code: 'H', limit: 1000 }), 'GET', '/cms/halls?cinema_id=c1&hall_id=h1&hall_code=H&limit=1000'],
    ['getHall', (a) => a.getHall('h1'), 'GET', '/cms/halls/h1'],
    ['createHall', (a) => a.createHall({ hallCode: 'H1', name: 'n', cinemaID: 'c1', numberOfSeats: 12 }), 'POST', '/cms/halls', { hallCode: 'H1', name: 'n', cinemaID: 'c1', numberOfSeats: 12 }],
    ['updateHall', (a) => a.updateHall('h1', { name: 'm' }), 'PUT', '/cms/halls/h1', { name: 'm' }],
    ['deleteHalls', (a) => a.deleteHalls(['h1']), 'DELETE', '/cms/halls?hall_id=h1'],
    ['hallQrSheet', (a) => a.hallQrSheet('h1', { format: 'pdf', per_page: 12 }), 'GET', '/cms/halls/h1/qr_sheet?format=pdf&per_page=12'],
    ['listVrClients', (a) => a.listVrClients({ client_id: ['s1'], cinema_id: 'c1', hall_id: 'h1', status: 'IDLE', start: 0, limit: 50 }), 'GET', '/cms/vr_clients?client_id=s1&cinema_id=c1&hall_id=h1&status=IDLE&start=0&limit=50'],
    ['getVrClient', (a) => a.getVrClient('s1'), 'GET', '/cms/vr_clients/s1'],
    ['createVrClient', (a) => a.createVrClient({ hallID: 'h1', seatNumber: 'A01', IPAddr: '10.0.0.1', HMDModel: 'H', MACAddr: 'aa:bb:cc:dd:ee:ff' }), 'POST', '/cms/vr_clients', { hallID: 'h1', seatNumber: 'A01', IPAddr: '10.0.0.1', HMDModel: 'H', MACAddr: 'aa:bb:cc:dd:ee:ff' }],
    ['createVrClients', (a) => a.createVrClients([{ hallID: 'h1', seatNumber: 'A01', IPAddr: '10.0.0.1' }]), 'POST', '/cms/vr_clients/_batch', [{ hallID: 'h1', seatNumber: 'A01', IPAddr: '10.0.0.1' }]],
    ['updateVrClient', (a) => a.updateVrClient('s1', { status: 'ERROR' }), 'PUT', '/cms/vr_clients/s1', { status: 'ERROR' }],
    ['deleteVrClients', (a) => a.deleteVrClients(['s1', 's2']), 'DELETE', '/cms/vr_clients?client_id=s1&client_id=s2'],
    ['regenerateScene', (a) => a.regenerateScene('s1'), 'POST', '/cms/vr_clients/s1/_regenerate_scene'],
    ['seatQrCode', (a) => a.seatQrCode('s1', { format: 'svg', size: 256 }), 'GET', '/cms/vr_clients/s1/qr_code?format=svg&size=256'],
    ['listMovies', (a) => a.listMovies({ movie_id: ['m1'], open_id: 'o', cinema_id: 'c1', name: 'n', movie_code: 'M', type: 'AD', category: 'ACTION', country: 'CHN', online: true, start: 0, limit: 20, order_param: 'numOfPraise', order_seq: 'asc' }), 'GET', '/cms/movies?movie_id=m1&open_id=o&cinema_id=c1&name=n&movie_code=M&type=AD&category=ACTION&country=CHN&online=true&start=0&limit=20&order_param=numOfPraise&order_seq=asc'],
    ['getMovie', (a) => a.getMovie('m1'), 'GET', '/cms/movies/m1'],
    ['createMovie', (a) => a.createMovie({ name: 'n', movieCode: 'M', duration: 90, price: 2990, posterID: 'f1' }), 'POST', '/cms/movies', { name: 'n', movieCode: 'M', duration: 90, price: 2990, posterID: 'f1' }],
    ['updateMovie', (a) => a.updateMovie('m1', { online: false }), 'PUT', '/cms/movies/m1', { online: false }],
    ['deleteMovies', (a) => a.deleteMovies(['m1']), 'DELETE', '/cms/movies?movie_id=m1'],
    ['praiseMovie', (a) => a.praiseMovie('m1', 'wx'), 'POST', '/cms/movies/m1/_praise?open_id=wx'],
    ['distributeMovie', (a) => a.distributeMovie('m1', ['c1', 'c2']), 'POST', '/cms/movies/m1/_distribute', { cinemaIDList: ['c1', 'c2'] }],
    ['movieCinemas', (a) => a.movieCinemas('m1'), 'GET', '/cms/movies/m1/cinemas'],
    ['withdrawMovie', (a) => a.withdrawMovie('m1', ['c1']), 'DELETE', '/cms/movies/m1/_distribute', { cinemaIDList: ['c1'] }],
    ['movieDeliveries', (a) => a.movieDeliveries('m1', { state: 'FAILED', region_id: 'BJ', start: 20, limit: 20 }), 'GET', '/cms/movies/m1/deliveries?state=FAILED&region_id=BJ&start=20&limit=20'],
    ['cinemaDeliveries', (a) => a.cinemaDeliveries('c1', { state: 'READY' }), 'GET', '/cms/cinemas/c1/deliveries?state=READY'],
    ['retryDeliveries', (a) => a.retryDeliveries('m1', ['c1', 'c2']), 'POST', '/cms/movies/m1/deliveries/_retry', { cinemaIDList: ['c1', 'c2'] }],
    ['sendCommand', (a) => a.sendCommand('c1', 'REBOOT', ['s1', 's2']), 'POST', '/cms/cinemas/c1/commands', { action: 'REBOOT', clientIDList: ['s1', 's2'] }],
    ['getCommand', (a) => a.getCommand('k1'), 'GET', '/cms/commands/k1'],
    ['listCommands', (a) => a.listCommands('c1', { limit: 5 }), 'GET', '/cms/cinemas/c1/commands?limit=5'],
    ['listVodTasks', (a) => a.listVodTasks({ task_id: ['t1'], cinema_id: 'c1', client_id: 's1', status: 'PENDING' }), 'GET', '/cms/vod_tasks?task_id=t1&cinema_id=c1&client_id=s1&status=PENDING'],
    ['getVodTask', (a) => a.getVodTask('t1'), 'GET', '/cms/vod_tasks/t1'],
    ['createVodTask', (a) => a.createVodTask({ clientID: 's1', movieList: [{ id: 'm1' }] }), 'POST', '/cms/vod_tasks', { clientID: 's1', movieList: [{ id: 'm1' }] }],
    ['setVodTaskStatus', (a) => a.setVodTaskStatus('t1', 'ACCEPTED'), 'PUT', '/cms/vod_tasks/t1', { status: 'ACCEPTED' }],
    ['setVodTaskStatus', (a) => a.setVodTaskStatus('t1', 'CANCELLED', 'seat broken'), 'PUT', '/cms/vod_tasks/t1', { status: 'CANCELLED', reason: 'seat broken' }],
    ['listUsers', (a) => a.listUsers({ user_id: ['u1'], alias: 'a', name: 'n', role: 'MANAGER' }), 'GET', '/cms/users?user_id=u1&alias=a&name=n&role=MANAGER'],
    ['getUser', (a) => a.getUser('u1'), 'GET', '/cms/users/u1'],
    ['createUser', (a) => a.createUser({ name: 'n', alias: 'a', role: 'MANAGER', password: 'password1' }), 'POST', '/cms/users', { name: 'n', alias: 'a', role: 'MANAGER', password: 'password1' }],
    ['updateUser', (a) => a.updateUser('u1', { role: 'SYS_ADMIN,MANAGER' }), 'PUT', '/cms/users/u1', { role: 'SYS_ADMIN,MANAGER' }],
    ['deleteUser', (a) => a.deleteUser('u1'), 'DELETE', '/cms/users/u1'],
    ['deleteUsers', (a) => a.deleteUsers(['u1', 'u2']), 'DELETE', '/cms/users?user_id=u1&user_id=u2'],
    ['listSessions', (a) => a.listSessions('u1'), 'GET', '/cms/sessions?user_id=u1'],
    ['endSession', (a) => a.endSession('s 1'), 'DELETE', '/cms/sessions/s%201'],
    ['listAudit', (a) => a.listAudit({ user_id: 'u1', entity: 'hall', action: 'update', from: 10, to: 20, start: 0, limit: 20 }), 'GET', '/cms/audit?user_id=u1&entity=hall&action=update&from=10&to=20&start=0&limit=20'],
    ['exportAudit', (a) => a.exportAudit({ cinema_id: 'c1' }), 'GET', '/cms/audit/_export?cinema_id=c1'],
    ['listHmdModels', (a) => a.listHmdModels({ id: ['x'], model_code: 'C', name: 'n', vendor: 'v' }), 'GET', '/cms/hmd_models?id=x&model_code=C&name=n&vendor=v'],
    ['createHmdModel', (a) => a.createHmdModel({ modelCode: 'C', name: 'n', refreshRateHz: 90 }), 'POST', '/cms/hmd_models', { modelCode: 'C', name: 'n', refreshRateHz: 90 }],
    ['updateHmdModel', (a) => a.updateHmdModel('x', { weightG: 500 }), 'PUT', '/cms/hmd_models/x', { weightG: 500 }],
    ['deleteHmdModels', (a) => a.deleteHmdModels(['x']), 'DELETE', '/cms/hmd_models?id=x'],
    ['listSeatModels', (a) => a.listSeatModels({ limit: 1000 }), 'GET', '/cms/seat_models?limit=1000'],
    ['createSeatModel', (a) => a.createSeatModel({ modelCode: 'S', name: 'n', effects: ['WIND'] }), 'POST', '/cms/seat_models', { modelCode: 'S', name: 'n', effects: ['WIND'] }],
    ['updateSeatModel', (a) => a.updateSeatModel('y', { degreesOfFreedom: 6 }), 'PUT', '/cms/seat_models/y', { degreesOfFreedom: 6 }],
    ['deleteSeatModels', (a) => a.deleteSeatModels(['y']), 'DELETE', '/cms/seat_models?id=y'],
    ['ossPolicy', (a) => a.ossPolicy('MOVIE'), 'GET', '/cms/upload/oss_policy?domain=MOVIE'],
    ['file', (a) => a.file('f1'), 'GET', '/cms/files/f1'],
    ['querySpaces', (a) => a.querySpaces(), 'POST', '/onlineDisk/querySpaces', {}],
    ['queryFolders', (a) => a.queryFolders({ ownerType: '1', groupId: 'c1' }, 'd1'), 'POST', '/onlineDisk/queryFolders', { ownerType: '1', groupId: 'c1', parentId: 'd1' }],
    ['createFolder', (a) => a.createFolder({ ownerType: '2', orgId: 'o1' }, '0', '教案'), 'POST', '/onlineDisk/createFolder', { ownerType: '2', orgId: 'o1', parentId: '0', dirName: '教案' }],
    ['renameFolder', (a) => a.renameFolder('d1', '海报'), 'POST', '/onlineDisk/renameFolder', { dirId: 'd1', dirName: '海报' }],
    ['moveFolder', (a) => a.moveFolder('d1', 'd2'), 'POST', '/onlineDisk/moveFolder', { dirId: 'd1', parentId: 'd2' }],
    ['deleteFolder', (a) => a.deleteFolder('d1', true), 'POST', '/onlineDisk/deleteFolder', { dirId: 'd1', recursive: true }],
    ['listResources', (a) => a.listResources({ space: { ownerType: '0', userId: 'u1' }, parentId: 'd1', keyword: ' 海报 ', resType: 1, orderBy: 'fileLength', page: 3, perPage: 50 }), 'POST', '/onlineDisk/xkzyList', { page: { curPage: '3', numPerPage: '50' }, query: { ownerType: '0', userId: 'u1', parentId: 'd1', keyword: '海报', resType: '1', orderBy: 'fileLength' } }],
    ['createResource', (a) => a.createResource({ ownerType: '2', orgId: 'o1', parentId: 'd1', resForm: '1', fid: 'f1', title: 'poster' }), 'POST', '/onlineDisk/createResource', { ownerType: '2', orgId: 'o1', parentId: 'd1', resForm: '1', fid: 'f1', title: 'poster' }],
    ['updateResource', (a) => a.updateResource({ resId: 'r1', parentId: 'd2' }), 'POST', '/onlineDisk/updateResource', { resId: 'r1', parentId: 'd2' }],
    ['deleteResources', (a) => a.deleteResources(['r1', 'r2']), 'POST', '/onlineDisk/deleteResource', { resIdList: ['r1', 'r2'] }],
    ['viewResource', (a) => a.viewResource('r1'), 'POST', '/onlineDisk/viewResource', { resId: 'r1' }],
    ['resourceInfo', (a) => a.resourceInfo('r1'), 'POST', '/onlineDisk/resourceInfo', { resId: 'r1' }],
    ['downloadResource', (a) => a.downloadResource('r 1'), 'GET', '/onlineDisk/downloadResource?resId=r+1'],
    ['markResource', (a) => a.markResource('r1', 4), 'POST', '/onlineDisk/markResource', { resId: 'r1', mark: 4 }],
    ['useResourceForMovie', (a) => a.useResourceForMovie('r1', 'm1', 'poster'), 'POST', '/onlineDisk/useResourceForMovie', { resId: 'r1', movieId: 'm1', usage: 'poster' }],
  ]

  it.each(cases)('%s', async (_name, call, method, path, body) => {
    const { api, last, rec } = setup()
    rec.reply = (req) =>
      req.path.startsWith('/onlineDisk/') && !req.path.includes('download')
        ? { status: 200, body: { result: '000000', resultDesc: 'success', data: { list: [], dirId: 'd', resId: 'r', score: 4 } } }
        : { status: 200, body: { itemList: [], totalCount: 0, clientIDList: [], sceneNumber: '1', numOfPraise: 1, cinemaIDList: [] } }
    await call(api)
    expect(last(), 'method, path and JSON body as the server takes them').toEqual({ method, path, body })
    expect(rec.sent[0].headers.authorization, 'the session goes as a bearer header').toBe('Bearer tok')
    if (body !== undefined) expect(rec.sent[0].headers['content-type']).toBe('application/json')
  })

  it('covers every public method of the backend', () => {
    const skip = new Set(['constructor', 'setToken', 'onSessionEnd', 'exchange', 'raw', 'call', 'disk', 'url', 'authorization'])
    const methods = Object.getOwnPropertyNames(HttpBackend.prototype).filter((m) => !skip.has(m))
    expect(methods.sort()).toEqual([...new Set(cases.map((c) => c[0]))].sort())
  })
})

describe('HttpBackend answers', () => {
  it('reads the pieces the pages use', async () => {
    const { api, rec } = setup()
    rec.reply = (req) => {
      if (req.path.endsWith('_batch')) return { status: 200, body: { clientIDList: ['a', 'b'] } }
      if (req.path.endsWith('_regenerate_scene')) return { status: 200, body: { sceneNumber: '10077' } }
      if (req.path.endsWith('/cinemas')) return { status: 200, body: { cinemaIDList: ['c1'] } }
      if (req.path.endsWith('/api_keys')) return { status: 200, body: { totalCount: 1, itemList: [{ apikey: 'k' }] } }
      return { status: 204 }
    }
    expect(await api.createVrClients([])).toEqual(['a', 'b'])
    expect(await api.regenerateScene('s')).toBe('10077')
    expect(await api.movieCinemas('m')).toEqual(['c1'])
    expect(await api.listApiKeys('c')).toEqual([{ apikey: 'k' }])
    expect(await api.pollComs('c'), '204 is "nothing came"').toBeNull()
  })

  it('gives binary answers as blobs', async () => {
    const { api, rec } = setup()
    rec.reply = () => ({ status: 200, body: '%PDF-1.7', contentType: 'application/pdf' })
    const blob = await api.hallQrSheet('h', { format: 'pdf', per_page: 4 })
    expect(await blob.text()).toBe('%PDF-1.7')
  })

  it('rejects with the server error, field included', async () => {
    const { api, rec } = setup()
    rec.reply = () => ({ status: 409, body: { info: 'cinemaCode already exists: C1', code: 'conflict', field: 'cinemaCode' } })
    const err = await api.createCinema({ cinemaCode: 'C1' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'conflict', info: 'cinemaCode already exists: C1', field: 'cinemaCode' })
  })

  it('names a failure by its status when the body does not say', async () => {
    const { api, rec } = setup()
    rec.reply = () => ({ status: 401, body: 'nope', contentType: 'text/plain' })
    await expect(api.sysEnums()).rejects.toMatchObject({ code: 'unauthorized', info: 'nope' })
    rec.reply = () => ({ status: 413, body: '' })
    await expect(api.createVrClients([])).rejects.toMatchObject({ code: 'too_large' })
  })

  it('passes on how long a refusal says to wait (Retry-After)', async () => {
    const { api, rec } = setup()
    const send = rec.send.bind(rec)
    rec.send = async (req) => ({ ...(await send(req)), retryAfter: 840 })
    rec.reply = () => ({ status: 429, body: { info: 'too many failed logins for this account', code: 'too_many_requests' } })
    await expect(api.login({ alias: 'a', password: 'p' })).rejects.toMatchObject({ code: 'too_many_requests', retryAfter: 840 })
  })

  it('rejects with no_backend when the transport cannot reach the server', async () => {
    const api = new HttpBackend({
      send: () => Promise.reject(new TypeError('Failed to fetch')),
      url: () => null,
    })
    await expect(api.appInfo()).rejects.toMatchObject({ code: NO_BACKEND })
  })

  it('sends no authorization header without a session', async () => {
    const { api, rec } = setup()
    api.setToken('')
    await api.appInfo()
    expect(rec.sent[0].headers.authorization).toBeUndefined()
    expect(api.authorization()).toBe('')
  })
})

describe('the resource library (seed 004 envelope)', () => {
  const ok = (data: unknown) => ({ status: 200, body: { result: '000000', resultDesc: 'success', data } })

  it('answers the envelope\'s data, reshaped where the method says', async () => {
    const { api, rec } = setup()
    rec.reply = (req) => {
      if (req.path.endsWith('createFolder')) return ok({ dirId: 'd9' })
      if (req.path.endsWith('queryFolders')) return ok({ list: [{ dirId: 'd1', dirName: 'a', parentId: '0' }] })
      if (req.path.endsWith('createResource')) return ok({ resId: 'r9' })
      if (req.path.endsWith('markResource')) return ok({ resId: 'r1', score: 4.5 })
      if (req.path.endsWith('deleteFolder')) return ok({ folders: 2, resources: 3 })
      if (req.path.endsWith('xkzyList')) return ok({ totalCount: 1, productList: [{ resId: 'r1' }] })
      return ok(null)
    }
    expect(await api.createFolder({ ownerType: '2', orgId: 'o' }, '0', 'x'), 'the new folder\'s id').toBe('d9')
    expect(await api.queryFolders({ ownerType: '2', orgId: 'o' })).toEqual([{ dirId: 'd1', dirName: 'a', parentId: '0' }])
    expect(await api.createResource({ ownerType: '2', orgId: 'o', resForm: '1', fid: 'f', title: 't' })).toBe('r9')
    expect(await api.markResource('r1', 5), 'the new average').toBe(4.5)
    expect(await api.deleteFolder('d1', true)).toEqual({ folders: 2, resources: 3 })
    expect(await api.listResources()).toEqual({ totalCount: 1, productList: [{ resId: 'r1' }] })
    await expect(api.renameFolder('d1', 'y'), 'a success without data resolves').resolves.toBeUndefined()
  })

  it('lists everything visible, page 1 of 20, when nothing is asked', async () => {
    const { api, rec, last } = setup()
    rec.reply = () => ok({ totalCount: 0, productList: [] })
    await api.listResources({ resType: 0, keyword: '  ' })
    expect(last().body, 'no space, kind 0 and a blank keyword are not sent').toEqual({ page: { curPage: '1', numPerPage: '20' }, query: {} })
  })

  it('turns a failure envelope at a 4xx status into the ApiError every page shows', async () => {
    const { api, rec } = setup()
    rec.reply = () => ({
      status: 409,
      body: { result: '100000', resultDesc: 'the folder is not empty', data: null, info: 'the folder is not empty', code: 'conflict' },
    })
    const err = await api.deleteFolder('d1', false).catch((e: unknown) => e)
    expect(err, 'rejects with an ApiError').toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'conflict', info: 'the folder is not empty' })
    rec.reply = () => ({
      status: 400,
      body: { result: '100000', resultDesc: 'dirName: is required', data: null, info: 'dirName: is required', code: 'invalid', field: 'dirName' },
    })
    await expect(api.createFolder({ ownerType: '0', userId: 'u' }, '0', ''), 'the field is kept').rejects.toMatchObject({ code: 'invalid', field: 'dirName' })
    rec.reply = () => ({ status: 403, body: { result: '100000', resultDesc: 'no', data: null, info: 'not your space', code: 'forbidden' } })
    await expect(api.listResources()).rejects.toMatchObject({ code: 'forbidden', info: 'not your space' })
  })

  it('rejects a failure envelope that came with a 2xx status, and an answer without one', async () => {
    const { api, rec } = setup()
    rec.reply = () => ({ status: 200, body: { result: '100000', resultDesc: 'resource not found', data: null, code: 'not_found' } })
    await expect(api.viewResource('r0')).rejects.toMatchObject({ code: 'not_found', info: 'resource not found' })
    rec.reply = () => ({ status: 200, body: { list: [] } })
    await expect(api.queryFolders({ ownerType: '2', orgId: 'o' }), 'not the seed\'s envelope').rejects.toMatchObject({ code: 'internal' })
    rec.reply = () => ({ status: 204 })
    await expect(api.querySpaces(), 'an empty answer').rejects.toBeInstanceOf(ApiError)
  })

  it('unwrapDisk keeps the data of a success as it is', () => {
    expect(unwrapDisk({ result: '000000', data: { a: 1 } })).toEqual({ a: 1 })
    expect(() => unwrapDisk({ result: '100000', data: null, info: 'x', code: 'conflict', field: 'dirName' })).toThrow(
      expect.objectContaining({ code: 'conflict', info: 'x', field: 'dirName' }),
    )
  })

  it('downloads the content as a blob (the redirect is followed by the transport)', async () => {
    const { api, rec } = setup()
    rec.reply = () => ({ status: 200, body: 'PNGDATA', contentType: 'image/png' })
    expect(await (await api.downloadResource('r1')).text()).toBe('PNGDATA')
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

describe('the end of a session', () => {
  const expired = { status: 401, body: { code: 'unauthorized', info: 'the session expired' } }

  /** A backend with a session whose every call the server refuses with `reply`. */
  function refused(reply: { status: number; body: unknown }) {
    const rec = new Recorder()
    rec.reply = () => reply
    const api = new HttpBackend(rec)
    api.setToken('tok')
    const handler = vi.fn()
    api.onSessionEnd(handler)
    return { api, rec, handler }
  }

  it('is reported with the server error when a call with the session is refused, which still rejects', async () => {
    const { api, handler } = refused(expired)
    await expect(api.sysEnums()).rejects.toMatchObject({ code: 'unauthorized', info: 'the session expired' })
    expect(handler).toHaveBeenCalledTimes(1)
    expect(handler.mock.calls[0][0]).toMatchObject({ code: 'unauthorized', info: 'the session expired' })
  })

  it('is reported once for calls refused together, and the token is not sent again', async () => {
    const { api, rec, handler } = refused(expired)
    const calls = [api.listCinemas(), api.listMovies(), api.file('f1'), api.querySpaces()]
    const outcomes = await Promise.allSettled(calls)
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected'])
    expect(handler, 'one login page, not four').toHaveBeenCalledTimes(1)
    await api.sysEnums().catch(() => undefined)
    expect(rec.sent[rec.sent.length - 1].headers.authorization, 'the refused token is forgotten').toBeUndefined()
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('is reported again for a new session refused in turn', async () => {
    const { api, handler } = refused(expired)
    await api.sysEnums().catch(() => undefined)
    api.setToken('tok2')
    await api.sysEnums().catch(() => undefined)
    expect(handler).toHaveBeenCalledTimes(2)
  })

  it('is not reported for a wrong password, a refused role, or a logout of an expired session', async () => {
    const login = refused({ status: 401, body: { code: 'unauthorized', info: 'wrong alias or password' } })
    login.api.setToken('')
    await expect(login.api.login({ alias: 'a', password: 'b' })).rejects.toMatchObject({ code: 'unauthorized' })
    const role = refused({ status: 403, body: { code: 'forbidden', info: 'needs SYS_ADMIN' } })
    await expect(role.api.listUsers()).rejects.toMatchObject({ code: 'forbidden' })
    const logout = refused(expired)
    await expect(logout.api.logout()).rejects.toMatchObject({ code: 'unauthorized' })
    expect(logout.rec.sent[0].headers.authorization, 'the logout still names the session').toBe('Bearer tok')
    expect([login.handler, role.handler, logout.handler].map((h) => h.mock.calls.length)).toEqual([0, 0, 0])
  })
})

describe('retryAfterSeconds', () => {
  it('reads the delay form and the date form of Retry-After, and nothing else', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(retryAfterSeconds('120', now)).toBe(120)
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90)
    expect(retryAfterSeconds(null, now)).toBeUndefined()
    expect(retryAfterSeconds('soon', now)).toBeUndefined()
  })
})
