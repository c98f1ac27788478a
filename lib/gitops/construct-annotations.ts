/**
 * The GitOps annotations on a cdk8s `StarRocksCluster`, for `starrocks-dr synth --gitops` and for your own cdk8s app
 * (call it before `app.synth()`): the same tree from both routes.
 */
import type { StarRocksCluster } from '../constructs/star-rocks-cluster';
import type { StarRocksClusterSpec } from '../model/types';
import { renderCluster } from '../render/cluster';
import { restoreForm } from '../render/restore';
import { gitOpsAnnotations, heldBackKeys, objectKey, type GitOpsEngine } from './annotations';

/** The held-back objects of a spec (which objects exist does not depend on the generation). */
export function heldBackKeysOf(spec: StarRocksClusterSpec, namespace: string): Set<string> {
  const full = renderCluster(spec, { namespace });
  return heldBackKeys(full, restoreForm(full, spec, spec.disasterRecovery?.generation ?? 1));
}

/** Annotate the cluster's objects for the engines (see annotations.ts). */
export function addGitOpsAnnotations(cluster: StarRocksCluster, spec: StarRocksClusterSpec, engines: readonly GitOpsEngine[]): void {
  if (engines.length === 0) return;
  const heldBack = heldBackKeysOf(spec, cluster.namespace);
  cluster.objects.forEach((apiObject, i) => {
    const extra = gitOpsAnnotations(heldBack.has(objectKey(cluster.rendered[i])), engines);
    for (const [key, value] of Object.entries(extra)) apiObject.metadata.addAnnotation(key, value);
  });
}
