/**
 * `StarRocksClusterChart`: a cdk8s Chart holding one `StarRocksCluster`, for `cdk8s synth` and GitOps.
 * With the default chart options its synth output is exactly `renderCluster`'s objects (keys sorted by cdk8s).
 */
import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
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
}
