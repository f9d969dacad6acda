import { describe, expect, it } from 'vitest'
import { boardSegments, boardTotal, deliveryPercent, isActive } from './delivery'

const counts = (c: Partial<Record<'QUEUED' | 'SENT' | 'DOWNLOADING' | 'READY' | 'FAILED' | 'WITHDRAWN', number>>) => ({
  QUEUED: 0,
  SENT: 0,
  DOWNLOADING: 0,
  READY: 0,
  FAILED: 0,
  WITHDRAWN: 0,
  ...c,
})

describe('the delivery board', () => {
  it('counts every pair of every state', () => {
    expect(boardTotal(counts({ QUEUED: 2, READY: 5, WITHDRAWN: 1 }))).toBe(8)
  })

  it('draws only the states that have pairs, in lifecycle order, filling the bar', () => {
    const parts = boardSegments(counts({ FAILED: 1, READY: 2, QUEUED: 1 }))
    expect(parts.map((p) => p.state)).toEqual(['QUEUED', 'READY', 'FAILED'])
    expect(parts.map((p) => p.percent)).toEqual([25, 50, 25])
  })

  it('draws nothing for a film sent nowhere', () => {
    expect(boardSegments(counts({}))).toEqual([])
  })

  it('offers neither retry nor withdraw for a withdrawn film', () => {
    expect(isActive('WITHDRAWN')).toBe(false)
    expect(isActive('FAILED')).toBe(true)
  })
})

describe('a delivery\'s progress', () => {
  it('is the share of the file downloaded, floored so that only a finished file shows 100', () => {
    expect(deliveryPercent({ state: 'DOWNLOADING', bytes: 40, totalBytes: 100 })).toBe(40)
    expect(deliveryPercent({ state: 'DOWNLOADING', bytes: 999, totalBytes: 1000 })).toBe(99)
  })

  it('is whole once READY, and 0 while the size is unknown', () => {
    expect(deliveryPercent({ state: 'READY', bytes: 0, totalBytes: 0 })).toBe(100)
    expect(deliveryPercent({ state: 'DOWNLOADING', bytes: 5, totalBytes: 0 })).toBe(0)
  })

  it('never passes 100 when a site reports more bytes than the file has', () => {
    expect(deliveryPercent({ state: 'DOWNLOADING', bytes: 120, totalBytes: 100 })).toBe(100)
  })
})
