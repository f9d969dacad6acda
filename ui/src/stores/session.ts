import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { useBackend, useDesktop, type LoginInput, type Session, type SetupAdminInput, type User } from '@/backend'

const STORAGE_KEY = 'cinedesk.session'

function isSession(x: unknown): x is Session {
  if (!x || typeof x !== 'object') return false
  const o = x as Record<string, unknown>
  return typeof o.token === 'string' && o.token !== '' && typeof o.userID === 'string' && typeof o.name === 'string'
}

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY)
    const parsed: unknown = raw ? JSON.parse(raw) : null
    return isSession(parsed) ? { ...parsed, role: typeof parsed.role === 'string' ? parsed.role : '' } : null
  } catch {
    return null
  }
}

function save(s: Session | null): void {
  try {
    if (s) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(s))
    else sessionStorage.removeItem(STORAGE_KEY)
  } catch {
    // storage unavailable: the session lasts until reload
  }
}

/** The logged-in user. Kept in sessionStorage so a reload of the window stays logged in. */
export const useSessionStore = defineStore('session', () => {
  const session = ref<Session | null>(load())
  useBackend().setToken(session.value?.token ?? '')

  const isLoggedIn = computed(() => session.value !== null)
  const token = computed(() => session.value?.token ?? '')
  const roles = computed(() =>
    (session.value?.role ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean),
  )

  /**
   * The logged-in user's record (`GET /cms/me`): which cinemas it works on. Loaded by the main
   * layout; null until then. The server decides what each call may see; this only lets pages
   * say so (a MANAGER given no cinema yet) and leave out what would be refused.
   */
  const me = ref<User | null>(null)

  async function loadMe(): Promise<User | null> {
    if (!token.value) return null
    const user = await useBackend().me()
    if (session.value?.userID === user.userID) me.value = user
    return me.value
  }

  function set(s: Session | null): void {
    if (s?.userID !== session.value?.userID) me.value = null
    session.value = s
    useBackend().setToken(s?.token ?? '')
    save(s)
  }

  async function login(input: LoginInput): Promise<void> {
    set(await useBackend().login(input))
  }

  /** First run of the desktop app's embedded database (a server makes its admin itself). */
  async function setupAdmin(input: SetupAdminInput): Promise<void> {
    const desktop = useDesktop()
    if (!desktop) throw new Error('setupAdmin is only for the desktop app')
    set(await desktop.setupAdmin(input))
  }

  /** Ends the session on the server (best effort) and forgets it here. */
  async function logout(): Promise<void> {
    if (!token.value) return
    try {
      await useBackend().logout()
    } catch {
      // already expired or unreachable: nothing more to do
    } finally {
      set(null)
    }
  }
  /** Forgets the session without telling the server (it already refused the token). */
  function clear(): void {
    set(null)
  }

  const isAdmin = computed(() => roles.value.includes('SYS_ADMIN'))
  /** Sees every cinema: a SYS_ADMIN, or a MANAGER given all of them. */
  const seesAllCinemas = computed(() => isAdmin.value || me.value?.allCinemas === true)
  /** A MANAGER given no cinema and no region yet: every list is empty until an administrator does. */
  const hasNoCinemas = computed(
    () => !!me.value && !seesAllCinemas.value && me.value.cinemaIDList.length === 0 && me.value.regionIDList.length === 0,
  )

  return { session, isLoggedIn, token, roles, isAdmin, me, seesAllCinemas, hasNoCinemas, loadMe, login, setupAdmin, logout, clear }
})
