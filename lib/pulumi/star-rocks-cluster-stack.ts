/**
 * `StarRocksClusterStack`: a StarRocks cluster as Pulumi resources. The full topology is one typed
 * `@pulumi/kubernetes` resource per rendered object; when a disaster recovery is requested, a `DisasterRecovery`
 * resource runs first (restore form, wait, `done`) and every full-topology resource depends on it.
 */
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import { namespaceOf } from '../dr/plan';
import { validateForRoute } from '../dr/preflight';
import type { StarRocksClusterSpec } from '../model/types';
import { validateSpec } from '../model/validate';
import { renderCluster } from '../render/cluster';
import { componentResourceName } from '../render/names';
import { withSecretData } from './cluster-snapshot';
import { DisasterRecovery, RecoveryVerification } from './disaster-recovery';
import type { DrVerification } from './dr-operations';
import { withPulumiApplyAnnotations } from './apply-annotations';
import { kubernetesResource, legacyResourceName, resourceName, statefulSetTimeoutSeconds } from './kubernetes-resources';

export interface StarRocksClusterStackArgs {
  /** The cluster (validated here). Secret data given in `secretData` may be placeholders in it. */
  readonly spec: StarRocksClusterSpec;
  /**
   * Values that replace `spec.secrets[].data`, by Secret name then key (e.g. cluster_snapshot.yaml built from
   * secret config). They stay secret in state, in the DR resource's inputs and in the Secret's data.
   * @default - none
   */
  readonly secretData?: Readonly<Record<string, pulumi.Input<Record<string, string>>>>;
  /**
   * The recovery generation to run. 0 or undefined: the spec's own `disasterRecovery` decides (none, usually).
   * @default - the spec's `disasterRecovery`
   */
  readonly drGeneration?: number;
  /** @default - `spec.namespace`, else 'default' */
  readonly namespace?: string;
  /** Kubeconfig text or path, as `kubernetes:kubeconfig`. @default - $KUBECONFIG, then ~/.kube/config */
  readonly kubeconfig?: pulumi.Input<string | undefined>;
  /** Kubeconfig context, as `kubernetes:context`. @default - the current context */
  readonly context?: pulumi.Input<string | undefined>;
  /**
   * Longest wait for the restoring FE, in seconds. Also the base of the StatefulSets' `customTimeouts`
   * (see `statefulSetTimeoutSeconds`). @default 1800
   */
  readonly drTimeoutSeconds?: number;
  /**
   * Create the namespace as a resource, kept on `pulumi destroy` (`retainOnDelete`: deleting a namespace deletes
   * every PVC in it). An existing namespace is adopted (the provider allows upserts).
   * @default - true, except for the namespace `default`
   */
  readonly createNamespace?: boolean;
  /**
   * Restore even where the DR engine's guard refuses (no record on a live cluster, a record of another cluster):
   * data written since the snapshot is lost. For one `pulumi up`. @default false
   */
  readonly forceRestore?: boolean;
  /**
   * How a recovery is verified from the database (lib/dr/verification.ts): the restore checks before the full
   * topology (the `DisasterRecovery` resource), the rollout checks and the user's after it (`RecoveryVerification`).
   * @default - verified through a port-forward to the FE, as root with an empty password
   */
  readonly verification?: StackVerification;
  /**
   * The Kubernetes provider. It must run server-side apply and allow upserts, as the default one here does.
   * @default - a `k8s.Provider` with `enableServerSideApply: true` and `upsertExistingObjects: true`
   */
  readonly provider?: k8s.Provider;
}

/** Pulumi config `verify`, `feAddress`, `sqlUser`, `passwordSecret` (the CLI's `--verify`, `--verify-sql` ...). */
export interface StackVerification {
  /** @default checks */
  readonly verify?: 'checks' | 'none';
  readonly userChecks?: readonly { readonly sql: string; readonly expect: string }[];
  readonly feAddress?: string;
  readonly sqlUser?: string;
  readonly passwordSecret?: string;
}

/** The recovery's outputs, for stack outputs. */
export interface DisasterRecoveryOutputs {
  readonly phase: pulumi.Output<string>;
  readonly reason: pulumi.Output<string>;
  readonly observedGeneration: pulumi.Output<number>;
  readonly startTimestamp: pulumi.Output<number>;
  readonly endTimestamp: pulumi.Output<number | undefined>;
  /** The restore checks' result, then the rollout checks' once they ran (the record's `Verified` condition). */
  readonly verification: pulumi.Output<DrVerification | undefined>;
}

/** The generation a spec and an explicit request ask for, or undefined for a plain deployment. */
export function requestedGeneration(spec: StarRocksClusterSpec, drGeneration?: number): number | undefined {
  if (drGeneration !== undefined && drGeneration > 0) return drGeneration;
  const dr = spec.disasterRecovery;
  return dr?.enabled ? dr.generation : undefined;
}

export class StarRocksClusterStack extends pulumi.ComponentResource {
  readonly namespace: string;
  /** `Kind/name` of every full-topology object, in apply order. */
  readonly objectNames: readonly string[];
  /** The typed resources of the full topology, in render order. */
  readonly resources: readonly pulumi.CustomResource[];
  /** Set when a recovery is requested. */
  readonly disasterRecovery?: DisasterRecovery;
  /** The rollout checks after the full topology (with a recovery, unless `verify: none`... which it records). */
  readonly verification?: RecoveryVerification;
  /** The namespace, when the component creates it (kept on destroy). */
  readonly namespaceResource?: k8s.core.v1.Namespace;
  readonly provider: k8s.Provider;

  constructor(name: string, args: StarRocksClusterStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('starrocks:index:StarRocksClusterStack', name, {}, opts);
    const spec = validateSpec(args.spec);
    // The checks every route runs (limits, the namespace); the recovery's own are the DisasterRecovery resource's check.
    for (const w of validateForRoute(spec, { form: 'full', namespace: args.namespace, namespaceField: 'namespace', deferRecoveryChecks: true }).warnings) void pulumi.log.warn(w);
    const generation = requestedGeneration(spec, args.drGeneration);
    this.namespace = namespaceOf(spec, args.namespace);
    const full = renderCluster(spec, { namespace: this.namespace });

    // Child names carry the component's name and the namespace; `aliases` map the names 0.1.0 used (the object's
    // name, `<name>-dr`, `<name>-k8s`), so an existing stack renames its resources and replaces none of them.
    const childName = (suffix: string): string => `${name}/${this.namespace}/${suffix}`;
    this.provider =
      args.provider ??
      new k8s.Provider(
        childName('k8s'),
        {
          kubeconfig: args.kubeconfig,
          context: args.context,
          // Server-side apply with our field manager, and adopt objects the DR provider created (4.29+ refuses).
          enableServerSideApply: true,
          upsertExistingObjects: true,
        },
        { parent: this, aliases: [{ name: `${name}-k8s` }] },
      );

    const createNamespace = args.createNamespace ?? this.namespace !== 'default';
    if (createNamespace) {
      this.namespaceResource = new k8s.core.v1.Namespace(
        childName('namespace'),
        { metadata: { name: this.namespace } },
        { parent: this, provider: this.provider, retainOnDelete: true },
      );
    }
    const namespaceDeps = this.namespaceResource ? [this.namespaceResource] : [];

    const secretData = args.secretData ?? {};
    const hasSecrets = (spec.secrets ?? []).length > 0;
    // The spec as the DR resources take it: secret when it carries Secret data (cluster_snapshot.yaml's S3 keys).
    let drSpec: pulumi.Input<StarRocksClusterSpec> = spec;
    // What both DR resources are about, and how they reach the cluster and the FE.
    const recovery = {
      namespace: this.namespace,
      kubeconfig: args.kubeconfig as pulumi.Input<string> | undefined,
      context: args.context as pulumi.Input<string> | undefined,
      ...verifyConnection(args.verification),
    };
    if (generation !== undefined) {
      drSpec =
        Object.keys(secretData).length > 0
          ? pulumi.secret(pulumi.all(secretData as Record<string, pulumi.Input<Record<string, string>>>).apply((d) => withSecretData(spec, d)))
          : hasSecrets
            ? pulumi.secret(spec)
            : spec;
      this.disasterRecovery = new DisasterRecovery(
        childName('dr'),
        {
          ...recovery,
          spec: drSpec,
          generation,
          timeoutSeconds: args.drTimeoutSeconds,
          ...(args.forceRestore ? { force: true } : {}),
        },
        { parent: this, dependsOn: namespaceDeps, aliases: [{ name: `${name}-dr` }] },
      );
    }

    const dependsOn = this.disasterRecovery ? [this.disasterRecovery] : namespaceDeps;
    const feName = componentResourceName(spec.name, 'fe');
    const drTimeoutSeconds = args.drTimeoutSeconds ?? 1800;
    // waitForFullRollout: CN/BE StatefulSets wait for the FE StatefulSet resource, whose await is its full rollout
    // (the FE is rendered first, so it exists by the time CN/BE are declared).
    let feStatefulSet: pulumi.CustomResource | undefined;
    this.resources = full.map((obj) => {
      const timeout = obj.kind === 'StatefulSet' ? `${statefulSetTimeoutSeconds(obj, drTimeoutSeconds)}s` : undefined;
      const afterFe = spec.waitForFullRollout === true && obj.kind === 'StatefulSet' && obj.metadata.name !== feName && feStatefulSet !== undefined;
      const resource = kubernetesResource(
        resourceName(name, this.namespace, obj),
        withPulumiApplyAnnotations(obj, feName, generation),
        {
          parent: this,
          provider: this.provider,
          dependsOn: afterFe ? [...dependsOn, feStatefulSet!] : dependsOn,
          aliases: [{ name: legacyResourceName(obj) }],
          ...(timeout ? { customTimeouts: { create: timeout, update: timeout } } : {}),
        },
        obj.kind === 'Secret' ? secretData[obj.metadata.name] : undefined,
      );
      if (obj.kind === 'StatefulSet' && obj.metadata.name === feName) feStatefulSet = resource;
      return resource;
    });
    this.objectNames = full.map((o) => `${o.kind}/${o.metadata.name}`);
    if (this.disasterRecovery && generation !== undefined) {
      // After the whole full topology rolled out (the StatefulSets' await): the rollout checks and the user's.
      this.verification = new RecoveryVerification(
        childName('verification'),
        {
          ...recovery,
          spec: drSpec,
          generation,
          timeoutSeconds: drTimeoutSeconds,
          userChecks: args.verification?.userChecks ?? [],
        },
        { parent: this, dependsOn: [this.disasterRecovery, ...this.resources] },
      );
    }

    this.registerOutputs({
      namespace: this.namespace,
      objects: this.objectNames,
      disasterRecovery: this.disasterRecovery ? this.drOutputs() : undefined,
    });
  }

  /** The recovery's phase and timestamps, or undefined when none is requested. */
  drOutputs(): DisasterRecoveryOutputs | undefined {
    const dr = this.disasterRecovery;
    if (!dr) return undefined;
    const verification = this.verification ? pulumi.all([dr.verification, this.verification.verification]).apply(([restore, rollout]) => rollout ?? restore) : dr.verification;
    return {
      verification,
      phase: dr.phase,
      reason: dr.reason,
      observedGeneration: dr.observedGeneration,
      startTimestamp: dr.startTimestamp,
      endTimestamp: dr.endTimestamp,
    };
  }
}

/** The verify inputs both DR resources take. */
function verifyConnection(v: StackVerification | undefined): { verify?: 'checks' | 'none'; feAddress?: string; sqlUser?: string; passwordSecret?: string } {
  if (!v) return {};
  return Object.fromEntries(Object.entries({ verify: v.verify, feAddress: v.feAddress, sqlUser: v.sqlUser, passwordSecret: v.passwordSecret }).filter(([, x]) => x !== undefined));
}

