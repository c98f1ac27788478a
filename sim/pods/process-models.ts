/**
 * What runs in a simulated container: which TCP ports accept connections and what HTTP GET answers,
 * as a function of the time since the container started. Chosen by container name (the operator's `fe`,
 * `cn`, `be`), with a generic fallback.
 *
 * - FE: ports by name from the container (`http-port` 8030, `query-port` 9030, `rpc-port` 9020,
 *   `edit-log-port` 9010). After `feStartup` every port is open and `/api/health` answers 200. With env
 *   `RESTORE_CLUSTER_SNAPSHOT=true` (any case) it first restores for `feRestore` with nothing open, then
 *   opens the query, rpc and edit-log ports, and the http port `feHttpLag` later.
 * - CN/BE: after `backendStartup` every declared port is open and `/api/health` on `webserver-port` (8040)
 *   answers 200.
 * - generic: every declared port open after `genericStartup`; HTTP answers 200 on any path.
 */
export interface ProcessModel {
  readonly name: 'fe' | 'fe-restore' | 'backend' | 'generic';
  /** True when the port accepts TCP connections `elapsedMs` after the container started. */
  listening(port: number, elapsedMs: number): boolean;
  /** HTTP status of `GET path` on the port, or undefined when the connection is refused. */
  httpGet(port: number, path: string, elapsedMs: number): number | undefined;
  /** What the process writes to stdout, and when (ms after start): the lines `kubectl logs` shows. */
  readonly log: readonly { readonly atMs: number; readonly line: string }[];
}

/** Real milliseconds (already scaled). */
export interface ModelTimings {
  readonly feStartupMs: number;
  readonly feRestoreMs: number;
  readonly feHttpLagMs: number;
  readonly backendStartupMs: number;
  readonly genericStartupMs: number;
}

function portByName(container: any, name: string, dflt: number): number {
  const p = (container.ports ?? []).find((x: any) => x.name === name);
  return typeof p?.containerPort === 'number' ? p.containerPort : dflt;
}

function declaredPorts(container: any): number[] {
  return (container.ports ?? []).map((p: any) => p.containerPort).filter((n: unknown) => typeof n === 'number');
}

export function processModelFor(container: any, env: Record<string, string>, t: ModelTimings): ProcessModel {
  const name = String(container.name ?? '');
  if (name === 'fe') {
    const http = portByName(container, 'http-port', 8030);
    const others = [portByName(container, 'query-port', 9030), portByName(container, 'rpc-port', 9020), portByName(container, 'edit-log-port', 9010)];
    const extra = declaredPorts(container).filter((p) => p !== http && !others.includes(p));
    const restoring = String(env.RESTORE_CLUSTER_SNAPSHOT ?? '').toLowerCase() === 'true';
    const openAt = (port: number): number | undefined => {
      if (port === http) return restoring ? t.feRestoreMs + t.feHttpLagMs : t.feStartupMs;
      if (others.includes(port) || extra.includes(port)) return restoring ? t.feRestoreMs : t.feStartupMs;
      return undefined;
    };
    const ready = restoring ? t.feRestoreMs : t.feStartupMs;
    const log = [
      { atMs: 0, line: `INFO  StarRocks FE starting, ports: http ${http}, query ${others[0]}, rpc ${others[1]}, edit log ${others[2]}` },
      ...(restoring ? [{ atMs: 0, line: 'INFO  RESTORE_CLUSTER_SNAPSHOT=true: restoring the cluster snapshot before serving' }, { atMs: t.feRestoreMs, line: 'INFO  cluster snapshot restored' }] : []),
      { atMs: ready, line: `INFO  query port ${others[0]} is listening` },
      { atMs: restoring ? t.feRestoreMs + t.feHttpLagMs : ready, line: `INFO  http port ${http} is listening, /api/health answers 200` },
    ];
    return {
      name: restoring ? 'fe-restore' : 'fe',
      log,
      listening: (port, el) => {
        const at = openAt(port);
        return at !== undefined && el >= at;
      },
      httpGet: (port, path, el) => {
        const at = openAt(port);
        if (at === undefined || el < at) return undefined;
        return port === http && path.split('?')[0] === '/api/health' ? 200 : 404;
      },
    };
  }
  if (name === 'cn' || name === 'be') {
    const web = portByName(container, 'webserver-port', 8040);
    const ports = new Set([web, ...declaredPorts(container)]);
    return {
      name: 'backend',
      log: [
        { atMs: 0, line: `INFO  StarRocks ${name.toUpperCase()} starting` },
        { atMs: t.backendStartupMs, line: `INFO  webserver port ${web} is listening, /api/health answers 200` },
      ],
      listening: (port, el) => ports.has(port) && el >= t.backendStartupMs,
      httpGet: (port, path, el) => {
        if (!ports.has(port) || el < t.backendStartupMs) return undefined;
        return port === web && path.split('?')[0] === '/api/health' ? 200 : 404;
      },
    };
  }
  const ports = new Set(declaredPorts(container));
  return {
    name: 'generic',
    log: [{ atMs: 0, line: `INFO  ${name} starting` }, ...(ports.size ? [{ atMs: t.genericStartupMs, line: `INFO  listening on ${[...ports].join(', ')}` }] : [])],
    listening: (port, el) => ports.has(port) && el >= t.genericStartupMs,
    httpGet: (port, _path, el) => (ports.has(port) && el >= t.genericStartupMs ? 200 : undefined),
  };
}
