/**
 * The executor: drives one disaster recovery by repeating observe ─▶ decide ─▶ record ─▶ act. Every decision is a
 * pure rule (decide.ts, policy.ts, guard.ts); this file connects them to the cluster, in two halves, as
 * pulumi-kubernetes builds its awaiters (provider/pkg/await/statefulset.go: `Await` connects, `await` reads channels):
 *
 * - `runRecovery` connects: holds the cluster's Lease, observes the cluster once (observe.ts), and hands
 *   `executeRecovery` the live watches (watch.ts) and the effects (`liveEffects`: apply, record write, lease);
 * - `executeRecovery` is the state machine: it reads views from the streams it is given and acts only through the
 *   `RecoveryEffects` interface, one effect per pass (as CloudNativePG's reconciler: a pure status part, then one
 *   action). Tests drive it with recorded event streams and fake effects, no API server (test/dr/).
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
import type { V1PersistentVolumeClaim, V1StatefulSet } from '@kubernetes/client-node';
import type { KObject, KubeClient } from '../kube/client';
import type { Timers } from '../kube/timers';
import { nextView, timeoutError, type AwaitOptions } from '../kube/wait';
import { componentResourceName, leaseName, statusRecordName } from '../render/names';
import { interruptedError, StarRocksDrError } from '../errors';
import { decide, type Decision } from './decide';
import { isOfGeneration, nextGeneration } from './generation';
import { guard } from './guard';
import { acquireLease, CLIENT_GO_TIMINGS, holderIdentity, minTimeToActMs, timeToActError, type LeaseTimings } from './lease';
import { observe, observedIdentity, type Observation } from './observe';
import {
  afterActing,
  applyBeforeWaiting,
  applyLimitError,
  feWaitEnds,
  fullFormOwnedError,
  heldForFeRollout,
  needsSending,
  newerStatefulSet,
  notRolledOut,
  restoreFieldOwners,
  worthRecording,
} from './policy';
import { describeFe, explainWithEvents, feReadiness, isRestoreForm, isRestoreFormOf, restoreStartedAt } from './readiness';
import { mergeIdentity, namesPvcs, NO_IDENTITY, sameIdentity, type RecordIdentity } from './record-identity';
import type { DisasterRecoveryStatus } from './status';
import { describeChecks, stagePassed, verificationFailed, withStageError, withStageOutcome, type RecoveryChecks, type StageOutcome, type VerifyStage } from './verification';
import { RecordConflict, RecordGone, readRecord, writeRecord, type RecoveryRecord } from './status-record';
import { liveClusterWatch, type ClusterWatch, type FeView } from './watch';

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

/** How a recovery runs, whatever it runs against. */
export interface RecoveryOptions {
  readonly mode?: 'apply' | 'observe';
  /** Longest wait for the restoring FE (and, in apply mode, for the full rollout). @default 30 minutes */
  readonly timeoutMs?: number;
  /**
   * Wait for every StatefulSet of the full form to roll out after `done` (and, with `checks`, verify the rollout).
   * In observe mode only when set: the Pulumi program's verification waits for the rollout it applied.
   * @default true in apply mode, false in observe mode
   */
  readonly waitForRollout?: boolean;
  /**
   * Stop once the FE is restored and `done` is recorded, leaving the full form to someone else (the Pulumi
   * program applies it as typed resources). @default - go on and apply the full form (apply mode)
   */
  readonly stopAt?: 'done';
  /** The time recorded in the status. @default the clock the run waits on */
  readonly clock?: () => Date;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Abort (Ctrl-C, a lost lease): the run stops acting. */
  readonly signal?: AbortSignal;
  /** Restore even where the guard refuses (no record on a live cluster, a record of another cluster). */
  readonly force?: boolean;
  /**
   * Verify the restore from the database (verification.ts): the restore checks once the FE is Ready, before the full
   * topology; the rollout checks after it rolled out. lib/sql `recoveryChecks` runs them against the FE.
   * @default - not verified, and the record says it was skipped (`--verify none`)
   */
  readonly checks?: RecoveryChecks;
}

export interface ExecutorOptions extends RecoveryOptions {
  readonly client: KubeClient;
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

/** Everything a recovery changes, behind one small interface: the live one talks to the API (`liveEffects`). */
export interface RecoveryEffects {
  /** Prove the lease is still this run's (renew now); throws when it is not. Called before each apply. */
  confirmLease(): Promise<void>;
  /** Server-side apply one object as `FIELD_MANAGER`; the object as the API server returned it. */
  apply(obj: KObject): Promise<KObject>;
  /** The record as the cluster holds it now. */
  readRecord(): Promise<RecoveryRecord | undefined>;
  /** Write the record as a compare-and-swap on `previous` (status-record.ts): `RecordConflict`, `RecordGone`. */
  writeRecord(status: DisasterRecoveryStatus, identity: RecordIdentity, previous: RecoveryRecord | undefined): Promise<RecoveryRecord>;
  /** The namespace's PVCs (a `done` names the FE metadata PVCs it restored into). */
  listPvcs(): Promise<readonly V1PersistentVolumeClaim[]>;
}

/** What `executeRecovery` reads from and acts through. */
export interface RecoveryIo {
  readonly effects: RecoveryEffects;
  readonly watch: ClusterWatch;
  /** The clock of every wait and deadline. */
  readonly timers: Timers;
}

/** The effects of a run against the API, holding `lease`. */
export function liveEffects(client: KubeClient, plan: Pick<RecoveryPlan, 'cluster' | 'namespace'>, lease: { confirm(): Promise<void> }): RecoveryEffects {
  return {
    confirmLease: () => lease.confirm(),
    apply: (obj) => client.apply(obj, FIELD_MANAGER),
    readRecord: () => readRecord(client, plan.cluster, plan.namespace),
    writeRecord: (status, identity, previous) => writeRecord(client, plan.cluster, plan.namespace, status, identity, previous),
    listPvcs: async () => (await client.list('PersistentVolumeClaim', plan.namespace)).items as V1PersistentVolumeClaim[],
  };
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
  const { client } = opts;
  const { timers } = client;
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
  const deadline = timers.now() + timeoutMs;
  const mode = opts.mode ?? 'apply';
  const timings = opts.leaseTimings ?? CLIENT_GO_TIMINGS;
  const lease = await acquireLease({
    client,
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
    // Read everything fresh now that the lease is ours: a run that waited for it sees what the other run left.
    const start = await observe(client, plan.cluster, plan.namespace);
    const io: RecoveryIo = { effects: liveEffects(client, plan, lease), watch: liveClusterWatch(client, plan.cluster, plan.namespace), timers };
    return await executeRecovery(plan, start, io, { ...opts, signal, timeoutMs: Math.max(1, deadline - timers.now()) });
  } catch (err) {
    if (lease.lost.aborted) throw lease.lost.reason;
    if (opts.signal?.aborted) throw interruptedError();
    throw err;
  } finally {
    await lease.release();
  }
}

/**
 * The state machine of one recovery, from the cluster as `start` shows it: decide, record, act, and read the next
 * view from `io.watch` whenever the decision is to wait. Acts only through `io.effects`. Ends with the final status,
 * or an error (`Timeout` at `timeoutMs` on `io.timers`; the signal's reason, or `Interrupted`, on abort).
 */
export async function executeRecovery(plan: RecoveryPlan, start: Observation, io: RecoveryIo, opts: RecoveryOptions): Promise<DisasterRecoveryStatus> {
  const run = new Recovery(plan, start, io, opts);
  try {
    return await run.execute();
  } catch (err) {
    // A check that failed, or an FE that could not be asked, is what it says: the record says where it stopped.
    throw err instanceof Error && run.verificationErrors.has(err) ? err : afterActing(err, run.acted);
  } finally {
    await run.close();
  }
}

/** The GitOps wait for the restore form: a timeout points at the GitOps engine, not at the FE pod. */
const RESTORE_FORM_WAIT = {
  what: 'the GitOps engine to apply the restore form',
  fix: 'check that the GitOps engine synced the restore form (e.g. `argocd app get`, `flux get kustomizations`) and that it is the restore form of this generation, then run the same command again: it resumes from the recorded status',
};

function feWait(generation: number): { what: string; fix: string } {
  return {
    what: `the FE of generation ${generation} to become Ready`,
    fix: 'look at the FE pod (kubectl describe pod / logs: the events say why it does not start), fix the cause, and run the same command again: it resumes from the recorded status and applies the restore form of the values it is given',
  };
}

/** One run of the state machine: what it knows of the cluster and of the record, and the effects it has had. */
class Recovery {
  /** What this run changed, for an error met afterwards (policy.ts `afterActing`). */
  readonly acted: string[] = [];
  /** Errors of the verification step, recorded in the `Verified` condition: passed on as they are. */
  readonly verificationErrors = new WeakSet<object>();
  private readonly mode: 'apply' | 'observe';
  private readonly feName: string;
  private readonly renderedFe?: V1StatefulSet;
  private readonly deadline: number;
  private readonly clock: () => Date;
  private readonly emit: (event: ProgressEvent) => void;
  /** The record as last read or written (its resourceVersion conditions the next write). */
  private record?: RecoveryRecord;
  /** The status this run goes on from: the record's, or none for a forced restart. */
  private recorded?: DisasterRecoveryStatus;
  private identity: RecordIdentity;
  /** The latest view of the FE, and the FE StatefulSet as this run last applied it. */
  private view: FeView;
  private applied?: V1StatefulSet;
  /** The PVCs as last listed: the FE metadata PVCs' uids are the record's identity. */
  private pvcs: readonly V1PersistentVolumeClaim[];
  /** What the restore form sent in this run, by object, so the full form skips what it would send unchanged. */
  private readonly restoreSent = new Map<string, string>();
  /** How often each form was applied in this run (policy.ts `applyLimitError`). */
  private readonly applies = { applyRestore: 0, applyFull: 0 };
  /** The FE stream, open from the first wait to the end of the run; when the FE wait began. */
  private feStream?: AsyncIterator<FeView>;
  private feWaitStartedAt?: number;
  private lastProgress = '';
  private pvcsListedForPod = false;

  constructor(
    private readonly plan: RecoveryPlan,
    start: Observation,
    private readonly io: RecoveryIo,
    private readonly opts: RecoveryOptions,
  ) {
    this.mode = opts.mode ?? 'apply';
    this.feName = componentResourceName(plan.cluster, 'fe');
    this.renderedFe = plan.fullObjects.find((o) => o.kind === 'StatefulSet' && o.metadata?.name === this.feName) as V1StatefulSet | undefined;
    this.deadline = io.timers.now() + (opts.timeoutMs ?? 30 * 60_000);
    this.clock = opts.clock ?? (() => new Date(io.timers.now()));
    this.emit = opts.onProgress ?? (() => undefined);
    this.record = start.record;
    this.view = { feStatefulSet: start.feStatefulSet, fePods: start.fePods, events: [] };
    this.pvcs = start.pvcs;
    const verdict = guard({ cluster: plan.cluster, generation: plan.generation, recorded: start.record, feStatefulSet: start.feStatefulSet, live: this.liveIdentity(), force: !!opts.force });
    for (const message of verdict.warnings) this.emit({ type: 'warning', message });
    // A forced restart: decide() sees no record and starts the generation over; the record is still replaced, not recreated.
    this.recorded = verdict.go === 'restart' ? undefined : start.record?.status;
    this.identity = verdict.go === 'restart' ? this.liveIdentity() : mergeIdentity(start.record?.identity ?? NO_IDENTITY, this.liveIdentity());
  }

  async execute(): Promise<DisasterRecoveryStatus> {
    const { generation } = this.plan;
    // Say what the record and the cluster show before anything changes: a resumed run continues the recorded clock.
    if (isOfGeneration(this.recorded, generation)) {
      this.emit({ type: 'status', status: this.recorded! });
      if (this.recorded!.phase === 'done') this.emit({ type: 'notice', message: finishedNotice(this.recorded!) });
    }
    this.emit({ type: 'waiting', message: describeFe(this.view.feStatefulSet, this.view.fePods, generation) });
    for (;;) {
      this.checkSignal();
      const decision = this.decide();
      // Lost a race on the record: decide again from what it says now.
      if (!(await this.writeStatus(decision.status))) continue;
      if (decision.error) throw decision.error;
      if (this.mode === 'apply' && (decision.action === 'applyRestore' || decision.action === 'applyFull')) this.countApply(decision.action);
      switch (decision.action) {
        case 'none':
          if (this.opts.waitForRollout ?? this.mode === 'apply') {
            await this.waitForRollout(this.statefulSetNames());
            if (this.opts.checks && !stagePassed(this.recorded, 'rollout')) await this.verify('rollout');
          }
          return this.recorded!;
        case 'verifyRestore':
          await this.verify('restore');
          break;
        case 'applyRestore':
          if (this.mode === 'apply') await this.applyForm('restore');
          else await this.nextFeView('restoreForm');
          break;
        case 'applyFull': {
          if (this.mode === 'observe' || this.opts.stopAt === 'done') return this.recorded!;
          await this.applyForm('full');
          // Another field manager that applied the restore form keeps its fields: say who, at once (policy.ts).
          const fe = this.feStatefulSet();
          const owners = isRestoreForm(fe) ? restoreFieldOwners(fe, FIELD_MANAGER) : [];
          if (owners.length > 0) throw fullFormOwnedError(owners, this.feName);
          break;
        }
        case 'wait':
          // A resumed run applies the restore form of the values it was given before waiting (policy.ts).
          if (applyBeforeWaiting(this.mode, this.applies.applyRestore > 0)) {
            this.countApply('applyRestore');
            await this.applyForm('restore');
            break;
          }
          await this.nextFeView('feReady');
          break;
      }
    }
  }

  async close(): Promise<void> {
    await this.feStream?.return?.();
  }

  private decide(): Decision {
    const { generation, snapshotMounted } = this.plan;
    return decide({ generation, snapshotMounted, recorded: this.recorded, feStatefulSet: this.feStatefulSet(), fePods: this.view.fePods, feEvents: this.view.events, verify: this.opts.checks !== undefined, now: this.clock() });
  }

  private feStatefulSet(): V1StatefulSet | undefined {
    return newerStatefulSet(this.view.feStatefulSet, this.applied);
  }

  /** The identity the cluster shows now (FE metadata PVCs through the live FE StatefulSet, else the rendered one). */
  private liveIdentity(): RecordIdentity {
    return observedIdentity({ feStatefulSet: this.view.feStatefulSet, pvcs: this.pvcs }, this.renderedFe, this.plan.snapshotPath);
  }

  private checkSignal(): void {
    if (this.opts.signal?.aborted) throw this.opts.signal.reason ?? interruptedError();
  }

  private remaining(): number {
    return Math.max(1, this.deadline - this.io.timers.now());
  }

  private countApply(action: 'applyRestore' | 'applyFull'): void {
    const tooMany = applyLimitError(action === 'applyRestore' ? 'restore' : 'full', ++this.applies[action], this.feName);
    if (tooMany) throw tooMany;
  }

  /**
   * Record `status` as a compare-and-swap on the version read; false when someone else wrote first (the caller
   * decides again from what the record says now). A record deleted under the run is written again from what this
   * run knows, so the generation keeps its startTimestamp and the guard its identity.
   */
  private async writeStatus(status: DisasterRecoveryStatus): Promise<boolean> {
    // Writing the record is acting too: not once the lease is lost or the run was interrupted.
    this.checkSignal();
    // A finished recovery names the PVCs it restored into, on every path that records it.
    if (status.phase === 'done' && !namesPvcs(mergeIdentity(this.identity, this.liveIdentity()))) this.pvcs = await this.io.effects.listPvcs();
    const identity = mergeIdentity(this.identity, this.liveIdentity());
    if (JSON.stringify(status) === JSON.stringify(this.recorded) && this.record && sameIdentity(identity, this.record.identity)) return true;
    if (status.phase === 'done' && !namesPvcs(identity)) throw noMetadataPvcs(this.feName, this.plan.namespace);
    try {
      this.record = await this.io.effects.writeRecord(status, identity, this.record);
    } catch (err) {
      if (err instanceof RecordGone) {
        this.emit({ type: 'warning', message: `${statusRecordName(this.plan.cluster)} was deleted while this run worked; recording it again (startTimestamp ${this.recorded?.startTimestamp ?? status.startTimestamp} kept). Do not delete it: it is what keeps a finished recovery from running again` });
        this.record = undefined;
        return false;
      }
      if (!(err instanceof RecordConflict)) throw err;
      this.record = await this.io.effects.readRecord();
      this.recorded = this.record?.status;
      this.identity = mergeIdentity(this.record?.identity ?? NO_IDENTITY, this.identity);
      return false;
    }
    this.identity = identity;
    const changed = JSON.stringify(status) !== JSON.stringify(this.recorded);
    if (changed && (this.recorded?.phase !== status.phase || this.recorded?.observedGeneration !== status.observedGeneration)) this.acted.push(`recorded ${status.phase}`);
    this.recorded = status;
    if (changed) this.emit({ type: 'status', status });
    return true;
  }

  /**
   * Ask the database (verification.ts): run the checks of `stage` until they pass or the run's time is spent, and
   * record the outcome in the `Verified` condition. A stage that did not pass ends the run (exit 6); an FE that could
   * not be asked ends it with its own error (a port-forward the Role refuses: exit 2; no answer: exit 4). Either way
   * the record says done, and where verification stopped.
   */
  private async verify(stage: VerifyStage): Promise<void> {
    this.emit({ type: 'waiting', message: `verifying the ${stage} from the database` });
    let outcome: StageOutcome;
    try {
      outcome = await this.opts.checks!.run(stage, { timeoutMs: this.remaining(), signal: this.opts.signal, onProgress: (message) => this.emit({ type: 'waiting', message }) });
    } catch (err) {
      this.checkSignal();
      if (!(err instanceof StarRocksDrError)) throw err;
      await this.recordChange((s) => withStageError(s, stage, err, this.clock()));
      this.verificationErrors.add(err);
      throw err;
    }
    this.checkSignal();
    await this.recordChange((s) => withStageOutcome(s, stage, outcome, this.clock()));
    if (outcome.passed) return this.emit({ type: 'notice', message: `the ${stage} is verified from the database: ${describeChecks(outcome.checks)}` });
    const failed = verificationFailed(stage, outcome, this.plan.cluster, this.plan.namespace);
    this.verificationErrors.add(failed);
    throw failed;
  }

  /** Record a change of the recorded status, deciding it again from the record when another writer won a race. */
  private async recordChange(change: (recorded: DisasterRecoveryStatus) => DisasterRecoveryStatus): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (await this.writeStatus(change(this.recorded!))) return;
      if (!this.recorded || attempt >= 3) throw new StarRocksDrError('Contended', 'the status record kept changing while this run recorded its verification', { field: `ConfigMap/${statusRecordName(this.plan.cluster)}`, fix: 'let the other run finish (`starrocks-dr dr status`), then run the same command again' });
    }
  }

  /** Apply a form, object by object, proving the lease first; with `waitForFullRollout` CN/BE go on after the FE rolled out. */
  private async applyForm(form: 'restore' | 'full'): Promise<void> {
    const objects = form === 'restore' ? this.plan.restoreObjects : this.plan.fullObjects;
    await this.io.effects.confirmLease();
    this.emit({ type: 'apply', form, objects: objects.length });
    this.acted.push(`applied the ${form} form`);
    const held = form === 'full' && this.plan.waitForFullRollout ? objects.filter((o) => heldForFeRollout(o, this.feName)) : [];
    for (const obj of objects) if (!held.includes(obj)) await this.send(form, obj);
    if (held.length === 0) return;
    await this.waitForRollout([this.feName]);
    await this.io.effects.confirmLease();
    for (const obj of held) await this.send(form, obj);
  }

  private async send(form: 'restore' | 'full', obj: KObject): Promise<void> {
    // Stop the moment the lease is lost (or Ctrl-C): not one more object after that.
    this.checkSignal();
    const key = `${obj.kind}/${obj.metadata?.namespace}/${obj.metadata?.name}`;
    const body = JSON.stringify(obj);
    if (form === 'full' && !needsSending(obj, body, this.restoreSent.get(key))) return;
    const applied = await this.io.effects.apply(obj);
    if (form === 'restore') this.restoreSent.set(key, body);
    if (applied.kind === 'StatefulSet' && applied.metadata?.name === this.feName) this.applied = applied as V1StatefulSet;
  }

  /**
   * The next view of the FE that matters: one in which the wait ends (`feReady`: policy.ts `feWaitEnds`;
   * `restoreForm`, the GitOps wait: the restore form of the generation is there) or the status worth recording changed (a new waiting cause).
   * Progress is told on every change. Times out at the run's deadline.
   */
  private async nextFeView(until: 'restoreForm' | 'feReady'): Promise<void> {
    const { generation } = this.plan;
    const { timers } = this.io;
    const waitFor = until === 'restoreForm' ? RESTORE_FORM_WAIT : feWait(generation);
    this.feStream ??= this.io.watch.fe()[Symbol.asyncIterator]();
    this.feWaitStartedAt ??= timers.now();
    const ends = (v: FeView) => {
      const fe = newerStatefulSet(v.feStatefulSet, this.applied);
      return until === 'restoreForm' ? isRestoreFormOf(fe, generation) : feWaitEnds(fe, v.fePods, generation);
    };
    for (;;) {
      const next = await nextView(this.feStream, timers, this.deadline - timers.now(), this.opts.signal);
      if (next === 'aborted') return this.checkSignal();
      if (next === 'timeout') {
        const opts: AwaitOptions = { timers, timeoutMs: timers.now() - this.feWaitStartedAt, what: waitFor.what, fix: waitFor.fix, field: `StatefulSet/${this.feName}` };
        throw timeoutError(opts, this.lastProgress);
      }
      this.view = next.view;
      // The StatefulSet controller creates a pod's PVCs before the pod: once the restoring FE pod shows, its metadata
      // PVC is there. Listing it now, not at Ready, keeps a request off the way from Ready to done.
      if (!this.pvcsListedForPod && !namesPvcs(mergeIdentity(this.identity, this.liveIdentity())) && restoreStartedAt(this.feStatefulSet(), next.view.fePods, generation) !== undefined) {
        this.pvcsListedForPod = true;
        this.pvcs = await this.io.effects.listPvcs();
      }
      const fe = this.feStatefulSet();
      const readiness = explainWithEvents(feReadiness(fe, next.view.fePods, generation), next.view.events, this.feName);
      if (readiness.message !== this.lastProgress) {
        this.lastProgress = readiness.message;
        this.emit({ type: 'waiting', message: readiness.message });
      }
      if (ends(next.view)) return;
      // Keep the recorded cause current (e.g. CrashLoopBackOff, FailedMount) so `dr status` shows why it is stuck.
      const now = this.decide();
      if (now.status.phase === 'doing' && worthRecording(this.recorded, now.status)) return;
    }
  }

  /** The StatefulSets of the full form. */
  private statefulSetNames(): string[] {
    return this.plan.fullObjects.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata!.name!);
  }

  /** Wait until `names` have rolled out (generation observed, all ready, one revision: `kubectl rollout status`). */
  private async waitForRollout(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    const { timers } = this.io;
    const stream = this.io.watch.statefulSets();
    const it = stream[Symbol.asyncIterator]();
    const timeoutMs = this.remaining();
    let progress = '';
    try {
      for (;;) {
        const next = await nextView(it, timers, this.deadline - timers.now(), this.opts.signal);
        if (next === 'aborted') return this.checkSignal();
        if (next === 'timeout') throw timeoutError({ what: 'the full topology to roll out', field: names.map((n) => `StatefulSet/${n}`).join(', '), timeoutMs }, progress, stream.lastError?.());
        const pending = notRolledOut(next.view, names);
        if (pending.length === 0) return;
        if (`rolling out ${pending.join(', ')}` !== progress) {
          progress = `rolling out ${pending.join(', ')}`;
          this.emit({ type: 'waiting', message: progress });
        }
      }
    } finally {
      await it.return?.();
    }
  }
}

/** What a rerun of a finished generation says first: nothing is restored again. */
function finishedNotice(status: DisasterRecoveryStatus): string {
  const at = status.endTimestamp !== undefined ? ` at ${new Date(status.endTimestamp * 1000).toISOString()}` : '';
  return `generation ${status.observedGeneration} was restored${at}: nothing is restored again (raise the generation to ${nextGeneration(status.observedGeneration)} for a new recovery); checking the full topology`;
}

/** A `done` to record, but no FE metadata PVC to name: the FE cannot be Ready without them, so something is wrong. */
function noMetadataPvcs(stsName: string, namespace: string): StarRocksDrError {
  return new StarRocksDrError('ApiError', `the FE of ${stsName} is Ready but no FE metadata PVC of it was found in ${namespace}, so the recovery cannot be recorded as done with its identity`, {
    field: `StatefulSet/${stsName}`,
    fix: 'check the PVCs (kubectl get pvc) and the permission to list them (examples/rbac/role.yaml), then run the same command again: it resumes',
  });
}
