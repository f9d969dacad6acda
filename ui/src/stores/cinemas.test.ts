// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Cinema } from '@/backend'
import { cleanUp, fakeServer, pageOf } from '@/testing/views'
import { useCinemasStore } from './cinemas'

const cinema = (cinemaID: string): Cinema =>
  ({ cinemaID, cinemaCode: cinemaID, name: `Cinema ${cinemaID}`, regionID: 'BEIJING', numberOfHalls: 1 }) as Cinema

/** A server whose chain is `chain` at each call, and the store over it. */
function storeOver(chain: Cinema[]) {
  sessionStorage.setItem('cinedesk.session', JSON.stringify({ token: 't', userID: 'u1', name: 'A', role: 'SYS_ADMIN' }))
  const server = fakeServer((a) => ({ body: pageOf(chain, a.query) }))
  setActivePinia(createPinia())
  return { server, store: useCinemasStore(), lists: () => server.asked.filter((a) => a.path === '/cms/cinemas').length }
}

afterEach(() => {
  sessionStorage.clear()
  cleanUp()
})

describe('the cinemas store', () => {
  it('loads the list again when a cinema added since is named, and then knows it', async () => {
    const chain = [cinema('c1')]
    const { store, lists } = storeOver(chain)
    await store.load()
    chain.push(cinema('c2')) // another user adds a cinema
    await store.ensure(['c1', 'c2'])
    expect([store.byId.has('c2'), lists()]).toEqual([true, 2])
  })

  it('asks no more when every named cinema is known', async () => {
    const { store, lists } = storeOver([cinema('c1')])
    await store.ensure(['c1'])
    await store.ensure(['c1', ''])
    expect(lists()).toBe(1)
  })

  it('looks for a cinema it cannot find only once', async () => {
    const { store, lists } = storeOver([cinema('c1')])
    await store.ensure(['gone'])
    await store.ensure(['gone'])
    expect([store.byId.has('gone'), lists()]).toEqual([false, 2])
  })
})
