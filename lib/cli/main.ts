/**
 * The `starrocks-dr` command line. Every command prints one clear message and exits non-zero on bad input
 * (exit codes: exit-codes.ts, documented in the README).
 */
import { Command } from 'commander';
import { StarRocksDrError } from '../errors';
import { drCommand } from './dr-command';
import { ExitCode, exitCodeFor } from './exit-codes';
import { simCommand } from './sim-command';
import { snapshotCommand } from './snapshot-command';
import { synthCommand } from './synth-command';
import { demoCommand } from './demo-command';

export function buildProgram(): Command {
  const program = new Command('starrocks-dr')
    .description('Deploy a StarRocks shared-data cluster to Kubernetes and recover it from a cluster snapshot')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  program.addCommand(synthCommand());
  program.addCommand(drCommand());
  program.addCommand(snapshotCommand());
  program.addCommand(simCommand());
  program.addCommand(demoCommand());
  // addCommand() does not pass settings down: every command reports errors instead of exiting.
  const configure = (cmd: Command) => {
    cmd.exitOverride().showHelpAfterError('(add --help for usage)');
    cmd.commands.forEach(configure);
  };
  configure(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return ExitCode.OK;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // commander already printed the help or the usage error
      const exit = (err as { exitCode?: number }).exitCode ?? ExitCode.INVALID_INPUT;
      return exit === 0 ? ExitCode.OK : ExitCode.INVALID_INPUT;
    }
    process.stderr.write(`error: ${err instanceof StarRocksDrError ? err.message : (err as Error).stack ?? String(err)}\n`);
    return exitCodeFor(err);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
