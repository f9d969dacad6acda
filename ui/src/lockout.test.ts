import { describe, expect, it } from 'vitest'
import { ApiError } from '@/backend'
import { lockoutOf } from './lockout'

const refused = (retryAfter?: number) => {
  const e = new ApiError('too_many_requests', 'too many failed logins for this account: try again in 15 minutes')
  if (retryAfter !== undefined) e.retryAfter = retryAfter
  return e
}
const noon = new Date(2026, 0, 1, 12, 0, 0).getTime()

describe('lockoutOf', () => {
  it('names the wait in whole minutes, rounded up, and the time it ends', () => {
    expect(lockoutOf(refused(841), 'en', noon)).toEqual({ key: 'login.lockedMinutes', params: { n: 15, until: '12:14' } })
  })

  it('names a wait under a minute in seconds', () => {
    expect(lockoutOf(refused(42), 'en', noon)).toEqual({ key: 'login.lockedSeconds', params: { n: 42, until: '12:00' } })
  })

  it('still says the login is locked when the answer gave no wait', () => {
    expect(lockoutOf(refused(), 'en', noon)).toEqual({ key: 'login.locked', params: {} })
  })

  it('is null for a wrong password or any other failure', () => {
    expect(lockoutOf(new ApiError('unauthorized', 'wrong alias or password'), 'en', noon)).toBeNull()
    expect(lockoutOf(new Error('boom'), 'en', noon)).toBeNull()
  })
})
