/**
 * Runs passes of some work on request (a notification, a timer), never two at once: a request
 * while a pass runs queues one more pass after it, and any number of such requests are that one
 * pass (a burst of notifications costs two passes at most); a request may come with a check,
 * asked when the pass it queued would start, that says it is still needed (the pass running may
 * have done its work already). After a pass, the next one is timed
 * by the pass itself (it says in how many ms it wants to run again: a retry's backoff ending),
 * never later than `fallbackMs` (work nobody announced); a failed pass is retried after
 * `retryMs`. Timers do not keep the process alive.
 */
export class CoalescingPasses {
  private running?: Promise<void>;
  /** what the requests made during the running pass want checked first (always: no check) */
  private readonly queued = new Set<() => boolean>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    /** one pass; resolves to the ms after which it wants another (undefined: no wish) */
    private readonly pass: () => Promise<number | undefined>,
    private readonly timing: { fallbackMs: number; retryMs: number },
    private readonly onError: (error: unknown) => void,
  ) {}

  /** A pass now, or right after the one running (if `stillNeeded` then says so). */
  request(stillNeeded: () => boolean = always): void {
    if (this.stopped) return;
    if (this.running) {
      this.queued.add(stillNeeded);
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // started on the next tick, so `running` is set before the pass can end
    this.running = Promise.resolve().then(() => this.run());
  }

  /** No more passes; waits for the one running. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private async run(): Promise<void> {
    let nextInMs: number;
    try {
      const wanted = await this.pass();
      nextInMs = Math.min(this.timing.fallbackMs, Math.max(0, wanted ?? Infinity));
    } catch (error) {
      this.onError(error);
      nextInMs = this.timing.retryMs;
    }
    this.running = undefined;
    if (this.stopped) return;
    const again = [...this.queued].some((stillNeeded) => stillNeeded());
    this.queued.clear();
    if (again) {
      this.request();
      return;
    }
    this.timer = setTimeout(() => this.request(), nextInMs);
    this.timer.unref();
  }
}

const always = () => true;
