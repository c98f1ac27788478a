/**
 * Every port rule of the three components, in one table: which config-file key the operator reads for a port (and
 * the key it falls back to, and the default), the container port it becomes, the Service ports it becomes, which
 * port the health probes use. The renderer (container ports, Services, probes, `FE_QUERY_PORT`, the restore form's
 * TCP probe) and the validation (port keys in the config, no port twice) both read this table.
 *
 * Sources (operator v1.11.5, same in v1.10.2): `pkg/common/resource_utils/configmap.go` (GetPort, the defaults, the
 * `thrift_port` -> `be_port` and `webserver_port` -> `be_http_port` fallbacks: a key that is missing, zero or not a
 * number falls back), `pkg/subcontrollers/{fe,cn,be}/*_pod.go` (container ports; BE's `be-port` has no protocol),
 * `pkg/common/resource_utils/service.go` (external Service ports, `appProtocol: mysql` on the query port) and
 * `pkg/k8sutils/templates/service/spec.go` (the headless `-search` Service: FE `query-port`, CN/BE `heartbeat`).
 */
import type { ConfFile } from './conf';
import type { SpecPath, FailFn } from './spec-path';

/** The three StarRocks components this product renders. */
export type ComponentKind = 'fe' | 'cn' | 'be';

/** The port keys the operator reads, with its defaults. */
export const DEFAULT_PORTS = {
  http_port: 8030,
  rpc_port: 9020,
  query_port: 9030,
  edit_log_port: 9010,
  thrift_port: 9060,
  be_port: 9060,
  webserver_port: 8040,
  be_http_port: 8040,
  heartbeat_service_port: 9050,
  brpc_port: 8060,
} as const;

export type PortKey = keyof typeof DEFAULT_PORTS;

/** One port of a component. */
export interface ComponentPort<Role extends string = string> {
  /** Our name for it (`ctx.fe.query`, `ctx.backend.heartbeat`). */
  readonly role: Role;
  /** The config-file key the operator reads. */
  readonly key: PortKey;
  /** The key read when `key` is missing, zero or not a number (before the default). */
  readonly fallbackKey?: PortKey;
  /** The container port, when the pod declares one. */
  readonly container?: { readonly name: string; readonly protocol?: 'TCP' };
  /** The port's name in the component's external Service. */
  readonly service: string;
  readonly appProtocol?: string;
  /** The port in the headless (`-search`) Service, when it is there. */
  readonly headless?: { readonly name: string; readonly appProtocol?: string };
  /** The port the HTTP health probes hit. */
  readonly probe?: true;
}

export type FeRole = 'http' | 'rpc' | 'query' | 'editLog';
export type BackendRole = 'thrift' | 'webserver' | 'heartbeat' | 'brpc';

const FE: readonly ComponentPort<FeRole>[] = [
  { role: 'http', key: 'http_port', container: { name: 'http-port', protocol: 'TCP' }, service: 'http', probe: true },
  { role: 'rpc', key: 'rpc_port', container: { name: 'rpc-port', protocol: 'TCP' }, service: 'rpc' },
  {
    role: 'query',
    key: 'query_port',
    container: { name: 'query-port', protocol: 'TCP' },
    service: 'query',
    appProtocol: 'mysql',
    headless: { name: 'query-port', appProtocol: 'mysql' },
  },
  { role: 'editLog', key: 'edit_log_port', service: 'edit-log' },
];

const backend = (thrift: ComponentPort<'thrift'>): readonly ComponentPort<BackendRole>[] => [
  thrift,
  { role: 'webserver', key: 'webserver_port', fallbackKey: 'be_http_port', container: { name: 'webserver-port', protocol: 'TCP' }, service: 'webserver', probe: true },
  { role: 'heartbeat', key: 'heartbeat_service_port', container: { name: 'heartbeat-port', protocol: 'TCP' }, service: 'heartbeat', headless: { name: 'heartbeat' } },
  { role: 'brpc', key: 'brpc_port', container: { name: 'brpc-port', protocol: 'TCP' }, service: 'brpc' },
];

/** The ports of each component, in the operator's order. */
export const COMPONENT_PORTS: {
  readonly fe: readonly ComponentPort<FeRole>[];
  readonly cn: readonly ComponentPort<BackendRole>[];
  readonly be: readonly ComponentPort<BackendRole>[];
} = {
  fe: FE,
  cn: backend({ role: 'thrift', key: 'thrift_port', fallbackKey: 'be_port', container: { name: 'thrift-port', protocol: 'TCP' }, service: 'thrift' }),
  be: backend({ role: 'thrift', key: 'be_port', container: { name: 'be-port' }, service: 'be' }),
};

/** The operator's name for the Arrow Flight Service port (`FEArrowFlightPortName`, `CnArrowFlightPortName`, ...). */
export const ARROW_FLIGHT_PORT_NAME = 'arrow-flight';

/** A port from the config, resolved the way the operator resolves it. */
export function confPort(conf: ConfFile, key: PortKey, fallbackKey?: PortKey): number {
  const value = conf.get(key);
  if (value !== undefined && /^\d+$/.test(value) && Number(value) !== 0) return Number(value);
  return fallbackKey ? confPort(conf, fallbackKey) : DEFAULT_PORTS[key];
}

export type FePorts = Readonly<Record<FeRole, number>>;
/** `thrift` is CN's `thrift-port` or BE's `be-port`. */
export type BackendPorts = Readonly<Record<BackendRole, number>>;

function resolve<Role extends string>(conf: ConfFile, ports: readonly ComponentPort<Role>[]): Record<Role, number> {
  const out = {} as Record<Role, number>;
  for (const p of ports) out[p.role] = confPort(conf, p.key, p.fallbackKey);
  return out;
}

export function fePorts(conf: ConfFile): FePorts {
  return resolve(conf, COMPONENT_PORTS.fe);
}

export function backendPorts(conf: ConfFile, kind: Exclude<ComponentKind, 'fe'>): BackendPorts {
  return resolve(conf, COMPONENT_PORTS[kind]);
}

/**
 * `arrow_flight_port` (operator v1.11 `GetPort(config, ARROW_FLIGHT_PORT)`): the port when the config sets a non-zero
 * number, else undefined (the operator has no default for it, so it adds no Arrow Flight Service port).
 */
export function arrowFlightPort(conf: ConfFile): number | undefined {
  const value = conf.get('arrow_flight_port');
  return value !== undefined && /^\d+$/.test(value) && Number(value) !== 0 ? Number(value) : undefined;
}

/**
 * The port keys of a component's config file: each a number 1-65535, and no two of the ports it resolves to equal
 * (one container cannot listen twice on a port). `at` is where the config sits in the spec.
 */
export function checkConfigPorts(conf: ConfFile, kind: ComponentKind, at: SpecPath, fail: FailFn): void {
  const file = `${kind}.conf`;
  const ports: readonly ComponentPort[] = COMPONENT_PORTS[kind];
  for (const key of ports.flatMap((p) => (p.fallbackKey ? [p.key, p.fallbackKey] : [p.key]))) {
    const value = conf.get(key);
    if (value === undefined) continue;
    if (!/^\d+$/.test(value)) {
      fail(at, `${file} sets ${key} to something that is not a port number`, `set ${key} to a whole number between 1 and 65535, or remove the line to use the default ${DEFAULT_PORTS[key]}`);
    }
    const n = Number(value);
    if (n < 1 || n > 65535) {
      fail(at, `${file} sets ${key} to ${n}, outside the port range 1-65535`, `set ${key} between 1 and 65535, or remove the line to use the default ${DEFAULT_PORTS[key]}`);
    }
  }
  const resolved: Array<[string, number]> = ports.map((p) => [p.key, confPort(conf, p.key, p.fallbackKey)]);
  // Operator v1.11 renders a Service port for a non-zero arrow_flight_port; 0 means none.
  const arrow = conf.get('arrow_flight_port');
  if (arrow !== undefined) {
    if (!/^\d+$/.test(arrow) || Number(arrow) > 65535) {
      fail(at, `${file} sets arrow_flight_port to something that is not a port number (0 for none, or 1-65535)`, 'set arrow_flight_port to a whole number between 1 and 65535, or remove the line');
    }
    if (Number(arrow) !== 0) resolved.push(['arrow_flight_port', Number(arrow)]);
  }
  const seen = new Map<number, string>();
  for (const [key, port] of resolved) {
    const other = seen.get(port);
    if (other !== undefined) {
      const fallback = key in DEFAULT_PORTS ? ` (its default is ${DEFAULT_PORTS[key as PortKey]})` : '';
      fail(at, `${file}: ${other} and ${key} are both ${port}; one container cannot listen twice on a port`, `give ${key} a port of its own${fallback}`);
    }
    seen.set(port, key);
  }
}
