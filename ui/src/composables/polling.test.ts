// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { usePolling } from './polling'

describe('usePolling', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('ticks every interval while started and stops when told', async () => {
    const tick = vi.fn(async () => undefined)
    const p = usePolling(tick, 1000)
    p.start()
    await vi.advanceTimersByTimeAsync(3000)
    expect(tick).toHaveBeenCalledTimes(3)
    p.stop()
    await vi.advanceTimersByTimeAsync(5000)
    expect(tick).toHaveBeenCalledTimes(3)
  })

  it('never runs two ticks at once: the next waits for a slow one', async () => {
    let release: () => void = () => undefined
    const tick = vi.fn(() => new Promise<void>((r) => (release = r)))
    const p = usePolling(tick, 1000)
    p.start()
    await vi.advanceTimersByTimeAsync(5000)
    expect(tick).toHaveBeenCalledTimes(1)
    release()
    await vi.advanceTimersByTimeAsync(1000)
    expect(tick).toHaveBeenCalledTimes(2)
    p.stop()
  })

  it('goes on after a failed tick', async () => {
    const tick = vi.fn(async () => {
      throw new Error('offline')
    })
    const p = usePolling(tick, 1000)
    p.start()
    await vi.advanceTimersByTimeAsync(2000)
    expect(tick).toHaveBeenCalledTimes(2)
    p.stop()
  })

  it('waits while the window is hidden and ticks at once when it shows again', async () => {
    const state = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    const tick = vi.fn(async () => undefined)
    const p = usePolling(tick, 1000)
    p.start()
    await vi.advanceTimersByTimeAsync(5000)
    expect(tick).not.toHaveBeenCalled()
    state.mockReturnValue('visible')
    document.dispatchEvent(new Event('visibilitychange'))
    await vi.advanceTimersByTimeAsync(0)
    expect(tick).toHaveBeenCalledTimes(1)
    p.stop()
    state.mockRestore()
  })
})
