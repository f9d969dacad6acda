// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { useBackend } from '@/backend'
import { useCinemasStore } from '@/stores/cinemas'
import { useSessionStore } from '@/stores/session'
import { fakeServer, until } from '@/testing/views'
import { loginReason, sendToLoginWhenSessionEnds } from './sessionEnd'

const Page = { render: () => null }

/** The app's shape of routes: a public login page and pages behind it. */
function appRouter() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', name: 'login', component: Page, meta: { public: true } },
      { path: '/', component: Page },
      { path: '/movies', name: 'movies', component: Page },
    ],
  })
}

/** A window logged in (as a reload finds it) on `path`, with the cinemas loaded. */
async function loggedInOn(path: string) {
  sessionStorage.setItem('cinedesk.session', JSON.stringify({ token: 'tok', userID: 'u1', name: 'Admin', role: 'SYS_ADMIN' }))
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = appRouter()
  await router.push(path)
  const session = useSessionStore(pinia)
  const cinemas = useCinemasStore(pinia)
  cinemas.all = [{ cinemaID: 'c1' } as never]
  cinemas.loaded = true
  sendToLoginWhenSessionEnds(useBackend(), router, pinia)
  return { router, session, cinemas }
}

afterEach(() => {
  vi.unstubAllGlobals()
  sessionStorage.clear()
})

describe('the end of a session', () => {
  it('opens the login page once, saying why and where the user was, and forgets the session', async () => {
    const { router, session, cinemas } = await loggedInOn('/movies?name=x')
    fakeServer(() => ({ status: 401, body: { code: 'unauthorized', info: 'the session expired' } }))
    const replace = vi.spyOn(router, 'replace')
    const api = useBackend()
    await Promise.allSettled([api.listMovies(), api.listCinemas(), api.sysEnums()])
    await until(() => router.currentRoute.value.name === 'login', 'the login page opened')
    expect(replace, 'three refused calls, one login page').toHaveBeenCalledTimes(1)
    expect(router.currentRoute.value.query).toEqual({ reason: 'expired', redirect: '/movies?name=x' })
    expect(loginReason(router.currentRoute.value.query.reason), 'a reason the login page shows').toBe('expired')
    expect([session.isLoggedIn, sessionStorage.getItem('cinedesk.session'), cinemas.loaded]).toEqual([false, null, false])
  })

  it('offers no way back from the home page', async () => {
    const { router } = await loggedInOn('/')
    fakeServer(() => ({ status: 401, body: { code: 'unauthorized', info: 'the session expired' } }))
    await useBackend().sysEnums().catch(() => undefined)
    await until(() => router.currentRoute.value.name === 'login', 'the login page opened')
    expect(router.currentRoute.value.query).toEqual({ reason: 'expired' })
  })
})
