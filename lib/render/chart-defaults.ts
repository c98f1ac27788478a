/**
 * Defaults of the kube-starrocks chart (`charts/starrocks/values.yaml`, chart of operator v1.10.2) that the renderer
 * applies when the spec leaves a field out, so the output equals `helm install` with default values.
 */
import type { ComponentKind } from '../model/types';
import { DEFAULT_BE_CONFIG, DEFAULT_CN_CONFIG, DEFAULT_FE_CONFIG } from '../model/values/chart-defaults';

/** `timeZone`. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** `starrocks<Component>Spec.config`, exactly as the values file holds it (block scalar, so one trailing newline). */
export const DEFAULT_CONFIG: Readonly<Record<ComponentKind, string>> = { fe: DEFAULT_FE_CONFIG, cn: DEFAULT_CN_CONFIG, be: DEFAULT_BE_CONFIG };

/** `terminationGracePeriodSeconds` (chart and operator agree). */
export const DEFAULT_TERMINATION_GRACE_SECONDS = 120;
