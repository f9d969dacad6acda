import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { useBackend, useDesktop, type LoginInput, type Session, type SetupAdminInput } from '@/backend'

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

  function set(s: Session | null): void {
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

  return { session, isLoggedIn, token, roles, isAdmin, login, setupAdmin, logout, clear }
})
