/**
 * The defaults of the kube-starrocks `starrocks` subchart, per operator line, as data: the chart's own values.yaml of
 * the release we target (v1.10.2, v1.11.5), generated into `chart-values.generated.ts` by
 * `scripts/generate-chart-defaults.ts` (never hand-copied). Values files are merged over these exactly as Helm merges
 * `-f` files over a chart's `values.yaml`; a key that is not in the schema (`schema.ts`) is a typo.
 *
 * Keys the chart documents but leaves unset (`feEnvVars`, `starrocksCnSpec.replicas`, `resource`) are not in the
 * file: the schema knows them.
 */
import { DEFAULT_OPERATOR_VERSION, OPERATOR_RELEASE, type OperatorVersion } from '../operator-version';
import type { ComponentKind } from '../types';
import { CHART_VALUES_RELEASES, type ChartValuesRelease } from './chart-values.generated';
import type { ValuesTree } from './values-tree';

export type { ValuesNode, ValuesTree } from './values-tree';

/** The chart release that goes with an operator line, with its values.yaml. */
export function chartRelease(version: OperatorVersion = DEFAULT_OPERATOR_VERSION): ChartValuesRelease {
  const release = CHART_VALUES_RELEASES.find((r) => r.version === OPERATOR_RELEASE[version]);
  if (release === undefined) throw new Error(`chart-values.generated.ts has no values for chart ${OPERATOR_RELEASE[version]}; rerun scripts/generate-chart-defaults.ts`);
  return release;
}

/** The chart's values.yaml for an operator line (the umbrella chart nests the same tree under `starrocks:`). */
export function chartDefaults(version: OperatorVersion = DEFAULT_OPERATOR_VERSION): ValuesTree {
  return chartRelease(version).values;
}

/** The newest chart's defaults. */
export const CHART_DEFAULTS: ValuesTree = chartDefaults();

const CONFIG_KEYS: Readonly<Record<ComponentKind, string>> = { fe: 'starrocksFESpec', cn: 'starrocksCnSpec', be: 'starrocksBeSpec' };

/** `starrocks<Component>Spec.config` of the chart, exactly as its values file holds it (a block scalar). */
export function chartDefaultConfig(kind: ComponentKind, version: OperatorVersion = DEFAULT_OPERATOR_VERSION): string {
  const component = chartDefaults(version)[CONFIG_KEYS[kind]] as ValuesTree | undefined;
  const config = component?.config;
  if (typeof config !== 'string') throw new Error(`chart ${OPERATOR_RELEASE[version]} values.yaml has no ${CONFIG_KEYS[kind]}.config`);
  return config;
}

/** The newest chart's FE config (v1.11.5 adds `min_graceful_exit_time_second = 25` for the graceful-shutdown preStop). */
export const DEFAULT_FE_CONFIG: string = chartDefaultConfig('fe');
/** The newest chart's CN config. */
export const DEFAULT_CN_CONFIG: string = chartDefaultConfig('cn');
/** The newest chart's BE config. */
export const DEFAULT_BE_CONFIG: string = chartDefaultConfig('be');
