import * as pulumi from '@pulumi/pulumi';
import type { StarRocksClusterSpec } from '../model/types';
import { disasterRecoveryProvider } from './disaster-recovery-provider';

export interface DisasterRecoveryArgs {
  /** The cluster spec; pass it as a secret when it carries Secret data (e.g. S3 keys in cluster_snapshot.yaml). */
  readonly spec: pulumi.Input<StarRocksClusterSpec>;
  /** The recovery generation: raising it runs a new recovery; lowering it fails `check`. */
  readonly generation: pulumi.Input<number>;
  readonly namespace: pulumi.Input<string>;
  /**
   * Kubeconfig text or path (`kubernetes:kubeconfig`); stored as a secret.
   * @default - $KUBECONFIG, then ~/.kube/config
   */
  readonly kubeconfig?: pulumi.Input<string>;
  /** @default - the kubeconfig's current context */
  readonly context?: pulumi.Input<string>;
  /** Longest wait for the restoring FE, in seconds. @default 1800 */
  readonly timeoutSeconds?: pulumi.Input<number>;
  /**
   * Restore even where the DR engine's guard refuses (no record on a live cluster, a record of another cluster).
   * Set it for one `pulumi up`, then remove it. @default false
   */
  readonly force?: pulumi.Input<boolean>;
}

/**
 * One disaster recovery of a StarRocks cluster: applies the restore form, waits for the FE of the generation to be
 * Ready and records `done`. The full topology is left to typed Kubernetes resources that depend on this one.
 */
export class DisasterRecovery extends pulumi.dynamic.Resource {
  /** `todo`, `doing` or `done` (the operator's phases). */
  declare readonly phase: pulumi.Output<string>;
  declare readonly reason: pulumi.Output<string>;
  declare readonly observedGeneration: pulumi.Output<number>;
  /** Unix seconds. */
  declare readonly startTimestamp: pulumi.Output<number>;
  /** Unix seconds; undefined until `done`. */
  declare readonly endTimestamp: pulumi.Output<number | undefined>;

  constructor(name: string, args: DisasterRecoveryArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      kubeconfig: args.kubeconfig === undefined ? undefined : pulumi.secret(args.kubeconfig),
      phase: undefined,
      reason: undefined,
      observedGeneration: undefined,
      startTimestamp: undefined,
      endTimestamp: undefined,
    };
    super(disasterRecoveryProvider, name, props, {
      ...opts,
      // Outputs the provider copies from inputs are secret when the inputs were, but say it anyway.
      additionalSecretOutputs: ['kubeconfig', ...(opts?.additionalSecretOutputs ?? [])],
    }, 'starrocks', 'DisasterRecovery');
  }
}
