// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { User } from '@/backend'
import { cleanUp, fakeServer } from '@/testing/views'
import { useSessionStore } from './session'

const me = (over: Partial<User>): User => ({
  userID: 'u1',
  name: 'M',
  alias: 'm',
  iconURL: '',
  role: 'MANAGER',
  createTime: 0,
  allCinemas: false,
  cinemaIDList: [],
  regionIDList: [],
  ...over,
})

/** A MANAGER signed in, whose `GET /cms/me` answers `user`. */
async function signedInAs(user: User, role = 'MANAGER') {
  sessionStorage.setItem('cinedesk.session', JSON.stringify({ token: 't', userID: 'u1', name: 'M', role }))
  fakeServer(() => ({ body: user }))
  setActivePinia(createPinia())
  const store = useSessionStore()
  await store.loadMe()
  return store
}

afterEach(() => {
  sessionStorage.clear()
  cleanUp()
})

describe('the session store: which cinemas the user works on', () => {
  it('says a MANAGER given no cinema and no region has none', async () => {
    const s = await signedInAs(me({}))
    expect([s.seesAllCinemas, s.hasNoCinemas]).toEqual([false, true])
  })

  it('says a MANAGER with a region, or with every cinema, has some', async () => {
    expect((await signedInAs(me({ regionIDList: ['BJ'] }))).hasNoCinemas).toBe(false)
    const all = await signedInAs(me({ allCinemas: true }))
    expect([all.seesAllCinemas, all.hasNoCinemas]).toEqual([true, false])
  })

  it('counts a SYS_ADMIN as seeing every cinema whatever is assigned', async () => {
    const s = await signedInAs(me({ role: 'SYS_ADMIN' }), 'SYS_ADMIN')
    expect([s.seesAllCinemas, s.hasNoCinemas]).toEqual([true, false])
  })
})
