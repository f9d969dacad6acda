import { describe, expect, it } from 'vitest'
import { SpeedMeter } from './uploadSpeed'
import { nextVodStatuses } from './vodStatus'

describe('SpeedMeter', () => {
  it('measures bytes per second over its window', () => {
    let t = 0
    const m = new SpeedMeter(5000, () => t)
    expect(m.speed(), 'no speed from one sample').toBe(0)
    m.add(0)
    t = 1000
    m.add(1_000_000)
    expect(m.speed()).toBe(1_000_000)
    t = 2000
    m.add(3_000_000)
    expect(m.speed()).toBe(1_500_000)
  })

  it('forgets samples older than the window, so a stall shows', () => {
    let t = 0
    const m = new SpeedMeter(2000, () => t)
    m.add(0)
    t = 1000
    m.add(10_000_000)
    for (t = 2000; t <= 6000; t += 1000) m.add(10_000_000)
    expect(m.speed()).toBe(0)
  })
})

describe('VOD lifecycle', () => {
  it('allows what the core allows', () => {
    expect(nextVodStatuses('PENDING')).toEqual(['ACCEPTED', 'CANCELLED', 'FAILED'])
    expect(nextVodStatuses('ACCEPTED')).toEqual(['PLAYING', 'CANCELLED', 'FAILED'])
    expect(nextVodStatuses('PLAYING')).toEqual(['COMPLETED', 'FAILED'])
    expect(nextVodStatuses('COMPLETED')).toEqual([])
  })
})
