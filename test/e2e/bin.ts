/**
 * The shipped CLI (`bin/starrocks-dr.js`, compiled JavaScript: `npm test` builds first) as a separate process, as a
 * user runs it. Not in the test's own process: the test runner reports on this process's stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(__dirname, '../../bin/starrocks-dr.js');

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Starts the CLI; `done` rejects when it has not exited within `hangMs` (it is then killed): a hang is a failure. */
export function startCli(args: readonly string[], hangMs = 60_000, env?: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<Exit> } {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Exit>((resolve, reject) => {
    const hang = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`starrocks-dr ${args.join(' ')} did not exit within ${hangMs} ms; stderr: ${stderr}`));
    }, hangMs);
    child.on('close', (code, signal) => {
      clearTimeout(hang);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { child, done };
}

/** Runs the CLI to its end. */
export function runCli(args: readonly string[], hangMs?: number, env?: NodeJS.ProcessEnv): Promise<Exit> {
  return startCli(args, hangMs, env).done;
}
