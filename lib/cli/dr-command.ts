/**
 * `starrocks-dr dr run|status|wait`: disaster recovery against a live cluster.
 * stdout carries the result (text, or with `-o json` one JSON object per line, the last the final status);
 * progress and warnings go to stderr.
 */
import { Command, Option } from 'commander';
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { KubeClient } from '../kube/client';
import { fePodSelector, feStatefulSetName, readStatus, rolledOut, runRecovery } from '../dr/executor';
import { namespaceOf, planRecoveryLive } from '../dr/plan';
import { feReadiness, isRestoreForm } from '../dr/readiness';
import type { DisasterRecoveryStatus } from '../dr/status';
import { BUILTIN_EXAMPLE_DR_OVERRIDE, BUILTIN_EXAMPLE_VALUES } from '../model/values';
import { parseDuration } from './durations';
import { collect, loadInput, parseGeneration, withGeneration } from './inputs';
import { progressPrinter } from './progress';

interface DrFlags {
  values?: string[];
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  generation?: number;
  timeout: number;
  output: 'text' | 'json';
}

const DEFAULT_INPUT = [BUILTIN_EXAMPLE_VALUES, BUILTIN_EXAMPLE_DR_OVERRIDE];

function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('-f, --values <file>', 'a kube-starrocks values file; repeat to merge like helm -f a -f b (default: the built-in reference example with its DR override)', collect)
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option('-n, --namespace <ns>', "namespace (default: the values' starrocksCluster.namespace, else default)")
    .option('--generation <n>', 'recovery generation; overrides disasterRecovery.generation in the values', parseGeneration)
    .option('--timeout <duration>', 'longest wait, e.g. 90s, 15m, 1h', parseDuration, 30 * 60_000)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
}

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
  for (const c of status.conditions) lines.push(`  ${c.type}: ${c.status} ${c.reason} - ${c.message} (since ${c.lastTransitionTime})`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function recover(flags: DrFlags, mode: 'apply' | 'observe'): Promise<void> {
  const input = loadInput(flags.values, DEFAULT_INPUT);
  const spec = withGeneration(input.spec, flags.generation);
  const client = KubeClient.connect({ kubeconfig: flags.kubeconfig, context: flags.context });
  const { plan, preflight } = await planRecoveryLive(client, spec, flags.namespace);
  const progress = progressPrinter();
  for (const w of [...input.notices, ...preflight.warnings]) progress({ type: 'warning', message: w });
  try {
    const final = await runRecovery(plan, {
      client,
      mode,
      timeoutMs: flags.timeout,
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
  }
}

async function status(flags: DrFlags): Promise<void> {
  const { spec } = loadInput(flags.values, DEFAULT_INPUT);
  const namespace = namespaceOf(spec, flags.namespace);
  const client = KubeClient.connect({ kubeconfig: flags.kubeconfig, context: flags.context });
  const recorded = await readStatus(client, spec.name, namespace);
  const sts = (await client.get('StatefulSet', namespace, feStatefulSetName(spec.name))) as V1StatefulSet | undefined;
  const pods = (await client.list('Pod', namespace, fePodSelector(spec.name))).items as V1Pod[];
  const generation = flags.generation ?? recorded?.observedGeneration ?? spec.disasterRecovery?.generation ?? 1;
  const fe = feReadiness(sts, pods, generation);
  const cluster = {
    feStatefulSet: sts
      ? { replicas: sts.spec?.replicas ?? 1, readyReplicas: sts.status?.readyReplicas ?? 0, rolledOut: rolledOut(sts), restoreForm: isRestoreForm(sts) }
      : null,
    fePods: pods.map((p) => ({
      name: p.metadata?.name,
      phase: p.status?.phase,
      ready: p.status?.containerStatuses?.find((c) => c.name === 'fe')?.ready ?? false,
      waiting: p.status?.containerStatuses?.find((c) => c.name === 'fe')?.state?.waiting?.reason,
      restarts: p.status?.containerStatuses?.find((c) => c.name === 'fe')?.restartCount ?? 0,
    })),
    fe: fe.message,
  };
  if (flags.output === 'json') {
    process.stdout.write(`${JSON.stringify({ ...statusJson(recorded), cluster })}\n`);
    return;
  }
  printStatus(recorded, 'text');
  const lines = [`Cluster ${spec.name} in ${namespace}`];
  lines.push(cluster.feStatefulSet ? `  FE StatefulSet: ${cluster.feStatefulSet.readyReplicas}/${cluster.feStatefulSet.replicas} ready${cluster.feStatefulSet.rolledOut ? ', rolled out' : ''}` : '  FE StatefulSet: absent');
  for (const p of cluster.fePods) lines.push(`  ${p.name}: ${p.phase ?? '?'}, ${p.ready ? 'ready' : 'not ready'}${p.waiting ? `, ${p.waiting}` : ''}, ${p.restarts} restarts`);
  lines.push(`  ${cluster.fe}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function drCommand(): Command {
  const dr = new Command('dr').description('disaster recovery from a cluster snapshot, against a live cluster');
  withCommonOptions(dr.command('run'))
    .description('run the recovery: apply the restore form, wait for the FE of the generation, record done, apply the full topology')
    .action((flags: DrFlags) => recover(flags, 'apply'));
  withCommonOptions(dr.command('status'))
    .description('print the recorded status and what the cluster shows now')
    .action((flags: DrFlags) => status(flags));
  withCommonOptions(dr.command('wait'))
    .description('GitOps: record the status as the cluster moves and block until the FE of the generation is restored (applies nothing)')
    .action((flags: DrFlags) => recover(flags, 'observe'));
  return dr;
}
