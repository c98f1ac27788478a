/**
 * Time for the simulated kubelet (and, through `sim.timers`, for the clients under test): a monotonic clock in
 * milliseconds and timers. The real scheduler runs on wall-clock time (durations already scaled by `timeScale`).
 * The virtual scheduler keeps its own clock, which moves only when told (`advance`) or, once `run` is called, on its
 * own: on each turn of the event loop in which everything is idle (no request being served or awaited, no watch
 * event in transit, no controller work queued) it jumps to the next timer due and runs the timers due then. Timers
 * fire in due order at their exact virtual times, so simulated durations take almost no wall-clock time, keep their
 * spacing, and nothing that is still working can be overtaken by a timeout.
 */
export interface Scheduler {
  /** Milliseconds on this scheduler's monotonic clock. */
  now(): number;
  /** Runs `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
  /** Runs `fn` once after `ms`, unless the returned function is called first. */
  after(ms: number, fn: () => void): () => void;
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

  after(ms: number, fn: () => void): () => void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
    return () => {
      clearTimeout(t);
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
  /** 0: fires once. */
  readonly period: number;
  readonly fn: () => void;
  readonly seq: number;
  cancelled: boolean;
}

export class VirtualScheduler implements Scheduler {
  private clock = 0;
  private seq = 0;
  private timers: VirtualTimer[] = [];
  private driver?: NodeJS.Timeout | NodeJS.Immediate;
  private stopped = false;

  /** @param idle true when nothing but time can make progress; checked before each automatic step. */
  constructor(private readonly idle: () => boolean = () => true) {}

  now(): number {
    return this.clock;
  }

  every(ms: number, fn: () => void): () => void {
    return this.add(ms, Math.max(1, ms), fn);
  }

  after(ms: number, fn: () => void): () => void {
    return this.add(Math.max(0, ms), 0, fn);
  }

  /** Moves the clock forward by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const end = this.clock + ms;
    for (let t = this.next(); t && t.due <= end; t = this.next()) this.fire(t);
    this.clock = Math.max(this.clock, end);
  }

  /** Moves the clock to the next timer due and runs every timer due at that time; false when none is pending. */
  step(): boolean {
    const first = this.next();
    if (!first) return false;
    const due = first.due;
    // Only the timers due now: what they schedule waits for the next idle turn, after the work they started.
    const dueNow = this.timers.filter((t) => !t.cancelled && t.due <= due).sort((a, b) => a.due - b.due || a.seq - b.seq);
    for (const t of dueNow) if (!t.cancelled) this.fire(t);
    return true;
  }

  /** Starts moving on its own: each idle turn of the event loop (about a real millisecond) is one `step`. */
  run(): void {
    const turn = () => {
      if (this.stopped) return;
      const idle = this.idle();
      const stepped = idle && this.step();
      this.schedule(turn, stepped || !idle);
    };
    this.schedule(turn, false);
  }

  /**
   * While there is work, the next turn comes as soon as the event loop has handled what is pending (I/O included);
   * when all is idle and no timer is due, a millisecond later, not to spin. The turns keep the process alive until
   * `stop`, as the simulator's listening socket does.
   */
  private schedule(turn: () => void, soon: boolean): void {
    this.driver = soon ? setImmediate(turn) : setTimeout(turn, 1);
  }

  stop(): void {
    this.stopped = true;
    if (this.driver) {
      clearTimeout(this.driver as NodeJS.Timeout);
      clearImmediate(this.driver as NodeJS.Immediate);
    }
    this.timers = [];
  }

  private add(ms: number, period: number, fn: () => void): () => void {
    const t: VirtualTimer = { due: this.clock + ms, period, fn, seq: this.seq++, cancelled: false };
    this.timers.push(t);
    return () => {
      t.cancelled = true;
    };
  }

  private next(): VirtualTimer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let best: VirtualTimer | undefined;
    for (const t of this.timers) if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    return best;
  }

  private fire(t: VirtualTimer): void {
    this.clock = Math.max(this.clock, t.due);
    if (t.period > 0) t.due += t.period;
    else t.cancelled = true;
    t.fn();
  }
}
