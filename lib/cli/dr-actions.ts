/**
 * What `starrocks-dr dr run|status|wait` do. Loaded only when a `dr` command runs (dr-command.ts), so `synth` does
 * not pay for the Kubernetes client.
 */
import type { V1StatefulSet } from '@kubernetes/client-node';
import { KubeClient } from '../kube/client';
import { StarRocksDrError } from '../errors';
import type { CliDeps } from './deps';
import { runRecovery } from '../dr/executor';
import { isOfGeneration } from '../dr/generation';
import { CLIENT_GO_TIMINGS, type LeaseTimings } from '../dr/lease';
import { observe } from '../dr/observe';
import { rolledOut } from '../dr/policy';
import { readRecord } from '../dr/status-record';
import { pinnedSnapshotPath } from '../dr/snapshot-pin';
import type { OperatorVersion, StarRocksClusterSpec } from '../model/types';
import { namespaceOf, planRecoveryLive } from '../dr/plan';
import { validateForRoute, type RouteValidation } from '../dr/preflight';
import { describeFe, feReadiness, isRestoreForm } from '../dr/readiness';
import type { DisasterRecoveryStatus } from '../dr/status';
import { BUILTIN_EXAMPLE_DR_OVERRIDE, BUILTIN_EXAMPLE_VALUES } from '../model/values';
import { COMPONENT_KINDS, componentResourceName, statusRecordName } from '../render/names';
import { loadInput, type LoadedInput } from './inputs';
import { progressPrinter } from './progress';

export interface DrFlags {
  values?: string[];
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  generation?: number;
  operatorVersion?: OperatorVersion;
  /** run, wait: the longest wait (lease included); status: how long to retry an API server that does not answer. */
  timeout: number;
  output: 'text' | 'json';
  /** Restore even where the guard refuses (no record on a live cluster, a record of another cluster). */
  forceRestore?: boolean;
  /** `--snapshot <path|name|latest>`: which snapshot to restore, resolved once per generation and pinned in the record. */
  snapshot?: string;
  clusterId?: string;
  /** The cluster Lease's duration (client-go's `--leader-elect-lease-duration`). @default 15 s */
  leaseDuration?: number;
  /** run, wait: verify the restore from the database (`checks`), or not (`none`). */
  verify?: 'checks' | 'none';
  /** How to reach the FE (sql-options.ts). */
  feAddress?: string;
  user?: string;
  passwordSecret?: string;
  connectTimeout?: number;
  queryTimeout?: number;
  /** run: the user's checks, and whether to drop nodes left from the old cluster. */
  verifySql?: string[];
  expect?: string[];
  dropStaleNodes?: boolean;
}

const DEFAULT_INPUT = [BUILTIN_EXAMPLE_VALUES, BUILTIN_EXAMPLE_DR_OVERRIDE];

/** How long a second Ctrl-C waits for the lease to be handed back before the process exits anyway. */
export const SECOND_INTERRUPT_MS = 2_000;

/** The status as JSON (the operator's field names plus conditions). */
function statusJson(status: DisasterRecoveryStatus | undefined): Record<string, unknown> {
  return status ? { ...status } : { phase: '', reason: 'no recovery recorded' };
}

function printStatus(status: DisasterRecoveryStatus | undefined, output: DrFlags['output']): void {
  if (output === 'json') {
    process.stdout.write(`${JSON.stringify(statusJson(status))}\n`);
    return;
  }
  if (!status) {
    process.stdout.write('Disaster recovery: none recorded\n');
    return;
  }
  const time = (s?: number) => (s === undefined ? '-' : `${s} (${new Date(s * 1000).toISOString()})`);
  const lines = [
    `Disaster recovery`,
    `  phase:              ${status.phase}`,
    `  reason:             ${status.reason || '-'}`,
    `  observedGeneration: ${status.observedGeneration}`,
    `  startTimestamp:     ${time(status.startTimestamp)}`,
    `  endTimestamp:       ${time(status.endTimestamp)}`,
  ];
  if (status.endTimestamp !== undefined) lines.push(`  duration:           ${status.endTimestamp - status.startTimestamp}s`);
  if (status.verifiedTimestamp !== undefined) lines.push(`  verifiedTimestamp:  ${time(status.verifiedTimestamp)}`);
  for (const c of status.conditions) lines.push(`  ${c.type}: ${c.status} ${c.reason} - ${c.message} (since ${c.lastTransitionTime})`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function recover(flags: DrFlags, mode: 'apply' | 'observe', deps: CliDeps = {}): Promise<void> {
  const input = loadInput(flags.values, DEFAULT_INPUT, { operatorVersion: flags.operatorVersion });
  // Every offline check (values, limits, recovery prerequisites, the verification flags) before a client exists:
  // bad input is exit 2, not 4, and nothing is applied.
  let checked = validateRun(input, flags);
  const verification = verificationFlags(flags, checked.rendered.namespace);
  const client = (deps.connect ?? KubeClient.connect)({ kubeconfig: flags.kubeconfig, context: flags.context });
  // --snapshot points the values at another snapshot: a new spec, checked again (the pin rule: snapshot-pin.ts).
  if (flags.snapshot) checked = validateRun(input, flags, await withChosenSnapshot(client, checked.spec, flags as DrFlags & { snapshot: string }));
  const { plan, preflight } = await planRecoveryLive(client, checked, { requireSnapshotObject: mode === 'apply' });
  // The SQL client (mysql2) is loaded only when the run will verify.
  const checks = verification
    ? (require('../sql/recovery-checks') as typeof import('../sql/recovery-checks')).recoveryChecks(client, checked.spec, plan.namespace, { ...verification, snapshotText: preflight.snapshotText })
    : undefined;
  const progress = progressPrinter();
  for (const n of input.notices) progress({ type: 'notice', message: n });
  for (const w of preflight.warnings) progress({ type: 'warning', message: w });
  // Ctrl-C / SIGTERM: stop acting, hand the lease back, exit 130; the record says where it stopped. A second one
  // exits at once, saying so, after handing the lease back on a best-effort basis (at most SECOND_INTERRUPT_MS).
  const interrupt = new AbortController();
  let releaseNow: ((boundMs: number) => Promise<void>) | undefined;
  let exiting = false;
  const onSignal = () => {
    if (!interrupt.signal.aborted) return interrupt.abort();
    if (exiting) return;
    exiting = true;
    progress.close();
    process.stderr.write(`interrupted again: exiting now${releaseNow ? `, handing the cluster's lease back first (at most ${SECOND_INTERRUPT_MS / 1000}s)` : ''}; the record says where it stopped, run the same command again to resume\n`);
    const done = () => process.exit(130);
    // The lease release is bounded by its own timer; this one is a last resort if the event loop is stuck.
    setTimeout(done, SECOND_INTERRUPT_MS + 500).unref();
    void (releaseNow ? releaseNow(SECOND_INTERRUPT_MS) : Promise.resolve()).then(done, done);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const final = await runRecovery(plan, {
      client,
      mode,
      signal: interrupt.signal,
      force: flags.forceRestore,
      leaseTimings: leaseTimings(flags.leaseDuration),
      checks,
      timeoutMs: flags.timeout,
      onLeaseHeld: (release) => (releaseNow = release),
      onProgress: (event) => {
        progress(event);
        if (flags.output === 'json' && event.type === 'status') process.stdout.write(`${JSON.stringify(statusJson(event.status))}\n`);
      },
    });
    progress.close();
    if (flags.output === 'json') process.stdout.write(`${JSON.stringify(statusJson(final))}\n`);
    else printStatus(final, 'text');
  } finally {
    progress.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * `--verify` and what goes with it, checked before anything runs: the user's statements (one read-only statement
 * each), `--fe-address`, `--password-secret`. Undefined for `--verify none` (which takes no checks of its own).
 */
function verificationFlags(flags: DrFlags, namespace: string): import('../sql/recovery-checks').RecoveryCheckOptions | undefined {
  const sql = (flags.verifySql ?? []).length + (flags.expect ?? []).length > 0;
  if (flags.verify === 'none') {
    if (sql || flags.dropStaleNodes) {
      throw new StarRocksDrError('InvalidInput', `${sql ? '--verify-sql / --expect' : '--drop-stale-nodes'} asks for checks, but --verify none skips them`, {
        field: '--verify',
        fix: 'drop --verify none, or drop the checks (run `starrocks-dr dr verify` with them later)',
      });
    }
    return undefined;
  }
  const { userChecks } = require('../sql/verify') as typeof import('../sql/verify');
  const { parseAddress, parseSecretRef } = require('../sql/reach') as typeof import('../sql/reach');
  if (flags.feAddress) parseAddress(flags.feAddress, 9030);
  if (flags.passwordSecret) parseSecretRef(flags.passwordSecret, namespace);
  return {
    feAddress: flags.feAddress,
    user: flags.user,
    passwordSecret: flags.passwordSecret,
    connectTimeoutMs: flags.connectTimeout,
    queryTimeoutMs: flags.queryTimeout,
    userChecks: userChecks(flags.verifySql ?? [], flags.expect ?? []),
    dropStaleNodes: flags.dropStaleNodes,
  };
}

/** The checks of a recovery run (`spec`: the values' spec with another snapshot path). */
function validateRun(input: LoadedInput, flags: DrFlags, spec = input.spec): RouteValidation {
  return validateForRoute(spec, { form: 'restore', generation: flags.generation, namespace: flags.namespace, failAt: input.failAt });
}

/** `--snapshot`: the spec pointed at the snapshot the pin rule picks (snapshot-pin.ts), from the record's pin or the store. */
async function withChosenSnapshot(client: KubeClient, spec: StarRocksClusterSpec, flags: DrFlags & { snapshot: string }): Promise<StarRocksClusterSpec> {
  const pinnedPath = pinnedSnapshotPath(await readRecord(client, spec.name, namespaceOf(spec, flags.namespace)), spec.disasterRecovery?.generation);
  const { specWithSnapshot } = require('./snapshot-command') as typeof import('./snapshot-command');
  return specWithSnapshot(spec, { snapshot: flags.snapshot, clusterId: flags.clusterId, pinnedPath });
}

/** client-go's timings scaled to the lease duration asked for (renew deadline 2/3 of it, retry 2/15). */
function leaseTimings(durationMs: number | undefined): LeaseTimings {
  if (durationMs === undefined) return CLIENT_GO_TIMINGS;
  return { durationMs, renewDeadlineMs: Math.round((durationMs * 2) / 3), retryMs: Math.max(50, Math.round((durationMs * 2) / 15)) };
}

export async function status(flags: DrFlags, deps: CliDeps = {}): Promise<void> {
  const input = loadInput(flags.values, DEFAULT_INPUT, { operatorVersion: flags.operatorVersion });
  // Read-only, but the same offline checks first: a bad -n or values file is exit 2 before any request.
  const { spec } = validateForRoute(input.spec, { form: 'full', generation: flags.generation, namespace: flags.namespace, failAt: input.failAt });
  const namespace = namespaceOf(spec, flags.namespace);
  // Read-only and short: --timeout bounds the retries through an API server that does not answer.
  const client = (deps.connect ?? KubeClient.connect)({ kubeconfig: flags.kubeconfig, context: flags.context, retry: { deadlineMs: flags.timeout } });
  const seen = await observe(client, spec.name, namespace, { statefulSets: true, lease: true, allPods: true });
  const record = seen.record;
  const recorded = record?.status;
  const sts = seen.feStatefulSet;
  const pods = seen.fePods;
  const heldBy = seen.leaseHolder ?? null;
  const generation = flags.generation ?? recorded?.observedGeneration ?? spec.disasterRecovery?.generation ?? 1;
  // After a finished recovery the FE pods carry no restore generation: describe the running cluster instead.
  const finished = recorded?.phase === 'done' && isOfGeneration(recorded, generation);
  const components = COMPONENT_KINDS.map((c) => seen.statefulSets!.find((s) => s.metadata?.name === componentResourceName(spec.name, c)))
    .filter((s): s is V1StatefulSet => s !== undefined)
    .map((s) => ({ name: s.metadata!.name!, replicas: s.spec?.replicas ?? 1, readyReplicas: s.status?.readyReplicas ?? 0, rolledOut: rolledOut(s), restoreForm: isRestoreForm(s) }));
  const cluster = {
    namespace,
    feStatefulSet: sts
      ? { replicas: sts.spec?.replicas ?? 1, readyReplicas: sts.status?.readyReplicas ?? 0, rolledOut: rolledOut(sts), restoreForm: isRestoreForm(sts) }
      : null,
    statefulSets: components,
    fePods: pods.map((p) => ({
      name: p.metadata?.name,
      phase: p.status?.phase,
      ready: p.status?.containerStatuses?.find((c) => c.name === 'fe')?.ready ?? false,
      waiting: p.status?.containerStatuses?.find((c) => c.name === 'fe')?.state?.waiting?.reason,
      restarts: p.status?.containerStatuses?.find((c) => c.name === 'fe')?.restartCount ?? 0,
    })),
    fe: finished ? describeFe(sts, pods, generation) : feReadiness(sts, pods, generation).message,
    snapshotPath: record?.identity.snapshotPath ?? null,
    leaseHeldBy: heldBy,
  };
  if (flags.output === 'json') {
    process.stdout.write(`${JSON.stringify({ ...statusJson(recorded), cluster })}\n`);
    return;
  }
  if (!recorded) process.stdout.write(`Disaster recovery: none recorded in namespace ${namespace} (no ConfigMap ${statusRecordName(spec.name)})\n`);
  else printStatus(recorded, 'text');
  const lines = [`Cluster ${spec.name} in ${namespace}`];
  if (finished) {
    for (const c of components) lines.push(`  ${c.name}: ${c.readyReplicas}/${c.replicas} ready${c.rolledOut ? ', rolled out' : ''}${c.restoreForm ? ', restore form' : ''}`);
    if (components.length === 0) lines.push('  no StatefulSets (the cluster is not deployed)');
    if (cluster.snapshotPath) lines.push(`  restored from: ${cluster.snapshotPath}`);
  } else {
    lines.push(cluster.feStatefulSet ? `  FE StatefulSet: ${cluster.feStatefulSet.readyReplicas}/${cluster.feStatefulSet.replicas} ready${cluster.feStatefulSet.rolledOut ? ', rolled out' : ''}` : '  FE StatefulSet: absent');
    for (const p of cluster.fePods) lines.push(`  ${p.name}: ${p.phase ?? '?'}, ${p.ready ? 'ready' : 'not ready'}${p.waiting ? `, ${p.waiting}` : ''}, ${p.restarts} restarts`);
    lines.push(`  ${cluster.fe}`);
  }
  lines.push(`  lease: ${heldBy ? `held by ${heldBy}` : 'free (no run is acting)'}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
