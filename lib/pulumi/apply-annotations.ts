/**
 * The annotations that make Pulumi's server-side apply and the DR executor's apply one field manager (see README,
 * "Field managers"). No Pulumi import: the dynamic provider puts them on the restore form too (dr-operations.ts).
 */
import { FIELD_MANAGER } from '../dr/executor';

/** A rendered object (render/kube-object.ts) or one the executor applies (kube/client.ts KObject). */
interface Annotatable {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly annotations?: Record<string, string> };
}

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
export function withPulumiApplyAnnotations<T extends Annotatable>(obj: T, feStatefulSetName: string, generation?: number): T {
  const annotations: Record<string, string> = {
    ...(obj.metadata?.annotations ?? {}),
    [PATCH_FIELD_MANAGER_ANNOTATION]: FIELD_MANAGER,
    [PATCH_FORCE_ANNOTATION]: 'true',
  };
  if (generation !== undefined && obj.kind === 'StatefulSet' && obj.metadata?.name === feStatefulSetName) {
    annotations[DR_GENERATION_ANNOTATION] = String(generation);
  }
  return { ...obj, metadata: { ...obj.metadata, annotations } };
}
