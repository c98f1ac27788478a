/**
 * The cdk8s app: `npx cdk8s synth` runs this (cdk8s.yaml) and writes `dist/<cluster>.k8s.yaml`, byte-identical to
 * `starrocks-dr synth`. Values files come from STARROCKS_DR_VALUES (paths separated by ':'), else the built-in
 * reference example. Use it as a template for your own cdk8s app: the construct is `StarRocksCluster`.
 */
import { App } from 'cdk8s';
import { StarRocksClusterChart } from './lib/constructs';
import { BUILTIN_EXAMPLE_VALUES, loadValuesFiles } from './lib/model/values';

const files = process.env.STARROCKS_DR_VALUES ? process.env.STARROCKS_DR_VALUES.split(':') : [BUILTIN_EXAMPLE_VALUES];
const { spec } = loadValuesFiles(files);
const app = new App();
new StarRocksClusterChart(app, spec.name, { spec });
app.synth();
