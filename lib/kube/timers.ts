/**
 * Time as the client sees it: every wait, retry back-off, lease renewal and deadline of this package goes through
 * one `Timers`, carried by the `KubeClient`. Users get the wall clock (`REAL_TIMERS`). Tests against the simulator
 * pass the simulator's virtual clock (`sim.timers`), so a 10-minute recovery runs in a second, without timing windows:
 * virtual time moves only when nothing but time can make progress, which is what `activity` lets the clock know.
 */
import { setTimeout as sleepReal } from 'node:timers/promises';

export interface Timers {
  /** Unix milliseconds. */
  now(): number;
  /** Resolves after `ms`; resolves early (never rejects) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` once after `ms`, unless the returned function is called first. */
  after(ms: number, fn: () => void): () => void;
  /** Present on a virtual clock: the client tells it what it is doing, so time stands still meanwhile. */
  readonly activity?: ClientActivity;
}

/**
 * What a virtual clock must know of the client to move only when everything is idle: requests in flight, and watch
 * events the API server wrote that the client has not handled yet (an event in transit is work to do).
 */
export interface ClientActivity {
  /** A request is in flight until the returned function is called. */
  begin(): () => void;
  /** A watch about to be opened: the query parameter that names it to the server, and its bookkeeping. */
  openWatch(): TrackedWatch;
}

export interface TrackedWatch {
  /** Extra query parameters for the watch request. */
  readonly query: Readonly<Record<string, string>>;
  /** One event handled. */
  received(): void;
  /** The watch ended: what it still had in transit no longer counts. */
  closed(): void;
}

export const REAL_TIMERS: Timers = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleepReal(ms, undefined, { signal }).catch(() => undefined),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/**
 * Clocks of API servers in this process, by server URL: a simulator on virtual time registers its clock here, so any
 * client of it created in the same process (the CLI's, the Pulumi provider's, a test's) runs on that clock. Nothing
 * registers outside tests and demos: a real cluster's clients get the wall clock. One map per process, shared by
 * every copy of this module (the Pulumi provider loads the compiled package while tests run the sources).
 */
const CLOCKS_KEY = Symbol.for('starrocks-dr.server-clocks');
const serverClocks: Map<string, Timers> = ((globalThis as { [CLOCKS_KEY]?: Map<string, Timers> })[CLOCKS_KEY] ??= new Map());

/** Registers `timers` as the clock of the API server at `server`; the returned function removes it. */
export function registerServerClock(server: string, timers: Timers): () => void {
  serverClocks.set(server, timers);
  return () => {
    if (serverClocks.get(server) === timers) serverClocks.delete(server);
  };
}

/** The clock a client of `server` runs on: a registered one, else the wall clock. */
export function clockForServer(server: string): Timers {
  return serverClocks.get(server.replace(/\/+$/, '')) ?? REAL_TIMERS;
}

/** Runs `call` as one request the clock knows of. */
export async function inFlight<T>(timers: Timers, call: () => Promise<T>): Promise<T> {
  const end = timers.activity?.begin();
  try {
    return await call();
  } finally {
    end?.();
  }
}
