/** Upload speed over a sliding window of progress samples, so one slow chunk does not make the ETA jump. */
export class SpeedMeter {
  private samples: Array<{ t: number; bytes: number }> = []

  constructor(
    private readonly windowMs = 5000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Records that `bytes` have been sent in total by now. */
  add(bytes: number): void {
    const t = this.now()
    this.samples.push({ t, bytes })
    while (this.samples.length > 2 && t - this.samples[0].t > this.windowMs) this.samples.shift()
  }

  /** Bytes per second over the window; 0 until two samples are apart in time. */
  speed(): number {
    if (this.samples.length < 2) return 0
    const first = this.samples[0]
    const last = this.samples[this.samples.length - 1]
    const dt = (last.t - first.t) / 1000
    return dt > 0 ? Math.max(0, (last.bytes - first.bytes) / dt) : 0
  }
}
