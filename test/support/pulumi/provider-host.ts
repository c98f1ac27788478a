import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import * as readline from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';
import * as plugproto from '@pulumi/pulumi/proto/plugin_pb';
import * as provrpc from '@pulumi/pulumi/proto/provider_grpc_pb';
import * as provproto from '@pulumi/pulumi/proto/provider_pb';
import * as statusproto from '@pulumi/pulumi/proto/status_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { startFakeEngine, type EngineLogEntry, type FakeEngine } from './fake-engine';
import { annotateSecrets, stripSecrets, type Props } from './secrets';

/** The property that carries the serialized provider, as in `@pulumi/pulumi/dynamic`. */
export const PROVIDER_KEY = '__provider';

export interface ProviderHostOptions {
  /**
   * Working directory of the host process. A provider's `require('pkg')` resolves from here (the SDK loads the
   * provider text with require-from-string, whose module paths are taken from the current directory).
   * @default process.cwd()
   */
  readonly cwd?: string;
  /** Extra environment for the host process, over the current one. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Project name the host reports to `provider.configure` (`PULUMI_NODEJS_PROJECT`). @default 'project' */
  readonly project?: string;
  /**
   * Provider configuration sent with Configure, as the engine does before the first CRUD call. `undefined`
   * skips Configure (the host then hands `undefined` config to a provider's `configure`).
   * @default {}
   */
  readonly config?: Props;
  /**
   * Also set `PULUMI_NODEJS_ENGINE` to the fake engine's address in the host's environment, so `pulumi.log.*`
   * inside a provider reaches the engine's Log RPC. The real CLI does not do this for a dynamic provider in SDK
   * 3.248 (the host ignores its engine argument): there, `pulumi.log.*` prints to the host's stdout, which the
   * engine turns into diagnostics; see {@link ProviderHost.output}.
   * @default false
   */
  readonly engineLogsOverRpc?: boolean;
  /** How long to wait for the host to print its port. @default 60000 */
  readonly startTimeoutMs?: number;
  /** gRPC deadline for each call: a harness guard, the engine sets none. @default 120000 */
  readonly callTimeoutMs?: number;
}

/** A line the host wrote after its port line; the engine shows these as diagnostics. */
export interface HostOutputLine {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}
export interface CheckResult {
  /** Checked inputs, secretness copied from `news` as the engine does; includes `__provider`. */
  readonly inputs: Props;
  readonly failures: readonly CheckFailure[];
}
export type DiffChanges = 'none' | 'some' | 'unknown';
export interface DiffResult {
  readonly changes: DiffChanges;
  readonly replaces: readonly string[];
  readonly stables: readonly string[];
  readonly deleteBeforeReplace: boolean;
}
export interface CreateResult {
  readonly id: string;
  /** Outputs, secretness copied from the inputs; includes `__provider`. */
  readonly outputs: Props;
}
export interface ReadResult {
  /** Empty when the provider reports the resource gone. */
  readonly id: string;
  readonly outputs: Props;
  /** Present only when the provider's `read` returned `inputs`. */
  readonly inputs?: Props;
}
export interface UpdateResult {
  readonly outputs: Props;
}
export interface CallOptions {
  /** Seconds, sent in the request's `timeout` field (the `customTimeouts` value). @default 0 (none) */
  readonly timeout?: number;
}
export interface DiffOptions {
  /** The old inputs (`oldInputs` in the request). @default none */
  readonly oldInputs?: Props;
  /** Property paths from the `ignoreChanges` option. @default [] */
  readonly ignoreChanges?: readonly string[];
}
export interface UpdateOptions extends CallOptions {
  readonly oldInputs?: Props;
  readonly ignoreChanges?: readonly string[];
}

/** A failed provider call. `initFailure` is set when the provider threw an error carrying `id` (partial create). */
export class ProviderCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
    readonly initFailure?: { readonly id: string; readonly properties: Props; readonly reasons: readonly string[] },
  ) {
    super(`${method} failed (gRPC ${grpc.status[code] ?? code}): ${details}`);
    this.name = 'ProviderCallError';
  }
}

/** The SDK's dynamic-provider host process, driven the way the Pulumi engine drives it. */
export interface ProviderHost {
  /** The host's gRPC port, as printed on its stdout. */
  readonly port: number;
  readonly pid: number;
  /** Address of the fake engine passed as the host's argument. */
  readonly engineAddress: string;
  /** Version from GetPluginInfo (the SDK version). */
  readonly pluginVersion: string;
  /** What Configure answered; false for the Node.js dynamic provider, so secrets are stripped before each call. */
  readonly acceptsSecrets: boolean;
  /** Log RPCs received by the fake engine. */
  readonly logs: readonly EngineLogEntry[];
  /** Lines the host printed after its port (console output of providers, `pulumi.log` without an engine). */
  readonly output: readonly HostOutputLine[];
  /** Every log message and output line that contains `needle`: use it to prove a secret never reached a log. */
  linesContaining(needle: string): readonly string[];
  /**
   * Resolves with the first log message or output line (already seen or still to come) that `match` accepts.
   * Output lines travel on a pipe, so they can arrive after the gRPC answer of the call that printed them.
   * @param timeoutMs @default 30000
   */
  waitForLine(match: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  configure(config: Props): Promise<{ acceptSecrets: boolean }>;
  check(urn: string, olds: Props, news: Props): Promise<CheckResult>;
  diff(id: string, urn: string, olds: Props, news: Props, opts?: DiffOptions): Promise<DiffResult>;
  create(urn: string, props: Props, opts?: CallOptions): Promise<CreateResult>;
  read(id: string, urn: string, props: Props, inputs?: Props): Promise<ReadResult>;
  update(id: string, urn: string, olds: Props, news: Props, opts?: UpdateOptions): Promise<UpdateResult>;
  delete(id: string, urn: string, props: Props, opts?: CallOptions & { readonly oldInputs?: Props }): Promise<void>;
  /** Closes the client, ends the host process and the fake engine. Safe to call twice. */
  stop(): Promise<{ readonly exitCode: number | null; readonly signal: NodeJS.Signals | null }>;
}

/**
 * The URN the engine gives a `pulumi.dynamic.Resource` named `name` (type `pulumi-nodejs:dynamic[/module]:type`).
 */
export function dynamicUrn(
  name: string,
  opts: { readonly type?: string; readonly module?: string; readonly project?: string; readonly stack?: string } = {},
): string {
  const type = `pulumi-nodejs:dynamic${opts.module ? `/${opts.module}` : ''}:${opts.type ?? 'Resource'}`;
  return `urn:pulumi:${opts.stack ?? 'stack'}::${opts.project ?? 'project'}::${type}::${name}`;
}

/** Name and type as the engine puts them in every request, read from the URN. */
function urnParts(urn: string): { name: string; type: string } {
  const parts = urn.split('::');
  const qualified = parts[2] ?? '';
  return { name: parts.slice(3).join('::'), type: qualified.split('$').pop() ?? '' };
}

/** Plain JSON object to Struct; undefined fields are dropped as they would be on the wire. */
function toStruct(props: Props): Struct {
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(props)) as Parameters<typeof Struct.fromJavaScript>[0]);
}
function fromStruct(s: Struct | undefined): Props {
  return (s?.toJavaScript() ?? {}) as Props;
}

function hostScript(): string {
  return require.resolve('@pulumi/pulumi/cmd/dynamic-provider/index.js');
}

/** Starts the host, connects to it, and runs GetPluginInfo and Configure as the engine does. */
export async function startDynamicProviderHost(opts: ProviderHostOptions = {}): Promise<ProviderHost> {
  const lines = new EventEmitter();
  const engine = await startFakeEngine((entry) => lines.emit('line', entry.message));
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  delete env.NODE_TEST_CONTEXT; // keep node:test's child protocol out of the host
  if (opts.project !== undefined) env.PULUMI_NODEJS_PROJECT = opts.project;
  if (opts.engineLogsOverRpc) env.PULUMI_NODEJS_ENGINE = engine.address;
  const child = spawn(process.execPath, [hostScript(), engine.address], {
    cwd: opts.cwd ?? process.cwd(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: HostOutputLine[] = [];
  const early: string[] = [];
  const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (exitCode, signal) => resolve({ exitCode, signal })),
  );
  let port: number;
  try {
    port = await readPort(child, output, early, exited, opts.startTimeoutMs ?? 60_000, (t) => lines.emit('line', t));
  } catch (e) {
    child.kill('SIGKILL');
    await engine.stop();
    throw e;
  }
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 400 * 1024 * 1024,
    'grpc.max_send_message_length': 400 * 1024 * 1024,
  });
  const host = new Host(child, client, engine, lines, port, output, exited, opts.callTimeoutMs ?? 120_000);
  try {
    await host.getPluginInfo();
    if (!('config' in opts) || opts.config !== undefined) await host.configure(opts.config ?? {});
  } catch (e) {
    await host.stop();
    throw e;
  }
  return host;
}

function readPort(
  child: ChildProcess,
  output: HostOutputLine[],
  early: string[],
  exited: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>,
  timeoutMs: number,
  onLine: (text: string) => void,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let port: number | undefined;
    const timer = setTimeout(
      () => reject(new Error(`dynamic-provider host printed no port within ${timeoutMs} ms; stderr: ${early.join('\n')}`)),
      timeoutMs,
    );
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (port === undefined) {
        const n = Number(line.trim());
        if (Number.isInteger(n) && n > 0) {
          port = n;
          clearTimeout(timer);
          resolve(n);
          return;
        }
      }
      output.push({ stream: 'stdout', text: line });
      onLine(line);
    });
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      if (port === undefined) early.push(line);
      output.push({ stream: 'stderr', text: line });
      onLine(line);
    });
    void exited.then(({ exitCode, signal }) => {
      clearTimeout(timer);
      if (port === undefined) {
        reject(new Error(`dynamic-provider host exited (code ${exitCode}, signal ${signal}) before printing its port; stderr: ${early.join('\n')}`));
      }
    });
  });
}

type Unary<Req, Res> = (
  req: Req,
  md: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  cb: (err: grpc.ServiceError | null, res: Res) => void,
) => grpc.ClientUnaryCall;

class Host implements ProviderHost {
  readonly pid: number;
  pluginVersion = '';
  acceptsSecrets = false;
  private stopped?: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    private readonly child: ChildProcess,
    private readonly client: provrpc.ResourceProviderClient,
    private readonly engine: FakeEngine,
    private readonly lines: EventEmitter,
    readonly port: number,
    readonly output: HostOutputLine[],
    private readonly exited: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>,
    private readonly callTimeoutMs: number,
  ) {
    this.pid = child.pid ?? -1;
  }

  get engineAddress(): string {
    return this.engine.address;
  }
  get logs(): readonly EngineLogEntry[] {
    return this.engine.logs;
  }

  linesContaining(needle: string): readonly string[] {
    return [...this.engine.logs.map((l) => l.message), ...this.output.map((o) => o.text)].filter((t) => t.includes(needle));
  }

  waitForLine(match: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
    const seen = [...this.engine.logs.map((l) => l.message), ...this.output.map((o) => o.text)].find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const onLine = (text: string): void => {
        if (!match(text)) return;
        clearTimeout(timer);
        this.lines.off('line', onLine);
        resolve(text);
      };
      const timer = setTimeout(() => {
        this.lines.off('line', onLine);
        reject(new Error(`no matching log or output line within ${timeoutMs} ms; output so far: ${JSON.stringify(this.output)}`));
      }, timeoutMs);
      this.lines.on('line', onLine);
    });
  }

  private call<Req, Res>(method: string, fn: Unary<Req, Res>, req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      fn.call(this.client, req, new grpc.Metadata(), { deadline: Date.now() + this.callTimeoutMs }, (err, res) =>
        err ? reject(toCallError(method, err)) : resolve(res),
      );
    });
  }

  async getPluginInfo(): Promise<void> {
    const info = await this.call<Empty, plugproto.PluginInfo>('GetPluginInfo', this.client.getPluginInfo, new Empty());
    this.pluginVersion = info.getVersion();
  }

  async configure(config: Props): Promise<{ acceptSecrets: boolean }> {
    const req = new provproto.ConfigureRequest();
    const vars = req.getVariablesMap();
    for (const [k, v] of Object.entries(stripSecrets(config))) vars.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    // The engine sends secrets to Configure (acceptSecrets is the provider's answer, learned here).
    req.setArgs(toStruct(config)).setAcceptsecrets(true).setAcceptresources(true);
    const res = await this.call('Configure', this.client.configure, req);
    this.acceptsSecrets = res.getAcceptsecrets();
    return { acceptSecrets: this.acceptsSecrets };
  }

  /** Inputs as the engine marshals them for this provider. */
  private wire(props: Props): Struct {
    return toStruct(this.acceptsSecrets ? props : stripSecrets(props));
  }
  private annotate(outs: Props, ins: Props): Props {
    return this.acceptsSecrets ? outs : annotateSecrets(outs, ins);
  }

  async check(urn: string, olds: Props, news: Props): Promise<CheckResult> {
    const { name, type } = urnParts(urn);
    const req = new provproto.CheckRequest()
      .setUrn(urn)
      .setName(name)
      .setType(type)
      .setOlds(this.wire(olds))
      .setNews(this.wire(news))
      .setRandomseed(randomBytes(32));
    const res = await this.call('Check', this.client.check, req);
    return {
      inputs: this.annotate(fromStruct(res.getInputs()), news),
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(id: string, urn: string, olds: Props, news: Props, opts: DiffOptions = {}): Promise<DiffResult> {
    const { name, type } = urnParts(urn);
    const req = new provproto.DiffRequest()
      .setId(id)
      .setUrn(urn)
      .setName(name)
      .setType(type)
      .setOlds(this.wire(olds))
      .setNews(this.wire(news))
      .setIgnorechangesList([...(opts.ignoreChanges ?? [])]);
    if (opts.oldInputs) req.setOldInputs(this.wire(opts.oldInputs));
    const res = await this.call('Diff', this.client.diff, req);
    const C = provproto.DiffResponse.DiffChanges;
    const changes: DiffChanges =
      res.getChanges() === C.DIFF_SOME ? 'some' : res.getChanges() === C.DIFF_NONE ? 'none' : 'unknown';
    return {
      changes,
      replaces: res.getReplacesList(),
      stables: res.getStablesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  async create(urn: string, props: Props, opts: CallOptions = {}): Promise<CreateResult> {
    const { name, type } = urnParts(urn);
    const req = new provproto.CreateRequest()
      .setUrn(urn)
      .setName(name)
      .setType(type)
      .setProperties(this.wire(props))
      .setTimeout(opts.timeout ?? 0)
      .setPreview(false);
    const res = await this.call('Create', this.client.create, req);
    return { id: res.getId(), outputs: this.annotate(fromStruct(res.getProperties()), props) };
  }

  async read(id: string, urn: string, props: Props, inputs?: Props): Promise<ReadResult> {
    const { name, type } = urnParts(urn);
    const req = new provproto.ReadRequest().setId(id).setUrn(urn).setName(name).setType(type).setProperties(this.wire(props));
    if (inputs) req.setInputs(this.wire(inputs));
    const res = await this.call('Read', this.client.read, req);
    const result: ReadResult = { id: res.getId(), outputs: this.annotate(fromStruct(res.getProperties()), props) };
    const newInputs = res.getInputs();
    return newInputs ? { ...result, inputs: this.annotate(fromStruct(newInputs), inputs ?? {}) } : result;
  }

  async update(id: string, urn: string, olds: Props, news: Props, opts: UpdateOptions = {}): Promise<UpdateResult> {
    const { name, type } = urnParts(urn);
    const req = new provproto.UpdateRequest()
      .setId(id)
      .setUrn(urn)
      .setName(name)
      .setType(type)
      .setOlds(this.wire(olds))
      .setNews(this.wire(news))
      .setTimeout(opts.timeout ?? 0)
      .setIgnorechangesList([...(opts.ignoreChanges ?? [])])
      .setPreview(false);
    if (opts.oldInputs) req.setOldInputs(this.wire(opts.oldInputs));
    const res = await this.call('Update', this.client.update, req);
    return { outputs: this.annotate(fromStruct(res.getProperties()), news) };
  }

  async delete(id: string, urn: string, props: Props, opts: CallOptions & { readonly oldInputs?: Props } = {}): Promise<void> {
    const { name, type } = urnParts(urn);
    const req = new provproto.DeleteRequest()
      .setId(id)
      .setUrn(urn)
      .setName(name)
      .setType(type)
      .setProperties(this.wire(props))
      .setTimeout(opts.timeout ?? 0);
    if (opts.oldInputs) req.setOldInputs(this.wire(opts.oldInputs));
    await this.call('Delete', this.client.delete, req);
  }

  stop(): Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }> {
    this.stopped ??= (async () => {
      this.client.close();
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
      const result = await this.exited;
      await this.engine.stop();
      return result;
    })();
    return this.stopped;
  }
}

function toCallError(method: string, err: grpc.ServiceError): ProviderCallError {
  let initFailure: ProviderCallError['initFailure'];
  const raw = err.metadata?.get('grpc-status-details-bin')[0];
  if (raw instanceof Buffer) {
    for (const any of statusproto.Status.deserializeBinary(raw).getDetailsList()) {
      if (any.getTypeName() !== 'pulumirpc.ErrorResourceInitFailed') continue;
      const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
      initFailure = { id: d.getId(), properties: fromStruct(d.getProperties()), reasons: d.getReasonsList() };
    }
  }
  return new ProviderCallError(method, err.code, err.details, initFailure);
}
