/**
 * `starrocks-dr dr verify`: the restore checks (lib/sql/verify.ts) at any time, against the live cluster: the FE
 * answers, one alive LEADER, the storage volumes cluster_snapshot.yaml lists at their locations; then, when the full
 * topology runs, the compute nodes (backends) on the current pods, entries left from the old cluster, the restored
 * snapshot's job, and the user's `--verify-sql` checks. Prints a table (or `-o json`); exit 6 when a check failed.
 */
import { Command, Option } from 'commander';
import { StarRocksDrError } from '../errors';
import type { OperatorVersion } from '../model/types';
import type { Verification } from '../sql/verify';
import { parseDuration } from './durations';
import { collect } from './inputs';
import type { CliDeps } from './deps';
import { kubeClientFor, openSqlSession, table, withReachOptions, type ReachCliFlags } from './sql-options';

export interface VerifyFlags extends ReachCliFlags {
  values?: string[];
  namespace?: string;
  generation?: number;
  operatorVersion?: OperatorVersion;
  output: 'text' | 'json';
  verifySql?: string[];
  expect?: string[];
  dropStaleNodes?: boolean;
  /** Keep re-running failed checks this long (0: once). */
  wait: number;
}

/** The options `--verify-sql`, `--expect`, `--drop-stale-nodes`, shared with the recovery commands once they verify. */
export function withCheckOptions(cmd: Command): Command {
  return cmd
    .option('--verify-sql <statement>', 'your own check: one read-only statement (SELECT, WITH, SHOW, DESC or EXPLAIN) whose first value must equal the --expect that follows; repeatable', collect)
    .option('--expect <value>', 'the value the preceding --verify-sql must return (first column of the first row, compared as text or as numbers)', collect)
    .option('--drop-stale-nodes', 'drop compute nodes / backends registered on hosts no current pod has (ALTER SYSTEM DROP); default: report them only');
}

export async function verifyAction(flags: VerifyFlags, deps: CliDeps = {}): Promise<void> {
  const { userChecks, verifyRestore, verifyRollout } = require('../sql/verify') as typeof import('../sql/verify');
  // The user's statements are refused before anything else happens.
  const checks = userChecks(flags.verifySql ?? [], flags.expect ?? []);
  const { loadInput } = require('./inputs') as typeof import('./inputs');
  const { BUILTIN_EXAMPLE_DR_OVERRIDE, BUILTIN_EXAMPLE_VALUES } = require('../model/values') as typeof import('../model/values');
  const { validateForRoute } = require('../dr/preflight') as typeof import('../dr/preflight');
  const { namespaceOf } = require('../dr/plan') as typeof import('../dr/plan');
  const { snapshotExpectations } = require('../sql/expectations') as typeof import('../sql/expectations');
  const input = loadInput(flags.values, [BUILTIN_EXAMPLE_VALUES, BUILTIN_EXAMPLE_DR_OVERRIDE], { operatorVersion: flags.operatorVersion });
  const { spec } = validateForRoute(input.spec, { form: 'full', generation: flags.generation, namespace: flags.namespace, failAt: input.failAt });
  const namespace = namespaceOf(spec, flags.namespace);
  const client = kubeClientFor(flags, true, deps)!;
  const session = await openSqlSession(client, spec, namespace, flags);
  try {
    const timers = client.timers;
    const deadline = timers.now() + flags.wait;
    const expected = snapshotExpectations(spec);
    const notChecked: string[] = [];
    if (expected.unknown) notChecked.push(`storage volumes and the restored snapshot: ${expected.unknown}`);
    const restore = await verifyRestore(session, expected, { timers, timeoutMs: flags.wait, pollMs: 2000 });
    const { liveNodes } = require('../sql/recovery-checks') as typeof import('../sql/recovery-checks');
    const computeNodes = spec.starRocksCnSpec ? await liveNodes(client, spec.name, namespace, 'cn') : undefined;
    const backends = spec.starRocksBeSpec ? await liveNodes(client, spec.name, namespace, 'be') : undefined;
    if (spec.starRocksCnSpec && !computeNodes) notChecked.push(`compute nodes: StatefulSet ${spec.name}-cn is not applied (the restore form runs)`);
    if (spec.starRocksBeSpec && !backends) notChecked.push(`backends: StatefulSet ${spec.name}-be is not applied (the restore form runs)`);
    const restoredSnapshot = spec.disasterRecovery?.enabled ? expected.restoredSnapshot : undefined;
    const fullTopology = !!computeNodes || !!backends || (!spec.starRocksCnSpec && !spec.starRocksBeSpec);
    if (!fullTopology && restoredSnapshot) notChecked.push('the restored snapshot\'s job: information_schema is read through a compute node, and none runs yet');
    const rollout = fullTopology
      ? await verifyRollout(session, { computeNodes, backends, restoredSnapshot, dropStaleNodes: flags.dropStaleNodes, userChecks: checks }, { timers, timeoutMs: Math.max(0, deadline - timers.now()), pollMs: 2000 })
      : undefined;
    if (!fullTopology && checks.length) notChecked.push('--verify-sql checks: tables are read through a compute node, and none runs yet');
    report(flags, { cluster: spec.name, namespace, target: session.target, restore, rollout, notChecked });
    const all = [...restore.checks, ...(rollout?.checks ?? [])];
    const failed = all.filter((c) => !c.passed);
    // No answer at all (the first check is the only one, failed): the FE was unreachable, exit 4 (README's table),
    // not a check that the database failed.
    if (restore.checks.length === 1 && !restore.checks[0].passed) {
      throw new StarRocksDrError('Unreachable', `the FE did not answer: ${restore.checks[0].seen}`, {
        field: `FE ${session.target}`,
        fix: 'check that the FE pod runs (kubectl get pods) and try `kubectl port-forward` to it by hand; or reach it with --fe-address host:port; --wait 5m asks again for that long',
      });
    }
    if (failed.length > 0) {
      throw new StarRocksDrError('CheckFailed', `${failed.length} of ${all.length} checks failed: ${failed.map((c) => `${c.check}${c.subject ? ` ${c.subject}` : ''} (${c.seen})`).join('; ')}`, {
        field: `cluster ${spec.name} in ${namespace}`,
        fix: 'a restore still finishing passes soon: rerun, or pass --wait 5m; otherwise read the FE log (kubectl logs <fe pod>)',
      });
    }
  } finally {
    await session.close();
  }
}

interface Report {
  readonly cluster: string;
  readonly namespace: string;
  readonly target: string;
  readonly restore: Verification;
  readonly rollout?: Verification;
  readonly notChecked: readonly string[];
}

function report(flags: VerifyFlags, r: Report): void {
  const checks = [...r.restore.checks, ...(r.rollout?.checks ?? [])];
  const passed = checks.every((c) => c.passed);
  if (flags.output === 'json') {
    const pass = (v?: Verification) => v && { passed: v.passed, passes: v.passes, startedAt: v.startedAt, finishedAt: v.finishedAt };
    process.stdout.write(`${JSON.stringify({ cluster: r.cluster, namespace: r.namespace, target: r.target, passed, checks, staleNodes: r.rollout?.staleNodes ?? [], notChecked: r.notChecked, restore: pass(r.restore), rollout: pass(r.rollout) })}\n`);
    return;
  }
  const lines = [`Verification of cluster ${r.cluster} in ${r.namespace} (through ${r.target})`];
  lines.push(table(['CHECK', 'SUBJECT', 'EXPECTED', 'SEEN', 'RESULT'], checks.map((c) => [c.check, c.subject ?? '-', c.expected, c.seen, c.passed ? 'ok' : 'FAILED'])));
  for (const n of r.rollout?.staleNodes ?? []) lines.push(`left from the old cluster: ${n.kind} ${n.host}:${n.heartbeatPort} (alive ${n.alive})${n.dropped ? ', dropped' : ' (--drop-stale-nodes drops it)'}`);
  for (const n of r.notChecked) lines.push(`not checked: ${n}`);
  lines.push(passed ? 'verified' : 'NOT verified');
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Adds `verify` to the `dr` command (`common`: the dr commands' shared options). */
export function addVerifyCommand(dr: Command, common: (c: Command) => Command, deps: CliDeps = {}): void {
  withCheckOptions(withReachOptions(common(dr.command('verify'))))
    .description('check the restore from the database at any time: the FE answers, one alive LEADER, storage volume locations, compute nodes on the current pods, the restored snapshot\'s job, your --verify-sql checks (exit 6 when one fails)')
    .addOption(new Option('--wait <duration>', 're-run failed checks until they pass or this much time is spent, e.g. 5m').argParser(parseDuration).default(0, 'run once'))
    .action((flags: VerifyFlags) => verifyAction(flags, deps));
}
