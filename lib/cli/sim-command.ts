/**
 * `starrocks-dr sim`: serve the Kubernetes API simulator until interrupted, writing a kubeconfig that
 * points at it once it listens. Defaults keep a whole recovery of the reference cluster (1 restoring FE,
 * then 3 FE + 1 CN) well under a minute of wall time.
 */
import { loadSimulator } from './simulator';
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { Simulator } from '../../sim';

export interface SimCommandOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Where to write the kubeconfig. @default none (printed to stdout instead) */
  readonly kubeconfigOut?: string;
  /** @default 0.5 */
  readonly timeScale?: number;
  /** @default 10 */
  readonly feRestoreSeconds?: number;
}

function num(name: string, min: number, integer = false) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got "${v}"`);
    }
    return n;
  };
}

/**
 * Starts the simulator, writes the kubeconfig, and resolves once SIGINT/SIGTERM stopped it.
 * `log` receives the lines the command prints.
 */
export async function serveSimulator(opts: SimCommandOptions, log: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<void> {
  const { startSimulator } = loadSimulator('sim'); // loaded on demand
  const sim: Simulator = await startSimulator({ port: opts.port ?? 0, timeScale: opts.timeScale ?? 0.5, feRestoreSeconds: opts.feRestoreSeconds ?? 10 });
  if (opts.kubeconfigOut) {
    writeFileSync(opts.kubeconfigOut, sim.kubeConfigYaml());
    log(`starrocks-dr sim: serving ${sim.url}; kubeconfig written to ${opts.kubeconfigOut} (context starrocks-sim)`);
  } else {
    log(`starrocks-dr sim: serving ${sim.url}; kubeconfig:`);
    log(sim.kubeConfigYaml());
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void sim.stop().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  log('starrocks-dr sim: stopped');
}

export function simCommand(): Command {
  return new Command('sim')
    .description('Serve the in-process Kubernetes API simulator (StatefulSets, pods with probes, a restoring StarRocks FE) until interrupted')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', num('--port', 0, true), 0)
    .option('--kubeconfig-out <file>', 'write a kubeconfig pointing at the simulator to this file once it listens')
    .option('--time-scale <x>', 'multiply every simulated duration (0.01 runs 100x faster)', num('--time-scale', Number.MIN_VALUE), 0.5)
    .option('--fe-restore-seconds <s>', 'how long a FE with RESTORE_CLUSTER_SNAPSHOT=true restores before opening its query port', num('--fe-restore-seconds', 0), 10)
    .action(async (o: { port: number; kubeconfigOut?: string; timeScale: number; feRestoreSeconds: number }) => {
      await serveSimulator({ port: o.port, kubeconfigOut: o.kubeconfigOut, timeScale: o.timeScale, feRestoreSeconds: o.feRestoreSeconds });
    });
}
