/**
 * One actor per cluster: a `coordination.k8s.io/v1` Lease named after the cluster, taken before a recovery acts and
 * renewed while it applies and waits. The rules and timings are client-go's leader election
 * (k8s.io/client-go/tools/leaderelection/leaderelection.go, v0.32: `tryAcquireOrRenew`; the defaults every
 * controller uses: LeaseDuration 15 s, RenewDeadline 10 s, RetryPeriod 2 s):
 * - a Lease held by someone else is taken over only after it has not changed for a whole lease duration, measured
 *   on our own clock from when we first saw that version (`observedTime`), never by comparing the holder's clock;
 * - every write is a compare-and-swap on `resourceVersion`, so two candidates never both win;
 * - a holder that cannot renew within the renew deadline has lost the lease and must stop acting;
 * - on release the holder clears `holderIdentity` so the next candidate need not wait (`ReleaseOnCancel`).
 * The policy (who may take the lease, when it is lost) is `leaseDecision`, pure; this file performs the requests.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { interruptedError, StarRocksDrError } from '../errors';
import type { KObject, KubeClient } from '../kube/client';
import { isConflict } from '../kube/errors';

export interface LeaseTimings {
  /** How long a silent holder keeps the lease. @default 15000 */
  readonly durationMs: number;
  /** A holder that has not renewed for this long stops acting. @default 10000 */
  readonly renewDeadlineMs: number;
  /** Time between tries to take or renew. @default 2000 */
  readonly retryMs: number;
}

export const CLIENT_GO_TIMINGS: LeaseTimings = { durationMs: 15_000, renewDeadlineMs: 10_000, retryMs: 2_000 };

export function leaseName(cluster: string): string {
  return `${cluster}-starrocks-dr`;
}

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
  /** Aborted when the lease is lost (not renewed within the renew deadline, or taken by another holder). */
  readonly lost: AbortSignal;
  /** Renew now and fail if the lease is no longer ours: called before each apply, so a run that was paused longer than the lease never acts on a stale view. */
  confirm(): Promise<void>;
  /** Stop renewing and hand the lease back. Never throws. */
  release(): Promise<void>;
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

export async function acquireLease(opts: AcquireOptions): Promise<HeldLease> {
  const { client, namespace, identity } = opts;
  const { timers } = client;
  const timings = opts.timings ?? CLIENT_GO_TIMINGS;
  const name = leaseName(opts.cluster);
  const where = `Lease/${name}`;
  const deadline = timers.now() + opts.timeoutMs;
  let seen: Observation | undefined;
  let told = '';
  let current: KObject | undefined;

  // Take the lease (create it, or compare-and-swap an existing one), waiting while someone else holds it.
  for (;;) {
    if (opts.signal?.aborted) throw interruptedError();
    const live = await client.get('Lease', namespace, name);
    const spec = live?.spec as LeaseSpec | undefined;
    const rv = live?.metadata?.resourceVersion ?? '';
    if (!seen || seen.resourceVersion !== rv) seen = { resourceVersion: rv, atMs: timers.now() };
    const decision = leaseDecision(spec, identity, seen, timers.now(), timings.durationMs);
    if (decision.take) {
      const now = microTime(timers.now());
      const next: LeaseSpec = {
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(timings.durationMs / 1000),
        acquireTime: decision.transition ? now : spec?.acquireTime ?? now,
        renewTime: now,
        leaseTransitions: (spec?.leaseTransitions ?? 0) + (decision.transition && spec?.holderIdentity ? 1 : 0),
      };
      try {
        current = live ? await client.replace(leaseObject(name, namespace, next, rv), FIELD_MANAGER) : await client.create(leaseObject(name, namespace, next), FIELD_MANAGER);
        break;
      } catch (err) {
        if (!isConflict(err)) throw err;
        continue; // someone else wrote it first: look again
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

  // Hold it: renew every retry period; a renewal that fails for longer than the renew deadline loses it.
  const lost = new AbortController();
  const stop = new AbortController();
  let lastRenewMs = timers.now();
  const renew = async (): Promise<void> => {
    const spec = { ...(current!.spec as LeaseSpec), renewTime: microTime(timers.now()) };
    try {
      current = await client.replace(leaseObject(name, namespace, spec, current!.metadata?.resourceVersion), FIELD_MANAGER);
      lastRenewMs = timers.now();
    } catch (err) {
      if (isConflict(err)) {
        // Someone wrote our lease: it is theirs now (client-go: "failed to renew lease").
        lost.abort(leaseLost(where, 'another run took it over'));
        throw lost.signal.reason;
      }
      if (timers.now() - lastRenewMs > timings.renewDeadlineMs) {
        lost.abort(leaseLost(where, `it could not be renewed for ${timings.renewDeadlineMs / 1000}s`));
        throw lost.signal.reason;
      }
    }
  };
  // One renewal at a time: two in flight would conflict with each other on our own resourceVersion.
  let renewing: Promise<void> = Promise.resolve();
  const renewOnce = (): Promise<void> => (renewing = renewing.catch(() => undefined).then(renew));
  void (async () => {
    while (!stop.signal.aborted && !lost.signal.aborted) {
      await timers.sleep(timings.retryMs, stop.signal);
      if (stop.signal.aborted) return;
      await renewOnce().catch(() => undefined);
    }
  })();

  return {
    lost: lost.signal,
    async confirm() {
      if (lost.signal.aborted) throw lost.signal.reason;
      // A paused process or a starved event loop may have missed its renewals: only a renewal proves it is ours.
      await renewOnce();
      if (timers.now() - lastRenewMs > timings.renewDeadlineMs) throw leaseLost(where, 'it could not be renewed');
    },
    async release() {
      stop.abort();
      await renewing.catch(() => undefined);
      if (lost.signal.aborted) return;
      const spec: LeaseSpec = { ...(current!.spec as LeaseSpec), holderIdentity: undefined, leaseDurationSeconds: 1, renewTime: microTime(timers.now()) };
      delete spec.holderIdentity;
      await client.replace(leaseObject(name, namespace, spec, current!.metadata?.resourceVersion), FIELD_MANAGER).catch(() => undefined);
    },
  };
}

function leaseLost(where: string, why: string): StarRocksDrError {
  return new StarRocksDrError('Contended', `this run lost the cluster's lease: ${why}; it stopped acting`, {
    field: where,
    fix: 'another run is acting on this cluster: let it finish (`starrocks-dr dr status` shows the record), then run the same command again: it resumes',
  });
}
