/**
 * The stack program: config ─▶ `StarRocksClusterStack` ─▶ stack outputs. Kept apart from index.ts so that tests
 * run it under Pulumi mocks and read its outputs.
 */
import * as pulumi from '@pulumi/pulumi';
import { readStackSettings } from '../lib/pulumi/stack-config';
import { StarRocksClusterStack } from '../lib/pulumi/star-rocks-cluster-stack';

export interface StackOutputs {
  readonly cluster: string;
  readonly namespace: string;
  /** `Kind/name` of every object of the full topology. */
  readonly objects: readonly string[];
  /** The FE's MySQL endpoint inside the cluster. */
  readonly feQueryEndpoint: string;
  /** `{phase, reason, observedGeneration, startTimestamp, endTimestamp}`, or undefined without a recovery. */
  readonly disasterRecovery?: pulumi.Output<Record<string, unknown>>;
  /** cluster_snapshot.yaml as built from config (secret). */
  readonly clusterSnapshotFile?: pulumi.Output<string>;
}

export function starRocksStack(projectRoot: string = process.cwd()): StackOutputs {
  const settings = readStackSettings(projectRoot);
  for (const n of settings.notices) void pulumi.log.info(n);
  const spec = settings.args.spec;
  const stack = new StarRocksClusterStack(spec.name, settings.args);
  const dr = stack.drOutputs();
  return {
    cluster: spec.name,
    namespace: stack.namespace,
    objects: stack.objectNames,
    feQueryEndpoint: `${spec.name}-fe-service.${stack.namespace}.svc:9030`,
    ...(dr ? { disasterRecovery: pulumi.output(dr) as unknown as pulumi.Output<Record<string, unknown>> } : {}),
    ...(settings.clusterSnapshotFile ? { clusterSnapshotFile: settings.clusterSnapshotFile } : {}),
  };
}
