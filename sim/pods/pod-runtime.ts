/**
 * The scheduler and kubelet, reduced to what the product can observe: pods get a node, IPs and a start
 * time; containers pull (or fail to), start, run their process model and their probes; status follows
 * (phase, conditions with lastTransitionTime, containerStatuses). A startup probe gates liveness and
 * readiness; failed liveness/startup probes restart the container (restartCount++). Deleted pods
 * terminate (not ready) and disappear after the termination time. Faults are injected per pod name.
 */
import { Clock, rfc3339 } from '../clock';
import { Controller } from '../controllers/controller';
import { ApiStatusError } from '../http/status';
import { recordEvent } from '../controllers/events';
import { deepEqual } from '../json';
import { Registry } from '../registry';
import { resourceType } from '../resources';
import { StoreEvent } from '../store';
import { failureThreshold, ProbeRunner } from './probes';
import { qosClassOf } from './qos';
import type { Scheduler } from '../scheduler';
import { ModelTimings, ProcessModel, processModelFor } from './process-models';

/** The FE's log time format, `2024-12-01 04:46:23,123`. */
function logTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
}

function logDate(line: string): number {
  return Date.parse(line.slice(0, 23).replace(' ', 'T').replace(',', '.') + 'Z');
}

export type PodFault = 'CrashLoopBackOff' | 'ImagePullBackOff' | 'NeverReady';

/** A running container's process, as the simulated StarRocks sees it. */
export interface RunningProcess {
  readonly id: string;
  readonly env: Readonly<Record<string, string>>;
  /** Scheduler ms when this incarnation started. */
  readonly startedAt: number;
  /** Whether the port accepts connections now. */
  listening(port: number): boolean;
}

export interface RuntimeOptions {
  readonly timeScale: number;
  readonly feRestoreSeconds: number;
  readonly feStartupSeconds: number;
  readonly backendStartupSeconds: number;
  readonly podTerminationSeconds: number;
  /** Runs on a virtual scheduler (timeScale is then 1: simulated ms are scheduler ms). @default false */
  readonly virtual?: boolean;
}

const POD = resourceType('Pod')!;
const NODE = 'sim-node-1';
const HOST_IP = '10.0.0.10';

interface ContainerRun {
  readonly spec: any;
  /** Wall-clock ms (the injected clock) when the current incarnation started. */
  startedAtWall?: number;
  /** The log of the incarnation before the current one (`kubectl logs --previous`). */
  previousLog?: string[];
  state: 'waiting' | 'running' | 'terminated';
  reason: string;
  message?: string;
  startedAt: number;
  startedAtIso?: string;
  restartCount: number;
  lastState: any;
  model?: ProcessModel;
  /** The environment the current incarnation started with. */
  env?: Readonly<Record<string, string>>;
  startup?: ProbeRunner;
  liveness?: ProbeRunner;
  readiness?: ProbeRunner;
  started: boolean;
  ready: boolean;
  /** When a waiting container may try again (backoff), or a crash-looping one exits. */
  nextActionAt: number;
}

interface PodRun {
  /** A FailedMount event was recorded for this pod (the kubelet's are rate-limited; one is enough here). */
  failedMountReported?: boolean;
  /** The first status (Pending, containers in ContainerCreating) was written. */
  admitted?: boolean;
  readonly uid: string;
  readonly ns: string;
  readonly name: string;
  podIP: string;
  startTime: string;
  containers: ContainerRun[];
  terminatingSince?: number;
  lastWritten?: string;
}

export class PodRuntime implements Controller {
  private readonly pods = new Map<string, PodRun>();
  private faults: { pattern: string | RegExp; fault: PodFault }[] = [];
  private cancelTick?: () => void;
  private pendingSchedules = 0;
  private unsubscribe?: () => void;
  private nextIp = 2;
  private readonly timings: ModelTimings;

  constructor(
    private readonly registry: Registry,
    private readonly now: Clock,
    private readonly opts: RuntimeOptions,
    private readonly scheduler: Scheduler,
  ) {
    const ms = (s: number) => s * 1000 * opts.timeScale;
    this.timings = {
      feStartupMs: ms(opts.feStartupSeconds),
      feRestoreMs: ms(opts.feRestoreSeconds),
      feHttpLagMs: ms(1),
      backendStartupMs: ms(opts.backendStartupSeconds),
      genericStartupMs: ms(1),
    };
  }

  private ms(seconds: number): number {
    return seconds * 1000 * this.opts.timeScale;
  }

  start(): void {
    this.unsubscribe = this.registry.store.subscribe((e) => this.onEvent(e));
    // 100 simulated ms between kubelet passes (probe periods are whole seconds), at least 5 real ms.
    const tickMs = this.opts.virtual ? 100 : Math.min(100, Math.max(5, Math.round(this.opts.timeScale * 100)));
    this.cancelTick = this.scheduler.every(tickMs, () => this.tick());
  }

  stop(): void {
    this.unsubscribe?.();
    this.cancelTick?.();
  }

  /** Pods are waiting for the scheduler (work to do now, not later). */
  busy(): boolean {
    return this.pendingSchedules > 0;
  }

  inject(pattern: string | RegExp, fault: PodFault): void {
    this.faults.push({ pattern, fault });
  }

  /** Removes the faults injected with `pattern` (all of them without one). */
  clearFaults(pattern?: string | RegExp): void {
    this.faults = pattern === undefined ? [] : this.faults.filter((f) => String(f.pattern) !== String(pattern));
  }

  private faultFor(name: string): PodFault | undefined {
    for (const f of this.faults) {
      if (typeof f.pattern === 'string' ? f.pattern === name : f.pattern.test(name)) return f.fault;
    }
    return undefined;
  }

  private onEvent(e: StoreEvent): void {
    if (e.rt !== POD) return;
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    if (e.type === 'DELETED') {
      this.pods.delete(key);
      return;
    }
    const run = this.pods.get(key);
    if (run && run.uid !== e.object.metadata.uid) this.pods.delete(key);
    if (!e.object.spec?.nodeName && !e.object.metadata.deletionTimestamp) {
      this.pendingSchedules++;
      setImmediate(() => {
        this.pendingSchedules--;
        this.schedule(key);
      }).unref();
    }
  }

  /** The scheduler: bind to the one node, once the pod's claims exist. */
  private schedule(key: string): void {
    const [ns, name] = key.split('/');
    const pod = this.registry.store.get(POD, ns, name);
    if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp) return;
    const missing = (pod.spec.volumes ?? []).map((v: any) => v.persistentVolumeClaim?.claimName).filter((c: string | undefined) => c && !this.registry.store.get(resourceType('PersistentVolumeClaim')!, ns, c));
    if (missing.length) {
      const message = `0/1 nodes are available: persistentvolumeclaim "${missing[0]}" not found.`;
      const already = (pod.status?.conditions ?? []).some((c: any) => c.type === 'PodScheduled' && c.reason === 'Unschedulable');
      const status = { ...pod.status, phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: rfc3339(this.now()), reason: 'Unschedulable', message }] };
      this.registry.writeInternal(POD, { ...pod, status }, 'kube-scheduler', 'status');
      // The scheduler's event, once per pod here (the real one repeats it with backoff).
      if (!already) recordEvent(this.registry, this.now(), pod, 'Warning', 'FailedScheduling', message, 'default-scheduler');
      return;
    }
    // The binding (pods/binding) sets the node without a field manager; managedFields show the scheduler only for the
    // status it writes, PodScheduled (kube-apiserver v1.36 with its scheduler: `kube-scheduler Update status`).
    pod.spec.nodeName = NODE;
    const scheduled = this.registry.writeInternal(POD, pod, undefined);
    const conditions = (scheduled.status?.conditions ?? []).filter((c: any) => c.type !== 'PodScheduled');
    const bound = this.registry.writeInternal(POD, { ...scheduled, status: { ...scheduled.status, conditions: [...conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(this.now()) }] } }, 'kube-scheduler', 'status');
    const ip = this.nextIp++;
    const run: PodRun = {
      uid: pod.metadata.uid,
      ns,
      name,
      podIP: `10.244.${Math.floor(ip / 250)}.${(ip % 250) + 1}`,
      startTime: rfc3339(this.now()),
      containers: (bound.spec.containers ?? []).map((c: any) => ({
        spec: c,
        state: 'waiting',
        reason: 'ContainerCreating',
        startedAt: 0,
        restartCount: 0,
        lastState: {},
        started: false,
        ready: false,
        nextActionAt: 0,
      })),
    };
    this.pods.set(key, run);
    recordEvent(this.registry, this.now(), bound, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${NODE}`, 'default-scheduler');
    this.tick();
  }

  /** Environment of a container with downward-API, ConfigMap and Secret references resolved. */
  private resolveEnv(pod: any, run: PodRun, c: any): Record<string, string> | string {
    const env: Record<string, string> = {};
    const field = (path: string): string => {
      switch (path) {
        case 'metadata.name':
          return pod.metadata.name;
        case 'metadata.namespace':
          return pod.metadata.namespace;
        case 'metadata.uid':
          return pod.metadata.uid;
        case 'status.podIP':
          return run.podIP;
        case 'status.hostIP':
          return HOST_IP;
        case 'spec.nodeName':
          return NODE;
        case 'spec.serviceAccountName':
          return pod.spec.serviceAccountName ?? 'default';
        default: {
          const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
          return m ? pod.metadata[m[1]]?.[m[2]] ?? '' : '';
        }
      }
    };
    const expand = (v: string) => v.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, n) => (n in env ? env[n] : all));
    for (const e of c.env ?? []) {
      if (e.value !== undefined) env[e.name] = expand(String(e.value));
      else if (e.valueFrom?.fieldRef) env[e.name] = field(e.valueFrom.fieldRef.fieldPath);
      else if (e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef) {
        const ref = e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef;
        const kind = e.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
        const obj = this.registry.store.get(resourceType(kind)!, pod.metadata.namespace, ref.name);
        const raw = obj?.data?.[ref.key];
        if (raw === undefined) {
          if (ref.optional) continue;
          return obj ? `couldn't find key ${ref.key} in ${kind} ${pod.metadata.namespace}/${ref.name}` : `${kind.toLowerCase()} "${ref.name}" not found`;
        }
        env[e.name] = kind === 'Secret' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      } else env[e.name] = '';
    }
    return env;
  }

  /** Volumes that must exist before containers can start (ConfigMaps, Secrets), as the kubelet mounts them. */
  private missingVolume(pod: any): string | undefined {
    for (const v of pod.spec.volumes ?? []) {
      const ref = v.configMap ? ['ConfigMap', v.configMap.name, v.configMap.optional] : v.secret ? ['Secret', v.secret.secretName, v.secret.optional] : undefined;
      if (!ref || ref[2]) continue;
      if (!this.registry.store.get(resourceType(ref[0])!, pod.metadata.namespace, ref[1])) {
        return `MountVolume.SetUp failed for volume "${v.name}" : ${String(ref[0]).toLowerCase()} "${ref[1]}" not found`;
      }
    }
    return undefined;
  }

  private startContainer(pod: any, run: PodRun, c: ContainerRun, now: number): void {
    const env = this.resolveEnv(pod, run, c.spec);
    if (typeof env === 'string') {
      c.state = 'waiting';
      c.reason = 'CreateContainerConfigError';
      c.message = env;
      return;
    }
    c.state = 'running';
    c.reason = '';
    c.message = undefined;
    c.startedAt = now;
    c.startedAtIso = rfc3339(this.now());
    c.startedAtWall = this.now();
    c.model = processModelFor(c.spec, env, this.timings);
    c.env = env;
    const s = this.opts.timeScale;
    c.startup = c.spec.startupProbe ? new ProbeRunner('startup', c.spec.startupProbe, c.spec, now, s) : undefined;
    c.liveness = c.spec.livenessProbe ? new ProbeRunner('liveness', c.spec.livenessProbe, c.spec, now, s) : undefined;
    c.readiness = c.spec.readinessProbe ? new ProbeRunner('readiness', c.spec.readinessProbe, c.spec, now, s) : undefined;
    c.started = !c.startup;
    c.ready = false;
    if (this.faultFor(pod.metadata.name) === 'CrashLoopBackOff') c.nextActionAt = now + this.ms(1);
  }

  /**
   * The process running in a pod's container now (sim/starrocks reads what the FE, CN and BE do from it), or
   * undefined when the container is not running. `id` changes with every incarnation; times are scheduler ms.
   */
  process(ns: string, name: string, container: string): RunningProcess | undefined {
    const run = this.pods.get(`${ns}/${name}`);
    const c = run?.containers.find((x) => x.spec.name === container);
    if (!run || !c || c.state !== 'running' || !c.model) return undefined;
    const model = c.model;
    const startedAt = c.startedAt;
    return {
      id: this.containerId(run, c),
      env: c.env ?? {},
      startedAt,
      listening: (port) => model.listening(port, this.scheduler.now() - startedAt),
    };
  }

  /** The lines the current incarnation has written so far. */
  private logLines(c: ContainerRun): string[] {
    if (!c.model || c.startedAtWall === undefined) return [];
    const elapsed = this.scheduler.now() - c.startedAt;
    return c.model.log.filter((e) => e.atMs <= elapsed).map((e) => `${logTime(c.startedAtWall! + e.atMs)} ${e.line}`);
  }

  /**
   * `GET pods/<name>/log`: the container's output, with the kubelet's refusals (400) for a container that does
   * not exist, has not started, or has no previous incarnation.
   */
  logs(ns: string, name: string, o: { container?: string; previous?: boolean; tailLines?: number; timestamps?: boolean }): string {
    const run = this.pods.get(`${ns}/${name}`);
    const names = run?.containers.map((c) => c.spec.name) ?? [];
    if (!o.container && names.length > 1) throw new ApiStatusError(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
    const c = run?.containers.find((x) => x.spec.name === (o.container ?? names[0]));
    if (!run || !c) throw new ApiStatusError(400, 'BadRequest', `container ${o.container ?? ''} is not valid for pod ${name}`);
    let lines: string[];
    if (o.previous) {
      if (!c.previousLog) throw new ApiStatusError(400, 'BadRequest', `previous terminated container "${c.spec.name}" in pod "${name}" not found`);
      lines = c.previousLog;
    } else {
      if (c.state === 'waiting' && c.restartCount === 0) throw new ApiStatusError(400, 'BadRequest', `container "${c.spec.name}" in pod "${name}" is waiting to start: ${c.reason}`);
      lines = c.state === 'running' ? this.logLines(c) : c.previousLog ?? [];
    }
    if (o.tailLines !== undefined && o.tailLines >= 0) lines = lines.slice(Math.max(0, lines.length - o.tailLines));
    if (o.timestamps) lines = lines.map((l) => `${new Date(logDate(l)).toISOString().replace('Z', '000000Z')} ${l}`);
    return lines.map((l) => `${l}\n`).join('');
  }

  /** The runtime's id of a container's current incarnation (a restart is a new container). */
  private containerId(run: PodRun, c: ContainerRun): string {
    return `sim://${run.uid}/${c.spec.name}/${c.restartCount}`;
  }

  private kill(run: PodRun, c: ContainerRun, reason: string, exitCode: number): void {
    c.previousLog = [...this.logLines(c), `${logTime(this.now())} ERROR process exited with code ${exitCode} (${reason})`];
    // As the kubelet: lastState.terminated names the container that just ended, by the id it ran under.
    c.lastState = { terminated: { containerID: this.containerId(run, c), exitCode, finishedAt: rfc3339(this.now()), reason, startedAt: c.startedAtIso } };
    c.restartCount++;
    c.state = 'waiting';
    c.started = false;
    c.ready = false;
    c.model = undefined;
  }

  private stepContainer(pod: any, run: PodRun, c: ContainerRun, now: number): void {
    const fault = this.faultFor(pod.metadata.name);
    if (c.state === 'waiting') {
      if (now < c.nextActionAt) return;
      if (fault === 'ImagePullBackOff') {
        // Alternates like the kubelet: a pull attempt fails (ErrImagePull), then backs off.
        const pulling = c.reason !== 'ErrImagePull';
        c.reason = pulling ? 'ErrImagePull' : 'ImagePullBackOff';
        c.message = pulling ? `failed to pull and unpack image "${c.spec.image}": not found` : `Back-off pulling image "${c.spec.image}"`;
        c.nextActionAt = now + this.ms(pulling ? 1 : 5);
        return;
      }
      const missing = this.missingVolume(pod);
      if (missing) {
        // The kubelet keeps the container in ContainerCreating (no message) and reports the mount as an event.
        c.reason = 'ContainerCreating';
        c.message = undefined;
        if (!run.failedMountReported) {
          run.failedMountReported = true;
          recordEvent(this.registry, this.now(), pod, 'Warning', 'FailedMount', missing, 'kubelet');
        }
        return;
      }
      this.startContainer(pod, run, c, now);
      return;
    }
    if (c.state !== 'running' || !c.model) return;
    if (fault === 'CrashLoopBackOff' && now >= c.nextActionAt) {
      this.kill(run, c, 'Error', 1);
      c.reason = 'CrashLoopBackOff';
      // The kubelet's back-off: 10 s, doubling, at most 5 min.
      const backoff = Math.min(300, 10 * 2 ** (c.restartCount - 1));
      c.message = `back-off ${backoff}s restarting failed container=${c.spec.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
      c.nextActionAt = now + this.ms(backoff);
      return;
    }
    const model = c.model;
    if (c.startup && !c.started) {
      c.startup.tick(now, c.startedAt, model);
      if (c.startup.result) c.started = true;
      else if (c.startup.failures >= failureThreshold(c.spec.startupProbe)) {
        recordEvent(this.registry, this.now(), pod, 'Warning', 'Unhealthy', `Startup probe failed: ${c.startup.lastFailure}`, 'kubelet');
        this.kill(run, c, 'Error', 137);
        c.nextActionAt = now;
        return;
      }
    }
    if (!c.started) return;
    if (c.liveness) {
      c.liveness.tick(now, c.startedAt, model);
      if (c.liveness.failures >= failureThreshold(c.spec.livenessProbe)) {
        recordEvent(this.registry, this.now(), pod, 'Warning', 'Unhealthy', `Liveness probe failed: ${c.liveness.lastFailure}`, 'kubelet');
        this.kill(run, c, 'Error', 137);
        c.nextActionAt = now;
        return;
      }
    }
    if (c.readiness) {
      c.readiness.tick(now, c.startedAt, model, fault !== 'NeverReady');
      c.ready = c.readiness.result;
    } else c.ready = fault !== 'NeverReady';
  }

  private tick(): void {
    const now = this.scheduler.now();
    // The kubelet's pass only reads pods (writes go through writeStatus): no copy of each pod on every pass.
    for (const [key, run] of [...this.pods]) {
      const pod = this.registry.store.peek(POD, run.ns, run.name);
      if (!pod || pod.metadata.uid !== run.uid) {
        this.pods.delete(key);
        continue;
      }
      if (pod.metadata.deletionTimestamp) {
        run.terminatingSince ??= now;
        const grace = pod.metadata.deletionGracePeriodSeconds ?? 30;
        if (now - run.terminatingSince >= this.ms(Math.min(grace, this.opts.podTerminationSeconds))) {
          this.pods.delete(key);
          if (!pod.metadata.finalizers?.length) this.registry.finishDelete(POD, pod);
          continue;
        }
        for (const c of run.containers) c.ready = false;
      } else {
        // The kubelet's first status of a pod it admitted is Pending with its containers in ContainerCreating,
        // before any of them starts (seen on every pod of a real cluster, and on kwok's stages).
        if (!run.admitted) {
          run.admitted = true;
          this.writeStatus(this.registry.store.peek(POD, run.ns, run.name), run);
        }
        for (const c of run.containers) this.stepContainer(this.registry.store.peek(POD, run.ns, run.name) ?? pod, run, c, now);
      }
      this.writeStatus(this.registry.store.peek(POD, run.ns, run.name) ?? pod, run);
    }
  }

  private writeStatus(pod: any, run: PodRun): void {
    const old = pod.status ?? {};
    const ts = rfc3339(this.now());
    const unready = run.containers.filter((c) => !c.ready).map((c) => c.spec.name);
    const sandboxReady = run.containers.some((c) => c.state !== 'waiting' || c.reason !== 'ContainerCreating' || c.restartCount > 0);
    const cond = (type: string, ok: boolean, reason?: string, message?: string) => {
      const prev = (old.conditions ?? []).find((c: any) => c.type === type);
      const status = ok ? 'True' : 'False';
      const c: Record<string, unknown> = { type, status, lastProbeTime: null, lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : ts };
      if (!ok && message) c.message = message;
      if (!ok && reason) c.reason = reason;
      return c;
    };
    const anyStarted = run.containers.some((c) => c.state === 'running' || c.restartCount > 0);
    const allReady = run.containers.every((c) => c.ready) && !pod.metadata.deletionTimestamp;
    const status = {
      phase: anyStarted ? 'Running' : 'Pending',
      conditions: [
        // False while the sandbox is being created, as the kubelet reports it since 1.29.
        cond('PodReadyToStartContainers', sandboxReady),
        cond('Initialized', true),
        cond('Ready', allReady, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`),
        cond('ContainersReady', allReady, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`),
        cond('PodScheduled', true),
      ],
      hostIP: HOST_IP,
      hostIPs: [{ ip: HOST_IP }],
      // The pod IP comes with the sandbox: none while volumes are still being mounted.
      ...(sandboxReady ? { podIP: run.podIP, podIPs: [{ ip: run.podIP }] } : {}),
      startTime: run.startTime,
      qosClass: old.qosClass ?? qosClassOf(pod.spec),
      containerStatuses: run.containers.map((c) => ({
        name: c.spec.name,
        state: c.state === 'running' ? { running: { startedAt: c.startedAtIso } } : { waiting: { reason: c.reason, ...(c.message ? { message: c.message } : {}) } },
        lastState: c.lastState,
        ready: c.ready,
        restartCount: c.restartCount,
        image: c.spec.image,
        imageID: c.state === 'running' || c.restartCount > 0 ? `sim://${c.spec.image}` : '',
        ...(c.state === 'running' ? { containerID: this.containerId(run, c) } : c.restartCount > 0 ? { containerID: c.lastState?.terminated?.containerID } : {}),
        started: c.state === 'running' && c.started,
      })),
    };
    if (deepEqual(status, old)) return;
    this.registry.writeInternal(POD, { ...pod, status }, 'kubelet', 'status');
  }
}
