import * as pulumi from '@pulumi/pulumi';
import * as settings from '@pulumi/pulumi/runtime/settings';
import type * as resproto from '@pulumi/pulumi/proto/resource_pb';
import type { Props } from './secrets';

/** One RegisterResource call as the monitor received it, with the options that `MockResourceArgs` hides. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Set when the monitor answered. */
  urn: string;
  /** The id the mocks gave; '' for components. */
  id: string;
  readonly custom: boolean;
  /** Inputs as the engine would receive them: secrets as `{[SPECIAL_SIG_KEY]: SECRET_SIG, value}`. */
  readonly inputs: Props;
  /** Parent URN; '' for a top-level resource (the stack is its parent in the engine). */
  readonly parent: string;
  /**
   * URNs this resource waits for: explicit `dependsOn` (a component there expands to its custom children) plus
   * the resources its input Outputs came from, exactly the `dependencies` field of the request.
   */
  readonly dependencies: readonly string[];
  /** Per input property, the URNs its value came from (`propertyDependencies`). */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** Provider reference (`urn::id`), '' for the default provider. */
  readonly provider: string;
  readonly protect: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: readonly string[];
  readonly replaceOnChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly retainOnDelete: boolean;
  readonly deletedWith: string;
  readonly customTimeouts?: { readonly create: string; readonly update: string; readonly delete: string };
  /** The `aliases` option as sent (`aliasSpecs`: a spec per alias, or a full URN). */
  readonly aliases: readonly AliasRecord[];
  /** What the component passed to `registerOutputs`, in wire form (secrets marked). */
  outputs?: Props;
}

/** One alias of a registration: a full URN, or the parts that differ from the resource's own URN. */
export interface AliasRecord {
  readonly urn?: string;
  readonly name?: string;
  readonly type?: string;
  readonly parentUrn?: string;
  readonly noParent?: boolean;
}

/**
 * The URNs the engine matches `r`'s aliases against old state with. A spec alias keeps whatever it does not name
 * (stack, project, type, parent) from the resource itself; only name, type and a same-parent are handled here.
 */
export function aliasUrns(r: RecordedResource): string[] {
  return r.aliases.map((a) => {
    if (a.urn) return a.urn;
    if (a.noParent || (a.parentUrn && a.parentUrn !== r.parent)) throw new Error(`aliasUrns: re-parenting aliases are not handled (${r.name})`);
    const parts = r.urn.split('::');
    const qualified = parts[2].split('$');
    if (a.type) qualified[qualified.length - 1] = a.type;
    return [parts[0], parts[1], qualified.join('$'), a.name || parts.slice(3).join('::')].join('::');
  });
}

export interface PulumiMocksOptions {
  /** @default 'project' */
  readonly project?: string;
  /** @default 'stack' */
  readonly stack?: string;
  /** Run as a preview (`pulumi preview`): unknown outputs stay unknown. @default false */
  readonly preview?: boolean;
  /**
   * Stack configuration. A key without a namespace gets the project's (`drGeneration` -> `project:drGeneration`).
   * @default {}
   */
  readonly config?: Readonly<Record<string, string>>;
  /** Keys of `config` that are secret (as `pulumi config set --secret` records them). @default [] */
  readonly secretConfigKeys?: readonly string[];
  /**
   * The mocked provider's answer for a new resource.
   * @default id `<name>-id` for custom resources, state = inputs
   */
  readonly newResource?: (args: pulumi.runtime.MockResourceArgs) => { id: string | undefined; state: Props };
  /** The mocked answer for an invoke. @default returns the inputs */
  readonly call?: (args: pulumi.runtime.MockCallArgs) => Props;
}

export interface PulumiMocks {
  /** Every registered resource, in the order the monitor received them. */
  readonly resources: readonly RecordedResource[];
  /** The one resource named `name` (optionally of `type`); throws when there is none or more than one. */
  get(name: string, type?: string): RecordedResource;
  /** Every resource of `type`. */
  ofType(type: string): readonly RecordedResource[];
  /** Waits until every outstanding registration has been answered (the runtime's RPC queue is empty). */
  settled(): Promise<void>;
}

/** What an Output resolves to, including the flags the SDK keeps next to the value. */
export interface ResolvedOutput<T> {
  readonly value: T | undefined;
  readonly known: boolean;
  readonly secret: boolean;
}

type Unary = (req: never, cb: (err: unknown, res: never) => void) => void;

/**
 * Installs Pulumi mocks and stack config, and records every resource registration with its parent,
 * dependencies and options. Call it before the program under test creates resources; one per process, as the
 * Pulumi runtime is global.
 */
export async function setupPulumiMocks(opts: PulumiMocksOptions = {}): Promise<PulumiMocks> {
  const project = opts.project ?? 'project';
  const qualify = (k: string): string => (k.includes(':') ? k : `${project}:${k}`);
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.config ?? {})) config[qualify(k)] = v;
  const secretKeys = (opts.secretConfigKeys ?? []).map(qualify);
  for (const k of secretKeys) {
    if (!(k in config)) throw new Error(`secretConfigKeys names ${k}, which is not in config`);
  }

  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) =>
      opts.newResource?.(args) ?? { id: args.custom ? `${args.name}-id` : undefined, state: args.inputs as Props },
    call: (args) => opts.call?.(args) ?? (args.inputs as Props),
  };
  await pulumi.runtime.setMocks(mocks, project, opts.stack ?? 'stack', opts.preview ?? false);
  pulumi.runtime.setAllConfig(config, secretKeys);

  const resources: RecordedResource[] = [];
  const monitor = settings.getMonitor() as unknown as Record<string, Unary>;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const rec = record(req as unknown as resproto.RegisterResourceRequest);
    resources.push(rec);
    register(req, (err, res) => {
      if (!err) {
        const r = res as unknown as resproto.RegisterResourceResponse;
        rec.urn = r.getUrn();
        rec.id = r.getId();
      }
      cb(err, res);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const r = req as unknown as resproto.RegisterResourceOutputsRequest;
    const rec = resources.find((x) => x.urn === r.getUrn());
    if (rec) rec.outputs = (r.getOutputs()?.toJavaScript() ?? {}) as Props;
    registerOutputs(req, cb);
  };

  return {
    resources,
    get(name, type) {
      const found = resources.filter((r) => r.name === name && (type === undefined || r.type === type));
      if (found.length !== 1) {
        throw new Error(`expected one resource named ${name}${type ? ` of type ${type}` : ''}, found ${found.length}`);
      }
      return found[0];
    },
    ofType: (type) => resources.filter((r) => r.type === type),
    settled: () => (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs(), // internal in 3.248
  };
}

function record(req: resproto.RegisterResourceRequest): RecordedResource {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps, key) => {
    propertyDependencies[key] = deps.getUrnsList();
  });
  const t = req.getCustomtimeouts();
  return {
    type: req.getType(),
    name: req.getName(),
    urn: '',
    id: '',
    custom: req.getCustom(),
    inputs: (req.getObject()?.toJavaScript() ?? {}) as Props,
    parent: req.getParent(),
    dependencies: req.getDependenciesList(),
    propertyDependencies,
    provider: req.getProvider(),
    protect: req.getProtect() ?? false,
    deleteBeforeReplace: req.getDeletebeforereplace(),
    ignoreChanges: req.getIgnorechangesList(),
    replaceOnChanges: req.getReplaceonchangesList(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    retainOnDelete: req.getRetainondelete() ?? false,
    deletedWith: req.getDeletedwith(),
    ...(t ? { customTimeouts: { create: t.getCreate(), update: t.getUpdate(), delete: t.getDelete() } } : {}),
    aliases: req.getAliasesList().map((a): AliasRecord => {
      const spec = a.getSpec();
      if (!spec) return { urn: a.getUrn() };
      return { name: spec.getName() || undefined, type: spec.getType() || undefined, parentUrn: spec.getParenturn() || undefined, noParent: spec.getNoparent() || undefined };
    }),
  };
}

/**
 * Resolves an Output to its value and its known/secret flags, without `apply` (which skips unknown values).
 * Reads the SDK's internal promises, present in 3.248 (`Output.promise()`, `isKnown`, `isSecret`).
 */
export async function resolveOutput<T>(o: pulumi.Output<T>): Promise<ResolvedOutput<T>> {
  const internal = o as unknown as { promise(): Promise<T>; isKnown: Promise<boolean>; isSecret: Promise<boolean> };
  const [value, known, secret] = await Promise.all([internal.promise(), internal.isKnown, internal.isSecret]);
  return { value: known ? value : undefined, known, secret };
}
