/**
 * One thin wrapper over `@kubernetes/client-node`: connect from a kubeconfig, server-side apply, get, list and
 * the REST paths watches need. Every call retries through overload and connection failures (retry.ts) and fails
 * with one `StarRocksDrError` that names the object.
 */
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
  type V1APIResource,
} from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { StarRocksDrError } from '../errors';
import { statusCodeOf } from './errors';
import { withRetry, type RetryPolicy } from './retry';
import { REAL_TIMERS, type Timers } from './timers';

export interface ConnectOptions {
  /** Path of a kubeconfig file. @default - $KUBECONFIG, then ~/.kube/config, then in-cluster */
  readonly kubeconfig?: string;
  /** Context to use. @default - the kubeconfig's current context */
  readonly context?: string;
  /** An already loaded KubeConfig (tests, the simulator); wins over `kubeconfig`. */
  readonly kubeConfig?: KubeConfig;
  readonly retry?: RetryPolicy;
  /** The clock every wait, retry and deadline of this client runs on (tests inject one). @default the wall clock */
  readonly timers?: Timers;
}

/**
 * How a route reaches a cluster. Users get `KubeClient.connect`; a test passes one that puts the client on the
 * simulator's clock and tracked transport (sim/README.md), through the route's own options (the CLI's `main(argv,
 * { connect })`, the Pulumi provider's operations), never through a process-wide registry.
 */
export type Connect = (opts: ConnectOptions) => KubeClient;

/** Bounds of one call, on top of the client's retry policy (e.g. a lease renewal must end within its deadline). */
export interface CallOptions {
  /** Stop retrying after this long. @default the client's retry policy */
  readonly deadlineMs?: number;
  /** Stop retrying once aborted. */
  readonly signal?: AbortSignal;
}

/** A Kubernetes object as this module passes it around. */
export type KObject = KubernetesObject & { [key: string]: unknown };

/** The kinds this product reads and writes, and where they live in the REST API. */
const RESOURCES: Record<string, { readonly apiVersion: string; readonly plural: string }> = {
  ConfigMap: { apiVersion: 'v1', plural: 'configmaps' },
  Secret: { apiVersion: 'v1', plural: 'secrets' },
  Service: { apiVersion: 'v1', plural: 'services' },
  Pod: { apiVersion: 'v1', plural: 'pods' },
  PersistentVolumeClaim: { apiVersion: 'v1', plural: 'persistentvolumeclaims' },
  StatefulSet: { apiVersion: 'apps/v1', plural: 'statefulsets' },
  Lease: { apiVersion: 'coordination.k8s.io/v1', plural: 'leases' },
  Event: { apiVersion: 'v1', plural: 'events' },
};

export type KnownKind = keyof typeof RESOURCES;

/**
 * client-node's object API, told where the kinds above live: it asks the server's discovery (`GET /api/v1`,
 * `/apis/apps/v1`, `/apis/coordination.k8s.io/v1`) for each group version it meets (client-node 1.4
 * dist/object.js `resource`), three requests per client for plurals that are fixed by the Kubernetes API. Every
 * kind above is namespaced; any other kind still goes through discovery.
 */
class KnownKindsObjectApi extends KubernetesObjectApi {
  static forConfig(kubeConfig: KubeConfig): KnownKindsObjectApi {
    const api = kubeConfig.makeApiClient(KnownKindsObjectApi);
    api.setDefaultNamespace(kubeConfig);
    return api;
  }

  protected override async resource(apiVersion: string, kind: string, options?: Parameters<KubernetesObjectApi['resource']>[2]): Promise<V1APIResource | undefined> {
    const known = Object.hasOwn(RESOURCES, kind) ? RESOURCES[kind] : undefined;
    if (known?.apiVersion === apiVersion) return { kind, name: known.plural, namespaced: true, singularName: '', verbs: [] };
    return super.resource(apiVersion, kind, options);
  }
}

/**
 * Where the kubeconfig comes from, as kubectl looks (--kubeconfig, then $KUBECONFIG, then ~/.kube/config, then
 * in-cluster), or the error when there is none: without this check client-node falls back to http://localhost:8080
 * and the user waits through retries for a message about TLS.
 */
export function kubeconfigSource(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, exists: (f: string) => boolean = existsSync): { readonly from: string; readonly files?: readonly string[] } {
  if (flag) return { from: `--kubeconfig ${flag}`, files: [flag] };
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (listed.length > 0) {
    if (!listed.some(exists)) {
      throw new StarRocksDrError('InvalidInput', `$KUBECONFIG names ${listed.join(delimiter)}, which does not exist`, {
        field: '$KUBECONFIG',
        fix: 'point $KUBECONFIG at your kubeconfig file (or unset it to use ~/.kube/config), or pass --kubeconfig FILE',
      });
    }
    return { from: `$KUBECONFIG ${listed.join(delimiter)}` };
  }
  const home = join(env.HOME || homedir(), '.kube', 'config');
  if (exists(home)) return { from: home };
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) return { from: 'the in-cluster service account' };
  throw new StarRocksDrError('InvalidInput', 'no kubeconfig found (looked at --kubeconfig, $KUBECONFIG, ~/.kube/config)', {
    field: '--kubeconfig',
    fix: 'pass --kubeconfig FILE or set $KUBECONFIG to the kubeconfig of the target cluster (your cloud CLI writes one, e.g. `aws eks update-kubeconfig`, `gcloud container clusters get-credentials`)',
  });
}

export function loadKubeConfig(opts: ConnectOptions): KubeConfig {
  if (opts.kubeConfig) return opts.kubeConfig;
  const kc = new KubeConfig();
  const source = kubeconfigSource(opts.kubeconfig);
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new StarRocksDrError('InvalidInput', `cannot read the kubeconfig (${source.from}): ${(err as Error).message}`, {
      field: opts.kubeconfig ? '--kubeconfig' : source.from.startsWith('$KUBECONFIG') ? '$KUBECONFIG' : '~/.kube/config',
      fix: 'pass --kubeconfig with a readable kubeconfig file',
    });
  }
  if (opts.context) {
    if (!kc.getContexts().some((c) => c.name === opts.context)) {
      throw new StarRocksDrError('InvalidInput', `kubeconfig has no context named ${opts.context}`, {
        field: '--context',
        fix: `use one of: ${kc.getContexts().map((c) => c.name).join(', ') || '(none)'}`,
      });
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new StarRocksDrError('InvalidInput', 'the kubeconfig has no current cluster', {
      field: '--kubeconfig',
      fix: 'pass --kubeconfig and --context that point at the target cluster',
    });
  }
  return kc;
}

export class KubeClient {
  static connect(opts: ConnectOptions = {}): KubeClient {
    const kubeConfig = loadKubeConfig(opts);
    return new KubeClient(kubeConfig, opts.retry ?? {}, opts.timers ?? REAL_TIMERS);
  }

  readonly server: string;
  private readonly objects: KubernetesObjectApi;

  private constructor(
    readonly kubeConfig: KubeConfig,
    readonly retryPolicy: RetryPolicy,
    readonly timers: Timers,
  ) {
    this.server = kubeConfig.getCurrentCluster()!.server;
    this.objects = KnownKindsObjectApi.forConfig(kubeConfig);
  }

  /** Server-side apply `obj` as `fieldManager`. `force` takes over fields another manager owns. */
  async apply(obj: KObject, fieldManager: string, force = true): Promise<KObject> {
    return this.call(`${obj.kind}/${obj.metadata?.name}`, () =>
      this.objects.patch(obj, undefined, undefined, fieldManager, force, PatchStrategy.ServerSideApply),
    ) as Promise<KObject>;
  }

  /** Create `obj`; a 409 (it exists already) is an error `isConflict` recognises. */
  async create(obj: KObject, fieldManager: string, opts?: CallOptions): Promise<KObject> {
    return this.call(`${obj.kind}/${obj.metadata?.name}`, () => this.objects.create(obj, undefined, undefined, fieldManager), opts) as Promise<KObject>;
  }

  /**
   * Replace `obj` (PUT). With `metadata.resourceVersion` set this is a compare-and-swap: the API server answers 409
   * Conflict when the object changed since that version (`isConflict`), so a stale writer never overwrites.
   */
  async replace(obj: KObject, fieldManager: string, opts?: CallOptions): Promise<KObject> {
    return this.call(`${obj.kind}/${obj.metadata?.name}`, () => this.objects.replace(obj, undefined, undefined, fieldManager), opts) as Promise<KObject>;
  }

  /** The object, or undefined when it does not exist. */
  async get(kind: KnownKind, namespace: string, name: string, opts?: CallOptions): Promise<KObject | undefined> {
    const { apiVersion } = RESOURCES[kind];
    try {
      return (await this.call(`${kind}/${name}`, () =>
        this.objects.read({ apiVersion, kind, metadata: { name, namespace } }),
      opts)) as KObject;
    } catch (err) {
      if (err instanceof StarRocksDrError && statusCodeOf(err.cause) === 404) return undefined;
      throw err;
    }
  }

  async list(kind: KnownKind, namespace: string, labelSelector?: string, fieldSelector?: string): Promise<{ items: KObject[]; resourceVersion: string }> {
    const { apiVersion } = RESOURCES[kind];
    const list = await this.call(`${kind} list in ${namespace}`, () =>
      this.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, fieldSelector, labelSelector),
    );
    return { items: list.items as KObject[], resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  /** Delete one object that this product owns (never used on PVCs). Missing is fine. */
  async delete(kind: Exclude<KnownKind, 'PersistentVolumeClaim'>, namespace: string, name: string): Promise<void> {
    const { apiVersion } = RESOURCES[kind];
    try {
      await this.call(`${kind}/${name}`, () => this.objects.delete({ apiVersion, kind, metadata: { name, namespace } }));
    } catch (err) {
      if (err instanceof StarRocksDrError && statusCodeOf(err.cause) === 404) return;
      throw err;
    }
  }

  /** REST collection path, for watches. */
  static collectionPath(kind: KnownKind, namespace: string): string {
    const { apiVersion, plural } = RESOURCES[kind];
    const prefix = apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`;
    return `${prefix}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
  }

  private call<T>(what: string, fn: () => Promise<T>, opts?: CallOptions): Promise<T> {
    const policy = opts?.deadlineMs === undefined ? this.retryPolicy : { ...this.retryPolicy, deadlineMs: opts.deadlineMs };
    return withRetry(fn, { server: this.server, what }, policy, opts?.signal, this.timers);
  }
}
