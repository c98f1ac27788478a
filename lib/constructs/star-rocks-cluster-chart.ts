/**
 * `StarRocksClusterChart`: a cdk8s Chart holding one `StarRocksCluster`, for `cdk8s synth` and GitOps.
 * With the default chart options its synth output is exactly `renderCluster`'s objects (keys sorted by cdk8s).
 */
import { ApiObject, Chart, DependencyGraph, type ChartProps } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import type { DrPhaseForm, OperatorVersion, StarRocksClusterSpec } from '../model/types';
import { StarRocksCluster } from './star-rocks-cluster';

export interface StarRocksClusterChartProps extends ChartProps {
  /** The cluster, as the model describes it. */
  readonly spec: StarRocksClusterSpec;
  /**
   * Namespace of every object (also the cdk8s chart's namespace).
   * @default - `spec.namespace`, else 'default'
   */
  readonly namespace?: string;
  /** @default 'full' (see StarRocksClusterProps.form) */
  readonly form?: DrPhaseForm;
  /** @default - `spec.disasterRecovery.generation` */
  readonly generation?: number;
  /** @default - `spec.operatorVersion`, else the newest (see StarRocksClusterProps.operatorVersion) */
  readonly operatorVersion?: OperatorVersion;
}

export class StarRocksClusterChart extends Chart {
  /** The cluster construct (the escape hatch to every object). */
  public readonly cluster: StarRocksCluster;

  constructor(scope: Construct, id: string, props: StarRocksClusterChartProps) {
    const { spec, form, generation, operatorVersion, ...chartProps } = props;
    super(scope, id, chartProps);
    this.cluster = new StarRocksCluster(this, 'Cluster', { spec, namespace: props.namespace, form, generation, operatorVersion });
  }

  /**
   * The chart's objects, in dependency order, as cdk8s's `Chart.toJson` gives them, with its dependency and
   * validation passes run over this chart's constructs instead of the whole App. cdk8s 2.70 runs them over every
   * construct of the App for each chart (lib/app.js `App._synthChart`), so N charts in one App cost O(N²): 1000
   * clusters spent two thirds of their synth there. The objects of a chart depend only on the dependencies among the
   * constructs under it: the graph that orders them leaves out every edge that leaves the chart (lib/dependency.js
   * `DependencyGraph`, "dont cross scope boundaries"), and `App.synth` / `synthYaml` run the App-wide passes once
   * before asking each chart. A chart with charts inside it goes cdk8s's way.
   */
  public override toJson(): any[] {
    const constructs = this.node.findAll();
    if (constructs.some((c) => c !== this && Chart.isChart(c))) return super.toJson();
    throwValidationErrors(constructs);
    const inChart = new Set<IConstruct>(constructs);
    // A construct that depends on another makes each of its objects depend on each of the other's (as cdk8s does).
    for (const source of constructs) {
      const targets = source.node.dependencies.filter((t) => inChart.has(t));
      if (targets.length === 0) continue;
      const froms = apiObjectsUnder(source);
      for (const to of targets.flatMap(apiObjectsUnder)) for (const from of froms) if (from !== to) from.node.addDependency(to);
    }
    return new DependencyGraph(this.node)
      .topology()
      .filter((c): c is ApiObject => c instanceof ApiObject)
      .map((o) => o.toJson());
  }
}

function apiObjectsUnder(c: IConstruct): ApiObject[] {
  return c.node.findAll().filter((x): x is ApiObject => x instanceof ApiObject);
}

/** Every construct's own validations, reported the way cdk8s's App does (`[path] error`, all at once). */
function throwValidationErrors(constructs: readonly IConstruct[]): void {
  const errors = constructs.flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}
