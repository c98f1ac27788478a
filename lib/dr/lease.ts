/**
 * One actor per cluster: a `coordination.k8s.io/v1` Lease named after the cluster, taken before a recovery acts and
 * renewed while it applies and waits. The rules and timings are client-go's leader election
 * (k8s.io/client-go/tools/leaderelection/leaderelection.go, v0.32: `tryAcquireOrRenew`; the defaults every
 * controller uses: LeaseDuration 15 s, RenewDeadline 10 s, RetryPeriod 2 s):
 * - a Lease held by someone else is taken over only after it has not changed for a whole lease duration, measured
 *   on our own clock from when we first saw that version (`observedTime`), never by comparing the holder's clock;
 * - every write is a compare-and-swap on `resourceVersion`, so two candidates never both win;
 * - a holder renews every retry period; each renewal reads the Lease again when its write is refused, and goes on
 *   when the holder is still itself (its own earlier write committed, the answer was lost), so a lost response is
 *   never taken for a takeover (`tryAcquireOrRenew` steps 1-2: Get, then check the holder);
 * - a renewal is bounded by the renew deadline: the run stops acting the moment a cycle of renewals (started one
 *   retry period after the last success) has not succeeded within it (`renew`: `context.WithTimeout(ctx,
 *   RenewDeadline)` and the `select` on `timeoutCtx.Done()`), not when a late answer comes back;
 * - on release the holder clears `holderIdentity` so the next candidate need not wait (`ReleaseOnCancel`).
 * The rules (who may take the lease, why it was lost, whether there is time left to act) are pure functions here
 * (`leaseDecision`, `renewalLostError`, `timeToActError`); `acquireLease` performs the requests.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { interruptedError, StarRocksDrError } from '../errors';
import type { KObject, KubeClient } from '../kube/client';
import { isConflict } from '../kube/errors';
import type { ErrorCode } from '../errors';
import { leaseName } from '../render/names';

export interface LeaseTimings {
  /** How long a silent holder keeps the lease. @default 15000 */
  readonly durationMs: number;
  /** A holder that has not renewed for this long stops acting. @default 10000 */
  readonly renewDeadlineMs: number;
  /** Time between tries to take or renew. @default 2000 */
  readonly retryMs: number;
}

export const CLIENT_GO_TIMINGS: LeaseTimings = { durationMs: 15_000, renewDeadlineMs: 10_000, retryMs: 2_000 };

/** Who we are, for `holderIdentity`: enough for a person to find the other run (`kubectl get lease -o yaml`). */
export function holderIdentity(what: string): string {
  return `${what}@${hostname()}/pid-${process.pid}/${randomUUID().slice(0, 8)}`;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** What we last saw of someone else's lease, and when (on our clock). */
export interface Observation {
  readonly resourceVersion: string;
  readonly atMs: number;
}

export type LeaseDecision = { readonly take: true; readonly transition: boolean } | { readonly take: false; readonly heldBy: string; readonly expiresInMs: number };

/**
 * client-go's `tryAcquireOrRenew` as a pure rule: may `me` write the lease now? A lease that is free (no holder),
 * ours, or unchanged for a whole duration since we first saw it, may be taken.
 */
export function leaseDecision(spec: LeaseSpec | undefined, me: string, seen: Observation | undefined, nowMs: number, durationMs: number): LeaseDecision {
  const holder = spec?.holderIdentity ?? '';
  if (!holder) return { take: true, transition: true };
  if (holder === me) return { take: true, transition: false };
  const since = seen?.atMs ?? nowMs;
  const expiresInMs = since + durationMs - nowMs;
  if (expiresInMs <= 0) return { take: true, transition: true };
  return { take: false, heldBy: holder, expiresInMs };
}

export interface HeldLease {
  /** Aborted when the lease is lost (a renewal cycle passed its deadline, or another holder took it). */
  readonly lost: AbortSignal;
  /**
   * Renew now and fail if the lease is no longer ours: called before each apply, so a run that was paused or cut off
   * longer than the renew deadline never acts on a stale view.
   */
  confirm(): Promise<void>;
  /** Stop renewing and hand the lease back, giving up after `boundMs` (best effort). Never throws. */
  release(boundMs?: number): Promise<void>;
}

export interface AcquireOptions {
  readonly client: KubeClient;
  readonly cluster: string;
  readonly namespace: string;
  /** `holderIdentity`; see `holderIdentity()`. */
  readonly identity: string;
  /** Give up waiting for another holder after this long: a `Contended` error naming the holder. */
  readonly timeoutMs: number;
  readonly timings?: LeaseTimings;
  readonly signal?: AbortSignal;
  /** Told once per holder we wait for. */
  readonly onWaiting?: (holder: string) => void;
}

const FIELD_MANAGER = 'starrocks-dr-lease';

function leaseObject(name: string, namespace: string, spec: LeaseSpec, resourceVersion?: string): KObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace,
      ...(resourceVersion ? { resourceVersion } : {}),
      labels: { 'app.kubernetes.io/managed-by': 'starrocks-dr' },
    },
    spec,
  };
}

/** Lease times are RFC 3339 with microseconds (`MicroTime`). */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** How long after the start of the last successful renewal the lease is lost: one retry period, then a cycle bounded by the renew deadline. */
export function renewalCutoffMs(timings: LeaseTimings): number {
  return timings.retryMs + timings.renewDeadlineMs;
}

/**
 * The least time a run needs to act once it holds the lease: one apply and one renewal, each given a retry period,
 * or half of a --timeout shorter than that (a short --timeout is the user's choice, and an uncontended run holds the
 * lease at once).
 */
export function minTimeToActMs(timings: LeaseTimings, timeoutMs: number): number {
  return Math.min(2 * timings.retryMs, timeoutMs / 2);
}

/** What a renewal cycle that passed its deadline saw, for the error that names the cause. */
export interface RenewalFailure {
  /** The error code of the last failed renewal request (`Unreachable`, `ApiError`), if one failed. */
  readonly lastErrorCode?: ErrorCode;
  readonly lastErrorMessage?: string;
  /** A renewal request was sent before the deadline and had not been answered when it passed. */
  readonly unanswered: boolean;
  /**
   * How late the deadline was noticed, on this process's clock (its timer fired this long after it was due). Later
   * than a retry period: this process did not run (SIGSTOP, a starved event loop), so an unanswered renewal says
   * nothing about the API server: the answer may be waiting, unread, in the socket. @default 0
   */
  readonly lateMs?: number;
}

/**
 * Why the lease was lost when a renewal cycle passed its deadline. The API server did not answer, or refused: exit 4
 * (nobody else is acting). No renewal was even tried in time (the process was paused or starved): this run lost the
 * lease (exit 5), another run may have taken it.
 */
export function renewalLostError(where: string, server: string, timings: LeaseTimings, seen: RenewalFailure): StarRocksDrError {
  const window = `${renewalCutoffMs(timings) / 1000}s`;
  if ((seen.lateMs ?? 0) > timings.retryMs) return leaseLost(where, `it was not renewed for ${window} (this process did not run for ${Math.round((seen.lateMs ?? 0) / 100) / 10}s: paused or starved)`);
  if (seen.lastErrorCode === 'Unreachable' || (seen.unanswered && seen.lastErrorCode === undefined)) {
    const detail = seen.lastErrorMessage ? ` (${seen.lastErrorMessage})` : seen.unanswered ? ' (a renewal got no answer)' : '';
    return new StarRocksDrError('Unreachable', `the Kubernetes API at ${server} did not answer this run's lease renewals for ${window}${detail}, so it stopped acting: no other run took over`, {
      field: where,
      fix: 'check that the API server is up and reachable (kubeconfig, network, VPN), then run the same command again: it resumes from the recorded status',
    });
  }
  if (seen.lastErrorCode !== undefined) {
    return new StarRocksDrError('ApiError', `the Kubernetes API refused this run's lease renewals for ${window}${seen.lastErrorMessage ? ` (${seen.lastErrorMessage})` : ''}, so it stopped acting`, {
      field: where,
      fix: 'check the API server and the permissions on leases (examples/rbac/role.yaml), then run the same command again: it resumes',
    });
  }
  return leaseLost(where, `it was not renewed for ${window} (this process did not run: paused or starved)`);
}

/** A run whose lease came free with too little of its --timeout left to act on it. */
export function timeToActError(where: string, leftMs: number, needMs: number, waitedFor: string | undefined): StarRocksDrError {
  const left = `${Math.max(0, Math.round(leftMs / 100) / 10)}s`;
  const need = `${Math.round(needMs / 100) / 10}s`;
  if (waitedFor) {
    return new StarRocksDrError('Contended', `the cluster's lease, held by ${waitedFor}, came free with ${left} of --timeout left, less than one apply and one renewal need (${need}); nothing was applied`, {
      field: where,
      fix: 'run the same command again (with a longer --timeout): it resumes from the recorded status',
    });
  }
  return new StarRocksDrError('Timeout', `only ${left} of --timeout was left once the cluster's lease was held, less than one apply and one renewal need (${need}); nothing was applied`, {
    field: where,
    fix: 'run the same command again with a longer --timeout: it resumes from the recorded status',
  });
}

export async function acquireLease(opts: AcquireOptions): Promise<HeldLease & { readonly waitedFor?: string }> {
  const { client, namespace, identity } = opts;
  const { timers } = client;
  const timings = opts.timings ?? CLIENT_GO_TIMINGS;
  const name = leaseName(opts.cluster);
  const where = `Lease/${name}`;
  const deadline = timers.now() + opts.timeoutMs;
  let seen: Observation | undefined;
  let told = '';
  let current: KObject | undefined;
  let renewedAt = 0;

  // Take the lease (create it, or compare-and-swap an existing one), waiting while someone else holds it.
  for (;;) {
    if (opts.signal?.aborted) throw interruptedError();
    const live = await client.get('Lease', namespace, name);
    const spec = live?.spec as LeaseSpec | undefined;
    const rv = live?.metadata?.resourceVersion ?? '';
    if (!seen || seen.resourceVersion !== rv) seen = { resourceVersion: rv, atMs: timers.now() };
    const decision = leaseDecision(spec, identity, seen, timers.now(), timings.durationMs);
    if (decision.take) {
      const startedAt = timers.now();
      const now = microTime(startedAt);
      const next: LeaseSpec = {
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(timings.durationMs / 1000),
        acquireTime: decision.transition ? now : spec?.acquireTime ?? now,
        renewTime: now,
        leaseTransitions: (spec?.leaseTransitions ?? 0) + (decision.transition && spec?.holderIdentity ? 1 : 0),
      };
      try {
        current = live ? await client.replace(leaseObject(name, namespace, next, rv), FIELD_MANAGER) : await client.create(leaseObject(name, namespace, next), FIELD_MANAGER);
        renewedAt = startedAt;
        break;
      } catch (err) {
        if (!isConflict(err)) throw err;
        continue; // someone else wrote it first, or our own write committed and its answer was lost: look again
      }
    }
    if (decision.heldBy !== told) {
      told = decision.heldBy;
      opts.onWaiting?.(decision.heldBy);
    }
    const left = deadline - timers.now();
    if (left <= 0) {
      throw new StarRocksDrError('Contended', `another run holds the cluster's lease: ${decision.heldBy}`, {
        field: where,
        fix: `wait for that run to finish (it renews the lease every ${timings.retryMs / 1000}s), or stop it; a holder that died is taken over ${timings.durationMs / 1000}s after its last renewal. Then run the same command again`,
      });
    }
    await timers.sleep(Math.min(timings.retryMs, left), opts.signal);
  }

  // Hold it: renew every retry period; lost the moment a renewal cycle passes its deadline, or another holder shows.
  const lost = new AbortController();
  const stop = new AbortController();
  const lose = (reason: StarRocksDrError) => {
    if (!lost.signal.aborted) lost.abort(reason);
  };
  /** The last renewal request of the current cycle: when it was sent and how it ended. */
  let pendingSince: number | undefined;
  let lastError: StarRocksDrError | undefined;
  const cutoff = () => renewedAt + renewalCutoffMs(timings);
  let cancelWatchdog = () => {};
  const armWatchdog = () => {
    cancelWatchdog();
    const due = cutoff();
    cancelWatchdog = timers.after(Math.max(0, due - timers.now()), () => {
      if (stop.signal.aborted) return;
      const unanswered = pendingSince !== undefined && pendingSince < cutoff();
      lose(renewalLostError(where, client.server, timings, { unanswered, lateMs: timers.now() - due, lastErrorCode: lastError?.code, lastErrorMessage: lastError?.problem }));
    });
  };
  armWatchdog();

  /**
   * Write our lease (`spec`) as a compare-and-swap; when refused, read it again: still ours (our earlier write
   * committed and its answer was lost) -> write again on the fresh version; someone else's -> 'taken'.
   */
  const writeOurs = async (spec: LeaseSpec, deadlineMs: number, signal?: AbortSignal): Promise<'written' | { taken: string }> => {
    for (let attempt = 0; ; attempt++) {
      const bound = { deadlineMs: Math.max(1, deadlineMs - timers.now()), signal };
      try {
        current = await client.replace(leaseObject(name, namespace, spec, current!.metadata?.resourceVersion), FIELD_MANAGER, bound);
        return 'written';
      } catch (err) {
        if (!isConflict(err) || attempt >= 3) throw err;
      }
      const live = await client.get('Lease', namespace, name, bound);
      const holder = (live?.spec as LeaseSpec | undefined)?.holderIdentity ?? '';
      if (!live || holder !== identity) return { taken: holder || '(nobody: the lease was released or deleted)' };
      current = live;
    }
  };

  const renew = async (): Promise<boolean> => {
    if (lost.signal.aborted || stop.signal.aborted) return false;
    const startedAt = timers.now();
    pendingSince = startedAt;
    try {
      const result = await writeOurs({ ...(current!.spec as LeaseSpec), renewTime: microTime(startedAt) }, cutoff(), stop.signal);
      if (lost.signal.aborted) return false; // a late answer: the cycle already passed its deadline
      if (result !== 'written') {
        lose(leaseLost(where, `another run took it over: ${result.taken}`));
        return false;
      }
      renewedAt = startedAt;
      lastError = undefined;
      armWatchdog();
      return true;
    } catch (err) {
      lastError = err instanceof StarRocksDrError ? err : new StarRocksDrError('Unreachable', String((err as Error)?.message ?? err), { field: where, fix: '' });
      return false;
    } finally {
      pendingSince = undefined;
    }
  };
  // One renewal at a time: two in flight would conflict with each other on our own resourceVersion.
  let renewing: Promise<boolean> = Promise.resolve(true);
  const renewOnce = (): Promise<boolean> => (renewing = renewing.catch(() => false).then(renew));
  void (async () => {
    while (!stop.signal.aborted && !lost.signal.aborted) {
      await timers.sleep(timings.retryMs, stop.signal);
      if (stop.signal.aborted) return;
      await renewOnce();
    }
  })();
  const finish = () => {
    stop.abort();
    cancelWatchdog();
  };

  return {
    lost: lost.signal,
    waitedFor: told || undefined,
    async confirm() {
      if (lost.signal.aborted) throw lost.signal.reason;
      // A paused process or a starved event loop may have missed its renewals: only a renewal proves it is ours.
      const ok = await renewOnce();
      if (lost.signal.aborted) throw lost.signal.reason;
      if (!ok) throw renewalLostError(where, client.server, timings, { unanswered: false, lastErrorCode: lastError?.code ?? 'Unreachable', lastErrorMessage: lastError?.problem });
    },
    async release(boundMs = renewalCutoffMs(timings)) {
      finish();
      if (lost.signal.aborted) return;
      const until = timers.now() + boundMs;
      const giveUp = new AbortController();
      const cancel = timers.after(boundMs, () => giveUp.abort());
      const bounded = <T>(p: Promise<T>, ms: number) => {
        let stopWaiting = () => {};
        const timeout = new Promise<void>((r) => {
          const off = timers.after(ms, r);
          stopWaiting = () => off();
          giveUp.signal.addEventListener('abort', () => r(), { once: true });
        });
        return Promise.race([p.then(() => stopWaiting(), () => stopWaiting()), timeout]);
      };
      try {
        // A renewal in flight should finish first, so the release writes the newest version; it gets half the bound.
        // If it is still unanswered then, the release goes out anyway (that renewal, if it lands later, is refused).
        await bounded(renewing, boundMs / 2);
        if (giveUp.signal.aborted) return;
        const spec: LeaseSpec = { ...(current!.spec as LeaseSpec), leaseDurationSeconds: 1, renewTime: microTime(timers.now()) };
        delete spec.holderIdentity;
        await bounded(writeOurs(spec, until, giveUp.signal), Math.max(1, until - timers.now()));
      } finally {
        cancel();
      }
    },
  };
}

function leaseLost(where: string, why: string): StarRocksDrError {
  return new StarRocksDrError('Contended', `this run lost the cluster's lease: ${why}; it stopped acting`, {
    field: where,
    fix: 'if another run is acting on this cluster, let it finish (`starrocks-dr dr status` shows the record and the holder); then run the same command again: it resumes',
  });
}
