/**
 * The flags every command that talks to the FE over SQL shares (`snapshot enable|disable|jobs|status`, `dr verify`),
 * and opening the session they describe. The SQL client and the Kubernetes client load only when such a command runs.
 */
import { Command, Option } from 'commander';
import type { KubeClient } from '../kube/client';
import type { StarRocksClusterSpec } from '../model/types';
import type { SqlSession } from '../sql/connection';
import type { CliDeps } from './deps';
import { parseDuration } from './durations';

export interface ReachCliFlags {
  kubeconfig?: string;
  context?: string;
  feAddress?: string;
  user?: string;
  passwordSecret?: string;
  connectTimeout: number;
  queryTimeout: number;
}

export function withReachOptions(cmd: Command): Command {
  return cmd
    .option('--fe-address <host:port>', "reach the FE's query port directly (an in-cluster Job, a LoadBalancer) instead of through a port-forward to a Ready FE pod")
    .option('--user <name>', 'MySQL user (default: root)')
    .option('--password-secret <[namespace/]name[:key]>', "Kubernetes Secret holding the user's password, key password by default (the chart keeps root's in <cluster>-credential); default: no password")
    .addOption(new Option('--connect-timeout <duration>', 'longest wait for the connection and the MySQL handshake').argParser(parseDuration).default(10_000, '10s'))
    .addOption(new Option('--query-timeout <duration>', 'longest silence from the FE during a statement').argParser(parseDuration).default(30_000, '30s'));
}

/** The Kubernetes client, when the flags need one (a port-forward, a Secret, or `always`). */
export function kubeClientFor(flags: ReachCliFlags, always = false, deps: CliDeps = {}): KubeClient | undefined {
  if (!always && flags.feAddress && !flags.passwordSecret) return undefined;
  const { KubeClient: Client } = require('../kube/client') as typeof import('../kube/client');
  return (deps.connect ?? Client.connect)({ kubeconfig: flags.kubeconfig, context: flags.context });
}

export async function openSqlSession(client: KubeClient | undefined, spec: StarRocksClusterSpec, namespace: string, flags: ReachCliFlags): Promise<SqlSession> {
  const { feSession } = require('../sql/reach') as typeof import('../sql/reach');
  return feSession(client, spec, namespace, {
    feAddress: flags.feAddress,
    user: flags.user,
    passwordSecret: flags.passwordSecret,
    connectTimeoutMs: flags.connectTimeout,
    queryTimeoutMs: flags.queryTimeout,
  });
}

/** A plain text table: a header row, then the rows, columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
