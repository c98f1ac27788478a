/**
 * Is the FE of a recovery generation Ready? The operator accepts any FE pod whose env has *a value* equal to the
 * generation (so `LOG_CONSOLE="1"` satisfies generation 1) and ignores revisions. We require, for every FE pod:
 * - `RESTORE_CLUSTER_GENERATION` (by name) equals the generation,
 * - the pod runs the StatefulSet's update revision, and the StatefulSet status is not stale,
 * - its `fe` container is Ready, the pod's own `Ready` condition is True (readiness gates, a node that stopped
 *   reporting: the kubelet's container flag alone is not availability) and the pod is not being deleted.
 * When not ready, the first cause found (pods in ordinal order) is returned, so the reported reason is stable.
 */
import type { CoreV1Event, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { RESTORE_GENERATION_ENV, RESTORE_SNAPSHOT_ENV } from '../render/restore';

export { RESTORE_GENERATION_ENV, RESTORE_SNAPSHOT_ENV };
export const REVISION_LABEL = 'controller-revision-hash';

export interface Readiness {
  readonly ready: boolean;
  /** A CamelCase token: `Ready`, `NoStatefulSet`, `StaleStatus`, `NoPods`, `OldGeneration`, `OldRevision`, or the container's waiting reason. */
  readonly reason: string;
  readonly message: string;
  /** The pod the reason is about, when it is about one. */
  readonly pod?: V1Pod;
}

const ordinal = (pod: V1Pod) => Number(/-(\d+)$/.exec(pod.metadata?.name ?? '')?.[1] ?? Number.MAX_SAFE_INTEGER);

export function feReadiness(
  sts: V1StatefulSet | undefined,
  pods: readonly V1Pod[],
  generation: number,
  containerName = 'fe',
): Readiness {
  if (!sts) return { ready: false, reason: 'NoStatefulSet', message: 'the FE StatefulSet does not exist yet' };
  const name = sts.metadata?.name ?? '';
  if ((sts.status?.observedGeneration ?? 0) < (sts.metadata?.generation ?? 0) || !sts.status?.updateRevision) {
    return { ready: false, reason: 'StaleStatus', message: `StatefulSet ${name} has not observed its latest spec yet` };
  }
  const revision = sts.status.updateRevision;
  const wanted = sts.spec?.replicas ?? 1;
  const live = [...pods].filter((p) => !p.metadata?.deletionTimestamp).sort((a, b) => ordinal(a) - ordinal(b));
  if (live.length === 0) return { ready: false, reason: 'NoPods', message: `no FE pod of ${name} exists yet` };
  for (const pod of live) {
    const podName = pod.metadata?.name ?? '?';
    const container = pod.spec?.containers.find((c) => c.name === containerName);
    const env = container?.env?.find((e) => e.name === RESTORE_GENERATION_ENV)?.value;
    if (env !== String(generation)) {
      const has = env === undefined ? 'no restore generation' : `restore generation ${env}`;
      return { ready: false, reason: 'OldGeneration', message: `pod ${podName} carries ${has}, waiting for generation ${generation}`, pod };
    }
    if (pod.metadata?.labels?.[REVISION_LABEL] !== revision) {
      return { ready: false, reason: 'OldRevision', message: `pod ${podName} runs revision ${pod.metadata?.labels?.[REVISION_LABEL] ?? '?'}, StatefulSet wants ${revision}`, pod };
    }
    // A pod the scheduler cannot place has no container status to wait on: say why (PodScheduled=False).
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False') {
      const reason = scheduled.reason || 'Unschedulable';
      return { ready: false, reason, message: `pod ${podName} cannot be scheduled: ${reason}${scheduled.message ? `: ${scheduled.message}` : ''}`, pod };
    }
    const status = pod.status?.containerStatuses?.find((c) => c.name === containerName);
    // A container that ran and stopped: its reason (Completed, Error, OOMKilled), until the kubelet restarts it.
    const terminated = status?.state?.terminated;
    if (!status?.ready && terminated) {
      const reason = terminated.reason || 'Terminated';
      return { ready: false, reason, message: `pod ${podName} container ${containerName} terminated: ${reason} (exit code ${terminated.exitCode})`, pod };
    }
    if (!status?.ready) {
      const waiting = status?.state?.waiting;
      const restarts = status?.restartCount ? ` (${status.restartCount} restarts)` : '';
      if (waiting?.reason) {
        return { ready: false, reason: waiting.reason, message: `pod ${podName} container ${containerName} is waiting: ${waiting.reason}${restarts}${waiting.message ? `: ${waiting.message}` : ''}`, pod };
      }
      const state = status?.state?.running ? 'running, not ready yet (restoring the snapshot)' : 'starting';
      return { ready: false, reason: 'Restoring', message: `pod ${podName} container ${containerName} is ${state}${restarts}`, pod };
    }
    const podReady = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (podReady && podReady.status !== 'True') {
      const reason = podReady.reason || 'PodNotReady';
      return { ready: false, reason, message: `pod ${podName} is not Ready although its ${containerName} container is: ${reason}${podReady.message ? `: ${podReady.message}` : ''}`, pod };
    }
  }
  if (live.length < wanted) {
    return { ready: false, reason: 'NoPods', message: `${live.length} of ${wanted} FE pods exist` };
  }
  return { ready: true, reason: 'Ready', message: `FE pod(s) of generation ${generation} are Ready` };
}

/** True when a FE StatefulSet (live or rendered) still carries the restore-only env. */
export function isRestoreForm(sts: V1StatefulSet | undefined, containerName = 'fe'): boolean {
  const c = sts?.spec?.template.spec?.containers.find((x) => x.name === containerName);
  return !!c?.env?.some((e) => e.name === RESTORE_GENERATION_ENV || e.name === RESTORE_SNAPSHOT_ENV);
}

/** True when a FE StatefulSet is the restore form of `generation`: restore env of that generation, one replica. */
export function isRestoreFormOf(sts: V1StatefulSet | undefined, generation: number, containerName = 'fe'): boolean {
  if (!isRestoreForm(sts, containerName)) return false;
  const fe = sts!.spec!.template.spec!.containers.find((c) => c.name === containerName);
  return fe?.env?.find((e) => e.name === RESTORE_GENERATION_ENV)?.value === String(generation) && (sts!.spec!.replicas ?? 1) === 1;
}

/** Warning events that say why a pod cannot start (the kubelet's and the scheduler's), not probe noise. */
const BLOCKING_EVENT_REASONS = new Set(['FailedMount', 'FailedAttachVolume', 'FailedScheduling', 'FailedCreatePodSandBox', 'Failed', 'ErrImagePull', 'BackOff']);
/** Readiness reasons that say only that a pod has not started yet: a warning event says why. */
const VAGUE_REASONS = new Set(['ContainerCreating', 'PodInitializing', 'Unschedulable', 'Pending']);

/**
 * The FE's waiting reason, with the newest Warning event of the pod it is about (FailedMount, FailedScheduling, an
 * image pull that failed) when the pod has not started: "ContainerCreating" alone does not say that a ConfigMap is
 * missing. Events of an earlier pod of the same name (another uid) do not count. When no pod exists, the
 * StatefulSet's own FailedCreate says why (a pod template the API server refuses, e.g. two readiness handlers left
 * by two field managers).
 */
export function explainWithEvents(readiness: Readiness, events: readonly CoreV1Event[], statefulSet?: string): Readiness {
  const when = (e: CoreV1Event) => Date.parse(String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? 0)) || 0;
  const pod = readiness.pod;
  if (!readiness.ready && !pod && readiness.reason === 'NoPods' && statefulSet) {
    const failed = events
      .filter((e) => e.type === 'Warning' && e.reason === 'FailedCreate' && e.involvedObject?.kind === 'StatefulSet' && e.involvedObject.name === statefulSet)
      .sort((a, b) => when(b) - when(a))[0];
    return failed ? { ...readiness, reason: 'FailedCreate', message: `${readiness.message}; FailedCreate: ${failed.message ?? ''}`.trimEnd() } : readiness;
  }
  if (readiness.ready || !pod) return readiness;
  const uid = pod.metadata?.uid;
  const name = pod.metadata?.name;
  const mine = events
    .filter((e) => e.type === 'Warning' && BLOCKING_EVENT_REASONS.has(e.reason ?? '') && e.involvedObject?.kind === 'Pod' && e.involvedObject.name === name && (!uid || !e.involvedObject.uid || e.involvedObject.uid === uid))
    .sort((a, b) => when(b) - when(a));
  const event = mine[0];
  if (!event) return readiness;
  const reason = VAGUE_REASONS.has(readiness.reason) ? event.reason! : readiness.reason;
  return { ...readiness, reason, message: `${readiness.message}; ${event.reason}: ${event.message ?? ''}`.trimEnd() };
}

/**
 * When the restore of `generation` started, as the cluster shows it: the creation time (unix seconds) of the
 * earliest live FE pod of that generation's restore form, so a `dr wait` started after a GitOps engine applied the
 * form records when the recovery began, not when it was looked at. Undefined when no such pod exists.
 */
export function restoreStartedAt(sts: V1StatefulSet | undefined, pods: readonly V1Pod[], generation: number, containerName = 'fe'): number | undefined {
  if (!isRestoreFormOf(sts, generation, containerName)) return undefined;
  const times = pods
    .filter((p) => !p.metadata?.deletionTimestamp && p.spec?.containers.find((c) => c.name === containerName)?.env?.find((e) => e.name === RESTORE_GENERATION_ENV)?.value === String(generation))
    .map((p) => Date.parse(String(p.metadata?.creationTimestamp ?? '')))
    .filter((t) => Number.isFinite(t));
  return times.length > 0 ? Math.floor(Math.min(...times) / 1000) : undefined;
}

/** One line on what the cluster shows of the FE now, for the first line of a run and for `dr status`. */
export function describeFe(sts: V1StatefulSet | undefined, pods: readonly V1Pod[], generation: number): string {
  if (!sts) return 'the cluster shows: no FE StatefulSet yet';
  const ready = `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 1} FE pods ready`;
  if (isRestoreFormOf(sts, generation)) return `the cluster shows: the FE StatefulSet in the restore form of generation ${generation}; ${feReadiness(sts, pods, generation).message}`;
  if (isRestoreForm(sts)) return `the cluster shows: the FE StatefulSet in the restore form of another generation (${ready})`;
  return `the cluster shows: the FE StatefulSet in the full topology (${ready})`;
}
