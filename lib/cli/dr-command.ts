/**
 * `starrocks-dr dr run|status|wait`: disaster recovery against a live cluster.
 * stdout carries the result: text, or with `-o json` NDJSON (one JSON object per line: each recorded status change,
 * then the final status; on failure the last line is `{"error": {...}}`); progress, notices and warnings go to
 * stderr. The work is in dr-actions.ts, loaded when a command runs.
 */
import { Command, Option } from 'commander';
import type { DrFlags } from './dr-actions';
import type { CliDeps } from './deps';
import { parseDuration } from './durations';
import { addVerifyCommand, withCheckOptions } from './dr-verify-command';
import { withReachOptions } from './sql-options';
import { collect, parseGeneration, parseOperatorVersionFlag } from './inputs';

/** The command bodies, loaded when a `dr` command runs (require: the CLI runs under tsx's CommonJS hook). */
const actions = () => require('./dr-actions') as typeof import('./dr-actions');

function withCommonOptions(cmd: Command, operatorVersionHelp: string): Command {
  return cmd
    .option('-f, --values <file>', 'a kube-starrocks values file; repeat to merge like helm -f a -f b (default: the built-in reference example with its DR override)', collect)
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option('-n, --namespace <ns>', "namespace (default: the values' starrocksCluster.namespace, else default)")
    .option('--generation <n>', 'recovery generation; overrides disasterRecovery.generation in the values', parseGeneration)
    .option('--operator-version <version>', operatorVersionHelp, parseOperatorVersionFlag)
    .addOption(new Option('-o, --output <format>', 'output format: text, or json (NDJSON: one object per line, errors too)').choices(['text', 'json']).default('text'));
}

const APPLIES = 'apply what this StarRocks operator release renders: 1.10.x or 1.11.x (default: the newest, 1.11), as synth does';
const EXPECTS = 'the StarRocks operator release the applied forms were rendered for: 1.10.x or 1.11.x (default: the newest, 1.11); nothing is applied';

/** `run` and `wait` wait for the cluster and hold its lease. */
function withWaitOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--timeout <duration>', "longest wait, e.g. 90s, 15m, 1h (waiting for another run's lease counts too)").argParser(parseDuration).default(30 * 60_000, '30m'))
    .addOption(new Option('--lease-duration <duration>', "how long a run that stopped renewing keeps the cluster's lease (client-go's leader-election default)").argParser(parseDuration).default(15_000, '15s'));
}

/** `run` and `wait` verify the restore from the database (lib/dr/verification.ts), unless `--verify none`. */
function withVerifyOption(cmd: Command): Command {
  return withReachOptions(
    cmd.addOption(
      new Option('--verify <checks|none>', "checks: once the FE is Ready, ask the database whether the restore finished (through a port-forward to the FE, or --fe-address) before going on, and record the result (Verified); none: skip it, for clusters where port-forward is not allowed (the record says it was skipped)")
        .choices(['checks', 'none'])
        .default('checks'),
    ),
  );
}

export function drCommand(deps: CliDeps = {}): Command {
  const dr = new Command('dr').description('disaster recovery from a cluster snapshot, against a live cluster');
  withCheckOptions(withVerifyOption(withWaitOptions(withCommonOptions(dr.command('run'), APPLIES))))
    .description('run the recovery: apply the restore form, wait for the FE of the generation, record done, verify the restore from the database, apply the full topology, verify the rollout')
    .option('--force-restore', 'restore even over a cluster that runs the full topology without a record, or whose record describes another cluster (data written since the snapshot is lost)')
    .option('--snapshot <path|name|latest>', "restore this snapshot: the values' cluster_snapshot.yaml is pointed at it (latest: the newest finished one in its storage volume). Resolved once per generation and pinned in the status record: a resumed run or a rerun uses the pinned path")
    .option('--cluster-id <id>', 'with --snapshot: which cluster, when the storage volume holds snapshots of several')
    .action((flags: DrFlags) => actions().recover(flags, 'apply', deps));
  withCommonOptions(dr.command('status'), EXPECTS)
    .description('print the recorded status and what the cluster shows now')
    .addOption(new Option('--timeout <duration>', 'how long to keep trying an API server that does not answer (overload, connection refused)').argParser(parseDuration).default(15_000, '15s'))
    .action((flags: DrFlags) => actions().status(flags, deps));
  withVerifyOption(withWaitOptions(withCommonOptions(dr.command('wait'), EXPECTS)))
    .option('--force-restore', 'record the recovery even where the record describes another cluster')
    .description('GitOps: record the status as the cluster moves and block until the FE of the generation is restored and verified from the database (applies nothing)')
    .action((flags: DrFlags) => actions().recover(flags, 'observe', deps));
  addVerifyCommand(dr, (c) => withCommonOptions(c, EXPECTS), deps);
  return dr;
}
