import { setTimeout as sleep } from "timers/promises";

/**
 * Spaces calls evenly at `perMinute`, and never releases more than `perMinute` within any window
 * even when the event loop stalls and delayed calls bunch up. Cloud KMS enforces hosting-project
 * quotas per second although they are listed per minute (https://cloud.google.com/kms/quotas), so
 * bursts get throttled. `windowMs` is a minute unless a test compresses time.
 */
export class Pacer {
  private next = 0;
  private intervalMs: number;
  private limit: number;
  private released: number[] = [];

  constructor(
    perMinute: number,
    private readonly windowMs = 60_000,
  ) {
    if (!(perMinute > 0)) throw new Error(`a pace must be positive, got ${perMinute} per minute`);
    this.intervalMs = windowMs / perMinute;
    this.limit = Math.max(1, Math.floor(perMinute));
  }

  /**
   * The service refused a call for quota: the granted quota is lower than planned (or shared with
   * another caller), so slow down by a fifth, never below one call a window.
   */
  slowDown(): void {
    this.intervalMs = Math.min(this.windowMs, this.intervalMs * 1.25);
    this.limit = Math.max(1, Math.floor(this.windowMs / this.intervalMs));
  }

  /** Resolves when the caller may make its call. */
  async take(): Promise<void> {
    const now = performance.now();
    const slot = Math.max(now, this.next);
    this.next = slot + this.intervalMs;
    if (slot > now) await sleep(slot - now);
    for (;;) {
      const t = performance.now();
      this.released = this.released.filter((r) => r > t - this.windowMs);
      if (this.released.length < this.limit) break;
      await sleep(this.released[0] + this.windowMs - t);
    }
    this.released.push(performance.now());
  }
}
