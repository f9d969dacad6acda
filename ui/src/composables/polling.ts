/**
 * Live data by polling: `tick` runs every `intervalMs` while started and the window is visible,
 * never two at once (the next waits for the previous to settle), at once when the window shows
 * again, and never after the component that started it is gone.
 */
import { getCurrentScope, onScopeDispose, ref } from 'vue'

export function usePolling(tick: () => Promise<unknown>, intervalMs: number) {
  const running = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined
  let busy = false

  const visible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden'

  function schedule(): void {
    clearTimeout(timer)
    timer = running.value ? setTimeout(() => void run(), intervalMs) : undefined
  }

  async function run(): Promise<void> {
    if (!running.value || busy) return
    if (!visible()) {
      // Hidden: wait for the window to show again (onVisible) rather than polling unseen.
      timer = undefined
      return
    }
    busy = true
    try {
      await tick()
    } catch {
      // The tick reports its own failures; polling goes on.
    } finally {
      busy = false
      schedule()
    }
  }

  function onVisible(): void {
    if (running.value && visible() && !busy) void run()
  }

  /** Starts polling; the first tick waits `intervalMs` (the caller has just loaded). */
  function start(): void {
    if (running.value) return
    running.value = true
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisible)
    schedule()
  }

  function stop(): void {
    running.value = false
    clearTimeout(timer)
    timer = undefined
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', onVisible)
  }

  if (getCurrentScope()) onScopeDispose(stop)
  return { start, stop, running }
}
