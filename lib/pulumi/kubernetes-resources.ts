/**
 * One typed `@pulumi/kubernetes` resource per rendered object, so `pulumi preview` diffs real fields and every
 * object can `dependsOn` the recovery.
 */
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import { StarRocksDrError } from '../errors';
import type { KubeObject } from '../render/kube-object';

/**
 * The Pulumi resource name of a rendered object: the component's name, the namespace and the object's name, so two
 * clusters of the same name in different namespaces do not collide (names are unique per kind in a namespace, and
 * the kind is in the resource type).
 */
export function resourceName(component: string, namespace: string, obj: KubeObject): string {
  return `${component}/${namespace}/${obj.metadata.name}`;
}

/** The name 0.1.0 gave the same resource (the object's name): an alias, so existing stacks replace nothing. */
export function legacyResourceName(obj: KubeObject): string {
  return obj.metadata.name;
}

/** Seconds a probe allows before it fails the container: its initial delay plus failureThreshold periods. */
function probeBudgetSeconds(probe: { initialDelaySeconds?: number; periodSeconds?: number; failureThreshold?: number; timeoutSeconds?: number } | undefined): number {
  if (!probe) return 0;
  // Kubernetes defaults: periodSeconds 10, failureThreshold 3, timeoutSeconds 1.
  const period = probe.periodSeconds ?? 10;
  return (probe.initialDelaySeconds ?? 0) + (probe.failureThreshold ?? 3) * Math.max(period, probe.timeoutSeconds ?? 1);
}

/**
 * How long Pulumi may wait for a StatefulSet to roll out (pulumi-kubernetes waits 10 minutes by default: provider
 * await.go). Formula: `drTimeoutSeconds + replicas × startup budget`, the startup budget being the largest startup
 * probe budget of the pod's containers (initialDelaySeconds + failureThreshold × periodSeconds). After a restore the
 * FE goes from 1 to N replicas and restarts pod 0; pods start one by one, each allowed its startup probe's budget.
 */
export function statefulSetTimeoutSeconds(obj: KubeObject, drTimeoutSeconds: number): number {
  const spec = (obj as { spec?: { replicas?: number; template?: { spec?: { containers?: Array<{ startupProbe?: Parameters<typeof probeBudgetSeconds>[0] }> } } } }).spec;
  const replicas = spec?.replicas ?? 1;
  const budget = Math.max(0, ...(spec?.template?.spec?.containers ?? []).map((c) => probeBudgetSeconds(c.startupProbe)));
  return drTimeoutSeconds + replicas * budget;
}

/**
 * Registers `obj` as its typed resource. `secretData` (Secrets only) replaces `data` with values that stay secret
 * in state: base64 is computed inside the Output, so the plain text never leaves it.
 */
export function kubernetesResource(
  name: string,
  obj: KubeObject,
  opts: pulumi.CustomResourceOptions,
  secretData?: pulumi.Input<Record<string, string>>,
): pulumi.CustomResource {
  const { apiVersion, kind, ...rest } = obj;
  const args = rest as Record<string, any>;
  switch (`${apiVersion}/${kind}`) {
    case 'v1/ConfigMap':
      return new k8s.core.v1.ConfigMap(name, args, opts);
    case 'v1/Secret': {
      const data = secretData
        ? pulumi.secret(pulumi.output(secretData).apply((d) => base64Values(d)))
        : args.data === undefined
          ? undefined
          : pulumi.secret(args.data as Record<string, string>);
      return new k8s.core.v1.Secret(name, { ...args, data }, opts);
    }
    case 'v1/Service':
      return new k8s.core.v1.Service(name, args as k8s.core.v1.ServiceArgs, opts);
    case 'apps/v1/StatefulSet':
      return new k8s.apps.v1.StatefulSet(name, args as k8s.apps.v1.StatefulSetArgs, opts);
    default:
      throw new StarRocksDrError('InvalidInput', `no typed Pulumi resource for ${apiVersion} ${kind}`, {
        field: `${kind}/${name}`,
        fix: 'add the kind to lib/pulumi/kubernetes-resources.ts',
      });
  }
}

function base64Values(d: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
}
