/**
 * Probes of API server behaviour that our simulator claims to reproduce, written once and run against both the real
 * control plane and the simulator (sim-vs-real.test.ts). Each probe sends plain HTTP through the kubeconfig's
 * credentials and returns what a client can see - status codes, Status bodies, defaults, managedFields, the order of
 * watch events - with what differs by nature (uids, times, resourceVersions, IPs) normalised away.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { StarRocksClusterSpec } from '../../lib/model/types';
import { planRecovery } from '../../lib/dr/plan';

export interface Reply {
  readonly status: number;
  readonly body: any;
}

export interface Api {
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<Reply>;
  /** Collect watch events on `path` until `until` says stop (or `timeoutMs`). */
  watch(path: string, until: (events: readonly WatchEvent[]) => boolean, timeoutMs: number): Promise<WatchEvent[]>;
}

export interface WatchEvent {
  readonly type: string;
  readonly object: any;
}

export function apiFor(kc: KubeConfig): Api {
  const cluster = kc.getCurrentCluster()!;
  const base = new URL(cluster.server);
  const options = async (): Promise<https.RequestOptions> => {
    const o: https.RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(o);
    return o;
  };
  const send = async (method: string, path: string, body?: unknown, contentType = 'application/json', onData?: (chunk: string, req: http.ClientRequest) => void): Promise<Reply> => {
    const o = await options();
    const mod = base.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(
        { ...o, hostname: base.hostname, port: base.port, path, method, headers: { ...o.headers, accept: 'application/json', ...(body !== undefined ? { 'content-type': contentType } : {}) } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c;
            onData?.(c.toString(), req);
          });
          res.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // watch streams and plain text stay text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      if (body !== undefined) req.write(typeof body === 'string' ? body : JSON.stringify(body));
      req.end();
    });
  };
  return {
    request: (method, path, body, contentType) => send(method, path, body, contentType),
    async watch(path, until, timeoutMs) {
      const events: WatchEvent[] = [];
      let buffer = '';
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        send('GET', path, undefined, undefined, (chunk, req) => {
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (line) events.push(JSON.parse(line) as WatchEvent);
          }
          if (!stopped && until(events)) {
            stopped = true;
            req.destroy();
          }
        }).catch(() => undefined),
        new Promise((r) => (timer = setTimeout(r, timeoutMs))),
      ]);
      // A pending timer would keep the test process alive after its tests (it did, for a minute).
      clearTimeout(timer);
      return events;
    },
  };
}

/** Drop what differs by nature between two servers and two runs. */
export function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (['uid', 'resourceVersion', 'creationTimestamp', 'time', 'lastTransitionTime', 'lastProbeTime', 'startTime', 'startedAt', 'clusterIP', 'clusterIPs', 'podIP', 'podIPs', 'hostIP', 'hostIPs', 'lastHeartbeatTime', 'volumeName', 'deletionTimestamp'].includes(k)) continue;
      out[k] = normalise(v);
    }
    return out;
  }
  return value;
}

/** Status bodies without the parts that name this run. */
function statusOf(r: Reply): unknown {
  const b = r.body as { kind?: string; status?: string; reason?: string; message?: string; code?: number; details?: unknown };
  return { http: r.status, kind: b?.kind, status: b?.status, reason: b?.reason, message: b?.message, code: b?.code, details: normalise(b?.details) };
}

const managers = (obj: any) =>
  ((obj?.metadata?.managedFields ?? []) as any[]).filter((m) => m.manager !== 'test-harness').map((m) => `${m.manager} ${m.operation}${m.subresource ? ` ${m.subresource}` : ''} ${Object.keys(m.fieldsV1 ?? {}).sort().join(',')}`).sort();

async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ProbeContext {
  readonly api: Api;
  readonly namespace: string;
  readonly spec: StarRocksClusterSpec;
  /** Make the restoring FE pod Ready (the real control plane: kwok's annotation; the simulator: it restores on its own). */
  finishRestore(pod: string): Promise<void>;
}

export type Probe = (ctx: ProbeContext) => Promise<unknown>;

const cm = (name: string, data: Record<string, string> = { a: '1' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

/** The probes, by name. Each uses its own objects in the shared namespace. */
export const PROBES: Record<string, Probe> = {
  async 'GET a missing object'({ api, namespace }) {
    return statusOf(await api.request('GET', `/api/v1/namespaces/${namespace}/configmaps/missing`));
  },
  async 'POST an object that exists'({ api, namespace }) {
    await api.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, cm('twice'));
    return statusOf(await api.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, cm('twice')));
  },
  async 'PUT with a stale resourceVersion'({ api, namespace }) {
    const created = await api.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, cm('stale'));
    const rv = created.body.metadata.resourceVersion;
    await api.request('PUT', `/api/v1/namespaces/${namespace}/configmaps/stale`, { ...cm('stale', { a: '2' }), metadata: { name: 'stale', resourceVersion: rv } });
    return statusOf(await api.request('PUT', `/api/v1/namespaces/${namespace}/configmaps/stale`, { ...cm('stale', { a: '3' }), metadata: { name: 'stale', resourceVersion: rv } }));
  },
  async 'PUT of an object that does not exist'({ api, namespace }) {
    return statusOf(await api.request('PUT', `/api/v1/namespaces/${namespace}/configmaps/nosuch`, { ...cm('nosuch'), metadata: { name: 'nosuch', resourceVersion: '1' } }));
  },
  async 'POST with an invalid name'({ api, namespace }) {
    return statusOf(await api.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, cm('Bad_Name')));
  },
  async 'server-side apply: a conflict between two managers'({ api, namespace }) {
    const path = `/api/v1/namespaces/${namespace}/configmaps/shared`;
    const a = await api.request('PATCH', `${path}?fieldManager=first`, cm('shared', { k: 'one' }), 'application/apply-patch+yaml');
    const b = await api.request('PATCH', `${path}?fieldManager=second`, cm('shared', { k: 'two' }), 'application/apply-patch+yaml');
    const forced = await api.request('PATCH', `${path}?fieldManager=second&force=true`, cm('shared', { k: 'two' }), 'application/apply-patch+yaml');
    return { create: a.status, conflict: statusOf(b), forced: { http: forced.status, managers: managers(forced.body) } };
  },
  async 'server-side apply without a fieldManager'({ api, namespace }) {
    return statusOf(await api.request('PATCH', `/api/v1/namespaces/${namespace}/configmaps/nomanager`, cm('nomanager'), 'application/apply-patch+yaml'));
  },
  async 'merge patch of a missing object'({ api, namespace }) {
    return statusOf(await api.request('PATCH', `/api/v1/namespaces/${namespace}/configmaps/absent`, { data: { a: '1' } }, 'application/merge-patch+json'));
  },
  async 'the rendered Services, applied, as the server returns them'({ api, namespace, spec }) {
    const objs = planRecovery(spec, namespace).plan.fullObjects.filter((o) => o.kind === 'Service');
    const out: Record<string, unknown> = {};
    for (const o of objs) {
      const r = await api.request('PATCH', `/api/v1/namespaces/${namespace}/services/${o.metadata!.name}?fieldManager=probe`, o, 'application/apply-patch+yaml');
      out[o.metadata!.name!] = { http: r.status, spec: normalise(r.body.spec), managers: managers(r.body) };
    }
    return out;
  },
  async 'the restore form of the FE: StatefulSet, claims and pod as the server and its controllers make them'({ api, namespace, spec, finishRestore }) {
    const objs = planRecovery(spec, namespace).plan.restoreObjects;
    for (const o of objs) {
      const plural = o.kind === 'StatefulSet' ? 'statefulsets' : o.kind === 'Service' ? 'services' : o.kind === 'Secret' ? 'secrets' : 'configmaps';
      const group = o.kind === 'StatefulSet' ? '/apis/apps/v1' : '/api/v1';
      await api.request('PATCH', `${group}/namespaces/${namespace}/${plural}/${o.metadata!.name}?fieldManager=starrocks-dr`, o, 'application/apply-patch+yaml');
    }
    const sts = objs.find((o) => o.kind === 'StatefulSet')!;
    const name = sts.metadata!.name!;
    const pod = `${name}-0`;
    await eventually('the FE pod', async () => (await api.request('GET', `/api/v1/namespaces/${namespace}/pods/${pod}`)).status === 200);
    await finishRestore(pod);
    await eventually('the FE StatefulSet ready', async () => (await api.request('GET', `/apis/apps/v1/namespaces/${namespace}/statefulsets/${name}`)).body?.status?.readyReplicas === 1, 60_000);
    const live = (await api.request('GET', `/apis/apps/v1/namespaces/${namespace}/statefulsets/${name}`)).body;
    const podBody = (await api.request('GET', `/api/v1/namespaces/${namespace}/pods/${pod}`)).body;
    const pvcs = (await api.request('GET', `/api/v1/namespaces/${namespace}/persistentvolumeclaims`)).body.items;
    const revisions = (await api.request('GET', `/apis/apps/v1/namespaces/${namespace}/controllerrevisions`)).body.items;
    return {
      statefulSet: { spec: normalise(live.spec), status: normalise({ ...live.status, currentRevision: 'x', updateRevision: 'x' }), managers: managers(live), generation: live.metadata.generation },
      pod: {
        labels: Object.keys(podBody.metadata.labels).sort(),
        ownerReferences: normalise(podBody.metadata.ownerReferences),
        // The StatefulSet controller puts the claim volumes first in Go map order, which varies from pod to pod
        // (k8s.io/kubernetes v1.36.3 pkg/controller/statefulset/stateful_set_utils.go:412-434): compare them sorted.
        spec: normalise({ ...podBody.spec, nodeName: 'x', volumes: [...podBody.spec.volumes].sort((a: any, b: any) => a.name.localeCompare(b.name)) }),
        phase: podBody.status.phase,
        conditions: (podBody.status.conditions as any[]).map((c) => `${c.type}=${c.status}`).sort(),
        managers: managers(podBody).map((m) => m.split(' ').slice(0, 3).join(' ')),
      },
      claims: (pvcs as any[]).map((p) => ({ name: p.metadata.name, labels: p.metadata.labels, ownerReferences: normalise(p.metadata.ownerReferences), spec: normalise(p.spec), phase: p.status.phase, managers: managers(p).map((m) => m.split(' ').slice(0, 2).join(' ')) })),
      controllerRevisions: (revisions as any[]).map((r) => ({ revision: r.revision, labels: Object.keys(r.metadata.labels).sort(), owner: r.metadata.ownerReferences?.[0]?.kind })),
    };
  },
  async 'watch of the FE pods from creation to Ready (event types and phases)'({ api, namespace, spec, finishRestore }) {
    const restore = planRecovery(spec, namespace).plan.restoreObjects;
    const sts = JSON.parse(JSON.stringify(restore.find((o) => o.kind === 'StatefulSet')!));
    sts.metadata.name = 'watched-fe';
    sts.spec.volumeClaimTemplates = [];
    sts.spec.template.spec.volumes = (sts.spec.template.spec.volumes ?? []).filter((v: any) => v.configMap || v.secret);
    sts.spec.template.spec.containers[0].volumeMounts = (sts.spec.template.spec.containers[0].volumeMounts ?? []).filter((m: any) => sts.spec.template.spec.volumes.some((v: any) => v.name === m.name));
    const list = await api.request('GET', `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent('app.kubernetes.io/component=fe')}`);
    const pod = 'watched-fe-0';
    const watching = api.watch(
      `/api/v1/namespaces/${namespace}/pods?watch=true&resourceVersion=${list.body.metadata.resourceVersion}&fieldSelector=${encodeURIComponent(`metadata.name=${pod}`)}`,
      (events) => events.some((e) => (e.object.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')),
      60_000,
    );
    await api.request('PATCH', `/apis/apps/v1/namespaces/${namespace}/statefulsets/watched-fe?fieldManager=probe`, sts, 'application/apply-patch+yaml');
    await eventually('the watched pod', async () => (await api.request('GET', `/api/v1/namespaces/${namespace}/pods/${pod}`)).status === 200);
    await eventually('the watched pod running', async () => (await api.request('GET', `/api/v1/namespaces/${namespace}/pods/${pod}`)).body?.status?.phase === 'Running', 30_000);
    await finishRestore(pod);
    const events = await watching;
    // Collapse repeats: what a watcher sees change, in order.
    const seen: string[] = [];
    for (const e of events) {
      const s = e.object.status ?? {};
      const ready = (s.conditions ?? []).find((c: any) => c.type === 'Ready')?.status ?? '-';
      const scheduled = e.object.spec?.nodeName ? 'scheduled' : 'unscheduled';
      const state = Object.keys(s.containerStatuses?.[0]?.state ?? {})[0] ?? '-';
      const line = `${e.type} ${scheduled} phase=${s.phase ?? '-'} container=${state} Ready=${ready}`;
      if (seen[seen.length - 1] !== line) seen.push(line);
    }
    return seen;
  },
  async 'discovery: the resources the product uses'({ api }) {
    const core = (await api.request('GET', '/api/v1')).body.resources as any[];
    const apps = (await api.request('GET', '/apis/apps/v1')).body.resources as any[];
    const coord = (await api.request('GET', '/apis/coordination.k8s.io/v1')).body.resources as any[];
    // Order in a discovery document means nothing to a client: compare by name.
    const pick = (rs: any[], names: string[]) => rs.filter((r) => names.includes(r.name)).sort((a, b) => a.name.localeCompare(b.name)).map((r) => ({ name: r.name, kind: r.kind, namespaced: r.namespaced, verbs: [...r.verbs].sort(), shortNames: r.shortNames ?? [] }));
    return {
      core: pick(core, ['configmaps', 'secrets', 'services', 'pods', 'pods/status', 'pods/log', 'pods/portforward', 'persistentvolumeclaims', 'events', 'endpoints', 'namespaces']),
      apps: pick(apps, ['statefulsets', 'statefulsets/status', 'statefulsets/scale', 'controllerrevisions']),
      coordination: pick(coord, ['leases']),
    };
  },
};
