/**
 * One typed `@pulumi/kubernetes` resource per rendered object, so `pulumi preview` diffs real fields and every
 * object can `dependsOn` the recovery. Also the annotations that make Pulumi's server-side apply and the DR
 * executor's apply one field manager (see README, "Field managers").
 */
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import { FIELD_MANAGER } from '../dr/executor';
import { StarRocksDrError } from '../errors';
import type { KubeObject } from '../render/kube-object';

/** pulumi-kubernetes uses this annotation's value as the server-side apply field manager. */
export const PATCH_FIELD_MANAGER_ANNOTATION = 'pulumi.com/patchFieldManager';
/** pulumi-kubernetes applies with `force=true` (takes over conflicting fields) when this annotation is "true". */
export const PATCH_FORCE_ANNOTATION = 'pulumi.com/patchForce';
/**
 * Carries the recovery generation on the FE StatefulSet. Pulumi diffs inputs, not the live object: without a
 * changed input, a second recovery (generation 2) would leave the FE in the restore form the provider applied.
 */
export const DR_GENERATION_ANNOTATION = 'starrocks.com/dr-generation';

/**
 * The object as Pulumi should apply it: the field manager of the DR executor (so this apply removes the
 * restore-only fields that manager set before: `RESTORE_*` env, the TCP readiness probe), forced, and the
 * generation annotation on the FE StatefulSet.
 */
export function withPulumiApplyAnnotations(obj: KubeObject, feStatefulSetName: string, generation?: number): KubeObject {
  const annotations: Record<string, string> = {
    ...(obj.metadata.annotations ?? {}),
    [PATCH_FIELD_MANAGER_ANNOTATION]: FIELD_MANAGER,
    [PATCH_FORCE_ANNOTATION]: 'true',
  };
  if (generation !== undefined && obj.kind === 'StatefulSet' && obj.metadata.name === feStatefulSetName) {
    annotations[DR_GENERATION_ANNOTATION] = String(generation);
  }
  return { ...obj, metadata: { ...obj.metadata, annotations } };
}

/** The Pulumi resource name of a rendered object. Names are unique per kind in a namespace, as Pulumi needs. */
export function resourceName(obj: KubeObject): string {
  return obj.metadata.name;
}

/**
 * Registers `obj` as its typed resource. `secretData` (Secrets only) replaces `data` with values that stay secret
 * in state: base64 is computed inside the Output, so the plain text never leaves it.
 */
export function kubernetesResource(
  obj: KubeObject,
  opts: pulumi.CustomResourceOptions,
  secretData?: pulumi.Input<Record<string, string>>,
): pulumi.CustomResource {
  const name = resourceName(obj);
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
