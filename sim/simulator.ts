/**
 * The simulator: store + registry + HTTP API + controllers + pod runtime, assembled and started.
 */
import { randomUUID } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { Clock, rfc3339 } from './clock';
import { ClientBook, schedulerTimers } from './client-time';
import type { Timers } from '../lib/kube/timers';
import { KubeClient, loadKubeConfig, type Connect } from '../lib/kube/client';
import { EndpointsController } from './controllers/endpoints';
import { PvcBinder } from './controllers/pvc-binder';
import { StatefulSetController } from './controllers/statefulset';
import { Faults, type FailNextOptions, type RequestMatch, type StallOptions } from './faults';
import { createRouter } from './http/router';
import { HttpServer } from './http/server';
import { StarRocksDrError } from '../lib/errors';
import { clone } from './json';
import { kubeConfigYaml } from './kubeconfig';
import { PodFault, PodRuntime } from './pods/pod-runtime';
import { Registry } from './registry';
import { RealScheduler, VirtualScheduler } from './scheduler';
import { apiVersionOf, resourceType, ResourceType } from './resources';
import { Store } from './store';
import { portForwardHandler } from './http/port-forward';
import { StarRocksWorld, type StarRocksSimOptions } from './starrocks/world';
import { WatchHub } from './watch';

export interface SimulatorOptions {
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Multiplies every simulated duration (probe periods, startup, restore, backoff); 0.01 runs 100x faster. @default 1 */
  readonly timeScale?: number;
  /** How long a FE started with RESTORE_CLUSTER_SNAPSHOT=true restores before it opens its query port. @default 10 */
  readonly feRestoreSeconds?: number;
  /** How long a FE takes to answer /api/health after its container starts. @default 5 */
  readonly feStartupSeconds?: number;
  /** How long a CN/BE takes to answer /api/health after its container starts. @default 5 */
  readonly backendStartupSeconds?: number;
  /** How long a pod takes to terminate after deletion (capped by its grace period). @default 1 */
  readonly podTerminationSeconds?: number;
  /** Events kept for watches to resume from; older resourceVersions get 410 Expired. @default 5000 */
  readonly watchHistorySize?: number;
  /** Interval of BOOKMARK events on watches that allow them (real time, not scaled). @default 5000 */
  readonly bookmarkIntervalMs?: number;
  /** Clock for timestamps (creationTimestamp, conditions, managedFields). @default Date.now, or the virtual clock */
  readonly now?: () => number;
  /**
   * Runs the kubelet (container starts, probes, restarts, back-offs, termination) on virtual time: `true` moves the
   * clock on its own whenever the simulator and the clients on `sim.timers` are idle (to the next timer due, about
   * one step per real millisecond), `'manual'` only through `time.advance`. `timeScale` is ignored; timestamps
   * follow the virtual clock, and so does `restart`'s down time. API fault latency, watch timeouts and bookmarks stay
   * on real time. @default false
   */
  readonly virtualTime?: boolean | 'manual';
  /** The simulated StarRocks behind the FE/CN/BE pods (its SQL, the restore's effects, snapshots): sim/starrocks. */
  readonly starrocks?: StarRocksSimOptions;
}

export interface Simulator {
  readonly url: string;
  readonly port: number;
  /**
   * A loaded KubeConfig pointing at the simulator (context "starrocks-sim"). `token`: the user's bearer token, which
   * the simulator does not check but `faults.stall` can match, to slow down one client. With `virtualTime`, the
   * clients made from it are tracked (`track`): the virtual clock waits for their requests and watch events.
   */
  kubeConfig(opts?: { token?: string }): KubeConfig;
  /**
   * `kc` with every connection tracked by the virtual clock (sim/client-time.ts): requests until the server read
   * them, bytes until the other end read them. A plain KubeConfig is not waited for. Without `virtualTime`: `kc`.
   */
  track(kc: KubeConfig): KubeConfig;
  /**
   * How the CLI and the Pulumi provider reach this simulator in a test (`main(argv, { connect: sim.connect })`,
   * `runDr(inputs, { connect: sim.connect })`): their own kubeconfig handling, then a tracked KubeConfig and the
   * virtual clock (`timers`).
   */
  readonly connect: Connect;
  kubeConfigYaml(opts?: { token?: string }): string;
  /** Stops the server, controllers and timers; leaves no handles behind. */
  stop(): Promise<void>;
  /** Closes the server and every connection, waits `downMs`, listens again on the same port; objects are kept. */
  restart(opts?: { downMs?: number }): Promise<void>;
  /** Puts objects in the store directly (no validation, no admission); fills uid/timestamps/namespace when missing. */
  seed(objects: object[]): void;
  get(kind: string, namespace: string | undefined, name: string): any | undefined;
  list(kind: string, namespace?: string): any[];
  readonly faults: {
    latency(ms: number): void;
    failNext(n: number, opts: FailNextOptions): void;
    /**
     * The next `n` matching requests are carried out (a write commits) and their connection is then closed before the
     * answer: an API server that died mid-request. The client sees a reset and, if it retries, finds its write done.
     */
    loseResponses(n: number, match?: RequestMatch): void;
    /**
     * Matching requests wait `ms` before the server handles them: on the virtual clock with `virtualTime` (the wait
     * does not hold the clock still; match only requests of in-process clients then), else on the wall clock.
     * The returned function stops stalling new requests.
     */
    stall(ms: number, opts?: StallOptions): () => void;
    /** Failures of `failNext` and `loseResponses` not served yet: a test asserts 0 to show its faults hit. */
    unserved(): number;
    /** Resets every open watch connection now. */
    dropWatches(): void;
    /** Compacts the event history: every resourceVersion before now gets 410 Expired on watch. */
    expireHistory(): void;
    clear(): void;
  };
  readonly pods: {
    inject(podNamePattern: string | RegExp, fault: PodFault): void;
    /** Heals the pods injected with `podNamePattern` (the same string or RegExp source), or all pods. */
    clear(podNamePattern?: string | RegExp): void;
  };
  /** Requests served, keyed `${VERB} ${resource}`, e.g. "PATCH statefulsets", "WATCH pods", "PUT pods/status". */
  requestCounts(): Record<string, number>;
  /** Server-side applies that created their object, by resource: authorized as `create` too by a real API server. */
  createByApplyCounts(): Record<string, number>;
  resetRequestCounts(): void;
  /**
   * The virtual clock as a client's `timers`: the client's waits, retries, lease and deadlines run on virtual time,
   * and the clock waits for the client's work. Every client of this simulator created in this process gets it by
   * default (registered under the simulator's URL); undefined without `virtualTime` (clients use the wall clock).
   */
  readonly timers?: Timers;
  /** The virtual clock, when started with `virtualTime`. */
  readonly time?: {
    /** Simulated milliseconds since the simulator started. */
    now(): number;
    /** Moves the virtual clock forward, running every kubelet pass that falls due, in order. */
    advance(ms: number): void;
  };
  /** Resolves when `predicate` holds, re-checking on every store change; rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs: number): Promise<void>;
  /** The simulated StarRocks: its FEs answer the MySQL protocol on their query port (port-forward reaches it). */
  readonly starrocks: {
    /** The loopback address of a FE pod's query port, for `--fe-address` (refused while the port is closed). */
    address(namespace: string, pod: string): Promise<{ host: string; port: number }>;
  };
}

function kindType(kind: string): ResourceType {
  const rt = resourceType(kind);
  if (!rt) {
    throw new StarRocksDrError('InvalidInput', `the simulator does not serve kind "${kind}"`, {
      field: 'kind',
      fix: 'use one of Namespace, ConfigMap, Secret, Service, Endpoints, PersistentVolumeClaim, Pod, Event, StatefulSet, ControllerRevision',
    });
  }
  return rt;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  // Idle: no request being served, no controller or scheduler work queued (late-bound: controllers start below).
  const busy: (() => boolean)[] = [];
  const clients = new ClientBook();
  const virtual: VirtualScheduler | undefined = opts.virtualTime ? new VirtualScheduler(() => inFlight === 0 && !busy.some((b) => b()) && clients.idle()) : undefined;
  const scheduler = virtual ?? new RealScheduler();
  const epoch = Date.now();
  const timers: Timers | undefined = virtual ? schedulerTimers(virtual, epoch) : undefined;
  const now: Clock = opts.now ?? (virtual ? () => epoch + virtual.now() : Date.now);
  const timeScale: number = virtual ? 1 : opts.timeScale ?? 1;
  let inFlight = 0;
  if (!(timeScale > 0)) {
    throw new StarRocksDrError('InvalidInput', `timeScale must be greater than 0, got ${timeScale}`, { field: 'timeScale', fix: 'pass a positive number such as 1 or 0.01' });
  }
  const store = new Store(opts.watchHistorySize ?? 5000);
  const registry = new Registry(store, now);
  const watches = new WatchHub(store, opts.bookmarkIntervalMs ?? 5000);
  const faults = new Faults();
  let url = '';
  // The router serves pod logs from the runtime, which starts after it: a late-bound reference.
  let runtimeRef: PodRuntime | undefined;
  // A stalled request waits on the clock: while it does, neither its serving nor the client awaiting it is work.
  const heldOff = new WeakMap<object, () => () => void>();
  const stall = async (req: object, ms: number) => {
    const resume = heldOff.get(req)?.();
    try {
      await (timers ? timers.sleep(ms) : new Promise((r) => setTimeout(r, ms)));
    } finally {
      resume?.();
    }
  };
  const router = createRouter({ registry, watches, faults, now, serverAddress: () => url.replace(/^http:\/\//, ''), podLogs: (ns, name, o) => runtimeRef!.logs(ns, name, o), stall });
  // Requests in flight keep virtual time still (a watch is a stream, not a request being served).
  // The FEs' MySQL servers, created after the runtime (below); the port-forward handler dials them late-bound.
  let worldRef: StarRocksWorld | undefined;
  const forward = portForwardHandler({ store, faults, dial: (ns, pod, port) => worldRef!.dial(ns, pod, port) });
  const server = new HttpServer((req, res) => {
    // A tracked client's request: from now on its connection counts by bytes (client-time.ts).
    if (virtual) clients.serverRead(req.headers, req.socket);
    if (/[?&]watch=(true|1)\b|\/watch\//.test(req.url ?? '')) return void router(req, res);
    inFlight++;
    let counted = true;
    let done = false;
    const finish = () => {
      if (!done && counted) inFlight--;
      done = true;
    };
    heldOff.set(req, () => {
      if (done || !counted) return () => undefined;
      inFlight--;
      counted = false;
      return () => {
        if (!done && !counted) inFlight++;
        counted = true;
      };
    });
    res.on('finish', finish);
    res.on('close', finish);
    void router(req, res);
  }, (req, socket, head) => {
    if (virtual) clients.serverRead(req.headers, socket as import('node:net').Socket);
    forward(req, socket, head);
  });

  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    registry.create(kindType('Namespace'), undefined, { metadata: { name: ns } }, { fieldManager: 'kube-apiserver' });
  }

  const runtime = new PodRuntime(registry, now, {
    timeScale,
    feRestoreSeconds: opts.feRestoreSeconds ?? 10,
    feStartupSeconds: opts.feStartupSeconds ?? 5,
    backendStartupSeconds: opts.backendStartupSeconds ?? 5,
    podTerminationSeconds: opts.podTerminationSeconds ?? 1,
    virtual: !!virtual,
  }, scheduler);
  runtimeRef = runtime;
  const world = new StarRocksWorld(
    { registry, scheduler, now, msPerSecond: 1000 * timeScale, feRestoreMs: (opts.feRestoreSeconds ?? 10) * 1000 * timeScale, process: (ns, pod, c) => runtime.process(ns, pod, c), ...(virtual ? { connections: clients } : {}) },
    opts.starrocks,
  );
  worldRef = world;
  busy.push(() => world.busy());
  const controllers = [new StatefulSetController(registry, now), new EndpointsController(registry), new PvcBinder(registry), runtime];
  for (const c of controllers) {
    c.start();
    busy.push(() => c.busy());
  }
  if (opts.virtualTime === true) virtual!.run();

  const port = await server.listen(opts.port ?? 0);
  url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const track = (kc: KubeConfig): KubeConfig => (virtual ? clients.track(kc) : kc);

  const sim: Simulator = {
    url,
    port,
    kubeConfig(o) {
      const kc = new KubeConfig();
      kc.loadFromString(kubeConfigYaml(url, undefined, o?.token));
      return track(kc);
    },
    track,
    connect: (o) => KubeClient.connect({ ...o, kubeConfig: track(loadKubeConfig(o)), ...(timers ? { timers } : {}) }),
    kubeConfigYaml: (o) => kubeConfigYaml(url, undefined, o?.token),
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const c of controllers) c.stop();
      await world.stop();
      scheduler.stop();
      watches.closeAll(false);
      await server.close();
    },
    async restart(o = {}) {
      watches.closeAll(true);
      await server.close();
      if (o.downMs) await (timers ? timers.sleep(o.downMs) : new Promise((r) => setTimeout(r, o.downMs)));
      await server.listen(port);
    },
    seed(objects) {
      for (const raw of objects) {
        const o: any = clone(raw);
        const rt = kindType(String(o.kind));
        o.apiVersion ??= apiVersionOf(rt);
        o.metadata ??= {};
        if (rt.namespaced) o.metadata.namespace ??= 'default';
        o.metadata.uid ??= randomUUID();
        o.metadata.creationTimestamp ??= rfc3339(now());
        if (rt.hasGeneration) o.metadata.generation ??= 1;
        store.put(rt, o);
      }
    },
    get: (kind, namespace, name) => store.get(kindType(kind), namespace, name),
    list: (kind, namespace) => store.list(kindType(kind), namespace),
    faults: {
      latency: (ms) => faults.latency(ms),
      failNext: (n, o) => faults.failNext(n, o),
      loseResponses: (n, m) => faults.loseResponses(n, m),
      stall: (ms, o) => faults.stall(ms, o),
      unserved: () => faults.unserved(),
      dropWatches: () => watches.closeAll(true),
      expireHistory: () => store.compact(),
      clear: () => faults.clear(),
    },
    pods: {
      inject: (pattern, fault) => runtime.inject(pattern, fault),
      clear: (pattern) => runtime.clearFaults(pattern),
    },
    starrocks: { address: (ns, pod) => world.address(ns, pod) },
    timers,
    time: virtual ? { now: () => virtual.now(), advance: (ms) => virtual.advance(ms) } : undefined,
    requestCounts: () => faults.requestCounts(),
    createByApplyCounts: () => faults.createByApplyCounts(),
    resetRequestCounts: () => faults.resetRequestCounts(),
    waitFor(predicate, timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        if (predicate()) return resolve();
        let unsubscribe = () => {};
        const timer = setTimeout(() => {
          unsubscribe();
          reject(new StarRocksDrError('Timeout', `simulator condition not met within ${timeoutMs} ms`, { field: 'waitFor', fix: 'raise the timeout or check the condition' }));
        }, timeoutMs);
        unsubscribe = store.subscribe(() => {
          let ok = false;
          try {
            ok = predicate();
          } catch (e) {
            clearTimeout(timer);
            unsubscribe();
            reject(e);
            return;
          }
          if (ok) {
            clearTimeout(timer);
            unsubscribe();
            resolve();
          }
        });
      });
    },
  };
  return sim;
}
