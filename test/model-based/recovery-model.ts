/**
 * A model-based test of recoveries (fast-check's model-based commands): random interleavings, on the simulator's
 * virtual time, of `dr run` / `dr wait` starts (several generations, good or broken values), API server restarts,
 * a slow link to one client, paused processes, dropped watches, hand edits of the record, Ctrl-C (once or twice),
 * GitOps applies of either form, and values fixed between reruns. After every step, and once every run has ended,
 * it checks what must hold whatever happened:
 *
 *   I1 a `done` record written by starrocks-dr carries its identity (feMetaPvcUids) and endTimestamp;
 *   I2 starrocks-dr writes startTimestamp once per generation;
 *   I3 at most one actor acts: every apply and record write is sent by the run that holds the Lease at that moment;
 *   I4 nothing is restored over a live cluster: no restore form sent for a generation recorded done, or over a full
 *      FE StatefulSet with no record (there is no --force-restore in these sequences);
 *   I5 no PVC is deleted or replaced;
 *   I6 every run ends within its --timeout plus a bound (plus the time it was paused or its link stalled);
 *   I7 the exit code names the real cause: API errors only where the API failed, contention only where another
 *      actor, a pause or a hand edit was there, a refusal only where the record or the cluster says so, never a bug.
 *
 * The runs are the executor as the CLI calls it (lib/dr), each with its own client: its own bearer token (so a
 * stall can slow down its link only) and its own clock, which a pause stops (see `PausableTimers`).
 */
import fc from 'fast-check';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { StarRocksDrError } from '../../lib/errors';
import { exitCodeFor } from '../../lib/cli/exit-codes';
import { KubeClient, type KObject } from '../../lib/kube/client';
import type { Timers } from '../../lib/kube/timers';
import { runRecovery } from '../../lib/dr/executor';
import { recoveryChecks } from '../../lib/sql/recovery-checks';
import { planRecovery } from '../../lib/dr/plan';
import { isRestoreForm, isRestoreFormOf } from '../../lib/dr/readiness';
import { statusRecordName } from '../../lib/render/names';
import type { DisasterRecoveryStatus } from '../../lib/dr/status';
import { leaseName } from '../../lib/render/names';
import { startSimulator, type Simulator } from '../../sim';
import type { StarRocksClusterSpec } from '../../lib/model/types';
import { referenceDrSpec } from '../fixtures';

const NS = 'default';
const SPEC = referenceDrSpec();
const CLUSTER = SPEC.name;
const RECORD = statusRecordName(CLUSTER);
const LEASE = leaseName(CLUSTER);
const FE = `${CLUSTER}-fe`;
/** What a run may take past its --timeout: a request retrying to its deadline (20 s), the lease handed back (12 s), slack. */
export const END_BOUND_MS = 45_000;

/**
 * A process's clock that a pause stops: timers that fall due while paused fire at the resume, in order, as a
 * SIGSTOPped process runs its overdue timers first when it wakes. `now()` keeps moving (the wall clock does).
 */
export class PausableTimers implements Timers {
  private paused = false;
  private queue: (() => void)[] = [];
  constructor(private readonly base: Timers) {}
  now(): number {
    return this.base.now();
  }
  after(ms: number, fn: () => void): () => void {
    let cancelled = false;
    const cancel = this.base.after(ms, () => {
      if (cancelled) return;
      if (this.paused) this.queue.push(() => !cancelled && fn());
      else fn();
    });
    return () => {
      cancelled = true;
      cancel();
    };
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        cancel();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const cancel = this.after(ms, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    const due = this.queue;
    this.queue = [];
    for (const fn of due) fn();
  }
}

type Mode = 'apply' | 'observe';

interface RunHandle {
  readonly id: number;
  readonly holder: string;
  readonly token: string;
  readonly mode: Mode;
  readonly generation: number;
  readonly timeoutMs: number;
  readonly startedAt: number;
  readonly timers: PausableTimers;
  readonly abort: AbortController;
  readonly done: Promise<void>;
  endedAt?: number;
  result?: { readonly status: DisasterRecoveryStatus } | { readonly error: unknown };
  releaseNow?: (boundMs: number) => Promise<void>;
  interrupted: boolean;
  /** Virtual ms this run was paused, and its link stalled. */
  heldMs: number;
}

/** A fault with its span in virtual time. */
interface Span {
  readonly kind: 'restart' | 'stall' | 'pause' | 'handEdit' | 'gitops';
  readonly from: number;
  to: number;
  readonly run?: number;
}

interface RecordVersion {
  readonly rv: string;
  readonly data: Record<string, string>;
}

export interface Real {
  readonly sim: Simulator;
  readonly runs: RunHandle[];
  readonly spans: Span[];
  readonly versions: RecordVersion[];
  readonly handRvs: Set<string>;
  readonly pvcs: Map<string, string>;
  readonly violations: string[];
  valuesBroken: boolean;
  handEditing: boolean;
  gitopsApplied: boolean;
  /** The highest generation any record showed (a run below it may be refused). */
  maxRecordedGeneration: number;
  stopWatching(): void;
}

export interface Model {
  generation: number;
  started: number;
}

const now = (r: Real) => r.sim.timers!.now();

function specFor(generation: number, broken: boolean): StarRocksClusterSpec {
  const base: StarRocksClusterSpec = { ...SPEC, disasterRecovery: { enabled: true, generation } };
  if (!broken) return base;
  // Values whose FE mounts a ConfigMap that does not exist: the FE waits in ContainerCreating (FailedMount).
  return { ...base, starRocksFeSpec: { ...base.starRocksFeSpec, configMaps: [...(base.starRocksFeSpec.configMaps ?? []), { name: 'fe-extra', mountPath: '/opt/starrocks/fe/extra' }] } };
}

function fixedExtras(spec: StarRocksClusterSpec): StarRocksClusterSpec {
  return { ...spec, configMaps: [...(spec.configMaps ?? []), { name: 'fe-extra', data: { 'extra.conf': 'x = 1\n' } }] };
}

export async function setup(): Promise<Real> {
  const sim = await startSimulator({ virtualTime: true, feRestoreSeconds: 30, feStartupSeconds: 2, backendStartupSeconds: 2 });
  const real: Real = {
    sim,
    runs: [],
    spans: [],
    versions: [],
    handRvs: new Set(),
    pvcs: new Map(),
    violations: [],
    valuesBroken: false,
    handEditing: false,
    gitopsApplied: false,
    maxRecordedGeneration: 0,
    stopWatching: () => undefined,
  };
  // Every version of the record, as the store holds it, synchronously on each change (no watch to lag or drop).
  let stopped = false;
  let lastRv = '';
  void sim
    .waitFor(() => {
      if (stopped) return true;
      const cm = sim.get('ConfigMap', NS, RECORD);
      if (cm && cm.metadata.resourceVersion !== lastRv) {
        lastRv = cm.metadata.resourceVersion;
        real.versions.push({ rv: lastRv, data: { ...cm.data } });
        const g = Number(cm.data?.observedGeneration);
        if (Number.isSafeInteger(g)) real.maxRecordedGeneration = Math.max(real.maxRecordedGeneration, g);
      }
      for (const pvc of sim.list('PersistentVolumeClaim', NS)) if (!real.pvcs.has(pvc.metadata.name)) real.pvcs.set(pvc.metadata.name, pvc.metadata.uid);
      return false;
    }, 24 * 3_600_000)
    .catch(() => undefined);
  real.stopWatching = () => {
    stopped = true;
    // One more change, so the predicate sees `stopped` and the wait (and its timer) ends.
    sim.seed([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'model-done', namespace: NS } }]);
  };
  return real;
}

/** I3 and I4, at the moment a run sends an apply or a record write. */
function checkAct(real: Real, run: RunHandle, what: string, obj: KObject): void {
  const lease = real.sim.get('Lease', NS, LEASE);
  const holder = lease?.spec?.holderIdentity;
  if (holder !== run.holder) real.violations.push(`I3: ${run.holder} sent ${what} while the Lease was held by ${holder ?? 'nobody'}`);
  if (obj.kind === 'StatefulSet' && obj.metadata?.name === FE && isRestoreFormOf(obj as never, run.generation) && !real.handEditing) {
    const record = real.sim.get('ConfigMap', NS, RECORD);
    const sts = real.sim.get('StatefulSet', NS, FE);
    if (record?.data?.phase === 'done' && Number(record.data.observedGeneration) === run.generation) {
      real.violations.push(`I4: ${run.holder} sent the restore form of generation ${run.generation}, which the record says is done`);
    }
    if (!record && sts && !isRestoreForm(sts)) real.violations.push(`I4: ${run.holder} sent the restore form over a full FE StatefulSet with no record`);
  }
}

function startRun(real: Real, mode: Mode, generation: number, timeoutMs: number): RunHandle {
  const id = real.runs.length + 1;
  const token = `run-${id}`;
  const holder = `${mode === 'apply' ? 'dr-run' : 'dr-wait'}-${id}`;
  const timers = new PausableTimers(real.sim.timers!);
  const client = KubeClient.connect({ kubeConfig: real.sim.kubeConfig({ token }), retry: { deadlineMs: 20_000, initialDelayMs: 20, maxDelayMs: 500 }, timers });
  const abort = new AbortController();
  const spec = specFor(generation, real.valuesBroken);
  // The values as the user passes them: broken ones mount a ConfigMap nobody defines; fixed ones define it.
  const { plan } = planRecovery(real.valuesBroken ? spec : fixedExtras(spec));
  const handle: RunHandle = { id, holder, token, mode, generation, timeoutMs, startedAt: now(real), timers, abort, done: Promise.resolve(), interrupted: false, heldMs: 0 };
  // I3/I4 are checked where the client sends: every apply, and every write of the record.
  const hook = (name: 'apply' | 'replace' | 'create') => {
    const methods = client as unknown as Record<string, (obj: KObject, ...rest: unknown[]) => Promise<KObject>>;
    const original = methods[name].bind(client);
    methods[name] = (obj, ...rest) => {
      const isRecord = obj.kind === 'ConfigMap' && obj.metadata?.name === RECORD;
      if (name === 'apply' || isRecord) checkAct(real, handle, name === 'apply' ? `apply ${obj.kind}/${obj.metadata?.name}` : 'a record write', obj);
      return original(obj, ...rest);
    };
  };
  hook('apply');
  hook('replace');
  hook('create');
  (handle as { done: Promise<void> }).done = runRecovery(plan, {
    client,
    mode,
    holder,
    timeoutMs,
    signal: abort.signal,
    // As the CLI runs by default: the restore verified from the database (the simulated FE, through a port-forward
    // on this run's own link), before the full topology and after the rollout.
    checks: recoveryChecks(client, spec, NS, { pollMs: 1000 }),
    onLeaseHeld: (release) => (handle.releaseNow = release),
  }).then(
    (status) => {
      handle.result = { status };
    },
    (error: unknown) => {
      handle.result = { error };
    },
  ).finally(() => {
    handle.endedAt = now(real);
  });
  real.runs.push(handle);
  return handle;
}

const live = (real: Real) => real.runs.filter((r) => r.endedAt === undefined);
const overlaps = (span: Span, run: RunHandle) => span.from <= (run.endedAt ?? Number.POSITIVE_INFINITY) && span.to >= run.startedAt;

/** I1, I2, I5: over the record's history and the PVCs, after every step. */
export function checkState(real: Real): void {
  const byTool = real.versions.filter((v) => !real.handRvs.has(v.rv));
  for (const v of byTool) {
    if (v.data.phase === 'done') {
      const uids = v.data.feMetaPvcUids ? Object.keys(JSON.parse(v.data.feMetaPvcUids) as object) : [];
      if (uids.length === 0) pushOnce(real, `I1: record version ${v.rv} is done without feMetaPvcUids`);
      if (!v.data.endTimestamp) pushOnce(real, `I1: record version ${v.rv} is done without endTimestamp`);
    }
  }
  const starts = new Map<string, Set<string>>();
  for (const v of byTool) starts.set(v.data.observedGeneration, (starts.get(v.data.observedGeneration) ?? new Set()).add(v.data.startTimestamp));
  for (const [g, s] of starts) if (s.size > 1) pushOnce(real, `I2: generation ${g} was written with ${s.size} startTimestamps (${[...s].join(', ')})`);
  const nowPvcs = new Map(real.sim.list('PersistentVolumeClaim', NS).map((p) => [p.metadata.name as string, p.metadata.uid as string]));
  for (const [name, uid] of real.pvcs) {
    if (!nowPvcs.has(name)) pushOnce(real, `I5: PVC ${name} was deleted`);
    else if (nowPvcs.get(name) !== uid) pushOnce(real, `I5: PVC ${name} was replaced (uid ${uid} -> ${nowPvcs.get(name)})`);
  }
}

function pushOnce(real: Real, v: string): void {
  if (!real.violations.includes(v)) real.violations.push(v);
}

/** I6 and I7 for a run that ended. */
function checkEnded(real: Real, run: RunHandle): void {
  const took = run.endedAt! - run.startedAt;
  const limit = run.timeoutMs + END_BOUND_MS + run.heldMs;
  if (took > limit) pushOnce(real, `I6: ${run.holder} took ${took} ms, more than its --timeout ${run.timeoutMs} ms + ${END_BOUND_MS + run.heldMs} ms`);
  if (!run.result || 'status' in run.result) {
    const s = run.result?.status;
    if (s && !(s.phase === 'done' && s.observedGeneration === run.generation)) pushOnce(real, `I7: ${run.holder} ended without error in phase ${s.phase} (generation ${s.observedGeneration})`);
    return;
  }
  const err = run.result.error;
  if (!(err instanceof StarRocksDrError)) {
    pushOnce(real, `I7: ${run.holder} failed with a non-user error (exit 1): ${(err as Error)?.stack ?? String(err)}`);
    return;
  }
  const during = real.spans.filter((s) => overlaps(s, run) && (s.run === undefined || s.run === run.id || s.kind !== 'stall'));
  const has = (...kinds: Span['kind'][]) => during.some((s) => kinds.includes(s.kind));
  const othersOverlap = real.runs.some((o) => o !== run && o.startedAt <= (run.endedAt ?? Infinity) && (o.endedAt ?? Infinity) >= run.startedAt);
  const why = `${run.holder} exit ${exitCodeFor(err)} ${err.code}: ${err.message}`;
  switch (err.code) {
    case 'Unreachable':
    case 'ApiError':
      if (!has('restart', 'stall', 'pause')) pushOnce(real, `I7: API error with no API fault during the run: ${why}`);
      break;
    case 'Contended':
      if (!othersOverlap && !has('pause', 'handEdit', 'gitops')) pushOnce(real, `I7: contention with no other actor, pause or hand edit: ${why}`);
      if (/lost the cluster's lease: another run took it over/.test(err.message) && !othersOverlap) pushOnce(real, `I7: a takeover with no other run: ${why}`);
      if (/could not renew|did not answer/.test(err.message) && !has('restart', 'stall', 'pause')) pushOnce(real, `I7: ${why}`);
      break;
    case 'Interrupted':
      if (!run.interrupted) pushOnce(real, `I7: interrupted without a signal: ${why}`);
      break;
    case 'InvalidInput':
      if (!has('handEdit') && !/namespace/.test(err.message)) pushOnce(real, `I7: invalid input with no hand edit: ${why}`);
      break;
    case 'GenerationWentDown':
      if (run.generation >= real.maxRecordedGeneration) pushOnce(real, `I7: generation went down although ${run.generation} >= ${real.maxRecordedGeneration}: ${why}`);
      break;
    case 'Refused':
      if (!real.gitopsApplied && !has('handEdit')) pushOnce(real, `I7: refused although only starrocks-dr changed the cluster: ${why}`);
      break;
    case 'Timeout':
      break;
    case 'CheckFailed':
      // The database did not confirm the restore in time: only a run that spent its --timeout, or whose cluster was
      // changed under it (a GitOps apply, a hand edit) or whose API or process was held up, may say so.
      if (took < run.timeoutMs && !has('restart', 'stall', 'pause', 'handEdit', 'gitops')) pushOnce(real, `I7: a failed database check before the run's timeout, with no fault: ${why}`);
      break;
    default:
      pushOnce(real, `I7: unexpected error class: ${why}`);
  }
}

/** Let every run end (faults cleared, pauses over), then check each. */
export async function settle(real: Real): Promise<void> {
  real.sim.faults.clear();
  for (const run of real.runs) run.timers.resume();
  const longest = Math.max(0, ...live(real).map((r) => r.startedAt + r.timeoutMs + END_BOUND_MS + r.heldMs - now(real)));
  await Promise.race([Promise.all(real.runs.map((r) => r.done)), real.sim.timers!.sleep(longest + 60_000)]);
  for (const run of real.runs) {
    if (run.endedAt === undefined) pushOnce(real, `I6: ${run.holder} never ended`);
    else checkEnded(real, run);
  }
  checkState(real);
}

async function afterStep(real: Real): Promise<void> {
  for (const run of real.runs) if (run.endedAt !== undefined && !(run as { checked?: boolean }).checked) {
    (run as { checked?: boolean }).checked = true;
    checkEnded(real, run);
  }
  checkState(real);
  if (real.violations.length > 0) throw new Error(`invariants broken:\n${real.violations.join('\n')}`);
}

type Cmd = fc.AsyncCommand<Model, Real>;

class StartRun implements Cmd {
  constructor(readonly mode: Mode, readonly delta: -1 | 0 | 1, readonly timeoutS: number) {}
  check = (m: Readonly<Model>) => m.started < 6;
  async run(m: Model, real: Real) {
    if (this.delta === 1) m.generation++;
    const generation = Math.max(1, m.generation + (this.delta === -1 ? -1 : 0));
    m.started++;
    startRun(real, this.mode, generation, this.timeoutS * 1000);
    await real.sim.timers!.sleep(200);
    await afterStep(real);
  }
  toString = () => `StartRun(${this.mode}, gen${this.delta >= 0 ? '+' : ''}${this.delta}, ${this.timeoutS}s)`;
}

class Advance implements Cmd {
  constructor(readonly seconds: number) {}
  check = () => true;
  async run(_m: Model, real: Real) {
    await real.sim.timers!.sleep(this.seconds * 1000);
    await afterStep(real);
  }
  toString = () => `Advance(${this.seconds}s)`;
}

class RestartApi implements Cmd {
  constructor(readonly downS: number) {}
  check = () => true;
  async run(_m: Model, real: Real) {
    const span: Span = { kind: 'restart', from: now(real), to: now(real) };
    real.spans.push(span);
    await real.sim.restart({ downMs: this.downS * 1000 });
    span.to = now(real);
    await afterStep(real);
  }
  toString = () => `RestartApi(${this.downS}s down)`;
}

class SlowLink implements Cmd {
  constructor(readonly pick: number, readonly ms: number, readonly n: number) {}
  check = () => true;
  async run(_m: Model, real: Real) {
    const runs = live(real);
    if (runs.length === 0) return afterStep(real);
    const run = runs[this.pick % runs.length];
    // The next n requests of this client wait ms each on the server: a slow link, for it alone.
    real.sim.faults.stall(this.ms, { token: run.token, n: this.n });
    run.heldMs += this.ms * this.n;
    real.spans.push({ kind: 'stall', from: now(real), to: now(real) + this.ms * this.n + 2_000, run: run.id });
    await afterStep(real);
  }
  toString = () => `SlowLink(run#${this.pick}, ${this.ms}ms x${this.n})`;
}

class Pause implements Cmd {
  constructor(readonly pick: number, readonly seconds: number) {}
  check = () => true;
  async run(_m: Model, real: Real) {
    const runs = live(real);
    if (runs.length === 0) return afterStep(real);
    const run = runs[this.pick % runs.length];
    const ms = this.seconds * 1000;
    const span: Span = { kind: 'pause', from: now(real), to: now(real) + ms, run: run.id };
    real.spans.push(span);
    // SIGSTOP: its timers stop, it sends nothing and reads no event (its watches drop; reconnecting waits on its
    // stopped clock); requests it had just sent get their answers only when it wakes.
    run.timers.pause();
    const endStall = real.sim.faults.stall(ms, { token: run.token });
    real.sim.faults.dropWatches();
    await real.sim.timers!.sleep(ms);
    run.timers.resume();
    endStall();
    run.heldMs += 2 * ms;
    span.to = now(real);
    await afterStep(real);
  }
  toString = () => `Pause(run#${this.pick}, ${this.seconds}s)`;
}

class DropWatches implements Cmd {
  check = () => true;
  async run(_m: Model, real: Real) {
    real.sim.faults.dropWatches();
    await afterStep(real);
  }
  toString = () => 'DropWatches';
}

type EditKind = 'phaseDone' | 'generationZero' | 'generationUp' | 'endOnDoing';

class HandEdit implements Cmd {
  constructor(readonly kind: EditKind, readonly holdS: number) {}
  check = () => true;
  async run(_m: Model, real: Real) {
    const objects = KubernetesObjectApi.makeApiClient(real.sim.kubeConfig());
    const read = async () => (await objects.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: RECORD, namespace: NS } })) as KObject & { data: Record<string, string> };
    // kubectl edit: a PUT of the version read; on a 409 the user edits again.
    const put = async (edit: (d: Record<string, string>) => void): Promise<Record<string, string> | undefined> => {
      for (;;) {
        let cm;
        try {
          cm = await read();
        } catch {
          return undefined; // no record yet
        }
        const before = { ...cm.data };
        edit(cm.data);
        try {
          const written = (await objects.replace(cm as never, undefined, undefined, 'kubectl-edit')) as KObject;
          real.handRvs.add(written.metadata!.resourceVersion!);
          return before;
        } catch (e) {
          if ((e as { code?: number }).code !== 409) throw e;
        }
      }
    };
    const span: Span = { kind: 'handEdit', from: now(real), to: now(real) };
    real.spans.push(span);
    real.handEditing = true;
    const before = await put((d) => {
      if (this.kind === 'phaseDone') d.phase = 'done';
      if (this.kind === 'generationZero') d.observedGeneration = '0';
      if (this.kind === 'generationUp') d.observedGeneration = String(Number(d.observedGeneration) + 5);
      if (this.kind === 'endOnDoing') d.endTimestamp = d.startTimestamp;
    });
    if (before) {
      await real.sim.timers!.sleep(this.holdS * 1000);
      // The user puts the record back as it was.
      await put((d) => {
        for (const k of Object.keys(d)) delete d[k];
        Object.assign(d, before);
      });
    }
    real.handEditing = false;
    span.to = now(real);
    await afterStep(real);
  }
  toString = () => `HandEdit(${this.kind}, ${this.holdS}s)`;
}

class Interrupt implements Cmd {
  constructor(readonly pick: number, readonly twice: boolean) {}
  check = () => true;
  async run(_m: Model, real: Real) {
    const runs = live(real);
    if (runs.length === 0) return afterStep(real);
    const run = runs[this.pick % runs.length];
    run.interrupted = true;
    run.abort.abort();
    // A second Ctrl-C: the CLI hands the lease back within 2 s and exits; the run itself is left to end.
    if (this.twice) await run.releaseNow?.(2_000);
    await real.sim.timers!.sleep(100);
    await afterStep(real);
  }
  toString = () => `Interrupt(run#${this.pick}${this.twice ? ', twice' : ''})`;
}

class GitOpsApply implements Cmd {
  constructor(readonly form: 'restore' | 'full') {}
  check = () => true;
  async run(m: Model, real: Real) {
    const span: Span = { kind: 'gitops', from: now(real), to: now(real) };
    real.spans.push(span);
    real.gitopsApplied = true;
    const client = KubeClient.connect({ kubeConfig: real.sim.kubeConfig({ token: 'argocd' }), timers: real.sim.timers, retry: { deadlineMs: 20_000 } });
    const { plan } = planRecovery(fixedExtras(specFor(Math.max(1, m.generation), false)));
    for (const obj of this.form === 'restore' ? plan.restoreObjects : plan.fullObjects) await client.apply(obj, 'argocd-controller').catch(() => undefined);
    // The engine keeps owning the fields it applied (server-side apply): its effect on later runs does not end.
    span.to = Number.POSITIVE_INFINITY;
    await afterStep(real);
  }
  toString = () => `GitOpsApply(${this.form})`;
}

class ToggleValues implements Cmd {
  check = () => true;
  async run(_m: Model, real: Real) {
    real.valuesBroken = !real.valuesBroken;
    await afterStep(real);
  }
  toString = () => 'ToggleValues';
}

const startRunArb = fc.tuple(fc.constantFrom<Mode>('apply', 'apply', 'observe'), fc.constantFrom<-1 | 0 | 1>(0, 0, 1, -1), fc.integer({ min: 15, max: 180 })).map(([m, d, t]) => new StartRun(m, d, t));
const advance = fc.integer({ min: 1, max: 40 }).map((s) => new Advance(s));

/** fast-check picks among these evenly: runs and time passing are listed more than once, so most steps have runs to hit. */
export const commandArbitraries = [
  startRunArb,
  startRunArb,
  startRunArb,
  advance,
  advance,
  fc.integer({ min: 1, max: 25 }).map((s) => new RestartApi(s)),
  fc.tuple(fc.nat(), fc.integer({ min: 500, max: 15_000 }), fc.integer({ min: 1, max: 3 })).map(([p, ms, n]) => new SlowLink(p, ms, n)),
  fc.tuple(fc.nat(), fc.integer({ min: 3, max: 25 })).map(([p, s]) => new Pause(p, s)),
  fc.constant(new DropWatches()),
  fc.tuple(fc.constantFrom<EditKind>('phaseDone', 'generationZero', 'generationUp', 'endOnDoing'), fc.integer({ min: 1, max: 10 })).map(([k, s]) => new HandEdit(k, s)),
  fc.tuple(fc.nat(), fc.boolean()).map(([p, t]) => new Interrupt(p, t)),
  fc.constantFrom<'restore' | 'full'>('restore', 'full').map((f) => new GitOpsApply(f)),
  fc.constant(new ToggleValues()),
];

/** The property: any sequence of these steps keeps every invariant. */
export function recoveryProperty(maxCommands: number): fc.IAsyncPropertyWithHooks<[Iterable<Cmd>]> {
  return fc.asyncProperty(fc.commands(commandArbitraries, { maxCommands }), async (cmds) => {
    const real = await setup();
    try {
      await fc.asyncModelRun(() => ({ model: { generation: 1, started: 0 }, real }), cmds);
      await settle(real);
      if (real.violations.length > 0) throw new Error(`invariants broken:\n${real.violations.join('\n')}`);
    } finally {
      real.sim.faults.clear();
      for (const run of real.runs) {
        run.timers.resume();
        run.abort.abort();
      }
      await Promise.race([Promise.all(real.runs.map((r) => r.done)), real.sim.timers!.sleep(120_000)]);
      real.stopWatching();
      await real.sim.stop();
    }
  });
}

export { StartRun, Advance, RestartApi, SlowLink, Pause, DropWatches, HandEdit, Interrupt, GitOpsApply, ToggleValues };
