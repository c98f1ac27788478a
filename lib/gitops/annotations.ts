/**
 * GitOps annotations, added to the synthesized tree so that committing the restore form is safe.
 *
 * The restore form leaves the CN/BE objects out (the operator pauses their reconcile; it neither creates nor deletes
 * them). A GitOps engine that prunes would delete what is absent from git: the CN StatefulSet and its pods. So every
 * object the restore form holds back carries, in both forms, the engine's "never prune" annotation; engines read it
 * from the live object, which came from the full form committed before the disaster:
 * - Argo CD: `argocd.argoproj.io/sync-options: Prune=false`, and `argocd.argoproj.io/sync-wave: "1"` so that the
 *   held-back objects are synced only once the FE (wave 0) is healthy, the order the operator keeps;
 * - Flux: `kustomize.toolkit.fluxcd.io/prune: disabled` (Flux orders by `dependsOn` between Kustomizations, not waves).
 * These are plain annotations: any other engine, kubectl or the simulator ignores them.
 *
 * The same wave carries `spec.waitForFullRollout` (operator v1.11: CN/BE are updated only once the FE StatefulSet is
 * fully rolled out) to Argo CD: it starts wave 1 only when every wave-0 object is Healthy, and its StatefulSet health
 * is "rolled out" (all replicas updated and ready, currentRevision = updateRevision). With `--gitops argocd` CN/BE
 * therefore always wait for a fully rolled-out FE, the stricter of the operator's two orders. Flux applies one
 * Kustomization's objects together: the order needs the CN/BE objects under a second path whose Kustomization
 * `dependsOn` the FE one, which health-checks the FE StatefulSet (`examples/flux/starrocks-rollout-order.yaml`).
 */
import type { KubeObject } from '../render/kube-object';

export type GitOpsEngine = 'argocd' | 'flux';

export const GITOPS_ENGINES: readonly GitOpsEngine[] = ['argocd', 'flux'];

export const ARGOCD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';

/** The sync wave of the objects the restore form holds back (FE objects stay in the default wave 0). */
export const HELD_BACK_SYNC_WAVE = '1';

/** `Kind/name`, the identity of an object within one namespace. */
export function objectKey(obj: { kind: string; metadata: { name: string } }): string {
  return `${obj.kind}/${obj.metadata.name}`;
}

/** The objects the restore form holds back: in the full form and not in the restore form (CN/BE objects). */
export function heldBackKeys(full: readonly KubeObject[], restore: readonly KubeObject[]): Set<string> {
  const kept = new Set(restore.map(objectKey));
  return new Set(full.map(objectKey).filter((k) => !kept.has(k)));
}

/** The annotations one object gets for the given engines (empty for objects both forms hold). */
export function gitOpsAnnotations(heldBack: boolean, engines: readonly GitOpsEngine[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!heldBack) return out;
  if (engines.includes('argocd')) {
    out[ARGOCD_SYNC_OPTIONS] = 'Prune=false';
    out[ARGOCD_SYNC_WAVE] = HELD_BACK_SYNC_WAVE;
  }
  if (engines.includes('flux')) out[FLUX_PRUNE] = 'disabled';
  return out;
}

/** A copy of `objects` with the GitOps annotations added (the input is not changed). */
export function annotateForGitOps(objects: readonly KubeObject[], heldBack: ReadonlySet<string>, engines: readonly GitOpsEngine[]): KubeObject[] {
  return objects.map((obj) => {
    const extra = gitOpsAnnotations(heldBack.has(objectKey(obj)), engines);
    if (Object.keys(extra).length === 0) return obj;
    const copy = structuredClone(obj);
    copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), ...extra };
    return copy;
  });
}
