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
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { StarRocksDrError } from '../errors';
import { KubeClient, type KObject } from '../kube/client';
import { waitUntil } from '../kube/wait';
import { decide, type Decision } from './decide';
import { feReadiness, isRestoreForm, isRestoreFormOf } from './readiness';
import type { DisasterRecoveryStatus } from './status';
import { STATUS_FIELD_MANAGER, statusFromConfigMap, statusRecordName, statusToConfigMap } from './status-record';

/** How often one run may apply the same form before it concludes that something else keeps undoing it. */
const MAX_APPLIES_PER_FORM = 3;

/** The field manager that applies both forms of every object, so the full form removes the restore-only fields. */
export const FIELD_MANAGER = 'starrocks-dr';

export interface RecoveryPlan {
  readonly cluster: string;
  readonly namespace: string;
  readonly generation: number;
  readonly snapshotMounted: boolean;
  /** The restore topology (FE in restore form, no CN/BE), in apply order. */
  readonly restoreObjects: readonly KObject[];
  /** The full topology, in apply order. */
  readonly fullObjects: readonly KObject[];
}

export type ProgressEvent =
  | { readonly type: 'status'; readonly status: DisasterRecoveryStatus }
  | { readonly type: 'apply'; readonly form: 'restore' | 'full'; readonly objects: number }
  | { readonly type: 'waiting'; readonly message: string }
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
  readonly clock?: () => Date;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly signal?: AbortSignal;
}

export function feStatefulSetName(cluster: string): string {
  return `${cluster}-fe`;
}

export function fePodSelector(cluster: string): string {
  return `app.kubernetes.io/component=fe,app.starrocks.ownerreference/name=${cluster}-fe`;
}

/** The recorded status of a cluster, or undefined when no recovery was ever recorded. */
export async function readStatus(client: KubeClient, cluster: string, namespace: string): Promise<DisasterRecoveryStatus | undefined> {
  const cm = await client.get('ConfigMap', namespace, statusRecordName(cluster));
  return cm ? statusFromConfigMap(cm) : undefined;
}

export async function runRecovery(plan: RecoveryPlan, opts: ExecutorOptions): Promise<DisasterRecoveryStatus> {
  const { client } = opts;
  const mode = opts.mode ?? 'apply';
  const clock = opts.clock ?? (() => new Date());
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
  const emit = opts.onProgress ?? (() => undefined);
  const { cluster, namespace, generation } = plan;
  const stsName = feStatefulSetName(cluster);

  let recorded = await readStatus(client, cluster, namespace);
  let sts = (await client.get('StatefulSet', namespace, stsName)) as V1StatefulSet | undefined;
  let pods = (await client.list('Pod', namespace, fePodSelector(cluster))).items as V1Pod[];

  const record = async (status: DisasterRecoveryStatus) => {
    if (JSON.stringify(status) === JSON.stringify(recorded)) return;
    await client.apply(statusToConfigMap(cluster, namespace, status), STATUS_FIELD_MANAGER);
    recorded = status;
    emit({ type: 'status', status });
  };
  // What the restore form applied in this run, so the full form does not send again the objects it applied
  // unchanged (ConfigMaps, Secrets, FE Services): fewer requests, same result. StatefulSets are always sent, and a
  // restore form that decide() asks for again is always sent whole: each apply then makes progress.
  const restoreApplied = new Map<string, string>();
  const keyOf = (obj: KObject) => `${obj.kind}/${obj.metadata?.namespace}/${obj.metadata?.name}`;
  const applyAll = async (form: 'restore' | 'full', objects: readonly KObject[]) => {
    emit({ type: 'apply', form, objects: objects.length });
    for (const obj of objects) {
      const body = JSON.stringify(obj);
      if (form === 'full' && obj.kind !== 'StatefulSet' && restoreApplied.get(keyOf(obj)) === body) continue;
      const applied = await client.apply(obj, FIELD_MANAGER);
      if (form === 'restore') restoreApplied.set(keyOf(obj), body);
      if (applied.kind === 'StatefulSet' && applied.metadata?.name === stsName) sts = applied as V1StatefulSet;
    }
  };

  // How often each form was applied in this run: a form that does not stick (another controller rewriting the FE
  // StatefulSet) must end in an error that says so, not in an apply/wait tug of war until the timeout.
  const applies = { applyRestore: 0, applyFull: 0 };
  for (;;) {
    if (opts.signal?.aborted) throw new Error('aborted');
    const decision: Decision = decide({ generation, snapshotMounted: plan.snapshotMounted, recorded, feStatefulSet: sts, fePods: pods, now: clock() });
    await record(decision.status);
    if (decision.error) throw decision.error;
    if (mode === 'apply' && (decision.action === 'applyRestore' || decision.action === 'applyFull') && ++applies[decision.action] > MAX_APPLIES_PER_FORM) {
      throw new StarRocksDrError('ApiError', `the ${decision.action === 'applyRestore' ? 'restore' : 'full'} form did not stick after ${MAX_APPLIES_PER_FORM} applies`, {
        field: `StatefulSet/${stsName}`,
        fix: 'something else is rewriting the FE StatefulSet (a GitOps auto-sync, the StarRocks operator, another tool): pause it, then run the same command again: it resumes',
      });
    }
    switch (decision.action) {
      case 'none':
        if (mode === 'apply' && opts.waitForRollout !== false) await waitForRollout(plan, opts, timeoutMs);
        return recorded!;
      case 'applyRestore':
        if (mode === 'apply') await applyAll('restore', plan.restoreObjects);
        else ({ sts, pods } = await waitForFe(plan, opts, timeoutMs, 'the GitOps engine to apply the restore form', (s) => isRestoreFormOf(s, generation)));
        break;
      case 'applyFull':
        if (mode === 'observe' || opts.stopAt === 'done') return recorded!;
        await applyAll('full', plan.fullObjects);
        break;
      case 'wait': {
        const status = recorded!;
        ({ sts, pods } = await waitForFe(plan, opts, timeoutMs, `the FE of generation ${generation} to become Ready`, (s, p) => {
          // Leaving the restore form (someone applied another form) also ends the wait: decide() re-applies it.
          // A StatefulSet not seen (yet) is no such sign: its list may still be retrying after an API restart.
          if (!s) return false;
          return !isRestoreFormOf(s, generation) || feReadiness(s, p, generation).ready;
        }, async (s, p) => {
          // Keep the recorded cause current (e.g. CrashLoopBackOff) so `dr status` shows why it is stuck.
          const next = decide({ generation, snapshotMounted: true, recorded: status, feStatefulSet: s, fePods: p, now: clock() });
          if (next.status.phase === 'doing') await record(next.status);
        }));
        break;
      }
    }
  }
}

/** Watch the FE StatefulSet and pods until `until` holds; `onChange` sees every new observation. */
async function waitForFe(
  plan: RecoveryPlan,
  opts: ExecutorOptions,
  timeoutMs: number,
  what: string,
  until: (sts: V1StatefulSet | undefined, pods: V1Pod[]) => boolean,
  onChange?: (sts: V1StatefulSet | undefined, pods: V1Pod[]) => Promise<void>,
): Promise<{ sts: V1StatefulSet | undefined; pods: V1Pod[] }> {
  const stsName = feStatefulSetName(plan.cluster);
  let pending: Promise<void> = Promise.resolve();
  let lastReason = '';
  const result = await waitUntil({
    client: opts.client,
    what,
    field: `StatefulSet/${stsName}`,
    timeoutMs,
    signal: opts.signal,
    sources: [
      { kind: 'StatefulSet', namespace: plan.namespace, fieldSelector: `metadata.name=${stsName}` },
      { kind: 'Pod', namespace: plan.namespace, labelSelector: fePodSelector(plan.cluster) },
    ],
    check: (view) => {
      const sts = view.objects(0)[0] as unknown as V1StatefulSet | undefined;
      const pods = view.objects(1) as unknown as V1Pod[];
      if (until(sts, pods)) return { done: true, value: { sts, pods } };
      const readiness = feReadiness(sts, pods, plan.generation);
      if (onChange && readiness.reason !== lastReason) {
        lastReason = readiness.reason;
        pending = pending.then(() => onChange(sts, pods)).catch(() => undefined);
      }
      return { done: false, progress: readiness.message };
    },
    onProgress: (message) => opts.onProgress?.({ type: 'waiting', message }),
  });
  await pending;
  return result;
}

/** After `done`: wait until every StatefulSet of the full form has rolled out (generation observed, all ready, one revision). */
async function waitForRollout(plan: RecoveryPlan, opts: ExecutorOptions, timeoutMs: number): Promise<void> {
  const names = plan.fullObjects.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata!.name!);
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

/** The `kubectl rollout status` rule for StatefulSets. */
export function rolledOut(sts: V1StatefulSet | undefined): boolean {
  if (!sts?.status) return false;
  const replicas = sts.spec?.replicas ?? 1;
  return (
    (sts.status.observedGeneration ?? 0) >= (sts.metadata?.generation ?? 0) &&
    (sts.status.readyReplicas ?? 0) >= replicas &&
    (sts.status.updatedReplicas ?? 0) >= replicas &&
    sts.status.updateRevision === sts.status.currentRevision
  );
}

export { isRestoreForm, KubeClient };
