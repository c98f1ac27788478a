/**
 * Defaults of the kube-starrocks chart (`charts/starrocks/values.yaml` of the chart that goes with the targeted
 * operator line, generated from the chart's own file) that the renderer applies when the spec leaves a field out, so
 * the output equals `helm install` with default values.
 */
import { DEFAULT_OPERATOR_VERSION, type OperatorVersion } from '../model/operator-version';
import type { ComponentKind } from '../model/types';
import { chartDefaultConfig } from '../model/values/chart-defaults';

/** `timeZone`. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * `starrocks<Component>Spec.config`, exactly as the values file holds it (block scalar, so one trailing newline).
 * Chart v1.11.5 adds `min_graceful_exit_time_second = 25` to the FE's, for the graceful-shutdown preStop.
 */
export function defaultConfig(kind: ComponentKind, version: OperatorVersion = DEFAULT_OPERATOR_VERSION): string {
  return chartDefaultConfig(kind, version);
}

/** `terminationGracePeriodSeconds` (chart and operator agree). */
export const DEFAULT_TERMINATION_GRACE_SECONDS = 120;
