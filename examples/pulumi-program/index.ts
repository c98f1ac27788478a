/**
 * A Pulumi program of your own: one StarRocks shared-data cluster, recovered from its cluster snapshot when
 * `drGeneration` is set. `npm install && npm run build && pulumi up` (see README.md). Without `valuesFiles` it
 * deploys the package's example values, a plain deployment; on disaster day list your values and the file that
 * mounts cluster_snapshot.yaml (like examples/override.yaml) in `valuesFiles`, and set `drGeneration`.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { BUILTIN_EXAMPLE_VALUES, loadValuesFiles } from 'starrocks-dr/model';
import { readVerification, StarRocksClusterStack } from 'starrocks-dr/pulumi';

const config = new pulumi.Config();
const kubernetes = new pulumi.Config('kubernetes');
// The engine runs this file in build/: resolve paths against the project root, where Pulumi.yaml is.
const root = pulumi.runtime.getRootDirectory();
const configured = config.getObject<string[]>('valuesFiles') ?? [];
// No valuesFiles: the example values alone, a plain deployment (recovery only when you ask for it).
const files = configured.length > 0 ? configured.map((f) => path.resolve(root, f)) : [BUILTIN_EXAMPLE_VALUES];
const { spec } = loadValuesFiles(files);

const cluster = new StarRocksClusterStack(spec.name, {
  spec,
  namespace: config.get('namespace') ?? 'starrocks',
  drGeneration: config.getNumber('drGeneration'),
  kubeconfig: kubernetes.getSecret('kubeconfig'),
  context: kubernetes.get('context'),
  // The recovery is verified from the database unless `pulumi config set verify none` (see lib/pulumi/README.md).
  verification: readVerification(config),
});

export const namespace = cluster.namespace;
export const objects = cluster.objectNames;
export const disasterRecovery = cluster.drOutputs();
