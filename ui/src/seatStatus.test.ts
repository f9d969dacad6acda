import { describe, expect, it } from 'vitest'
import type { SeatStatus } from './backend/types'
import { countLiveness, openFaults, seatLiveness } from './seatStatus'
import { isDestructive, isSettled } from './commands'

describe('a seat\'s liveness', () => {
  it('tells a seat never reported from one gone quiet', () => {
    expect(seatLiveness({ online: true, lastSeen: 1 })).toBe('online')
    expect(seatLiveness({ online: false, lastSeen: 1 })).toBe('offline')
    expect(seatLiveness({ online: false, lastSeen: null })).toBe('never')
  })

  it('counts online, offline and errored seats (an errored seat also counts as on- or offline)', () => {
    const seat = (online: boolean, status: SeatStatus) => ({ online, status })
    expect(countLiveness([seat(true, 'IDLE'), seat(true, 'ERROR'), seat(false, 'SHUT_DOWN'), seat(false, 'ERROR')])).toEqual({
      online: 2,
      offline: 2,
      error: 2,
    })
  })
})

describe('open faults', () => {
  it('lists seats still in a fault, the newest first, at most n', () => {
    const seats = [
      { id: 'a', fault: { raisedAt: 10 } },
      { id: 'b', fault: { raisedAt: 30, clearedAt: 40 } },
      { id: 'c', fault: null },
      { id: 'd', fault: { raisedAt: 20, clearedAt: null } },
      { id: 'e', fault: { raisedAt: 5 } },
    ]
    expect(openFaults(seats, 2).map((s) => s.id)).toEqual(['d', 'a'])
  })
})

describe('commands', () => {
  it('ask before interrupting a seat, not before waking one', () => {
    expect(isDestructive('REBOOT')).toBe(true)
    expect(isDestructive('SHUTDOWN')).toBe(true)
    expect(isDestructive('STOP_PLAYBACK')).toBe(true)
    expect(isDestructive('WAKE_ON_LAN')).toBe(false)
  })

  it('are settled once the site answered', () => {
    expect(isSettled('PENDING')).toBe(false)
    expect(isSettled('SENT')).toBe(false)
    expect(isSettled('DONE')).toBe(true)
    expect(isSettled('FAILED')).toBe(true)
  })
})
