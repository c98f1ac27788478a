import * as pulumi from '@pulumi/pulumi';
import type { StarRocksClusterSpec } from '../model/types';
import { disasterRecoveryProvider, recoveryVerificationProvider } from './disaster-recovery-provider';
import type { DrVerification } from './dr-operations';

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
  /**
   * `checks`: before `done` is returned (and the full topology goes on), ask the database whether the restore
   * finished, through a port-forward to the FE (or `feAddress`); `none`: skip it, recorded as skipped.
   * @default checks
   */
  readonly verify?: pulumi.Input<'checks' | 'none'>;
  /** `host:port` of the FE's query port, instead of a port-forward. */
  readonly feAddress?: pulumi.Input<string>;
  /** The SQL user. @default root */
  readonly sqlUser?: pulumi.Input<string>;
  /** `[namespace/]name[:key]` of a Secret with the SQL user's password (read in the cluster, never in state). */
  readonly passwordSecret?: pulumi.Input<string>;
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
  /** What the database said about the restore (the record's `Verified` condition). */
  declare readonly verification: pulumi.Output<DrVerification | undefined>;

  constructor(name: string, args: DisasterRecoveryArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      kubeconfig: args.kubeconfig === undefined ? undefined : pulumi.secret(args.kubeconfig),
      phase: undefined,
      reason: undefined,
      observedGeneration: undefined,
      startTimestamp: undefined,
      endTimestamp: undefined,
      verification: undefined,
    };
    super(disasterRecoveryProvider, name, props, {
      ...opts,
      // Outputs the provider copies from inputs are secret when the inputs were, but say it anyway.
      additionalSecretOutputs: ['kubeconfig', ...(opts?.additionalSecretOutputs ?? [])],
    }, 'starrocks', 'DisasterRecovery');
  }
}

export interface RecoveryVerificationArgs extends Pick<DisasterRecoveryArgs, 'spec' | 'generation' | 'namespace' | 'kubeconfig' | 'context' | 'verify' | 'feAddress' | 'sqlUser' | 'passwordSecret'> {
  /** Longest wait for the rollout and the checks, in seconds. @default 1800 */
  readonly timeoutSeconds?: pulumi.Input<number>;
  /** The user's own checks: one read-only statement each and the value it must return. */
  readonly userChecks?: pulumi.Input<readonly { readonly sql: string; readonly expect: string }[]>;
}

/**
 * The rollout checks of a recovery, after the full topology (make the full topology's resources its
 * dependencies): compute nodes / backends alive on the current pods, the restored snapshot's job, the user's checks.
 * Records them in the status record's `Verified` condition. Applies nothing.
 */
export class RecoveryVerification extends pulumi.dynamic.Resource {
  declare readonly verification: pulumi.Output<DrVerification | undefined>;

  constructor(name: string, args: RecoveryVerificationArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { ...args, kubeconfig: args.kubeconfig === undefined ? undefined : pulumi.secret(args.kubeconfig), verification: undefined };
    super(recoveryVerificationProvider, name, props, { ...opts, additionalSecretOutputs: ['kubeconfig', ...(opts?.additionalSecretOutputs ?? [])] }, 'starrocks', 'RecoveryVerification');
  }
}
