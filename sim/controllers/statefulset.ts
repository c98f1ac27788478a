/**
 * The StatefulSet controller, following the upstream algorithm (pkg/controller/statefulset):
 * - pods `<sts>-<i>` for ordinals 0..replicas-1, PVCs `<template>-<sts>-<i>` from volumeClaimTemplates,
 *   created if missing and never deleted here (they survive scale-down and StatefulSet deletion, and a
 *   recreated StatefulSet reuses them);
 * - `OrderedReady`: create one pod at a time, each after the lower ones are Running and Ready; scale down
 *   from the highest ordinal, one at a time. `Parallel`: create and delete without waiting;
 * - revisions: a ControllerRevision per distinct pod template, the `controller-revision-hash` pod label;
 *   RollingUpdate replaces pods from the highest ordinal down to `partition`, one at a time, waiting for
 *   each replacement to be Running and Ready; OnDelete replaces nothing;
 * - status: replicas, readyReplicas, availableReplicas, currentReplicas, updatedReplicas, currentRevision,
 *   updateRevision, observedGeneration; currentRevision moves to updateRevision once every pod is updated
 *   and ready.
 */
import { createHash } from 'node:crypto';
import { Clock } from '../clock';
import { ApiStatusError } from '../http/status';
import { clone, stableStringify } from '../json';
import { Registry } from '../registry';
import { resourceType } from '../resources';
import { StoreEvent } from '../store';
import { QueueController } from './controller';
import { recordEvent } from './events';

const STS = resourceType('StatefulSet')!;
const POD = resourceType('Pod')!;
const PVC = resourceType('PersistentVolumeClaim')!;
const REV = resourceType('ControllerRevision')!;
const MANAGER = 'kube-controller-manager';
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** A short, stable hash of a pod template, spelled like the real controller's. */
export function templateHash(template: unknown): string {
  const digest = createHash('sha256').update(stableStringify(template)).digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += SAFE[digest[i] % SAFE.length];
  return out;
}

export function ordinalOf(stsName: string, podName: string): number | undefined {
  if (!podName.startsWith(stsName + '-')) return undefined;
  const rest = podName.slice(stsName.length + 1);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

function isTerminating(p: any): boolean {
  return !!p.metadata.deletionTimestamp;
}

function isRunningAndReady(p: any): boolean {
  return p.status?.phase === 'Running' && (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

function isHealthy(p: any): boolean {
  return isRunningAndReady(p) && !isTerminating(p);
}

function isFailed(p: any): boolean {
  return p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';
}

export class StatefulSetController extends QueueController {
  constructor(
    registry: Registry,
    private readonly now: Clock,
  ) {
    super(registry);
  }

  protected keysFor(e: StoreEvent): string[] {
    const o = e.object;
    if (e.rt === STS) return [`${o.metadata.namespace}/${o.metadata.name}`];
    if (e.rt === POD || e.rt === REV) {
      const ref = (o.metadata.ownerReferences ?? []).find((r: any) => r.controller && r.kind === 'StatefulSet');
      return ref ? [`${o.metadata.namespace}/${ref.name}`] : [];
    }
    if (e.rt === PVC && e.type === 'DELETED') {
      // A pod waiting for a claim that is gone needs it recreated.
      return this.registry.store.list(STS, o.metadata.namespace).map((s) => `${s.metadata.namespace}/${s.metadata.name}`);
    }
    return [];
  }

  protected reconcile(key: string): void {
    const [ns, name] = key.split('/');
    const sts = this.registry.store.get(STS, ns, name);
    if (!sts || isTerminating(sts)) return;
    const uid = sts.metadata.uid;
    const owned = (o: any) => (o.metadata.ownerReferences ?? []).some((r: any) => r.uid === uid && r.controller);
    const pods = this.registry.store.list(POD, ns).filter(owned);
    const { current, update } = this.revisions(sts);

    this.syncPods(sts, pods, current, update);
    this.syncStatus(sts, current, update);
  }

  /** Finds or creates the ControllerRevision of the current template; returns current and update revisions. */
  private revisions(sts: any): { current: any; update: any } {
    const ns = sts.metadata.namespace;
    const revs = this.registry.store.list(REV, ns).filter((r) => (r.metadata.ownerReferences ?? []).some((o: any) => o.uid === sts.metadata.uid));
    const hash = templateHash(sts.spec.template);
    const revName = `${sts.metadata.name}-${hash}`;
    const maxRev = revs.reduce((m, r) => Math.max(m, Number(r.revision ?? 0)), 0);
    let update = revs.find((r) => r.metadata.name === revName);
    if (!update) {
      update = this.registry.create(REV, ns, {
        metadata: {
          name: revName,
          namespace: ns,
          labels: { ...(sts.spec.selector?.matchLabels ?? {}), 'controller.kubernetes.io/hash': hash },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: sts.metadata.name, uid: sts.metadata.uid, controller: true, blockOwnerDeletion: true }],
        },
        data: { spec: { template: { ...clone(sts.spec.template), $patch: 'replace' } } },
        revision: maxRev + 1,
      }, { fieldManager: MANAGER });
      revs.push(update);
    } else if (Number(update.revision) < maxRev && sts.status?.updateRevision !== revName) {
      // Rolling back to an older template: that revision becomes the newest.
      update = this.registry.writeInternal(REV, { ...update, revision: maxRev + 1 }, MANAGER);
    }
    const current = revs.find((r) => r.metadata.name === sts.status?.currentRevision) ?? update;
    return { current, update };
  }

  private templateOf(rev: any): any {
    const { $patch: _p, ...t } = rev.data?.spec?.template ?? {};
    return t;
  }

  private syncPods(sts: any, pods: any[], current: any, update: any): void {
    const name = sts.metadata.name;
    const replicas: number = sts.spec.replicas ?? 1;
    const monotonic = sts.spec.podManagementPolicy !== 'Parallel';
    const rolling = sts.spec.updateStrategy?.type !== 'OnDelete';
    const partition: number = rolling ? sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0 : 0;
    const slots: (any | undefined)[] = new Array(replicas).fill(undefined);
    const condemned: any[] = [];
    for (const p of pods) {
      const ord = ordinalOf(name, p.metadata.name);
      if (ord === undefined) continue;
      if (ord < replicas) slots[ord] = p;
      else condemned.push(p);
    }
    condemned.sort((a, b) => ordinalOf(name, b.metadata.name)! - ordinalOf(name, a.metadata.name)!);
    const revOf = (p: any) => p.metadata.labels?.['controller-revision-hash'];

    for (let i = 0; i < replicas; i++) {
      const p = slots[i];
      if (p && isFailed(p) && !isTerminating(p)) {
        this.deletePod(sts, p);
        if (monotonic) return;
        continue;
      }
      if (!p) {
        const rev = rolling && i < partition ? current : update;
        this.createPod(sts, i, rev);
        if (monotonic) return;
        continue;
      }
      this.ensureClaims(sts, i);
      this.retainOrReleaseClaims(sts, p, false);
      if (monotonic && (isTerminating(p) || !isHealthy(p))) return;
    }

    // As stateful_set_control.go: the first unhealthy pod (replicas in ordinal order, then the condemned ones) may be
    // deleted; any other unhealthy condemned pod halts an OrderedReady scale-down.
    const ascending = [...condemned].reverse();
    const firstUnhealthy = [...slots, ...ascending].find((x) => x && !isHealthy(x));
    for (const p of condemned) {
      if (isTerminating(p)) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && !isHealthy(p) && p !== firstUnhealthy) return;
      this.retainOrReleaseClaims(sts, p, true);
      this.deletePod(sts, p);
      if (monotonic) return;
    }

    if (!rolling) return;
    // Wait for every pod to exist before rolling (the real controller requires all replicas present).
    if (slots.some((s) => !s)) return;
    for (let t = replicas - 1; t >= partition; t--) {
      const p = slots[t];
      if (revOf(p) !== update.metadata.name && !isTerminating(p)) {
        this.deletePod(sts, p);
        return;
      }
      if (!isHealthy(p)) return;
    }
  }

  /**
   * persistentVolumeClaimRetentionPolicy (StatefulSetAutoDeletePVC, on by default since 1.27): `whenDeleted: Delete`
   * makes the StatefulSet an owner of each claim (the garbage collector deletes them with it); `whenScaled: Delete`
   * makes a condemned pod the owner of its claims (they go with the pod). Retain (the default) leaves claims unowned.
   */
  private retainOrReleaseClaims(sts: any, pod: any, condemned: boolean): void {
    const policy = sts.spec.persistentVolumeClaimRetentionPolicy ?? {};
    const ordinal = ordinalOf(sts.metadata.name, pod.metadata.name);
    if (ordinal === undefined) return;
    for (const tpl of sts.spec.volumeClaimTemplates ?? []) {
      const claim = this.registry.store.get(PVC, sts.metadata.namespace, this.claimName(sts, tpl, ordinal));
      if (!claim || claim.metadata.deletionTimestamp) continue;
      const refs: any[] = (claim.metadata.ownerReferences ?? []).filter((r: any) => !(r.kind === 'StatefulSet' && r.uid === sts.metadata.uid) && !(r.kind === 'Pod' && r.uid === pod.metadata.uid));
      if (policy.whenDeleted === 'Delete') refs.push({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: sts.metadata.name, uid: sts.metadata.uid });
      if (condemned && policy.whenScaled === 'Delete') refs.push({ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid });
      const next = { ...claim, metadata: { ...claim.metadata, ownerReferences: refs.length ? refs : undefined } };
      if (!refs.length) delete next.metadata.ownerReferences;
      this.registry.writeInternal(PVC, next, MANAGER);
    }
  }

  private claimName(sts: any, tpl: any, ordinal: number): string {
    return `${tpl.metadata?.name}-${sts.metadata.name}-${ordinal}`;
  }

  private ensureClaims(sts: any, ordinal: number): void {
    const ns = sts.metadata.namespace;
    for (const tpl of sts.spec.volumeClaimTemplates ?? []) {
      const claim = this.claimName(sts, tpl, ordinal);
      if (this.registry.store.get(PVC, ns, claim)) continue;
      const pvc = this.registry.create(PVC, ns, {
        metadata: {
          name: claim,
          namespace: ns,
          labels: { ...(sts.spec.selector?.matchLabels ?? {}), ...(tpl.metadata?.labels ?? {}) },
          ...(tpl.metadata?.annotations ? { annotations: tpl.metadata.annotations } : {}),
        },
        spec: clone(tpl.spec),
      }, { fieldManager: MANAGER });
      recordEvent(this.registry, this.now(), sts, 'Normal', 'SuccessfulCreate', `create Claim ${claim} Pod ${sts.metadata.name}-${ordinal} in StatefulSet ${sts.metadata.name} success`, 'statefulset-controller');
      void pvc;
    }
  }

  private createPod(sts: any, ordinal: number, rev: any): void {
    const ns = sts.metadata.namespace;
    const podName = `${sts.metadata.name}-${ordinal}`;
    this.ensureClaims(sts, ordinal);
    const template = this.templateOf(rev);
    const spec = clone(template.spec ?? {});
    const volumes: any[] = spec.volumes ?? [];
    for (const tpl of sts.spec.volumeClaimTemplates ?? []) {
      const v = { name: tpl.metadata?.name, persistentVolumeClaim: { claimName: this.claimName(sts, tpl, ordinal) } };
      const idx = volumes.findIndex((x) => x.name === v.name);
      if (idx >= 0) volumes[idx] = v;
      else volumes.push(v);
    }
    if (volumes.length) spec.volumes = volumes;
    spec.hostname = podName;
    if (sts.spec.serviceName) spec.subdomain = sts.spec.serviceName;
    // As the real controller: the label carries the ControllerRevision's name (`<sts>-<hash>`), the value
    // status.currentRevision / updateRevision hold.
    const revisionName = rev.metadata.name;
    const pod = {
      metadata: {
        name: podName,
        namespace: ns,
        labels: {
          ...(template.metadata?.labels ?? {}),
          'controller-revision-hash': revisionName,
          'statefulset.kubernetes.io/pod-name': podName,
          'apps.kubernetes.io/pod-index': String(ordinal),
        },
        ...(template.metadata?.annotations ? { annotations: clone(template.metadata.annotations) } : {}),
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: sts.metadata.name, uid: sts.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec,
    };
    try {
      this.registry.create(POD, ns, pod, { fieldManager: MANAGER });
    } catch (e) {
      // As StatefulPodControl.recordPodEvent: the API server's refusal becomes a FailedCreate event and the pod is
      // never created (a name or label too long for a pod, kubernetes#64023, or a template the server refuses).
      if (!(e instanceof ApiStatusError)) throw e;
      recordEvent(this.registry, this.now(), sts, 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${sts.metadata.name} failed error: ${e.message}`, 'statefulset-controller');
      return;
    }
    recordEvent(this.registry, this.now(), sts, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${sts.metadata.name} successful`, 'statefulset-controller');
  }

  private deletePod(sts: any, pod: any): void {
    this.registry.delete(POD, pod.metadata.namespace, pod.metadata.name, {});
    recordEvent(this.registry, this.now(), sts, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`, 'statefulset-controller');
  }

  private syncStatus(sts0: any, current: any, update: any): void {
    const sts = this.registry.store.get(STS, sts0.metadata.namespace, sts0.metadata.name);
    if (!sts || sts.metadata.uid !== sts0.metadata.uid) return;
    const pods = this.registry.store.list(POD, sts.metadata.namespace).filter((p) => (p.metadata.ownerReferences ?? []).some((r: any) => r.uid === sts.metadata.uid && r.controller));
    const curHash = current.metadata.name;
    const updHash = update.metadata.name;
    const replicas = pods.length;
    const ready = pods.filter(isRunningAndReady).length;
    let currentReplicas = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === curHash).length;
    const updatedReplicas = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === updHash).length;
    let currentRevision = current.metadata.name;
    if (sts.spec.updateStrategy?.type !== 'OnDelete' && updatedReplicas === replicas && ready === replicas) {
      currentRevision = update.metadata.name;
      currentReplicas = updatedReplicas;
    }
    const status: Record<string, unknown> = {
      observedGeneration: sts.metadata.generation,
      replicas,
      readyReplicas: ready,
      currentReplicas,
      updatedReplicas,
      currentRevision,
      updateRevision: update.metadata.name,
      collisionCount: 0,
      availableReplicas: ready,
    };
    // Conditions are written by others through /status; the controller keeps them.
    if (sts.status?.conditions) status.conditions = sts.status.conditions;
    // Zero counts are omitted on the wire (omitempty), as the real API server does.
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas']) if (status[k] === 0) delete status[k];
    this.registry.writeInternal(STS, { ...sts, status }, MANAGER, 'status');
  }
}
