/**
 * The executor: drives one disaster recovery against a live API by repeating observe ─▶ decide ─▶ record ─▶ act.
 * All decisions are `decide`'s (decide.ts); this file only has effects: read, apply, watch, record.
 *
 * Crash safety: the status is recorded before each action and every step is derived from what the cluster shows,
 * so a run killed at any point resumes on rerun with the same `startTimestamp`, and a finished generation is not
 * run again. Nothing here deletes anything; PVCs are never touched.
 *
 * Two modes:
 * - `apply` (`dr run`, the Pulumi provider): applies the restore form, waits, records `done`, applies the full form.
 * - `observe` (`dr wait`, GitOps): a GitOps engine applies the forms; this records the status as the cluster moves
 *   and returns once the FE of the generation is restored.
 */
import type { CoreV1Event, V1PersistentVolumeClaim, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { KubeClient, type KObject } from '../kube/client';
import { waitUntil } from '../kube/wait';
import { decide, type Decision } from './decide';
import { guard, liveIdentity, mergeIdentity } from './guard';
import { interruptedError, StarRocksDrError } from '../errors';
import { acquireLease, CLIENT_GO_TIMINGS, holderIdentity, leaseName, minTimeToActMs, timeToActError, type HeldLease, type LeaseTimings } from './lease';
import { afterActing, applyBeforeWaiting, applyLimitError, feWaitEnds, fullFormOwnedError, restoreFieldOwners, rolledOut } from './policy';
import { describeFe, explainWithEvents, feReadiness, isRestoreForm, isRestoreFormOf } from './readiness';
import type { DisasterRecoveryStatus } from './status';
import { NO_IDENTITY, RecordConflict, RecordGone, readRecord, statusRecordName, writeRecord, type RecordIdentity, type RecoveryRecord } from './status-record';

/** The field manager that applies both forms of every object, so the full form removes the restore-only fields. */
export const FIELD_MANAGER = 'starrocks-dr';

export interface RecoveryPlan {
  readonly cluster: string;
  readonly namespace: string;
  readonly generation: number;
  readonly snapshotMounted: boolean;
  /** `cluster_snapshot_path` of the snapshot this recovery restores, when known; recorded in the record's identity. */
  readonly snapshotPath?: string;
  /** The restore topology (FE in restore form, no CN/BE), in apply order. */
  readonly restoreObjects: readonly KObject[];
  /** The full topology, in apply order. */
  readonly fullObjects: readonly KObject[];
  /** `spec.waitForFullRollout` (operator v1.11): CN/BE StatefulSets go on only once the FE StatefulSet has rolled out. */
  readonly waitForFullRollout?: boolean;
}

export type ProgressEvent =
  | { readonly type: 'status'; readonly status: DisasterRecoveryStatus }
  | { readonly type: 'apply'; readonly form: 'restore' | 'full'; readonly objects: number }
  | { readonly type: 'waiting'; readonly message: string }
  /** Worth knowing, nothing wrong (a finished generation is not restored again). */
  | { readonly type: 'notice'; readonly message: string }
  | { readonly type: 'warning'; readonly message: string };

export interface ExecutorOptions {
  readonly client: KubeClient;
  readonly mode?: 'apply' | 'observe';
  /** Longest wait for the restoring FE (and, in apply mode, for the full rollout). @default 30 minutes */
  readonly timeoutMs?: number;
  /** Wait for every StatefulSet of the full form to roll out after `done`. @default true in apply mode */
  readonly waitForRollout?: boolean;
  /**
   * Stop once the FE is restored and `done` is recorded, leaving the full form to someone else (the Pulumi
   * program applies it as typed resources). @default - go on and apply the full form (apply mode)
   */
  readonly stopAt?: 'done';
  /** The time recorded in the status. @default the client's clock (`KubeClient.timers`) */
  readonly clock?: () => Date;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Abort (Ctrl-C): the run stops, hands the lease back and fails with `Interrupted`. */
  readonly signal?: AbortSignal;
  /** Restore even where the guard refuses (no record on a live cluster, a record of another cluster). */
  readonly force?: boolean;
  /** `holderIdentity` of the cluster's Lease. @default `dr run|dr wait@<host>/pid-<pid>/<random>` */
  readonly holder?: string;
  /** Lease timings. @default client-go's (15 s lease, 10 s renew deadline, 2 s retry) */
  readonly leaseTimings?: LeaseTimings;
  /**
   * Told once the lease is held, with a way to hand it back at once (best effort, within `boundMs`): for a second
   * Ctrl-C, which exits without waiting for the run to stop.
   */
  readonly onLeaseHeld?: (releaseNow: (boundMs: number) => Promise<void>) => void;
}

export function feStatefulSetName(cluster: string): string {
  return `${cluster}-fe`;
}

export function fePodSelector(cluster: string): string {
  return `app.kubernetes.io/component=fe,app.starrocks.ownerreference/name=${cluster}-fe`;
}

/** The recorded status of a cluster, or undefined when no recovery was ever recorded. */
export async function readStatus(client: KubeClient, cluster: string, namespace: string): Promise<DisasterRecoveryStatus | undefined> {
  return (await readRecord(client, cluster, namespace))?.status;
}

/**
 * Run one recovery, holding the cluster's Lease the whole time (lease.ts): a second run waits for it (within its
 * timeout) and says who holds it; a run that loses it stops acting. Ends with the final status, or an error: never
 * hangs past `timeoutMs` (the lease wait counts against it too).
 */
export async function runRecovery(plan: RecoveryPlan, opts: ExecutorOptions): Promise<DisasterRecoveryStatus> {
  const { timers } = opts.client;
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
  const deadline = timers.now() + timeoutMs;
  const mode = opts.mode ?? 'apply';
  const timings = opts.leaseTimings ?? CLIENT_GO_TIMINGS;
  const lease = await acquireLease({
    client: opts.client,
    cluster: plan.cluster,
    namespace: plan.namespace,
    identity: opts.holder ?? holderIdentity(mode === 'apply' ? 'dr run' : 'dr wait'),
    timeoutMs: Math.max(0, deadline - timers.now()),
    timings,
    signal: opts.signal,
    onWaiting: (holder) => opts.onProgress?.({ type: 'waiting', message: `waiting for the cluster's lease, held by ${holder}` }),
  });
  opts.onLeaseHeld?.((boundMs) => lease.release(boundMs));
  const signal = opts.signal ? AbortSignal.any([opts.signal, lease.lost]) : lease.lost;
  try {
    // A lease won in the last moments of --timeout is handed back untouched: acting needs one apply and one renewal.
    const left = deadline - timers.now();
    const need = minTimeToActMs(timings, timeoutMs);
    if (left < need) throw timeToActError(`Lease/${leaseName(plan.cluster)}`, left, need, lease.waitedFor);
    return await recoverHoldingLease(plan, { ...opts, signal }, lease, deadline);
  } catch (err) {
    if (lease.lost.aborted) throw lease.lost.reason;
    if (opts.signal?.aborted) throw interruptedError();
    throw err;
  } finally {
    await lease.release();
  }
}

async function recoverHoldingLease(plan: RecoveryPlan, opts: ExecutorOptions, lease: HeldLease, deadline: number): Promise<DisasterRecoveryStatus> {
  const { client } = opts;
  const mode = opts.mode ?? 'apply';
  const clock = opts.clock ?? (() => new Date(client.timers.now()));
  const remaining = () => Math.max(1, deadline - client.timers.now());
  const emit = opts.onProgress ?? (() => undefined);
  const { cluster, namespace, generation } = plan;
  const stsName = feStatefulSetName(cluster);
  const observePvcs = async () => (await client.list('PersistentVolumeClaim', namespace)).items as V1PersistentVolumeClaim[];

  // Read everything fresh now that the lease is ours: a run that waited for it sees what the other run left.
  let record: RecoveryRecord | undefined = await readRecord(client, cluster, namespace);
  let sts = (await client.get('StatefulSet', namespace, stsName)) as V1StatefulSet | undefined;
  // No FE StatefulSet, no FE pods that matter: decide() reads pods only through the StatefulSet.
  let pods = sts ? ((await client.list('Pod', namespace, fePodSelector(cluster))).items as V1Pod[]) : [];
  // FE metadata PVCs: to compare with a record that names them, or, with no record and no FE StatefulSet, to see
  // whether a torn-down cluster left its metadata behind (guard.ts).
  let pvcs = (record && Object.keys(record.identity.feMetaPvcUids).length > 0) || (!record && !sts) ? await observePvcs() : [];
  // Which claims hold the FE metadata: the live StatefulSet's templates, else the ones this run would create.
  const renderedFe = plan.fullObjects.find((o) => o.kind === 'StatefulSet' && o.metadata?.name === stsName) as V1StatefulSet | undefined;
  const liveIdentityNow = () => liveIdentity(sts ?? renderedFe, pvcs, plan.snapshotPath);

  const verdict = guard({ cluster, generation, recorded: record, feStatefulSet: sts, live: liveIdentityNow(), force: !!opts.force });
  for (const message of verdict.warnings) emit({ type: 'warning', message });
  // A forced restart: decide() sees no record and starts the generation over; the record is still replaced, not recreated.
  let recorded: DisasterRecoveryStatus | undefined = verdict.go === 'restart' ? undefined : record?.status;
  let identity: RecordIdentity = verdict.go === 'restart' ? liveIdentityNow() : mergeIdentity(record?.identity ?? NO_IDENTITY, liveIdentityNow());
  // Say what the record and the cluster show before anything changes: a resumed run continues the recorded clock.
  if (recorded?.observedGeneration === generation) {
    emit({ type: 'status', status: recorded });
    if (recorded.phase === 'done') emit({ type: 'notice', message: finishedNotice(recorded) });
  }
  emit({ type: 'waiting', message: describeFe(sts, pods, generation) });

  /** What this run changed, for an error met afterwards (policy.ts `afterActing`). */
  const acted: string[] = [];
  /** Record `status` as a compare-and-swap on the version read; false when someone else wrote first (re-read, re-decide). */
  const writeStatus = async (status: DisasterRecoveryStatus): Promise<boolean> => {
    // Writing the record is acting too: not once the lease is lost (a run woken from a pause handles the watch events
    // it missed only after its renewal deadline has fired) or the run was interrupted.
    if (opts.signal?.aborted) throw opts.signal.reason ?? interruptedError();
    // A finished recovery names the PVCs it restored into, on every path that records it (a rerun that finds the FE
    // Ready, a run that took the lease over): list them now if this run has not seen them yet.
    if (status.phase === 'done' && Object.keys(mergeIdentity(identity, liveIdentityNow()).feMetaPvcUids).length === 0) pvcs = await observePvcs();
    const nextIdentity = mergeIdentity(identity, liveIdentityNow());
    if (JSON.stringify(status) === JSON.stringify(recorded) && JSON.stringify(nextIdentity) === JSON.stringify(record?.identity)) return true;
    if (status.phase === 'done' && Object.keys(nextIdentity.feMetaPvcUids).length === 0) throw noMetadataPvcs(stsName, namespace);
    try {
      record = await writeRecord(client, cluster, namespace, status, nextIdentity, record);
    } catch (err) {
      if (err instanceof RecordGone) {
        // Deleted while this run holds the lease: write it again from what this run knows, so the generation keeps
        // its startTimestamp (a record started anew would date the recovery from now) and the guard its identity.
        emit({ type: 'warning', message: `${statusRecordName(cluster)} was deleted while this run worked; recording it again (startTimestamp ${recorded?.startTimestamp ?? status.startTimestamp} kept). Do not delete it: it is what keeps a finished recovery from running again` });
        record = undefined;
        return false;
      }
      if (!(err instanceof RecordConflict)) throw err;
      record = await readRecord(client, cluster, namespace);
      recorded = record?.status;
      identity = mergeIdentity(record?.identity ?? NO_IDENTITY, identity);
      return false;
    }
    identity = nextIdentity;
    const changed = JSON.stringify(status) !== JSON.stringify(recorded);
    if (changed && (recorded?.phase !== status.phase || recorded?.observedGeneration !== status.observedGeneration)) acted.push(`recorded ${status.phase}`);
    recorded = status;
    if (changed) emit({ type: 'status', status });
    return true;
  };
  // What the restore form applied in this run, so the full form does not send again the objects it applied
  // unchanged (ConfigMaps, Secrets, FE Services): fewer requests, same result. StatefulSets are always sent, and a
  // restore form that decide() asks for again is always sent whole: each apply then makes progress.
  const restoreApplied = new Map<string, string>();
  const keyOf = (obj: KObject) => `${obj.kind}/${obj.metadata?.namespace}/${obj.metadata?.name}`;
  const applyAll = async (form: 'restore' | 'full', objects: readonly KObject[]) => {
    // Prove the lease is still ours right before changing the cluster (a run paused past the lease must not act).
    await lease.confirm();
    emit({ type: 'apply', form, objects: objects.length });
    acted.push(`applied the ${form} form`);
    // waitForFullRollout: the CN/BE StatefulSets wait for the FE to roll out, as the v1.11 operator orders them.
    const held = form === 'full' && plan.waitForFullRollout ? objects.filter((o) => heldForFeRollout(o, stsName)) : [];
    const send = async (obj: KObject) => {
      const body = JSON.stringify(obj);
      if (form === 'full' && obj.kind !== 'StatefulSet' && restoreApplied.get(keyOf(obj)) === body) return;
      const applied = await client.apply(obj, FIELD_MANAGER);
      if (form === 'restore') restoreApplied.set(keyOf(obj), body);
      if (applied.kind === 'StatefulSet' && applied.metadata?.name === stsName) sts = applied as V1StatefulSet;
    };
    for (const obj of objects) {
      // Stop the moment the lease is lost (or Ctrl-C): not one more object after that.
      if (opts.signal?.aborted) throw opts.signal.reason ?? interruptedError();
      if (!held.includes(obj)) await send(obj);
    }
    if (held.length === 0) return;
    await waitForRollout(plan, opts, remaining(), [stsName]);
    await lease.confirm();
    for (const obj of held) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? interruptedError();
      await send(obj);
    }
  };

  // How often each form was applied in this run: a form that does not stick (another controller rewriting the FE
  // StatefulSet) must end in an error that says so, not in an apply/wait tug of war until the timeout.
  const applies = { applyRestore: 0, applyFull: 0 };
  const countApply = (action: 'applyRestore' | 'applyFull') => {
    const tooMany = applyLimitError(action === 'applyRestore' ? 'restore' : 'full', ++applies[action], stsName);
    if (tooMany) throw tooMany;
  };
  let events: CoreV1Event[] = [];
  try {
    for (;;) {
      if (opts.signal?.aborted) throw interruptedError();
      const decision: Decision = decide({ generation, snapshotMounted: plan.snapshotMounted, recorded, feStatefulSet: sts, fePods: pods, feEvents: events, now: clock() });
      if (!(await writeStatus(decision.status))) continue; // lost a race on the record: decide again from what it says now
      if (decision.error) throw decision.error;
      if (mode === 'apply' && (decision.action === 'applyRestore' || decision.action === 'applyFull')) countApply(decision.action);
      switch (decision.action) {
        case 'none':
          if (mode === 'apply' && opts.waitForRollout !== false) await waitForRollout(plan, opts, remaining());
          return recorded!;
        case 'applyRestore':
          if (mode === 'apply') await applyAll('restore', plan.restoreObjects);
          else ({ sts, pods, events } = await waitForFe(plan, opts, remaining(), RESTORE_FORM_WAIT, (s) => isRestoreFormOf(s, generation)));
          break;
        case 'applyFull': {
          if (mode === 'observe' || opts.stopAt === 'done') return recorded!;
          await applyAll('full', plan.fullObjects);
          // Another field manager that applied the restore form keeps its fields: say who, at once (policy.ts).
          const owners = isRestoreForm(sts) ? restoreFieldOwners(sts, FIELD_MANAGER) : [];
          if (owners.length > 0) throw fullFormOwnedError(owners, stsName);
          break;
        }
        case 'wait': {
          // A resumed run applies the restore form of the values it was given before waiting (policy.ts).
          if (applyBeforeWaiting(mode, applies.applyRestore > 0)) {
            countApply('applyRestore');
            await applyAll('restore', plan.restoreObjects);
            continue;
          }
          ({ sts, pods, events } = await waitForFe(plan, opts, remaining(), feWait(generation), (s, p) => feWaitEnds(s, p, generation), async (s, p, e) => {
            // Keep the recorded cause current (e.g. CrashLoopBackOff, FailedMount) so `dr status` shows why it is
            // stuck. A lost race here is harmless: the loop re-reads the record after the wait.
            const next = decide({ generation, snapshotMounted: true, recorded, feStatefulSet: s, fePods: p, feEvents: e, now: clock() });
            if (next.status.phase === 'doing') await writeStatus(next.status);
          }));
          // The restored FE's metadata PVC exists now: its uid goes into the record's identity with the next write.
          if (Object.keys(identity.feMetaPvcUids).length === 0) pvcs = await observePvcs();
          break;
        }
      }
    }
  } catch (err) {
    throw afterActing(err, acted);
  }
}

/** The GitOps wait for the restore form: a timeout points at the GitOps engine, not at the FE pod. */
const RESTORE_FORM_WAIT: WaitFor = {
  what: 'the GitOps engine to apply the restore form',
  fix: 'check that the GitOps engine synced the restore form (e.g. `argocd app get`, `flux get kustomizations`) and that it is the restore form of this generation, then run the same command again: it resumes from the recorded status',
};

function feWait(generation: number): WaitFor {
  return {
    what: `the FE of generation ${generation} to become Ready`,
    fix: 'look at the FE pod (kubectl describe pod / logs: the events say why it does not start), fix the cause, and run the same command again: it resumes from the recorded status and applies the restore form of the values it is given',
  };
}

interface WaitFor {
  readonly what: string;
  readonly fix: string;
}

/** What a rerun of a finished generation says first: nothing is restored again. */
function finishedNotice(status: DisasterRecoveryStatus): string {
  const at = status.endTimestamp !== undefined ? ` at ${new Date(status.endTimestamp * 1000).toISOString()}` : '';
  return `generation ${status.observedGeneration} was restored${at}: nothing is restored again (raise the generation to ${status.observedGeneration + 1} for a new recovery); checking the full topology`;
}

/** A `done` to record, but no FE metadata PVC to name: the FE cannot be Ready without them, so something is wrong. */
function noMetadataPvcs(stsName: string, namespace: string): StarRocksDrError {
  return new StarRocksDrError('ApiError', `the FE of ${stsName} is Ready but no FE metadata PVC of it was found in ${namespace}, so the recovery cannot be recorded as done with its identity`, {
    field: `StatefulSet/${stsName}`,
    fix: 'check the PVCs (kubectl get pvc) and the permission to list them (examples/rbac/role.yaml), then run the same command again: it resumes',
  });
}

/** Watch the FE StatefulSet, its pods and their warning events until `until` holds; `onChange` sees every new observation. */
async function waitForFe(
  plan: RecoveryPlan,
  opts: ExecutorOptions,
  timeoutMs: number,
  waitFor: WaitFor,
  until: (sts: V1StatefulSet | undefined, pods: V1Pod[]) => boolean,
  onChange?: (sts: V1StatefulSet | undefined, pods: V1Pod[], events: CoreV1Event[]) => Promise<void>,
): Promise<{ sts: V1StatefulSet | undefined; pods: V1Pod[]; events: CoreV1Event[] }> {
  const stsName = feStatefulSetName(plan.cluster);
  let pending: Promise<void> = Promise.resolve();
  let lastReason = '';
  const result = await waitUntil({
    client: opts.client,
    what: waitFor.what,
    fix: waitFor.fix,
    field: `StatefulSet/${stsName}`,
    timeoutMs,
    signal: opts.signal,
    sources: [
      { kind: 'StatefulSet', namespace: plan.namespace, fieldSelector: `metadata.name=${stsName}` },
      { kind: 'Pod', namespace: plan.namespace, labelSelector: fePodSelector(plan.cluster) },
      { kind: 'Event', namespace: plan.namespace, fieldSelector: FE_POD_WARNINGS },
    ],
    check: (view) => {
      const sts = view.objects(0)[0] as unknown as V1StatefulSet | undefined;
      const pods = view.objects(1) as unknown as V1Pod[];
      const events = view.objects(2) as unknown as CoreV1Event[];
      if (until(sts, pods)) return { done: true, value: { sts, pods, events } };
      const readiness = explainWithEvents(feReadiness(sts, pods, plan.generation), events, stsName);
      if (onChange && readiness.reason !== lastReason) {
        lastReason = readiness.reason;
        pending = pending.then(() => onChange(sts, pods, events)).catch(() => undefined);
      }
      return { done: false, progress: readiness.message };
    },
    onProgress: (message) => opts.onProgress?.({ type: 'waiting', message }),
  });
  await pending;
  return result;
}

/** The events that say why the FE pod does not start: Warnings (the FE pods and StatefulSet are picked out in readiness.ts). */
const FE_POD_WARNINGS = 'type=Warning';

/** A CN/BE StatefulSet of the full form: what `waitForFullRollout` holds back until the FE has rolled out. */
function heldForFeRollout(obj: KObject, feName: string): boolean {
  return obj.kind === 'StatefulSet' && obj.metadata?.name !== feName;
}

/** Wait until the StatefulSets `names` (default: every one of the full form) have rolled out (generation observed, all ready, one revision). */
async function waitForRollout(plan: RecoveryPlan, opts: ExecutorOptions, timeoutMs: number, only?: readonly string[]): Promise<void> {
  const names = only ?? plan.fullObjects.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata!.name!);
  if (names.length === 0) return;
  await waitUntil({
    client: opts.client,
    what: 'the full topology to roll out',
    field: names.map((n) => `StatefulSet/${n}`).join(', '),
    timeoutMs,
    signal: opts.signal,
    sources: [{ kind: 'StatefulSet', namespace: plan.namespace }],
    check: (view) => {
      const all = view.objects(0) as unknown as V1StatefulSet[];
      const pending = names.filter((n) => !rolledOut(all.find((s) => s.metadata?.name === n)));
      return pending.length === 0 ? { done: true, value: undefined } : { done: false, progress: `rolling out ${pending.join(', ')}` };
    },
    onProgress: (message) => opts.onProgress?.({ type: 'waiting', message }),
  });
}

export { isRestoreForm, KubeClient, rolledOut };
