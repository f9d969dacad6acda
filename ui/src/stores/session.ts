import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { useBackend, type LoginInput, type Session, type SetupAdminInput } from '@/backend'

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
    save(s)
  }

  async function login(input: LoginInput): Promise<void> {
    set(await useBackend().login(input))
  }

  async function setupAdmin(input: SetupAdminInput): Promise<void> {
    set(await useBackend().setupAdmin(input))
  }

  /** Ends the session on the server (best effort) and forgets it here. */
  async function logout(): Promise<void> {
    const t = token.value
    set(null)
    if (t) {
      try {
        await useBackend().logout(t)
      } catch {
        // already expired or unreachable: nothing more to do
      }
    }
  }

  /** Forgets the session without telling the server (it already refused the token). */
  function clear(): void {
    set(null)
  }

  return { session, isLoggedIn, token, roles, login, setupAdmin, logout, clear }
})
