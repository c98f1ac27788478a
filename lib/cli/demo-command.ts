/**
 * `starrocks-dr demo` (`npm run demo`): the whole recovery of the reference cluster, offline, on the built-in
 * Kubernetes simulator: start the simulator, run the recovery for generation 1 from the reference
 * `starrocks-values.yaml` + `override.yaml`, print each phase with its unix timestamp, then the pods and PVCs, then
 * verify the restore from the database (what `dr verify` does) and read the reference table back.
 */
import { loadSimulator } from './simulator';
import { Command, Option } from 'commander';
import { BUILTIN_EXAMPLE_DR_OVERRIDE, BUILTIN_EXAMPLE_VALUES } from '../model/values';
import { loadInput } from './inputs';
import { progressPrinter } from './progress';

interface DemoFlags {
  timeScale: number;
  feRestoreSeconds: number;
}

export async function runDemo(flags: DemoFlags, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  // Loaded here, not at the top: the CLI's other commands should not pay for the client and the simulator.
  // (require, not import(): the CLI runs under tsx's CommonJS hook, which dynamic import() bypasses.)
  const { startSimulator } = loadSimulator('demo');
  const { KubeClient } = require('../kube/client') as typeof import('../kube/client');
  const { runRecovery } = require('../dr/executor') as typeof import('../dr/executor');
  const { planRecovery } = require('../dr/plan') as typeof import('../dr/plan');
  const sim = await startSimulator({ timeScale: flags.timeScale, feRestoreSeconds: flags.feRestoreSeconds });
  try {
    out.write(`Simulated Kubernetes API at ${sim.url} (time scale ${flags.timeScale}, FE restore ${flags.feRestoreSeconds}s simulated)\n`);
    const { spec } = loadInput([BUILTIN_EXAMPLE_VALUES, BUILTIN_EXAMPLE_DR_OVERRIDE]);
    const { plan, preflight } = planRecovery(spec);
    const progress = progressPrinter();
    for (const w of preflight.warnings) progress({ type: 'warning', message: w });
    const client = KubeClient.connect({ kubeConfig: sim.kubeConfig() });
    let printed = '';
    const { recoveryChecks } = require('../sql/recovery-checks') as typeof import('../sql/recovery-checks');
    const final = await runRecovery(plan, {
      client,
      timeoutMs: 5 * 60_000,
      // As every route does by default: the restore verified from the database before the full topology.
      checks: recoveryChecks(client, spec, plan.namespace),
      onProgress: (event) => {
        progress(event);
        // One line per phase/reason change (condition updates in between are not news here).
        if (event.type === 'status' && `${event.status.phase}|${event.status.reason}` !== printed) {
          const s = event.status;
          printed = `${s.phase}|${s.reason}`;
          out.write(`phase=${s.phase} reason="${s.reason}" observedGeneration=${s.observedGeneration} startTimestamp=${s.startTimestamp}${s.endTimestamp ? ` endTimestamp=${s.endTimestamp}` : ''}\n`);
        }
      },
    });
    progress.close();
    out.write(`\nDisaster recovery ${final.phase} for generation ${final.observedGeneration} in ${(final.endTimestamp ?? 0) - final.startTimestamp}s (unix ${final.startTimestamp} -> ${final.endTimestamp})\n\nPods:\n`);
    for (const pod of sim.list('Pod', plan.namespace)) {
      const ready = (pod.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
      out.write(`  ${pod.metadata.name.padEnd(24)} ${ready ? 'Ready' : 'NotReady'}\n`);
    }
    out.write('PersistentVolumeClaims:\n');
    for (const pvc of sim.list('PersistentVolumeClaim', plan.namespace)) out.write(`  ${pvc.metadata.name}\n`);
    await demoVerification(client, spec, plan.namespace, out);
  } finally {
    await sim.stop();
  }
}

/** The restore verified from the database, as `dr verify` does it, and the reference document's table read back. */
async function demoVerification(client: import('../kube/client').KubeClient, spec: import('../model/types').StarRocksClusterSpec, namespace: string, out: NodeJS.WritableStream): Promise<void> {
  const { feSession } = require('../sql/reach') as typeof import('../sql/reach');
  const { nodeExpectations, snapshotExpectations } = require('../sql/expectations') as typeof import('../sql/expectations');
  const { userChecks, verifyRestore, verifyRollout } = require('../sql/verify') as typeof import('../sql/verify');
  const session = await feSession(client, spec, namespace, {});
  try {
    const expected = snapshotExpectations(spec);
    const restore = await verifyRestore(session, expected, { timers: client.timers, timeoutMs: 60_000 });
    const cn = (await client.list('Pod', namespace, `app.kubernetes.io/component=cn,app.starrocks.ownerreference/name=${spec.name}-cn`)).items;
    const check = 'SELECT COUNT(*) FROM quickstart.source_wiki_edit';
    const rollout = await verifyRollout(
      session,
      { computeNodes: nodeExpectations(spec.starRocksCnSpec?.replicas ?? 1, cn as never), restoredSnapshot: expected.restoredSnapshot, userChecks: userChecks([check], ['3']) },
      { timers: client.timers, timeoutMs: 60_000 },
    );
    out.write(`\nVerification from the database (dr verify), through ${session.target}:\n`);
    for (const c of [...restore.checks, ...rollout.checks]) out.write(`  ${c.passed ? 'ok    ' : 'FAILED'} ${c.check}${c.subject ? ` ${c.subject}` : ''}: ${c.seen}\n`);
    const rows = await session.query('SELECT * FROM quickstart.source_wiki_edit', { idempotent: true });
    out.write(`\nmysql> SELECT * FROM quickstart.source_wiki_edit;\n`);
    for (const r of rows.rows) out.write(`  ${r.join(' | ')}\n`);
    out.write(`${restore.passed && rollout.passed ? 'Restore verified' : 'Restore NOT verified'}\n`);
  } finally {
    await session.close();
  }
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('run a whole recovery of the reference cluster on the built-in Kubernetes simulator (offline)')
    .option('--time-scale <x>', 'simulated time factor (0.1 runs ten times faster)', Number, 0.2)
    // Named as `sim --fe-restore-seconds`; the old name stays as a hidden alias.
    .option('--fe-restore-seconds <s>', 'how long the FE takes to restore the snapshot, in simulated seconds', Number, 60)
    .addOption(new Option('--restore-seconds <s>').hideHelp().argParser(Number))
    .action((flags: DemoFlags & { restoreSeconds?: number }) => runDemo({ ...flags, feRestoreSeconds: flags.restoreSeconds ?? flags.feRestoreSeconds }));
}
