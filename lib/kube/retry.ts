/**
 * Retrying a Kubernetes call through overload (429 with Retry-After, 5xx) and connection failures, with
 * capped exponential backoff and jitter, until a deadline. This is the only place that waits on a timer
 * instead of an event: there is nothing to watch while the API server does not answer.
 */
import { isRetryable, retryAfterMs, toUserError } from './errors';
import { REAL_TIMERS, type Timers } from './timers';

export interface RetryPolicy {
  /** Give up after this long. @default 15000 */
  readonly deadlineMs?: number;
  /** @default 100 */
  readonly initialDelayMs?: number;
  /** @default 5000 */
  readonly maxDelayMs?: number;
}

export async function withRetry<T>(
  call: () => Promise<T>,
  describe: { server: string; what: string },
  policy: RetryPolicy = {},
  signal?: AbortSignal,
  timers: Timers = REAL_TIMERS,
): Promise<T> {
  const deadline = timers.now() + (policy.deadlineMs ?? 15_000);
  let backoff = policy.initialDelayMs ?? 100;
  const maxDelay = policy.maxDelayMs ?? 5_000;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      const wait = retryAfterMs(err) ?? backoff * (0.5 + Math.random() / 2);
      if (!isRetryable(err) || signal?.aborted || timers.now() + wait > deadline) {
        throw toUserError(err, describe.server, describe.what);
      }
      await timers.sleep(wait, signal);
      if (signal?.aborted) throw toUserError(err, describe.server, describe.what);
      backoff = Math.min(backoff * 2, maxDelay);
    }
  }
}
