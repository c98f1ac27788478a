/**
 * Reaching the FE of a cluster: directly (`--fe-address host:port`: an in-cluster Job, a LoadBalancer, a tunnel) or
 * through a port-forward to a Ready FE pod (the lowest ordinal first), with `root` and an empty password unless
 * `--user` / `--password-secret [namespace/]name[:key]` say otherwise (the chart keeps root's password in
 * `<cluster>-credential`, key `password`, when `initPassword` is on). The password is read from the Secret into the
 * session and nowhere else.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { StarRocksDrError } from '../errors';
import type { KubeClient } from '../kube/client';
import { parseConf } from '../model/conf';
import { fePorts } from '../model/ports';
import { specOperatorVersion } from '../model/operator-version';
import type { StarRocksClusterSpec } from '../model/types';
import { configTextOf } from '../render/component-context';
import { componentPodSelector } from '../render/names';
import { sqlSession, type FeTarget, type SqlSession } from './connection';

export interface ReachFlags {
  /** `host:port` of the FE's query port; skips the port-forward. */
  readonly feAddress?: string;
  /** @default root */
  readonly user?: string;
  /** `[namespace/]name[:key]` of a Secret with the password (key default `password`). */
  readonly passwordSecret?: string;
  readonly connectTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
}

/** `--fe-address host:port` (a bare host gets the query port; IPv6 in brackets). */
export function parseAddress(text: string, defaultPort: number): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(text.trim());
  const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
  if (!m || !(port >= 1 && port <= 65535)) {
    throw new StarRocksDrError('InvalidInput', `${JSON.stringify(text)} is not host:port`, { field: '--fe-address', fix: 'pass the FE query address as host:port, e.g. 10.0.0.5:9030 or [fd00::5]:9030' });
  }
  return { host: m[1] ?? m[2], port };
}

/** `[namespace/]name[:key]`. */
export function parseSecretRef(text: string, defaultNamespace: string): { namespace: string; name: string; key: string } {
  const m = /^(?:([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/)?([a-z0-9]([-.a-z0-9]*[a-z0-9])?)(?::([-._a-zA-Z0-9]+))?$/.exec(text.trim());
  if (!m) {
    throw new StarRocksDrError('InvalidInput', `${JSON.stringify(text)} is not [namespace/]name[:key]`, {
      field: '--password-secret',
      fix: 'name the Secret as [namespace/]name[:key], e.g. kube-starrocks-credential:password',
    });
  }
  return { namespace: m[1] ?? defaultNamespace, name: m[3], key: m[5] ?? 'password' };
}

/** The password in a Secret (never printed; errors name the Secret and key only). */
export async function readPassword(client: KubeClient, ref: { namespace: string; name: string; key: string }): Promise<string> {
  const secret = (await client.get('Secret', ref.namespace, ref.name)) as { data?: Record<string, string>; stringData?: Record<string, string> } | undefined;
  if (!secret) {
    throw new StarRocksDrError('InvalidInput', `Secret ${ref.namespace}/${ref.name} does not exist`, { field: '--password-secret', fix: 'name an existing Secret, e.g. <cluster>-credential (the chart creates it when initPassword is on)' });
  }
  const raw = secret.data?.[ref.key];
  const value = raw !== undefined ? Buffer.from(raw, 'base64').toString('utf8') : secret.stringData?.[ref.key];
  if (value === undefined) {
    throw new StarRocksDrError('InvalidInput', `Secret ${ref.namespace}/${ref.name} has no key ${ref.key}`, {
      field: '--password-secret',
      fix: `name the key: --password-secret ${ref.namespace}/${ref.name}:<key> (keys: ${Object.keys({ ...secret.data, ...secret.stringData }).join(', ') || 'none'})`,
    });
  }
  return value;
}

export function queryPortOf(spec: StarRocksClusterSpec): number {
  return fePorts(parseConf(configTextOf(spec.starRocksFeSpec, 'fe', specOperatorVersion(spec)))).query;
}

const ready = (p: V1Pod) => !p.metadata?.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const ordinal = (p: V1Pod) => Number(/-(\d+)$/.exec(p.metadata?.name ?? '')?.[1] ?? 1e9);

/** The Ready FE pod to forward to, lowest ordinal first. */
export async function readyFePod(client: KubeClient, cluster: string, namespace: string): Promise<string> {
  const pods = (await client.list('Pod', namespace, componentPodSelector(cluster, 'fe'))).items as V1Pod[];
  const chosen = pods.filter(ready).sort((a, b) => ordinal(a) - ordinal(b))[0];
  if (!chosen) {
    throw new StarRocksDrError('Unreachable', `no Ready FE pod of cluster ${cluster} in ${namespace} (${pods.length} FE pod(s))`, {
      field: `Pod/${cluster}-fe-*`,
      fix: 'wait for the FE to be Ready (dr status shows it), or reach it with --fe-address host:port',
    });
  }
  return chosen.metadata!.name!;
}

/** A session with the cluster's FE, as the flags say. Nothing is sent until the first query. */
export async function feSession(client: KubeClient | undefined, spec: StarRocksClusterSpec, namespace: string, flags: ReachFlags, pod?: string): Promise<SqlSession> {
  const queryPort = queryPortOf(spec);
  let target: FeTarget;
  if (flags.feAddress) target = { kind: 'address', ...parseAddress(flags.feAddress, queryPort) };
  else {
    if (!client) throw new StarRocksDrError('InvalidInput', 'no way to reach the FE', { field: '--fe-address', fix: 'pass --fe-address host:port or a kubeconfig' });
    target = { kind: 'pod', kubeConfig: client.kubeConfig, namespace, pod: pod ?? (await readyFePod(client, spec.name, namespace)), port: queryPort };
  }
  if (flags.passwordSecret && !client) {
    throw new StarRocksDrError('InvalidInput', 'the password is in a Kubernetes Secret, and there is no Kubernetes client to read it', { field: '--password-secret', fix: 'pass --kubeconfig (and --context) too' });
  }
  const password = flags.passwordSecret ? await readPassword(client!, parseSecretRef(flags.passwordSecret, namespace)) : undefined;
  return sqlSession({
    target,
    user: flags.user,
    password,
    connectTimeoutMs: flags.connectTimeoutMs,
    queryTimeoutMs: flags.queryTimeoutMs,
    timers: client?.timers,
  });
}
