// TEMPORARY screenshot harness (deleted after use)
import { mockIPC } from '@tauri-apps/api/mocks'
;(globalThis as any).isTauri = true
const params = new URLSearchParams(location.search)
const hasUsers = params.get('first') !== '1'
const regions = [
  { id: 'NORTH', name: '华北', isDefault: true },
  { id: 'EAST', name: '华东' },
  { id: 'SOUTH', name: '华南' },
  { id: 'WEST', name: '西南' },
]
const now = Date.now()
const cinemas: any[] = Array.from({ length: 27 }, (_, i) => ({
  cinemaID: 'id' + i,
  cinemaCode: 'VR' + String(i + 1).padStart(3, '0'),
  name: ['北京朝阳大悦城 VR 影院', '上海静安嘉里 VR 体验馆', '广州天河正佳 VR 影院', '成都太古里 VR 影城'][i % 4] + (i > 3 ? ` ${i}号店` : ''),
  numberOfHalls: (i % 5) + 1,
  regionID: regions[i % 4].id,
  comsMACAddr: i % 3 === 0 ? null : `99:ed:9d:3b:e8:${String(10 + i)}`,
  comsIPAddr: i % 3 === 0 ? null : `192.168.8.${20 + i}`,
  description: null,
  comsLastSeen: i % 3 === 0 ? null : now - i * 7 * 60_000,
}))
mockIPC((cmd, a: any) => {
  if (cmd === 'app_info') return { version: '0.1.0', dataDir: '/data', hasUsers, mode: 'embedded' }
  if (cmd === 'login') {
    if (a.alias === 'admin' && a.password === 'admin') return { token: 't', userID: 'u', name: '张伟', role: 'SYS_ADMIN,MANAGER' }
    throw { code: 'unauthorized', info: 'wrong alias or password' }
  }
  if (cmd === 'setup_admin') {
    if (a.alias === 'taken') throw { code: 'conflict', info: 'alias already exists: taken', field: 'alias' }
    return { token: 't', userID: 'u', name: a.name, role: 'SYS_ADMIN' }
  }
  if (cmd === 'logout') return null
  if (cmd === 'sys_enums') return { cinemaRegionList: regions, userRoleList: [{ id: 'SYS_ADMIN', name: '系统管理员' }, { id: 'MANAGER', name: '管理员' }], movieCountryList: [], movieCategoryList: [], movieTypeList: [] }
  if (cmd === 'list_cinemas') {
    if (a.token === 'expired') throw { code: 'unauthorized', info: 'not logged in or session expired' }
    const q = a.query
    let l = cinemas.filter((c) => (!q.regionID || c.regionID === q.regionID) && (!q.cinemaCode || c.cinemaCode === q.cinemaCode) && (!q.name || c.name.includes(q.name)))
    l = l.sort((x, y) => x.cinemaCode.localeCompare(y.cinemaCode))
    return { totalCount: l.length, itemList: l.slice(q.start, q.start + q.limit) }
  }
  if (cmd === 'create_cinema') {
    const i = a.input
    if (cinemas.some((c) => c.cinemaCode === i.cinemaCode)) throw { code: 'conflict', info: `cinemaCode already exists: ${i.cinemaCode}`, field: 'cinemaCode' }
    const c = { cinemaID: 'new' + cinemas.length, comsMACAddr: null, comsIPAddr: null, description: null, comsLastSeen: null, numberOfHalls: 0, ...i }
    cinemas.push(c)
    return { cinemaID: c.cinemaID }
  }
  throw { code: 'not_found', info: 'no command ' + cmd }
})
await import('./main')
