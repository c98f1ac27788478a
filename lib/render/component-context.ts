/**
 * Everything one component's objects are derived from, resolved once: its spec, its config file (the chart's default
 * when the spec has none), the FE config (CN and BE read the FE query port from it, as the operator does), and the
 * StarRocks root path (`STARROCKS_ROOT` in the component's env moves scripts and default volume paths).
 */
import { parseConf, type ConfFile } from '../model/conf';
import { backendPorts, fePorts, type BackendPorts, type FePorts } from '../model/ports';
import { specOperatorVersion, type OperatorVersion } from '../model/operator-version';
import type { ComponentKind, ComponentSpec, StarRocksClusterSpec } from '../model/types';
import { defaultConfig, DEFAULT_TIME_ZONE } from './chart-defaults';
import { rulesFor, type OperatorRules } from './operator-rules';

export interface ComponentContext {
  readonly cluster: string;
  readonly namespace: string;
  readonly kind: ComponentKind;
  readonly spec: ComponentSpec;
  readonly timeZone: string;
  /** The config file text as the values file holds it. */
  readonly configText: string;
  readonly conf: ConfFile;
  readonly fe: FePorts;
  /** Ports of CN / BE (undefined for FE). */
  readonly backend?: BackendPorts;
  /** This component's ports by role (`model/ports.ts`): `ctx.fe` for FE, `ctx.backend` for CN / BE. */
  readonly ports: Readonly<Record<string, number>>;
  /** `/opt/starrocks` unless the env sets `STARROCKS_ROOT` (`pod/spec.go` GetStarRocksRootPath). */
  readonly rootPath: string;
  /** What the targeted operator line renders (`operator-rules.ts`). */
  readonly rules: OperatorRules;
}

export const DEFAULT_ROOT_PATH = '/opt/starrocks';

/** The component's spec, or undefined when the cluster has no such component. */
export function componentSpecOf(spec: StarRocksClusterSpec, kind: ComponentKind): ComponentSpec | undefined {
  switch (kind) {
    case 'fe':
      return spec.starRocksFeSpec;
    case 'cn':
      return spec.starRocksCnSpec;
    case 'be':
      return spec.starRocksBeSpec;
  }
}

/** The component's config text: its own, else the default of the chart that goes with the operator line. */
export function configTextOf(spec: ComponentSpec, kind: ComponentKind, version?: OperatorVersion): string {
  return spec.config ?? defaultConfig(kind, version);
}

export function componentContext(
  spec: StarRocksClusterSpec,
  kind: ComponentKind,
  namespace: string,
): ComponentContext | undefined {
  const comp = componentSpecOf(spec, kind);
  if (comp === undefined) return undefined;
  const version = specOperatorVersion(spec);
  const configText = configTextOf(comp, kind, version);
  const conf = parseConf(configText);
  const feConf = kind === 'fe' ? conf : parseConf(configTextOf(spec.starRocksFeSpec, 'fe', version));
  const fe = fePorts(feConf);
  const backend = kind === 'fe' ? undefined : backendPorts(conf, kind);
  const rootEnv = (comp.envVars ?? []).find((e) => e.name.toLowerCase() === 'starrocks_root');
  return {
    cluster: spec.name,
    namespace,
    kind,
    spec: comp,
    timeZone: spec.timeZone ?? DEFAULT_TIME_ZONE,
    configText,
    conf,
    fe,
    backend,
    ports: backend ?? fe,
    rootPath: rootEnv ? (rootEnv.value ?? '') : DEFAULT_ROOT_PATH,
    rules: rulesFor(spec),
  };
}
