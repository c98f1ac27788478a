/**
 * Reading StarRocks config files (fe.conf, cn.conf, be.conf) for the few keys that change what is rendered:
 * the ports and `run_mode`. The files are Java-properties style `key = value` lines; `#` starts a comment.
 * Port resolution follows the operator (`pkg/common/resource_utils/configmap.go`): a key that is missing,
 * zero or not a number falls back, `thrift_port` to `be_port` and `webserver_port` to `be_http_port`, then to
 * the built-in default.
 */
import type { ComponentKind } from './types';

/** The parsed file: keys in the order they first appear; a later duplicate wins, as in StarRocks. */
export type ConfFile = ReadonlyMap<string, string>;

export function parseConf(text: string | undefined): ConfFile {
  const entries = new Map<string, string>();
  for (const raw of (text ?? '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const eq = line.search(/[=:]/);
    if (eq <= 0) continue;
    entries.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return entries;
}

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

const FALLBACK: Partial<Record<PortKey, PortKey>> = { thrift_port: 'be_port', webserver_port: 'be_http_port' };

/** A port from the config, resolved the way the operator resolves it. */
export function confPort(conf: ConfFile, key: PortKey): number {
  const value = conf.get(key);
  if (value !== undefined && /^\d+$/.test(value) && Number(value) !== 0) return Number(value);
  const fallback = FALLBACK[key];
  return fallback ? confPort(conf, fallback) : DEFAULT_PORTS[key];
}

/** The ports of one component, by the operator's container port names. */
export interface FePorts {
  readonly http: number;
  readonly rpc: number;
  readonly query: number;
  readonly editLog: number;
}

export interface BackendPorts {
  /** `thrift-port` for CN, `be-port` for BE. */
  readonly thrift: number;
  readonly webserver: number;
  readonly heartbeat: number;
  readonly brpc: number;
}

export function fePorts(conf: ConfFile): FePorts {
  return {
    http: confPort(conf, 'http_port'),
    rpc: confPort(conf, 'rpc_port'),
    query: confPort(conf, 'query_port'),
    editLog: confPort(conf, 'edit_log_port'),
  };
}

export function backendPorts(conf: ConfFile, kind: Exclude<ComponentKind, 'fe'>): BackendPorts {
  return {
    thrift: confPort(conf, kind === 'cn' ? 'thrift_port' : 'be_port'),
    webserver: confPort(conf, 'webserver_port'),
    heartbeat: confPort(conf, 'heartbeat_service_port'),
    brpc: confPort(conf, 'brpc_port'),
  };
}

/**
 * `arrow_flight_port` (operator v1.11 `GetPort(config, ARROW_FLIGHT_PORT)`, `pkg/common/resource_utils/configmap.go`):
 * the port when the config sets a non-zero number, else undefined (the operator has no default for it, so it adds
 * no Arrow Flight Service port).
 */
export function arrowFlightPort(conf: ConfFile): number | undefined {
  const value = conf.get('arrow_flight_port');
  return value !== undefined && /^\d+$/.test(value) && Number(value) !== 0 ? Number(value) : undefined;
}

/** True when the FE config runs the cluster in shared-data mode (the operator's `IsRunInSharedDataMode`). */
export function isSharedData(conf: ConfFile): boolean {
  return (conf.get('run_mode') ?? '').includes('shared_data');
}
