/**
 * The simulator's virtual clock, handed to clients under test (`sim.timers`, passed as `KubeClient`'s `timers`).
 * The clock may move only when the clients are idle too, so the client tells it what it is doing (`ClientActivity`):
 * requests in flight, and the watches it opened. The server counts the events it writes on each such watch (named
 * by a query parameter), the client the events it has handled; while the two differ an event is in transit, and a
 * timeout must not overtake it. Watches opened by anyone else (kubectl, a test's own Watch) are not counted.
 */
import type { ClientActivity, Timers, TrackedWatch } from '../lib/kube/timers';
import type { Scheduler } from './scheduler';

/** The query parameter that names a client's watch to the simulator. A real API server ignores it. */
export const CLIENT_WATCH_PARAM = 'simClientWatch';

export class ClientBook implements ClientActivity {
  private requests = 0;
  /** Requests of tracked clients the server holds on purpose (`faults.stall`): waiting on the clock, not work. */
  private stalled = 0;
  private nextId = 0;
  /** Events written minus events handled, per open tracked watch. */
  private readonly inTransit = new Map<string, number>();

  begin(): () => void {
    this.requests++;
    let ended = false;
    return () => {
      if (!ended) this.requests--;
      ended = true;
    };
  }

  /**
   * The server holds a request on the clock until the returned function is called. Only requests of tracked clients
   * may be stalled (an untracked client's request is not in `requests`): that is what `faults.stall` is for.
   */
  stall(): () => void {
    this.stalled++;
    let ended = false;
    return () => {
      if (!ended) this.stalled--;
      ended = true;
    };
  }

  openWatch(): TrackedWatch {
    const id = String(++this.nextId);
    this.inTransit.set(id, 0);
    return {
      query: { [CLIENT_WATCH_PARAM]: id },
      received: () => {
        const n = this.inTransit.get(id);
        if (n !== undefined) this.inTransit.set(id, Math.max(0, n - 1));
      },
      closed: () => void this.inTransit.delete(id),
    };
  }

  /** The server wrote one event on the watch named `id`. */
  sent(id: string): void {
    const n = this.inTransit.get(id);
    if (n !== undefined) this.inTransit.set(id, n + 1);
  }

  idle(): boolean {
    if (this.requests - this.stalled > 0) return false;
    for (const n of this.inTransit.values()) if (n > 0) return false;
    return true;
  }
}

/** `Timers` on the scheduler's clock, as unix milliseconds from `epoch`. */
export function schedulerTimers(scheduler: Scheduler, epoch: number, activity: ClientActivity): Timers {
  return {
    now: () => epoch + scheduler.now(),
    after: (ms, fn) => scheduler.after(ms, fn),
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const done = () => {
          cancel();
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const cancel = scheduler.after(ms, done);
        signal?.addEventListener('abort', done, { once: true });
      }),
    activity,
  };
}
