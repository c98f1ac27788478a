/**
 * The simulated StarRocks behind the pods: per cluster (the FE StatefulSet `<cluster>-fe` of a namespace) the
 * metadata its FEs share, driven by what the pod runtime runs, and a MySQL-protocol server (mysql2's server side) for
 * each FE process, reached through port-forward (sim/http/port-forward.ts) or directly (`address`).
 *
 * What follows the pods, evaluated whenever the cluster is asked (so it is a function of the clock):
 * - the first FE that opens its query port without `RESTORE_CLUSTER_SNAPSHOT` creates the cluster (meta.ts
 *   `freshMeta`); later FEs join as followers;
 * - an FE started with `RESTORE_CLUSTER_SNAPSHOT=true` (any case, as RestoreClusterSnapshotMgr.init reads it) loads
 *   the image of the snapshot its cluster_snapshot.yaml names when its query port opens (the image this simulator
 *   wrote, else meta.ts `imageOf`) and becomes the leader; `restoreFinishSeconds` later its restore finishes
 *   (`finishRestoring`: frontends, compute nodes, storage volumes from the file, each skipped when its list is empty)
 *   and the checkpoint scheduler's first run sets the restored snapshot's job FINISHED
 *   (`ClusterSnapshotMgr.resetSnapshotJobsStateAfterRestarted`). Between the two the FE is Ready but not restored.
 * - CN and BE pods register as their container starts (the image's entrypoint runs `ALTER SYSTEM ADD COMPUTE NODE`)
 *   and are alive while their heartbeat port listens; entries of pods that are gone stay, not alive.
 * - `ADMIN SET AUTOMATED CLUSTER SNAPSHOT ON` starts snapshot jobs (first one second later, then every
 *   `automated_cluster_snapshot_interval_seconds`), each writing its folder into the volume's S3 store and expiring
 *   and deleting the previous one (`clearFinishedAutomatedClusterSnapshot`).
 */
import { createHash } from 'node:crypto';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { parseConf } from '../../lib/model/conf';
import type { Clock } from '../clock';
import type { RunningProcess } from '../pods/pod-runtime';
import type { Registry } from '../registry';
import { resourceType } from '../resources';
import type { Scheduler } from '../scheduler';
import type { Catalog } from './catalog';
import { execute, type EngineContext, type Liveness } from './engine';
import { cloneMeta, freshMeta, frontendName, imageOf, parseSnapshotFile, type ImageOptions, type Meta, type NodeEntry, type SnapshotJob } from './meta';
import { deleteSnapshot, snapshotFiles, uploadSnapshot } from './object-store';

export interface StarRocksSimOptions {
  /** How long after a restoring FE opens its query port its restore finishes. @default 5 (simulated seconds) */
  readonly restoreFinishSeconds?: number;
  /** How long a snapshot job takes from INITIALIZING to its upload. @default 2 */
  readonly snapshotJobSeconds?: number;
  /** What a snapshot this simulator did not write held. */
  readonly image?: ImageOptions;
  /** root's password in a cluster that was never restored. @default '' */
  readonly rootPassword?: string;
  /** The data of a cluster that was never restored. @default the reference document's table */
  readonly catalog?: Catalog;
}

export interface WorldDeps {
  readonly registry: Registry;
  readonly scheduler: Scheduler;
  readonly now: Clock;
  /** Real ms per simulated second (timeScale applied). */
  readonly msPerSecond: number;
  /** How long a restoring FE restores before it opens its query port (ms, scaled). */
  readonly feRestoreMs: number;
  process(ns: string, pod: string, container: string): RunningProcess | undefined;
  /**
   * The virtual clock's account of connections inside the simulator (client-time.ts): a dial is work until both
   * ends are known, then the two ends are compared by bytes. @default - none (real time)
   */
  readonly connections?: { dial(): () => void; link(a: Socket, b: Socket): void };
}

const POD = resourceType('Pod')!;
const CONFIG_MAP = resourceType('ConfigMap')!;
const SECRET = resourceType('Secret')!;
const OWNER = 'app.starrocks.ownerreference/name';
const COMPONENT = 'app.kubernetes.io/component';

interface ClusterState {
  meta?: Meta;
  /** The FE incarnation whose restore loaded `meta`: a restart with the same env does not restore twice. */
  restoredBy?: string;
  finish?: { at: number; file: ReturnType<typeof parseSnapshotFile>; restored: string };
  snapshotTimer?: () => void;
}

interface FeServer {
  readonly processId: string;
  /** mysql2's server (a net.Server inside: `_server`, which its typings do not show). */
  readonly server: { close(cb: () => void): void };
  readonly port: number;
  readonly sockets: Set<Socket>;
}

const sha1 = (...parts: Buffer[]) => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** mysql_native_password: the client sends SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))); an empty password, nothing. */
function passwordMatches(password: string, scramble: Buffer, token: Buffer): boolean {
  if (password === '') return token.length === 0;
  if (token.length !== 20) return false;
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  const expected = sha1(scramble, sha1(stage1));
  for (let i = 0; i < 20; i++) expected[i] ^= stage1[i];
  return expected.equals(token);
}

function portOf(container: any, name: string, dflt: number): number {
  const p = (container?.ports ?? []).find((x: any) => x.name === name);
  return typeof p?.containerPort === 'number' ? p.containerPort : dflt;
}

const ordinal = (name: string) => Number(/-(\d+)$/.exec(name)?.[1] ?? 0);

export class StarRocksWorld {
  private readonly clusters = new Map<string, ClusterState>();
  /** Images of the snapshots this simulator wrote, by path. */
  private readonly images = new Map<string, Meta>();
  private readonly servers = new Map<string, FeServer>();
  private pendingWrites = 0;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly deps: WorldDeps,
    private readonly opts: StarRocksSimOptions = {},
  ) {
    // Every pod change of a cluster (a container started, a pod Ready) is a moment the cluster may have changed: a
    // restoring FE must be seen while it runs, not only when someone asks later.
    this.unsubscribe = deps.registry.store.subscribe((e) => {
      if (e.rt !== POD || e.type === 'DELETED') return;
      const owner: string | undefined = e.object.metadata?.labels?.[OWNER];
      const m = owner && /^(.*)-(fe|cn|be)$/.exec(owner);
      if (m && !this.stopped) this.sync(e.object.metadata.namespace, m[1]);
    });
  }

  /** S3 writes in flight: work that must finish before virtual time moves. */
  busy(): boolean {
    return this.pendingWrites > 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    for (const c of this.clusters.values()) c.snapshotTimer?.();
    await Promise.all([...this.servers.values()].map((s) => this.closeServer(s)));
    this.servers.clear();
  }

  private get store() {
    return this.deps.registry.store;
  }

  private seconds(s: number): number {
    return s * this.deps.msPerSecond;
  }

  private unixNow(): number {
    return this.deps.now();
  }

  // --- pods ------------------------------------------------------------------------------------------------------

  private podsOf(ns: string, owner: string): any[] {
    return this.store.list(POD, ns).filter((p: any) => p.metadata?.labels?.[OWNER] === owner && !p.metadata.deletionTimestamp);
  }

  private static host(pod: any): string {
    const name = pod.spec?.hostname ?? pod.metadata.name;
    return pod.spec?.subdomain ? `${name}.${pod.spec.subdomain}.${pod.metadata.namespace}.svc.cluster.local` : name;
  }

  /** A file the pod mounts, by key, from a ConfigMap or Secret volume. */
  private mountedFile(pod: any, key: string): string | undefined {
    for (const v of pod.spec?.volumes ?? []) {
      if (v.configMap) {
        const cm = this.store.get(CONFIG_MAP, pod.metadata.namespace, v.configMap.name);
        if (cm?.data?.[key] !== undefined) return cm.data[key];
      } else if (v.secret) {
        const s = this.store.get(SECRET, pod.metadata.namespace, v.secret.secretName);
        if (s?.data?.[key] !== undefined) return Buffer.from(s.data[key], 'base64').toString('utf8');
        if (s?.stringData?.[key] !== undefined) return s.stringData[key];
      }
    }
    return undefined;
  }

  private clusterOf(pod: any): { key: string; ns: string; name: string } | undefined {
    const owner: string | undefined = pod.metadata?.labels?.[OWNER];
    if (pod.metadata?.labels?.[COMPONENT] !== 'fe' || !owner?.endsWith('-fe')) return undefined;
    const name = owner.slice(0, -3);
    return { key: `${pod.metadata.namespace}/${name}`, ns: pod.metadata.namespace, name };
  }

  private state(key: string): ClusterState {
    let s = this.clusters.get(key);
    if (!s) this.clusters.set(key, (s = {}));
    return s;
  }

  private fePorts(pod: any) {
    const c = (pod.spec?.containers ?? []).find((x: any) => x.name === 'fe');
    return { query: portOf(c, 'query-port', 9030), http: portOf(c, 'http-port', 8030), rpc: portOf(c, 'rpc-port', 9020), editLog: portOf(c, 'edit-log-port', 9010) };
  }

  // --- the cluster, as of now -------------------------------------------------------------------------------------

  /** Brings the cluster's metadata up to the clock: FEs, the restore, CN/BE registration. */
  private sync(ns: string, cluster: string): ClusterState {
    const state = this.state(`${ns}/${cluster}`);
    const now = this.deps.scheduler.now();
    const fes = this.podsOf(ns, `${cluster}-fe`).sort((a, b) => ordinal(a.metadata.name) - ordinal(b.metadata.name));
    for (const pod of fes) {
      const proc = this.deps.process(ns, pod.metadata.name, 'fe');
      const ports = this.fePorts(pod);
      if (!proc || !proc.listening(ports.query)) continue;
      const host = StarRocksWorld.host(pod);
      const restoring = String(proc.env.RESTORE_CLUSTER_SNAPSHOT ?? '').toLowerCase() === 'true';
      if (restoring && state.restoredBy !== proc.id) this.restore(state, pod, proc, host, ns, cluster);
      else if (!state.meta) state.meta = freshMeta({ host, editLogPort: ports.editLog }, this.mountedFile(pod, 'fe.conf'), this.unixNow(), this.opts);
      const meta = state.meta!;
      if (!meta.frontends.some((f) => f.host === host)) meta.frontends.push({ host, editLogPort: ports.editLog, role: 'FOLLOWER', name: frontendName(host, ports.editLog, this.unixNow()) });
    }
    if (state.finish && now >= state.finish.at) this.finishRestoring(state);
    const meta = state.meta;
    if (meta) {
      for (const [kind, list] of [['cn', meta.computeNodes], ['be', meta.backends]] as const) {
        for (const pod of this.podsOf(ns, `${cluster}-${kind}`)) {
          if (!this.deps.process(ns, pod.metadata.name, kind)) continue;
          const host = StarRocksWorld.host(pod);
          const c = (pod.spec?.containers ?? []).find((x: any) => x.name === kind);
          if (!list.some((n) => n.host === host)) list.push({ id: meta.nextId++, host, heartbeatPort: portOf(c, 'heartbeat-port', 9050) });
        }
      }
      this.ensureSnapshotTimer(ns, cluster, state);
    }
    return state;
  }

  private restore(state: ClusterState, pod: any, proc: RunningProcess, host: string, ns: string, cluster: string): void {
    const text = this.mountedFile(pod, 'cluster_snapshot.yaml');
    const file = text === undefined ? undefined : parseSnapshotFile(text);
    const names = { fe: (i: number) => `${cluster}-fe-${i}.${cluster}-fe-search.${ns}.svc.cluster.local`, cn: (i: number) => `${cluster}-cn-${i}.${cluster}-cn-search.${ns}.svc.cluster.local` };
    const saved = file && this.images.get(file.path.replace(/\/+$/, ''));
    const meta = saved ? cloneMeta(saved) : file ? imageOf(file, names, this.unixNow(), this.opts.image ?? {}) : freshMeta({ host, editLogPort: this.fePorts(pod).editLog }, this.mountedFile(pod, 'fe.conf'), this.unixNow(), this.opts);
    // bdbje_reset_election_group: the restoring FE is the only electable node, so it leads.
    meta.leaderHost = host;
    state.snapshotTimer?.();
    state.snapshotTimer = undefined;
    state.meta = meta;
    state.restoredBy = proc.id;
    const openedAt = proc.startedAt + this.deps.feRestoreMs;
    state.finish = { at: openedAt + this.seconds(this.opts.restoreFinishSeconds ?? 5), file, restored: file?.path.replace(/\/+$/, '').split('/').pop() ?? '' };
  }

  /** RestoreClusterSnapshotMgr.finishRestoring, then the checkpoint scheduler's first run. */
  private finishRestoring(state: ClusterState): void {
    const { file, restored } = state.finish!;
    state.finish = undefined;
    const meta = state.meta!;
    if (file?.frontends) {
      meta.frontends = meta.frontends.filter((f) => f.host === meta.leaderHost);
      for (const f of file.frontends) meta.frontends.push({ host: f.host, editLogPort: f.editLogPort, role: f.follower ? 'FOLLOWER' : 'OBSERVER', name: frontendName(f.host, f.editLogPort, this.unixNow()) });
    }
    if (file?.computeNodes) {
      meta.backends = [];
      meta.computeNodes = file.computeNodes.map((c) => ({ id: meta.nextId++, host: c.host, heartbeatPort: c.heartbeatPort }));
    }
    for (const v of file?.storageVolumes ?? []) meta.volumes.set(v.name, v);
    // ClusterSnapshotMgr.setJobFinishedIfRestoredFromIt, abortUnfinishedClusterSnapshotJob, clearFinished...ExceptLast.
    const job = meta.jobs.find((j) => j.name === restored);
    if (job?.state === 'INITIALIZING') {
      job.state = 'FINISHED';
      job.finishedMs = this.unixNow();
      job.detail = 'Finished time was reset after cluster restored';
    }
    const last = meta.jobs[meta.jobs.length - 1];
    if (last && ['INITIALIZING', 'SNAPSHOTING', 'UPLOADING'].includes(last.state)) {
      last.state = 'ERROR';
      last.error = 'Snapshot job has been failed because of FE restart or leader change';
    }
    const lastFinished = [...meta.jobs].reverse().find((j) => j.state === 'FINISHED');
    if (lastFinished) this.clearFinished(meta, lastFinished.name);
  }

  // --- liveness ---------------------------------------------------------------------------------------------------

  private liveness(ns: string, host: string, container: string, port: (pod: any) => number): Liveness {
    const pod = this.store.list(POD, ns).find((p: any) => !p.metadata.deletionTimestamp && StarRocksWorld.host(p) === host);
    if (!pod) return { alive: false, errMsg: `java.net.UnknownHostException: ${host}: Name or service not known` };
    const proc = this.deps.process(ns, pod.metadata.name, container);
    if (!proc || !proc.listening(port(pod))) return { alive: false, errMsg: 'java.net.ConnectException: Connection refused' };
    return { alive: true, errMsg: '', lastStartMs: this.unixNow() - (this.deps.scheduler.now() - proc.startedAt) };
  }

  private context(ns: string, cluster: string, pod: any, proc: RunningProcess, session: { database?: string }): EngineContext {
    const state = this.state(`${ns}/${cluster}`);
    const meta = state.meta!;
    const ports = this.fePorts(pod);
    const confText = this.mountedFile(pod, 'fe.conf');
    return {
      meta,
      self: { host: StarRocksWorld.host(pod), httpPort: ports.http, queryPort: ports.query, rpcPort: ports.rpc, startMs: this.unixNow() - (this.deps.scheduler.now() - proc.startedAt) },
      nowMs: this.unixNow(),
      frontend: (host) => this.liveness(ns, host, 'fe', (p) => this.fePorts(p).editLog),
      node: (kind: 'cn' | 'be', n: NodeEntry) => this.liveness(ns, n.host, kind, () => n.heartbeatPort),
      config: (key) => meta.config.get(key) ?? parseConf(confText).get(key) ?? (key === 'automated_cluster_snapshot_interval_seconds' ? '600' : undefined),
      setConfig: (key, value) => void meta.config.set(key, value),
      snapshotsOn: (volume) => {
        meta.automatedSnapshotVolume = volume;
        state.snapshotTimer?.();
        state.snapshotTimer = this.deps.scheduler.after(this.seconds(1), () => this.runJob(ns, cluster));
      },
      snapshotsOff: () => {
        state.snapshotTimer?.();
        state.snapshotTimer = undefined;
        this.clearFinished(meta, undefined);
        meta.automatedSnapshotVolume = undefined;
      },
      get database() {
        return session.database;
      },
      set database(db) {
        session.database = db;
      },
    };
  }

  // --- automated snapshots -----------------------------------------------------------------------------------------

  private intervalMs(ns: string, cluster: string, meta: Meta): number {
    const fe = this.podsOf(ns, `${cluster}-fe`)[0];
    const v = meta.config.get('automated_cluster_snapshot_interval_seconds') ?? parseConf(fe ? this.mountedFile(fe, 'fe.conf') : undefined).get('automated_cluster_snapshot_interval_seconds');
    const seconds = Number(v ?? 600);
    return this.seconds(Number.isFinite(seconds) && seconds > 0 ? seconds : 600);
  }

  /** A cluster whose snapshots are on (restored with them on) has its next job scheduled. */
  private ensureSnapshotTimer(ns: string, cluster: string, state: ClusterState): void {
    if (this.stopped || state.snapshotTimer || !state.meta?.automatedSnapshotVolume || state.finish) return;
    state.snapshotTimer = this.deps.scheduler.after(this.intervalMs(ns, cluster, state.meta), () => this.runJob(ns, cluster));
  }

  private runJob(ns: string, cluster: string): void {
    const state = this.state(`${ns}/${cluster}`);
    const meta = state.meta;
    state.snapshotTimer = undefined;
    if (this.stopped || !meta?.automatedSnapshotVolume) return;
    const created = this.unixNow();
    const job: SnapshotJob = { id: meta.nextId++, name: `automated_cluster_snapshot_${created}`, storageVolume: meta.automatedSnapshotVolume, createdMs: created, finishedMs: -1, state: 'INITIALIZING', detail: '', error: '', feJournalId: 0, starMgrJournalId: 0 };
    meta.jobs.push(job);
    if (meta.jobs.length > 100) meta.jobs.splice(0, meta.jobs.length - 100);
    state.snapshotTimer = this.deps.scheduler.after(this.intervalMs(ns, cluster, meta), () => this.runJob(ns, cluster));
    this.deps.scheduler.after(this.seconds(this.opts.snapshotJobSeconds ?? 2), () => {
      if (this.stopped || state.meta !== meta) return;
      meta.journalId += 10;
      job.feJournalId = meta.journalId;
      job.starMgrJournalId = Math.floor(meta.journalId / 14);
      // The image is the metadata at the checkpoint, with this job still INITIALIZING in it.
      const image = cloneMeta(meta);
      job.state = 'UPLOADING';
      const volume = meta.volumes.get(job.storageVolume);
      const path = volume ? `${volume.location.replace(/\/+$/, '')}/${meta.clusterUuid}/meta/image/${job.name}` : '';
      this.write(async () => {
        if (!volume) throw new Error(`Unknown storage volume: ${job.storageVolume}`);
        await uploadSnapshot(volume, meta.clusterUuid, job.name, snapshotFiles(job.feJournalId, job.starMgrJournalId, meta.clusterId));
      }).then(
        () => {
          job.state = 'FINISHED';
          job.finishedMs = this.unixNow();
          this.images.set(path, image);
          this.clearFinished(meta, job.name);
        },
        (err: Error) => {
          job.state = 'ERROR';
          job.error = `upload image failed, err msg: ${err.message}`;
        },
      );
    });
  }

  /** ClusterSnapshotMgr.clearFinishedAutomatedClusterSnapshot: FINISHED -> EXPIRED, deleted from the store -> DELETED. */
  private clearFinished(meta: Meta, keep: string | undefined): void {
    for (const job of meta.jobs) {
      if (job.name === keep || !['FINISHED', 'EXPIRED', 'ERROR'].includes(job.state)) continue;
      if (job.state === 'FINISHED') job.state = 'EXPIRED';
      const volume = meta.volumes.get(job.storageVolume);
      const expired = job.state === 'EXPIRED';
      if (!volume) continue;
      void this.write(() => deleteSnapshot(volume, meta.clusterUuid, job.name, snapshotFiles(job.feJournalId, job.starMgrJournalId, meta.clusterId))).then(
        () => {
          if (expired && job.state === 'EXPIRED') job.state = 'DELETED';
        },
        () => undefined,
      );
    }
  }

  private write(work: () => Promise<void>): Promise<void> {
    this.pendingWrites++;
    return work().finally(() => this.pendingWrites--);
  }

  // --- the MySQL servers -------------------------------------------------------------------------------------------

  /**
   * Connects to `port` of a pod as the kubelet's port-forward does. Only an FE's query port is served (by its
   * mysql2 server); a port nothing listens on is refused with the runtime's words.
   */
  async dial(ns: string, podName: string, port: number): Promise<Socket> {
    const done = this.deps.connections?.dial() ?? (() => undefined);
    try {
      const { address } = await this.serverFor(ns, podName, port);
      return await new Promise((resolve, reject) => {
        const sock = connect(address.port, '127.0.0.1');
        sock.once('connect', () => {
          this.dialEnd(sock, done);
          resolve(sock);
        });
        sock.once('error', reject);
      });
    } catch (err) {
      done();
      throw err;
    }
  }

  /** Dialled connections whose server end has not been accepted yet, and the other way round, by port. */
  private readonly dialedByPort = new Map<number, { sock: Socket; done: () => void }>();
  private readonly acceptedByPort = new Map<number, Socket>();

  /** The dialling end of a connection is up: link it to the accepted end (same port pair) when that is known. */
  private dialEnd(sock: Socket, done: () => void): void {
    const accepted = this.acceptedByPort.get(sock.localPort!);
    if (!accepted) return void this.dialedByPort.set(sock.localPort!, { sock, done });
    this.acceptedByPort.delete(sock.localPort!);
    this.deps.connections?.link(sock, accepted);
    done();
  }

  /** A MySQL server accepted a connection: link it to its dialling end (a connection from elsewhere is not tracked). */
  private acceptedEnd(s: Socket): void {
    const port = s.remotePort!;
    const dialed = this.dialedByPort.get(port);
    if (!dialed) {
      this.acceptedByPort.set(port, s);
      s.once('close', () => this.acceptedByPort.get(port) === s && this.acceptedByPort.delete(port));
      return;
    }
    this.dialedByPort.delete(port);
    this.deps.connections?.link(dialed.sock, s);
    dialed.done();
  }

  /** The loopback address of a pod's FE query port (what `--fe-address` reaches in tests). */
  async address(ns: string, podName: string): Promise<{ host: string; port: number }> {
    const pod = this.store.get(POD, ns, podName);
    const { address } = await this.serverFor(ns, podName, pod ? this.fePorts(pod).query : 9030);
    return { host: '127.0.0.1', port: address.port };
  }

  private refused(port: number): Error {
    return new Error(`failed to connect to localhost:${port} inside the pod's network namespace: dial tcp4 127.0.0.1:${port}: connect: connection refused`);
  }

  private async serverFor(ns: string, podName: string, port: number): Promise<{ address: AddressInfo }> {
    const pod = this.store.get(POD, ns, podName);
    const cluster = pod && this.clusterOf(pod);
    const proc = pod && this.deps.process(ns, podName, 'fe');
    if (!pod || !cluster || !proc || this.fePorts(pod).query !== port || !proc.listening(port)) throw this.refused(port);
    const key = `${ns}/${podName}`;
    const existing = this.servers.get(key);
    if (existing && existing.processId === proc.id) return { address: { port: existing.port } as AddressInfo };
    if (existing) {
      this.servers.delete(key);
      await this.closeServer(existing);
    }
    const { createServer } = require('mysql2') as typeof import('mysql2');
    const server: any = createServer((conn) => this.serve(conn, ns, podName, proc.id, cluster.name));
    const sockets = new Set<Socket>();
    server._server.on('connection', (s: Socket) => {
      if (this.deps.connections) this.acceptedEnd(s);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    const listening = await new Promise<number>((resolve, reject) => {
      server._server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server._server.address() as AddressInfo).port));
    });
    const entry: FeServer = { processId: proc.id, server, port: listening, sockets };
    this.servers.set(key, entry);
    return { address: { port: listening } as AddressInfo };
  }

  private closeServer(s: FeServer): Promise<void> {
    for (const sock of s.sockets) sock.destroy();
    return new Promise((r) => s.server.close(() => r()));
  }

  /** One client connection: handshake (mysql_native_password against the cluster's users), then statements. */
  private serve(conn: any, ns: string, podName: string, processId: string, cluster: string): void {
    const session: { database?: string } = {};
    const current = () => {
      const proc = this.deps.process(ns, podName, 'fe');
      return proc && proc.id === processId ? proc : undefined;
    };
    conn.on('error', () => undefined);
    conn.serverHandshake({
      protocolVersion: 10,
      serverVersion: '8.0.33',
      connectionId: Math.floor(Math.random() * 1_000_000),
      statusFlags: 2,
      characterSet: 33,
      // LONG_PASSWORD | FOUND_ROWS | LONG_FLAG | CONNECT_WITH_DB | PROTOCOL_41 | TRANSACTIONS | SECURE_CONNECTION | PLUGIN_AUTH
      capabilityFlags: 0x1 | 0x2 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x80000,
      authCallback: (p: { user: string; authPluginData1: Buffer; authPluginData2: Buffer; authToken: Buffer; address?: string }, done: (err: unknown, mysqlError?: { message: string; code: number }) => void) => {
        const state = this.sync(ns, cluster);
        const expected = state.meta?.users.get(p.user);
        const scramble = Buffer.concat([p.authPluginData1, p.authPluginData2]).subarray(0, 20);
        if (expected === undefined || !passwordMatches(expected, scramble, p.authToken ?? Buffer.alloc(0))) {
          // ErrorCode.ERR_ACCESS_DENIED_ERROR with remoteUser@remoteHost (AuthenticationHandler).
          return done(null, { code: 1045, message: `Access denied for user '${p.user}@${p.address ?? '127.0.0.1'}' (using password: ${p.authToken?.length ? 'YES' : 'NO'})` });
        }
        done(null);
        // mysql2's server side does not restart the packet sequence per command; the client starts each at 0.
        conn.sequenceId = 0;
      },
    });
    conn.on('query', (sql: string) => {
      const proc = current();
      const pod = this.store.get(POD, ns, podName);
      if (!proc || !pod) return void conn.stream.destroy();
      this.sync(ns, cluster);
      const reply = execute(this.context(ns, cluster, pod, proc, session), sql);
      if (reply.kind === 'error') conn.writeError({ code: reply.code, message: reply.message });
      else if (reply.kind === 'ok') conn.writeOk({ affectedRows: reply.affectedRows ?? 0 });
      else {
        conn.writeColumns(reply.columns.map((name) => ({ catalog: 'def', schema: '', table: '', orgTable: '', name, orgName: name, characterSet: 33, columnLength: 1024, columnType: 253, flags: 0, decimals: 0 })));
        for (const row of reply.rows) conn.writeTextRow(row);
        conn.writeEof();
      }
      conn.sequenceId = 0;
    });
    conn.on('stmt_prepare', () => {
      conn.writeError({ code: 1295, message: 'This command is not supported in the prepared statement protocol yet (the simulator speaks the text protocol)' });
      conn.sequenceId = 0;
    });
    conn.on('init_db', (db: string) => {
      session.database = db;
      conn.writeOk();
      conn.sequenceId = 0;
    });
    conn.on('quit', () => conn.stream.end());
  }
}
