/**
 * Is the FE of a recovery generation Ready? The operator accepts any FE pod whose env has *a value* equal to the
 * generation (so `LOG_CONSOLE="1"` satisfies generation 1) and ignores revisions. We require, for every FE pod:
 * - `RESTORE_CLUSTER_GENERATION` (by name) equals the generation,
 * - the pod runs the StatefulSet's update revision, and the StatefulSet status is not stale,
 * - its `fe` container is Ready, the pod's own `Ready` condition is True (readiness gates, a node that stopped
 *   reporting: the kubelet's container flag alone is not availability) and the pod is not being deleted.
 * When not ready, the first cause found (pods in ordinal order) is returned, so the reported reason is stable.
 */
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { RESTORE_GENERATION_ENV, RESTORE_SNAPSHOT_ENV } from '../render/restore';

export { RESTORE_GENERATION_ENV, RESTORE_SNAPSHOT_ENV };
export const REVISION_LABEL = 'controller-revision-hash';

export interface Readiness {
  readonly ready: boolean;
  /** A CamelCase token: `Ready`, `NoStatefulSet`, `StaleStatus`, `NoPods`, `OldGeneration`, `OldRevision`, or the container's waiting reason. */
  readonly reason: string;
  readonly message: string;
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
      return { ready: false, reason: 'OldGeneration', message: `pod ${podName} carries ${has}, waiting for generation ${generation}` };
    }
    if (pod.metadata?.labels?.[REVISION_LABEL] !== revision) {
      return { ready: false, reason: 'OldRevision', message: `pod ${podName} runs revision ${pod.metadata?.labels?.[REVISION_LABEL] ?? '?'}, StatefulSet wants ${revision}` };
    }
    // A pod the scheduler cannot place has no container status to wait on: say why (PodScheduled=False).
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False') {
      const reason = scheduled.reason || 'Unschedulable';
      return { ready: false, reason, message: `pod ${podName} cannot be scheduled: ${reason}${scheduled.message ? `: ${scheduled.message}` : ''}` };
    }
    const status = pod.status?.containerStatuses?.find((c) => c.name === containerName);
    // A container that ran and stopped: its reason (Completed, Error, OOMKilled), until the kubelet restarts it.
    const terminated = status?.state?.terminated;
    if (!status?.ready && terminated) {
      const reason = terminated.reason || 'Terminated';
      return { ready: false, reason, message: `pod ${podName} container ${containerName} terminated: ${reason} (exit code ${terminated.exitCode})` };
    }
    if (!status?.ready) {
      const waiting = status?.state?.waiting;
      const restarts = status?.restartCount ? ` (${status.restartCount} restarts)` : '';
      if (waiting?.reason) {
        return { ready: false, reason: waiting.reason, message: `pod ${podName} container ${containerName} is waiting: ${waiting.reason}${restarts}${waiting.message ? `: ${waiting.message}` : ''}` };
      }
      const state = status?.state?.running ? 'running, not ready yet (restoring the snapshot)' : 'starting';
      return { ready: false, reason: 'Restoring', message: `pod ${podName} container ${containerName} is ${state}${restarts}` };
    }
    const podReady = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (podReady && podReady.status !== 'True') {
      const reason = podReady.reason || 'PodNotReady';
      return { ready: false, reason, message: `pod ${podName} is not Ready although its ${containerName} container is: ${reason}${podReady.message ? `: ${podReady.message}` : ''}` };
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
