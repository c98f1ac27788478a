/**
 * A cdk8s app of your own that deploys a StarRocks shared-data cluster with the `starrocks-dr` construct library.
 * `npm install && npm run synth` writes dist/<cluster>.k8s.yaml, the same bytes `npx starrocks-dr synth -f <files>`
 * writes. Values files come from the command line (kube-starrocks chart layout), else the package's example.
 */
import { App } from 'cdk8s';
import { StarRocksClusterChart } from 'starrocks-dr/constructs';
import { BUILTIN_EXAMPLE_VALUES, loadValuesFiles } from 'starrocks-dr/model';

const files = process.argv.length > 2 ? process.argv.slice(2) : [BUILTIN_EXAMPLE_VALUES];
try {
  const { spec } = loadValuesFiles(files);
  const app = new App();
  // One chart per cluster, as the CLI writes it. In a chart of your own: new StarRocksCluster(chart, 'starrocks', { spec }).
  new StarRocksClusterChart(app, spec.name, { spec });
  app.synth();
} catch (err) {
  // A values problem is one line that names the file, the key and the fix (as `starrocks-dr synth` prints it); anything
  // else is a bug, and keeps its stack.
  if ((err as Error | undefined)?.name !== 'StarRocksDrError') throw err;
  console.error(`error: ${(err as Error).message}`);
  process.exit(2);
}
