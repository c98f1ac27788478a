/**
 * Time as the client sees it: every wait, retry back-off, lease renewal and deadline of this package goes through
 * one `Timers`, carried by the `KubeClient` (`KubeClient.connect({ timers })`). Users get the wall clock
 * (`REAL_TIMERS`); tests inject another clock (the simulator's virtual one, a manual one), as CloudNativePG injects
 * time into its rollout logic (internal/controller/rollout/rollout.go).
 */
import { setTimeout as sleepReal } from 'node:timers/promises';

export interface Timers {
  /** Unix milliseconds. */
  now(): number;
  /** Resolves after `ms`; resolves early (never rejects) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` once after `ms`, unless the returned function is called first. */
  after(ms: number, fn: () => void): () => void;
}

export const REAL_TIMERS: Timers = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleepReal(ms, undefined, { signal }).catch(() => undefined),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};
