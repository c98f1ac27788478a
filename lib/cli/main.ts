/**
 * The `starrocks-dr` command line. Every command prints one clear message and exits non-zero on bad input
 * (exit codes: exit-codes.ts, documented in the README).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { StarRocksDrError } from '../errors';
import { projectRoot } from '../project-root';
import type { CliDeps } from './deps';
import { ExitCode, exitCodeFor } from './exit-codes';

/**
 * The commands, each loaded only when it is built: `starrocks-dr synth` does not load the modules of `dr`,
 * `snapshot`, `sim` and `demo` (cold synth, bench/README.md). require, not import(): the CLI also runs under tsx's
 * CommonJS hook, which dynamic import() bypasses.
 */
const COMMANDS: Readonly<Record<string, (deps: CliDeps) => Command>> = {
  synth: (deps) => (require('./synth-command') as typeof import('./synth-command')).synthCommand(deps),
  dr: (deps) => (require('./dr-command') as typeof import('./dr-command')).drCommand(deps),
  snapshot: (deps) => (require('./snapshot-command') as typeof import('./snapshot-command')).snapshotCommand(deps),
  sim: () => (require('./sim-command') as typeof import('./sim-command')).simCommand(),
  demo: () => (require('./demo-command') as typeof import('./demo-command')).demoCommand(),
};

/**
 * The program. `argv` given: only the command it names, when its first word is one (its help, its errors and its
 * run need nothing else); otherwise every command (the program's help, `--version`, a misspelt command's suggestion).
 */
export function buildProgram(deps: CliDeps = {}, argv?: readonly string[]): Command {
  const program = new Command('starrocks-dr')
    .description('Deploy a StarRocks shared-data cluster to Kubernetes and recover it from a cluster snapshot')
    .version(packageVersion(), '--version', 'print the version of starrocks-dr')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  const asked = argv?.[0];
  const names = asked !== undefined && Object.hasOwn(COMMANDS, asked) ? [asked] : Object.keys(COMMANDS);
  for (const name of names) program.addCommand(COMMANDS[name]!(deps));
  // addCommand() does not pass settings down: every command reports errors instead of exiting.
  const configure = (cmd: Command) => {
    cmd.exitOverride().showHelpAfterError('(add --help for usage)');
    cmd.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** The version in the package's own package.json. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot(__dirname), 'package.json'), 'utf8')) as { version: string }).version;
}

/** `-o json` / `--output json` / `--output=json` anywhere on the command line: errors go out as JSON too. */
function wantsJson(argv: readonly string[]): boolean {
  return argv.some((a, i) => ((a === '-o' || a === '--output') && argv[i + 1] === 'json') || a === '--output=json' || a === '-ojson');
}

/**
 * An error as the last line of an `-o json` stream (NDJSON on stdout): one object that names the code and the exit
 * code, the field and the fix, so a pipeline reads the failure the way it reads statuses.
 */
export function errorJson(err: unknown, exitCode: number): Record<string, unknown> {
  if (err instanceof StarRocksDrError) {
    return { error: { code: err.code, exitCode, field: err.field, message: err.message, fix: err.fix, ...(err.file ? { file: err.file } : {}) } };
  }
  return { error: { code: 'Failed', exitCode, message: (err as Error)?.message ?? String(err) } };
}

/**
 * Runs the command line `argv`; the exit code. `deps`: what the commands need from outside (tests inject the
 * simulator's connection: sim/README.md).
 */
export async function main(argv: readonly string[], deps: CliDeps = {}): Promise<number> {
  try {
    await buildProgram(deps, argv).parseAsync([...argv], { from: 'user' });
    return ExitCode.OK;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // commander already printed the help, the version or the usage error
      const exit = (err as { exitCode?: number }).exitCode ?? ExitCode.INVALID_INPUT;
      if (exit !== 0 && wantsJson(argv)) process.stdout.write(`${JSON.stringify({ error: { code: 'InvalidInput', exitCode: ExitCode.INVALID_INPUT, message: (err as Error).message } })}\n`);
      return exit === 0 ? ExitCode.OK : ExitCode.INVALID_INPUT;
    }
    const exit = exitCodeFor(err);
    process.stderr.write(`error: ${err instanceof StarRocksDrError ? err.message : (err as Error).stack ?? String(err)}\n`);
    if (wantsJson(argv)) process.stdout.write(`${JSON.stringify(errorJson(err, exit))}\n`);
    return exit;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
