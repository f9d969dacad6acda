/**
 * What the window does when the server refuses the session (see `HttpBackend.onSessionEnd`): it
 * forgets the session and what the stores kept of it, and opens the login page once, saying
 * why and offering the way back to the page the user was on.
 */
import type { Pinia } from 'pinia'
import type { Router } from 'vue-router'
import type { Backend } from '@/backend'
import { useCinemasStore } from '@/stores/cinemas'
import { useEnumsStore } from '@/stores/enums'
import { useSessionStore } from '@/stores/session'

/** Why the login page was opened (its `reason` query), each with a message under `login.reason`. */
export const LOGIN_REASONS = ['expired'] as const
export type LoginReason = (typeof LOGIN_REASONS)[number]

/** The reason a login page's query gives, if it is one the page knows. */
export function loginReason(query: unknown): LoginReason | null {
  return LOGIN_REASONS.find((r) => r === query) ?? null
}

export function sendToLoginWhenSessionEnds(backend: Backend, router: Router, pinia: Pinia): void {
  backend.onSessionEnd(() => {
    useSessionStore(pinia).clear()
    useEnumsStore(pinia).reset()
    useCinemasStore(pinia).reset()
    const current = router.currentRoute.value
    const back = current.meta.public || current.fullPath === '/' ? {} : { redirect: current.fullPath }
    const reason: LoginReason = 'expired'
    void router.replace({ name: 'login', query: { reason, ...back } })
  })
}
