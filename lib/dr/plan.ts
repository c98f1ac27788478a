/**
 * From a validated spec to everything a recovery needs: the checks (preflight), the restore and full forms
 * (rendered through the one render path), and the snapshot file when it lives in the cluster rather than in the spec.
 */
import type { StarRocksClusterSpec } from '../model/types';
import { renderCluster } from '../render/cluster';
import { restoreForm } from '../render/restore';
import type { KObject, KubeClient } from '../kube/client';
import { preflight, type PreflightResult } from './preflight';
import { findSnapshotSource, missingSnapshotObject, snapshotObjectInSpec } from './snapshot';
import type { RecoveryPlan } from './executor';

export interface PlannedRecovery {
  readonly plan: RecoveryPlan;
  readonly preflight: PreflightResult;
}

export function namespaceOf(spec: StarRocksClusterSpec, namespace?: string): string {
  return namespace ?? spec.namespace ?? 'default';
}

/** Plan a recovery offline (the snapshot file must be in the spec, or is not checked). */
export function planRecovery(spec: StarRocksClusterSpec, namespace?: string, snapshotText?: string): PlannedRecovery {
  const checked = preflight(spec, snapshotText);
  const ns = namespaceOf(spec, namespace);
  const full = renderCluster(spec, { namespace: ns });
  return {
    preflight: checked,
    plan: {
      cluster: spec.name,
      namespace: ns,
      generation: checked.generation,
      snapshotMounted: true,
      ...(checked.snapshot ? { snapshotPath: checked.snapshot.clusterSnapshotPath } : {}),
      restoreObjects: restoreForm(full, spec, checked.generation) as KObject[],
      fullObjects: full as KObject[],
      ...(spec.waitForFullRollout ? { waitForFullRollout: true } : {}),
    },
  };
}

export interface LivePlanOptions {
  /**
   * The run applies the restore form itself (`dr run`, the Pulumi provider): a snapshot file mounted from a
   * ConfigMap or Secret that neither the values define nor the cluster has (or that lacks the key) is refused before
   * anything is applied; the FE would wait in ContainerCreating for it until the timeout. A GitOps route
   * (`dr wait`, `synth --dr-phase auto`) may apply that object along with the form: there it is checked when present.
   * @default false
   */
  readonly requireSnapshotObject?: boolean;
}

/** Plan a recovery, reading the snapshot file from the cluster when the spec only mounts it. */
export async function planRecoveryLive(client: KubeClient, spec: StarRocksClusterSpec, namespace?: string, opts: LivePlanOptions = {}): Promise<PlannedRecovery> {
  const source = findSnapshotSource(spec);
  let text: string | undefined;
  if (source && !snapshotObjectInSpec(spec, source)) {
    const ns = namespaceOf(spec, namespace);
    const obj = await client.get(source.kind, ns, source.name);
    text = obj ? snapshotTextOf(obj, source.key) : undefined;
    if (text === undefined && opts.requireSnapshotObject) throw missingSnapshotObject(source, ns, obj !== undefined);
  }
  return planRecovery(spec, namespace, text);
}

function snapshotTextOf(obj: KObject, key: string): string | undefined {
  if (obj.kind === 'Secret') {
    const encoded = (obj.data as Record<string, string> | undefined)?.[key];
    return encoded === undefined ? (obj.stringData as Record<string, string> | undefined)?.[key] : Buffer.from(encoded, 'base64').toString('utf8');
  }
  return (obj.data as Record<string, string> | undefined)?.[key];
}
