/**
 * The real Pulumi CLI for the cluster suites: the CLI, its Node.js language host and the pulumi-kubernetes provider
 * as built by tools/components, a fresh PULUMI_HOME and a local file backend per workspace, secrets under a
 * passphrase. Nothing is downloaded: the Kubernetes provider is installed from the built binary and automatic plugin
 * acquisition is off.
 *
 * Two compromises of the built components, kept visible here:
 * 1. The language host. The newest pulumi-language-nodejs the Go module proxy serves is v3.68.0 (from v3.69 it is the
 *    separate module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, which the proxy does not
 *    serve). Its constructArguments (sdk/v3@v3.68.0 nodejs/cmd/pulumi-language-nodejs/main.go:668-697) passes
 *    monitor, engine, sync, organization, project, stack, pwd, dry-run, query-mode, parallel and tracing, but not
 *    `--root-directory`, which @pulumi/pulumi 3.248's cmd/run turns into PULUMI_NODEJS_ROOT_DIRECTORY
 *    (node_modules/@pulumi/pulumi/cmd/run/index.js:233) for `pulumi.runtime.getRootDirectory()`. So every command
 *    runs with PULUMI_NODEJS_ROOT_DIRECTORY set to the project root, as the v3.248 host would set it.
 * 2. The Kubernetes provider. github.com/pulumi/pulumi-kubernetes/provider/v4 is served only as the pseudo-version
 *    v4.0.0-20260115033456-f47bc2d6f199 (between 4.24 and 4.25; tools/components/components.js stamps it
 *    4.24.0-dev...), while @pulumi/kubernetes 4.34 asks for its own version. It is installed under the version the
 *    SDK asks for, and the engine warns on every run: "resource plugin kubernetes is expected to have version
 *    >=4.34.2, but has 4.24.0-dev...".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { componentBinary } from './control-plane';

export const PASSPHRASE = 'starrocks-dr-cluster-suite';

export interface PulumiResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they came. */
  readonly output: string;
  readonly ms: number;
}

export interface RunningPulumi {
  readonly child: ChildProcess;
  /** Output so far. */
  output(): string;
  readonly done: Promise<PulumiResult>;
}

export interface PulumiWorkspace {
  readonly home: string;
  /** The file backend's folder (state, history, backups). */
  readonly backend: string;
  /** The @pulumi/kubernetes version the plugin is installed under. */
  readonly kubernetesPluginVersion: string;
  /** Every command's output, for the secret checks. */
  readonly transcript: string[];
  stack(name: string, projectDir: string, env?: NodeJS.ProcessEnv): Promise<PulumiStack>;
  remove(): void;
}

export interface PulumiStack {
  readonly name: string;
  readonly projectDir: string;
  /** The stack's config file (kept outside the project, so the suite writes nothing into the repository). */
  readonly configFile: string;
  /** Extra environment of every command of this stack (e.g. KUBECONFIG); change it in place. */
  readonly env: NodeJS.ProcessEnv;
  /** `pulumi <args> --stack <name>` (+ `--config-file` where the command takes it). */
  run(args: readonly string[], opts?: { timeoutMs?: number }): Promise<PulumiResult>;
  start(args: readonly string[]): RunningPulumi;
  config(key: string, value: string, opts?: { secret?: boolean; path?: boolean }): Promise<void>;
  up(): Promise<PulumiResult>;
  /** `pulumi stack output --json` (secrets shown as "[secret]"). */
  outputs(): Promise<Record<string, unknown>>;
  /** `pulumi stack export`: the deployment. */
  state(): Promise<Deployment>;
}

export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
}

export interface Deployment {
  readonly resources: readonly StateResource[];
  readonly pending_operations?: ReadonlyArray<{ readonly resource: StateResource; readonly type: string }>;
}

/** Commands that take --config-file (`pulumi <cmd> --help`, v3.248.0). */
const TAKES_CONFIG_FILE = new Set(['up', 'preview', 'refresh', 'destroy', 'config']);

function pulumiPath(): string {
  const pulumi = componentBinary('pulumi');
  const host = componentBinary('pulumi-language-nodejs');
  // pulumi-resource-pulumi-nodejs (the dynamic-provider launcher) sits beside the CLI, as in a release.
  return [path.dirname(pulumi), path.dirname(host), process.env.PATH ?? ''].join(path.delimiter);
}

function kubernetesSdkVersion(projectDir: string): string {
  const file = require.resolve('@pulumi/kubernetes/package.json', { paths: [projectDir] });
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

function runPulumi(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string, transcript: string[], timeoutMs = 180_000): RunningPulumi {
  const started = Date.now();
  const child = spawn(componentBinary('pulumi'), args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<PulumiResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // The command line is not recorded: `config set --secret` carries the value in it.
      transcript.push(`$ pulumi ${args[0]} ...\n${output}`);
      resolve({ code, signal, output, ms: Date.now() - started });
    });
  });
  return { child, output: () => output, done };
}

/**
 * A fresh PULUMI_HOME and file backend, logged in, with the built Kubernetes provider installed under the version
 * `@pulumi/kubernetes` in `projectDir` asks for. `kubeconfig` is the default KUBECONFIG of every command.
 */
export async function createPulumiWorkspace(opts: { kubeconfig: string; projectDir: string }): Promise<PulumiWorkspace> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'starrocks-dr-pulumi-'));
  const home = path.join(root, 'home');
  const backend = path.join(root, 'state');
  const configs = path.join(root, 'config');
  for (const d of [home, backend, configs]) fs.mkdirSync(d);
  const transcript: string[] = [];
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: pulumiPath(),
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: '1',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    KUBECONFIG: opts.kubeconfig,
    // The program and the provider host run as users run them: plain node, no loader, no override of the package root.
    NODE_OPTIONS: '',
    STARROCKS_DR_PROJECT_ROOT: '',
  };
  const run = async (args: readonly string[], env = baseEnv, cwd = root) => {
    const r = await runPulumi(args, env, cwd, transcript).done;
    if (r.code !== 0) throw new Error(`pulumi ${args.join(' ')} exited ${r.code}:\n${r.output}`);
    return r;
  };
  const kubernetesPluginVersion = kubernetesSdkVersion(opts.projectDir);
  await run(['plugin', 'install', 'resource', 'kubernetes', kubernetesPluginVersion, '--file', componentBinary('pulumi-kubernetes', 'pulumi-resource-kubernetes')]);

  return {
    home,
    backend,
    kubernetesPluginVersion,
    transcript,
    async stack(name, projectDir, env = {}) {
      const configFile = path.join(configs, `${name}.yaml`);
      const extraEnv: NodeJS.ProcessEnv = { ...env };
      const stackEnv = () => ({ ...baseEnv, PULUMI_NODEJS_ROOT_DIRECTORY: projectDir, ...extraEnv });
      // `stack init` writes Pulumi.<stack>.yaml (with the passphrase's salt) next to Pulumi.yaml and takes no
      // --config-file: move it out of the project at once; every later command names it.
      await run(['stack', 'init', name, '--non-interactive'], stackEnv(), projectDir);
      fs.renameSync(path.join(projectDir, `Pulumi.${name}.yaml`), configFile);
      const withStack = (args: readonly string[]) => [
        ...args, '--stack', name, '--non-interactive', '--color', 'never',
        ...(TAKES_CONFIG_FILE.has(args[0]) ? ['--config-file', configFile] : []),
      ];
      const stack: PulumiStack = {
        name,
        projectDir,
        configFile,
        env: extraEnv,
        run: (args, o = {}) => runPulumi(withStack(args), stackEnv(), projectDir, transcript, o.timeoutMs).done,
        start: (args) => runPulumi(withStack(args), stackEnv(), projectDir, transcript),
        async config(key, value, o = {}) {
          await run(withStack(['config', 'set', ...(o.path ? ['--path'] : []), ...(o.secret ? ['--secret'] : []), key, value]), stackEnv(), projectDir);
        },
        up: () => stack.run(['up', '--yes', '--skip-preview']),
        async outputs() {
          return JSON.parse((await run(withStack(['stack', 'output', '--json']), stackEnv(), projectDir)).output) as Record<string, unknown>;
        },
        async state() {
          return (JSON.parse((await run(withStack(['stack', 'export']), stackEnv(), projectDir)).output) as { deployment: Deployment }).deployment;
        },
      };
      // No StarRocks runs behind kwok's pods and kwok serves no port-forward (test/cluster/README.md): the recovery's
      // database checks are skipped, as a user without port-forward skips them (they run on the simulator's FE).
      await stack.config('verify', 'none');
      return stack;
    },
    remove() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** The pids of `pid` and all its descendants (from /proc), to check that nothing outlives a killed CLI. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
