/**
 * Time for the simulated kubelet: a monotonic clock in milliseconds and repeating timers. The real scheduler runs
 * on wall-clock time (durations already scaled by `timeScale`). The virtual scheduler keeps its own clock, which
 * moves only when told (`advance`) or, once `run` is called, on its own by `stepMs` per turn of the event loop in
 * which the simulator is idle (no request being served, no controller work queued). Timers fire in due order at
 * their exact virtual times, so simulated durations take almost no wall-clock time and keep their spacing.
 */
export interface Scheduler {
  /** Milliseconds on this scheduler's monotonic clock. */
  now(): number;
  /** Runs `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
  stop(): void;
}

export class RealScheduler implements Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();

  now(): number {
    return performance.now();
  }

  every(ms: number, fn: () => void): () => void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.add(t);
    return () => {
      clearInterval(t);
      this.timers.delete(t);
    };
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
  }
}

interface VirtualTimer {
  due: number;
  readonly period: number;
  readonly fn: () => void;
  readonly seq: number;
  cancelled: boolean;
}

export class VirtualScheduler implements Scheduler {
  private clock = 0;
  private seq = 0;
  private timers: VirtualTimer[] = [];
  private driver?: NodeJS.Timeout;
  private stopped = false;

  /** @param idle true when nothing but time can make progress; checked before each automatic step. */
  constructor(private readonly idle: () => boolean = () => true) {}

  now(): number {
    return this.clock;
  }

  every(ms: number, fn: () => void): () => void {
    const t: VirtualTimer = { due: this.clock + ms, period: Math.max(1, ms), fn, seq: this.seq++, cancelled: false };
    this.timers.push(t);
    return () => {
      t.cancelled = true;
    };
  }

  /** Moves the clock forward by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const end = this.clock + ms;
    for (let t = this.next(); t && t.due <= end; t = this.next()) this.fire(t);
    this.clock = Math.max(this.clock, end);
  }

  /** Starts moving on its own: each idle turn (about a real millisecond) advances the clock by `stepMs`. */
  run(stepMs = 1000): void {
    const turn = () => {
      if (this.stopped) return;
      if (this.idle()) this.advance(stepMs);
      this.driver = setTimeout(turn, 1);
      this.driver.unref();
    };
    this.driver = setTimeout(turn, 1);
    this.driver.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.driver) clearTimeout(this.driver);
    this.timers = [];
  }

  private next(): VirtualTimer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let best: VirtualTimer | undefined;
    for (const t of this.timers) if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    return best;
  }

  private fire(t: VirtualTimer): void {
    this.clock = Math.max(this.clock, t.due);
    t.due += t.period;
    t.fn();
  }
}
