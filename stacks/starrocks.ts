/**
 * The stack program: config ─▶ `StarRocksClusterStack` ─▶ stack outputs. Kept apart from index.ts so that tests
 * run it under Pulumi mocks and read its outputs.
 */
import * as path from 'node:path';
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
  /** `{phase, reason, observedGeneration, startTimestamp, endTimestamp, verification}`, or undefined without a recovery. */
  readonly disasterRecovery?: pulumi.Output<Record<string, unknown>>;
  /** cluster_snapshot.yaml as built from config (secret). */
  readonly clusterSnapshotFile?: pulumi.Output<string>;
  /** The snapshot path restored: `clusterSnapshot.path`, or what `latest` resolved to (pinned per generation). */
  readonly snapshotPath?: pulumi.Output<string>;
}

/**
 * The project root (the directory of Pulumi.yaml), against which config paths resolve. The engine runs the
 * program in the directory of `main`, not the root (pulumi v3.248.0 pkg/engine/project.go:66, and
 * sdk/nodejs/cmd/run/index.ts:256 `process.chdir(pwd)`); it passes the root as `--root-directory`, which the SDK
 * exposes as `pulumi.runtime.getRootDirectory()` (run/index.ts:242 sets PULUMI_NODEJS_ROOT_DIRECTORY).
 */
export function projectRootDirectory(): string {
  const root = pulumi.runtime.getRootDirectory();
  // Unset, the SDK answers the placeholder "rootDirectory" (runtime/state.js); the engine passes an absolute path.
  if (!root || !path.isAbsolute(root)) {
    throw new Error(
      'the Pulumi engine did not say where the project root is (PULUMI_NODEJS_ROOT_DIRECTORY is unset), so config paths such as ' +
        'valuesFiles cannot be resolved. Fix: run the program with the Pulumi CLI 3.248 or later (pulumi up), or pass the root to starRocksStack()',
    );
  }
  return root;
}

export function starRocksStack(projectRoot: string = projectRootDirectory()): StackOutputs {
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
    ...(settings.snapshotPath ? { snapshotPath: settings.snapshotPath } : {}),
  };
}
