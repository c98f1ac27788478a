/**
 * `starrocks-dr demo` (`npm run demo`): the whole recovery of the reference cluster, offline, on the built-in
 * Kubernetes simulator: start the simulator, run the recovery for generation 1 from the reference
 * `starrocks-values.yaml` + `override.yaml`, print each phase with its unix timestamp, then the pods and PVCs.
 */
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
  const { startSimulator } = require('../sim') as typeof import('../sim');
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
    const final = await runRecovery(plan, {
      client,
      timeoutMs: 5 * 60_000,
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
  } finally {
    await sim.stop();
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
