import { describe, expect, it } from 'vitest'
import { canCancel, orderTotal, parseActor } from './vodStatus'

describe('a VOD task', () => {
  it('costs the sum of its films\' prices when ordered, leaving out films without one', () => {
    expect(orderTotal([{ price: 2990 }, { price: null }, { price: 1000 }])).toBe(3990)
  })

  it('has no total when no price was recorded', () => {
    expect(orderTotal([{ price: null }, {}])).toBeNull()
  })

  it('can be cancelled before it plays, not once it is playing or over', () => {
    expect(canCancel('PENDING')).toBe(true)
    expect(canCancel('ACCEPTED')).toBe(true)
    expect(canCancel('PLAYING')).toBe(false)
    expect(canCancel('CANCELLED')).toBe(false)
  })
})

describe('who moved a task', () => {
  it('is read from the history\'s actor', () => {
    expect(parseActor('user:u1')).toEqual({ kind: 'user', id: 'u1' })
    expect(parseActor('cinema:c:1')).toEqual({ kind: 'cinema', id: 'c:1' })
    expect(parseActor('system')).toEqual({ kind: 'system' })
    expect(parseActor('robot')).toEqual({ kind: 'other', text: 'robot' })
  })
})
