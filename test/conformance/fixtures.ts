/**
 * The objects Kubernetes' own e2e tests build, rebuilt for the simulator: e2estatefulset.NewStatefulSet
 * (test/e2e/framework/statefulset/resource.go), the headless Service "test", and the readiness probe the
 * StatefulSet tests switch on and off (`httpProbe` in test/e2e/apps/statefulset.go). Where the e2e breaks
 * readiness with `kubectl exec mv index.html`, these tests use the simulator's NeverReady pod fault.
 */
import * as k8s from '@kubernetes/client-node';
import { Clients, NS } from '../sim/helpers';

export { NS };

/** The labels of the [StatefulSetBasic] suite. */
export const LABELS = { foo: 'bar', baz: 'blah' };
export const WEBSERVER_IMAGE = 'registry.k8s.io/e2e-test-images/httpd:2.4.38-4';
export const NEW_WEBSERVER_IMAGE = 'registry.k8s.io/e2e-test-images/httpd:2.4.39-4';

/** `httpProbe`: GET /index.html on port 80 every second, one failure flips it. */
export const HTTP_PROBE = { httpGet: { path: '/index.html', port: 80 }, periodSeconds: 1, successThreshold: 1, failureThreshold: 1 };

export interface NewStatefulSetOptions {
  readonly replicas?: number;
  /** Adds the `datadir` volumeClaimTemplate mounted at /data/ (the e2e's statefulPodMounts). */
  readonly claims?: boolean;
  readonly probe?: boolean;
  readonly policy?: 'OrderedReady' | 'Parallel';
}

export function newStatefulSet(name: string, o: NewStatefulSetOptions = {}): k8s.V1StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: NS },
    spec: {
      replicas: o.replicas ?? 1,
      serviceName: 'test',
      podManagementPolicy: o.policy,
      selector: { matchLabels: { ...LABELS } },
      template: {
        metadata: { labels: { ...LABELS } },
        spec: {
          containers: [{
            name: 'webserver',
            image: WEBSERVER_IMAGE,
            ports: [{ containerPort: 80, name: 'http' }],
            ...(o.probe ? { readinessProbe: HTTP_PROBE } : {}),
            ...(o.claims ? { volumeMounts: [{ name: 'datadir', mountPath: '/data/' }] } : {}),
          }],
        },
      },
      volumeClaimTemplates: o.claims ? [{ metadata: { name: 'datadir' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] : undefined,
    },
  };
}

/** What the e2e helpers read: pods of the set in ordinal order, readiness, revisions. */
export function podsOf(c: Clients, name: string): any[] {
  const ord = (p: any) => Number(p.metadata.name.slice(name.length + 1));
  return c.sim.list('Pod', NS).filter((p) => p.metadata.name.startsWith(`${name}-`) && Number.isInteger(ord(p))).sort((a, b) => ord(a) - ord(b));
}

export const isReady = (p: any) => p?.status?.phase === 'Running' && (p.status.conditions ?? []).some((x: any) => x.type === 'Ready' && x.status === 'True');

export function revisionOf(p: any): string {
  return p.metadata.labels['controller-revision-hash'];
}

/** e2estatefulset.WaitForRunningAndReady: exactly `n` pods, all Running and Ready, none terminating. */
export function waitForRunningAndReady(c: Clients, name: string, n: number, timeoutMs = 10_000): Promise<void> {
  return c.sim.waitFor(() => {
    const pods = podsOf(c, name);
    return pods.length === n && pods.every((p) => isReady(p) && !p.metadata.deletionTimestamp);
  }, timeoutMs);
}

/** waitForStatus: the controller has observed the latest generation. */
export async function waitForStatus(c: Clients, name: string, timeoutMs = 10_000): Promise<any> {
  await c.sim.waitFor(() => {
    const s = c.sim.get('StatefulSet', NS, name);
    return !!s && s.status?.observedGeneration >= s.metadata.generation;
  }, timeoutMs);
  return c.sim.get('StatefulSet', NS, name);
}

/** waitForRollingUpdate: every pod on the update revision and currentRevision caught up. */
export function waitForRollingUpdate(c: Clients, name: string, timeoutMs = 10_000): Promise<void> {
  return c.sim.waitFor(() => {
    const s = c.sim.get('StatefulSet', NS, name);
    if (!s || s.status?.observedGeneration < s.metadata.generation) return false;
    const pods = podsOf(c, name);
    return s.status.updateRevision === s.status.currentRevision && pods.length === s.spec.replicas && pods.every((p) => revisionOf(p) === s.status.updateRevision && isReady(p));
  }, timeoutMs);
}

/** confirmStatefulPodCount: the count stays `n` for a while (time measured in probe periods of the scaled clock). */
export async function confirmPodCount(c: Clients, name: string, n: number, forMs: number): Promise<void> {
  const end = Date.now() + forMs;
  while (Date.now() < end) {
    const got = podsOf(c, name).length;
    if (got !== n) throw new Error(`StatefulSet ${name} has ${got} pods, expected to stay at ${n}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Pod names in the order a watch saw them appear (ADDED) or go (DELETED). */
export function orderOf(events: { type: string; name: string }[], type: 'ADDED' | 'DELETED', set: string): string[] {
  const mine = new RegExp(`^${set}-\\d+$`);
  const seen: string[] = [];
  for (const e of events) if (e.type === type && mine.test(e.name ?? '') && !seen.includes(e.name)) seen.push(e.name);
  return seen;
}
