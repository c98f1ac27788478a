/** Shared inputs for the Pulumi tests: the reference cluster, the DR provider's inputs, small helpers. */
import * as path from 'node:path';
import type * as pulumi from '@pulumi/pulumi';
import type { Connect, KObject, KubeClient } from '../../lib/kube/client';
import { PATCH_FIELD_MANAGER_ANNOTATION, PATCH_FORCE_ANNOTATION, withPulumiApplyAnnotations } from '../../lib/pulumi/apply-annotations';
import { renderCluster } from '../../lib/render/cluster';
import type { KubeObject } from '../../lib/render/kube-object';
import { checkDr, deleteDr, diffDr, readDr, runDr, updateDr, type DrInputs, type DrOutputs } from '../../lib/pulumi/dr-operations';
import { referenceDrSpec } from '../fixtures';

/** The project root: where Pulumi.yaml is, and where the dynamic-provider host runs. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export function drInputs(kubeconfig: string, generation: number, extra: Partial<DrInputs> = {}): DrInputs {
  return { spec: referenceDrSpec(), generation, namespace: 'default', kubeconfig, timeoutSeconds: 120, ...extra };
}

/** Unix seconds on `sim`'s clock (its virtual clock, which the provider's client runs on through `sim.connect`). */
export function simSeconds(sim: { timers?: { now(): number } }): number {
  return Math.floor((sim.timers?.now() ?? Date.now()) / 1000);
}

type Env = { name: string; value?: string };
type Container = { name: string; env?: Env[]; readinessProbe?: Record<string, unknown>; startupProbe?: unknown; livenessProbe?: unknown };

/** The `fe` container of a StatefulSet as the simulator stores it. */
export function feContainer(sts: any): Container {
  return (sts.spec.template.spec.containers as Container[]).find((c) => c.name === 'fe')!;
}

export function restoreEnv(sts: any): Env[] {
  return (feContainer(sts).env ?? []).filter((e) => e.name.startsWith('RESTORE_'));
}

/** Object names the operator gives the reference cluster (design.md section 2), per Pulumi resource type. */
export const REFERENCE_OBJECTS: Readonly<Record<string, readonly string[]>> = {
  'kubernetes:core/v1:ConfigMap': ['kube-starrocks-fe-cm', 'kube-starrocks-cn-cm'],
  'kubernetes:core/v1:Service': ['kube-starrocks-fe-service', 'kube-starrocks-fe-search', 'kube-starrocks-cn-service', 'kube-starrocks-cn-search'],
  'kubernetes:apps/v1:StatefulSet': ['kube-starrocks-fe', 'kube-starrocks-cn'],
};

/** The Pulumi name of a child of the component `kube-starrocks` in `namespace` (lib/pulumi/kubernetes-resources.ts). */
export function childName(suffix: string, namespace = 'default'): string {
  return `kube-starrocks/${namespace}/${suffix}`;
}

export const NAMESPACE_TYPE = 'kubernetes:core/v1:Namespace';
export const DR_TYPE = 'pulumi-nodejs:dynamic/starrocks:DisasterRecovery';
export const VERIFY_TYPE = 'pulumi-nodejs:dynamic/starrocks:RecoveryVerification';
export const COMPONENT_TYPE = 'starrocks:index:StarRocksClusterStack';
export const VALUES = JSON.stringify(['examples/starrocks-values.yaml']);

/**
 * The DisasterRecovery provider's methods as disaster-recovery-provider.ts delegates them (check, diff, create,
 * update, read, delete), calling the operations with `connect`: the simulator's clock and tracked transport
 * (`sim.connect`). The provider object itself takes no options (Pulumi stores it as text, test/pulumi/provider-host
 * runs that text in the real host); this is the same delegation with the test's connection.
 */
export function providerOn(connect: Connect): Required<Pick<pulumi.dynamic.ResourceProvider, 'check' | 'diff' | 'create' | 'update' | 'read' | 'delete'>> {
  const ops = { connect };
  return {
    check: async (olds: DrInputs, news: DrInputs) => checkDr(olds && Object.keys(olds).length > 0 ? olds : undefined, news),
    diff: async (_id: string, olds: DrOutputs, news: DrInputs) => diffDr(olds, news),
    create: async (inputs: DrInputs) => runDr(inputs, ops),
    update: async (_id: string, olds: DrOutputs, news: DrInputs) => ({ outs: (await updateDr(olds, news, ops)).outs }),
    read: async (id: string, props: DrOutputs) => readDr(id, props, ops),
    delete: async (_id: string, props: DrOutputs) => deleteDr(props),
  };
}

/** What pulumi-kubernetes sends for each typed resource of the full topology. */
/** The full topology as the program gives it to pulumi-kubernetes (lib/pulumi/star-rocks-cluster-stack.ts). */
export function fullTopologyInputs(generation: number): KubeObject[] {
  return renderCluster(referenceDrSpec(), { namespace: 'default' }).map((obj) => withPulumiApplyAnnotations(obj, 'kube-starrocks-fe', generation));
}

export async function pulumiApplyFullTopology(client: KubeClient, generation: number, fieldManagerOverride?: string): Promise<void> {
  for (const annotated of fullTopologyInputs(generation)) {
    const manager = fieldManagerOverride ?? annotated.metadata.annotations![PATCH_FIELD_MANAGER_ANNOTATION];
    await client.apply(annotated as KObject, manager, annotated.metadata.annotations![PATCH_FORCE_ANNOTATION] === 'true');
  }
}

