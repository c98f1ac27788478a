/**
 * Start a Pulumi program and its dynamic provider the way the engine lays them out (pulumi v3.248.0): both in the
 * directory of `main`, the project root given to the program only as PULUMI_NODEJS_ROOT_DIRECTORY.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
}

export interface ProgramRun {
  readonly registrations: readonly Registration[];
  readonly outputs: Record<string, unknown>;
  readonly stderr: string;
}

/** The program's entry and the engine's working directory for it, from `<root>/Pulumi.yaml` (project.go:45-71). */
export function programLayout(root: string): { readonly main: string; readonly pwd: string; readonly project: string } {
  const project = parse(fs.readFileSync(path.join(root, 'Pulumi.yaml'), 'utf8')) as { name: string; main?: string };
  const main = path.resolve(root, project.main ?? '.');
  return { main, pwd: fs.statSync(main).isDirectory() ? main : path.dirname(main), project: project.name };
}

const RUNNER = path.join(__dirname, 'run-program-under-mocks.js');

export interface RunProgramOptions {
  /** Leave PULUMI_NODEJS_ROOT_DIRECTORY unset, as a CLI that does not pass `--root-directory` would. @default false */
  readonly withoutRootDirectory?: boolean;
  /** @default 50000 */
  readonly timeoutMs?: number;
}

/** Runs the program of the project at `root` under mocks in a plain `node` process, as `pulumi up` would. */
export function runProgramAsEngine(root: string, config: Record<string, string>, opts: RunProgramOptions = {}): Promise<ProgramRun> {
  const { main, pwd, project } = programLayout(root);
  const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_NODEJS_ROOT_DIRECTORY: root, PULUMI_TEST_PROJECT: project, PULUMI_TEST_CONFIG: JSON.stringify(config) };
  if (opts.withoutRootDirectory) delete env.PULUMI_NODEJS_ROOT_DIRECTORY;
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS; // no loader sneaks in: the CLI runs the program with plain node
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER, main], { cwd: pwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`the program exited with ${code}: ${stderr.trim()}`));
      const lines = stdout.split('\n');
      const registrations = lines.filter((l) => l.startsWith('REGISTER ')).map((l) => JSON.parse(l.slice(9)) as Registration);
      const out = lines.find((l) => l.startsWith('OUTPUTS '));
      resolve({ registrations, outputs: out ? (JSON.parse(out.slice(8)) as Record<string, unknown>) : {}, stderr });
    });
  });
}
