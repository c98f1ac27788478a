/**
 * From a route's validation to everything a recovery needs: the restore and full forms (from the one render the
 * validation did), the checks' result, and the snapshot file when it lives in the cluster rather than in the spec.
 * Preflight and render run once per spec: `validateForRoute` does both, the plan reuses them.
 */
import type { StarRocksClusterSpec } from '../model/types';
import { restoreForm } from '../render/restore';
import type { KObject, KubeClient } from '../kube/client';
import { validateForRoute, withSnapshotText, type PreflightResult, type RouteValidation } from './preflight';
import { findSnapshotSource, missingSnapshotObject, snapshotObjectInSpec } from './snapshot';
import type { RecoveryPlan } from './executor';

export interface PlannedRecovery {
  readonly plan: RecoveryPlan;
  readonly preflight: PreflightResult;
}

export function namespaceOf(spec: StarRocksClusterSpec, namespace?: string): string {
  return namespace ?? spec.namespace ?? 'default';
}

/** The plan of a validated route (`form: 'restore'`, so its preflight ran). */
export function planFromValidation(checked: RouteValidation, preflight: PreflightResult = checked.preflight!): PlannedRecovery {
  const { spec } = checked;
  const full = checked.rendered.objects as unknown as readonly KObject[];
  return {
    preflight,
    plan: {
      cluster: spec.name,
      namespace: checked.rendered.namespace,
      generation: preflight.generation,
      snapshotMounted: true,
      ...(preflight.snapshot ? { snapshotPath: preflight.snapshot.clusterSnapshotPath } : {}),
      restoreObjects: restoreForm(checked.rendered.objects, spec, preflight.generation) as KObject[],
      fullObjects: full,
      ...(spec.waitForFullRollout ? { waitForFullRollout: true } : {}),
    },
  };
}

/** Validate and plan offline, in one go (tests, benchmarks, the demo): the snapshot file must be in the spec, or is not checked. */
export function planRecovery(spec: StarRocksClusterSpec, namespace?: string, snapshotText?: string): PlannedRecovery {
  return planFromValidation(validateForRoute(spec, { form: 'restore', namespace, snapshotText, sizeWarnings: false }));
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

/** The plan of a validated route, with the snapshot file read from the cluster when the spec only mounts it. */
export async function planRecoveryLive(client: KubeClient, checked: RouteValidation, opts: LivePlanOptions = {}): Promise<PlannedRecovery> {
  const { spec } = checked;
  const source = findSnapshotSource(spec);
  if (!source || snapshotObjectInSpec(spec, source)) return planFromValidation(checked);
  const ns = checked.rendered.namespace;
  const obj = await client.get(source.kind, ns, source.name);
  const text = obj ? snapshotTextOf(obj, source.key) : undefined;
  if (text === undefined) {
    if (opts.requireSnapshotObject) throw missingSnapshotObject(source, ns, obj !== undefined);
    return planFromValidation(checked);
  }
  return planFromValidation(checked, withSnapshotText(checked.preflight!, text));
}

function snapshotTextOf(obj: KObject, key: string): string | undefined {
  if (obj.kind === 'Secret') {
    const encoded = (obj.data as Record<string, string> | undefined)?.[key];
    return encoded === undefined ? (obj.stringData as Record<string, string> | undefined)?.[key] : Buffer.from(encoded, 'base64').toString('utf8');
  }
  return (obj.data as Record<string, string> | undefined)?.[key];
}
