/**
 * The one fixture module of the simulator, conformance and recordings tests: simulator start/stop (`start`,
 * `withSimulator`), the reference cluster (`referenceObjects`), client-node helpers, raw HTTP, watch recording.
 */
import { after, before } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startSimulator, Simulator, SimulatorOptions } from '../../sim';
import { renderCluster } from '../../lib/render/cluster';
import { restoreForm } from '../../lib/render/restore';
import { referenceDrSpec, referenceSpec } from '../fixtures';

export const NS = 'default';

export interface Clients {
  sim: Simulator;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  objects: k8s.KubernetesObjectApi;
}

export async function start(opts: SimulatorOptions = {}): Promise<Clients> {
  const sim = await startSimulator({ timeScale: 0.01, ...opts });
  const kc = sim.kubeConfig();
  return { sim, kc, core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api), objects: k8s.KubernetesObjectApi.makeApiClient(kc) };
}

/** The status code and decoded Status body of a failed client-node call. */
export async function failure(p: Promise<unknown>): Promise<{ code: number; body: any; headers: Record<string, string> }> {
  try {
    await p;
  } catch (e: any) {
    const body = typeof e.body === 'string' ? safeJson(e.body) : e.body;
    return { code: e.code ?? e.statusCode, body, headers: e.headers ?? {} };
  }
  throw new Error('expected the call to fail');
}

function safeJson(s: string): any {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

export function mergePatch(): k8s.ConfigurationOptions {
  return k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
}

export function strategicPatch(): k8s.ConfigurationOptions {
  return k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
}

/** A StatefulSet shaped like the operator's FE (container `fe`, named ports, /api/health probes, downward-API env). */
export function feStatefulSet(name: string, opts: { replicas?: number; policy?: 'Parallel' | 'OrderedReady'; image?: string; probePort?: string | number; restore?: boolean } = {}): any {
  const labels = { 'app.starrocks.ownerreference/name': name, 'app.kubernetes.io/component': 'fe' };
  const probe = (failureThreshold: number) => ({ httpGet: { path: '/api/health', port: opts.probePort ?? 8030 }, periodSeconds: 5, failureThreshold });
  const container: any = {
    name: 'fe',
    image: opts.image ?? 'starrocks/fe-ubuntu:3.3.5',
    command: ['/opt/starrocks/fe_entrypoint.sh'],
    args: ['$(FE_SERVICE_NAME)'],
    ports: [
      { name: 'http-port', containerPort: 8030 },
      { name: 'rpc-port', containerPort: 9020 },
      { name: 'query-port', containerPort: 9030 },
      { name: 'edit-log-port', containerPort: 9010 },
    ],
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'HOST_TYPE', value: 'FQDN' },
      { name: 'FE_SERVICE_NAME', value: `${name}-service.default` },
    ],
    volumeMounts: [
      { name: `${name}-cm`, mountPath: '/etc/starrocks/fe/conf' },
      { name: 'fe-storage-meta', mountPath: '/opt/starrocks/fe/meta' },
    ],
  };
  if (opts.restore) {
    container.readinessProbe = { tcpSocket: { port: 9030 }, initialDelaySeconds: 5, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
    container.env.push({ name: 'RESTORE_CLUSTER_GENERATION', value: '1' }, { name: 'RESTORE_CLUSTER_SNAPSHOT', value: 'true' });
  } else {
    container.startupProbe = probe(60);
    container.livenessProbe = probe(3);
    container.readinessProbe = probe(3);
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: NS, labels: { 'app.starrocks.ownerreference/name': name } },
    spec: {
      replicas: opts.replicas ?? 1,
      podManagementPolicy: opts.policy ?? 'Parallel',
      serviceName: `${name}-search`,
      selector: { matchLabels: labels },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 120,
          containers: [container],
          volumes: [{ name: `${name}-cm`, configMap: { name: `${name}-cm` } }],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'fe-storage-meta' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}

export function configMap(name: string, data: Record<string, string> = { 'fe.conf': 'http_port = 8030\n' }): any {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data };
}

export function podReady(p: any): boolean {
  return (p?.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** Collects watch events until stopped. */
export class Recorder {
  events: { type: string; name: string; rv: string; obj: any }[] = [];
  done?: unknown;
  closed = false;
  private controller?: AbortController;

  async start(kc: k8s.KubeConfig, path: string, params: Record<string, string | number | boolean | undefined>): Promise<void> {
    this.controller = await new k8s.Watch(kc).watch(
      path,
      params,
      (type, obj) => this.events.push({ type, name: obj?.metadata?.name, rv: obj?.metadata?.resourceVersion, obj }),
      (err) => {
        this.done = err;
        this.closed = true;
      },
    );
  }

  stop(): void {
    this.controller?.abort();
  }
}

export async function until(pred: () => boolean, timeoutMs = 20000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** One raw HTTP call to the simulator: the status, headers and decoded body, whatever the code. */
export async function http(sim: Simulator, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/**
 * Registers before/after hooks that start one simulator for the enclosing suite and stop it, and returns its
 * clients: usable inside the suite's tests and hooks (it reads through to the running simulator).
 */
export function withSimulator(opts: SimulatorOptions = {}): Clients {
  let current: Clients | undefined;
  before(async () => {
    current = await start(opts);
  });
  after(async () => {
    await current?.sim.stop();
  });
  return new Proxy({} as Clients, {
    get(_, key: keyof Clients) {
      if (!current) throw new Error('the simulator of this suite is not started yet: use its clients inside tests and hooks');
      return current[key];
    },
  });
}

/**
 * The built-in reference cluster (examples/starrocks-values.yaml), rendered: the full topology, or the restore form
 * of generation 1 (with examples/override.yaml, as a recovery renders it).
 */
export function referenceObjects(form: 'full' | 'restore' = 'full'): any[] {
  if (form === 'full') return renderCluster(referenceSpec(), { namespace: NS }) as any[];
  const spec = referenceDrSpec();
  const withDr = { ...spec, disasterRecovery: { enabled: true, generation: 1 } };
  return restoreForm(renderCluster(withDr, { namespace: NS }), withDr, 1) as any[];
}
