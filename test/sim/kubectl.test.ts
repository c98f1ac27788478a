import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, Simulator } from '../../lib/sim';

/** kubectl from PATH (or /usr/bin), if any. */
function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/bin')) {
    const p = join(dir, 'kubectl');
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

const KUBECTL = findKubectl();
if (!KUBECTL) console.log('# kubectl tests skipped: no kubectl on PATH (CI installs Debian kubernetes-client)');

/** Runs kubectl without blocking the event loop (the simulator runs in this process). */
function run(args: string[], dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL!, [`--kubeconfig=${join(dir, 'kubeconfig')}`, `--cache-dir=${join(dir, 'cache')}`, ...args], { timeout: 90_000, env: { ...process.env, HOME: dir } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kc-fe-cm
data:
  fe.conf: |
    http_port = 8030
---
apiVersion: v1
kind: Service
metadata:
  name: kc-fe-search
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {app: kc-fe}
  ports:
  - {name: query-port, port: 9030}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: kc-fe
spec:
  replicas: 2
  podManagementPolicy: Parallel
  serviceName: kc-fe-search
  selector:
    matchLabels: {app: kc-fe}
  template:
    metadata:
      labels: {app: kc-fe}
    spec:
      containers:
      - name: fe
        image: starrocks/fe-ubuntu:3.3.5
        ports:
        - {name: http-port, containerPort: 8030}
        - {name: query-port, containerPort: 9030}
        readinessProbe:
          httpGet: {path: /api/health, port: http-port}
          periodSeconds: 5
        volumeMounts:
        - {name: conf, mountPath: /etc/starrocks/fe/conf}
      volumes:
      - name: conf
        configMap: {name: kc-fe-cm}
  volumeClaimTemplates:
  - metadata: {name: meta}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

describe('sim: the real kubectl', { skip: KUBECTL ? false : 'kubectl is not installed' }, () => {
  let sim: Simulator;
  let dir: string;
  let validate: string[] = [];
  before(async () => {
    sim = await startSimulator({ timeScale: 0.01 });
    dir = mkdtempSync(join(tmpdir(), 'sim-kubectl-'));
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeConfigYaml());
    writeFileSync(join(dir, 'fe.yaml'), MANIFEST);
    // kubectl before 1.27 validates against /openapi/v2, which the simulator does not serve.
    const v = await run(['version', '--client', '-o', 'json'], dir);
    const minor = Number(/"minor":\s*"(\d+)/.exec(v.stdout)?.[1] ?? '32');
    if (minor < 27) validate = ['--validate=false'];
  });
  after(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('get lists namespaces with Table columns', async () => {
    const r = await run(['get', 'namespaces'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+STATUS\s+AGE/m);
    assert.match(r.stdout, /^default\s+Active/m);
  });

  it('apply --server-side creates the objects, then rollout status and wait --for=condition=Ready succeed', async () => {
    const a = await run(['apply', '--server-side', ...validate, '-f', join(dir, 'fe.yaml')], dir);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /statefulset.apps\/kc-fe serverside-applied/);
    assert.equal(sim.get('StatefulSet', 'default', 'kc-fe').metadata.managedFields[0].manager, 'kubectl');
    const r = await run(['rollout', 'status', 'statefulset/kc-fe', '--timeout=60s'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /roll out complete/);
    const w = await run(['wait', '--for=condition=Ready', 'pod/kc-fe-0', 'pod/kc-fe-1', '--timeout=60s'], dir);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stdout, /pod\/kc-fe-0 condition met/);
    const g = await run(['get', 'pods', '-l', 'app=kc-fe'], dir);
    assert.match(g.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/m);
    assert.match(g.stdout, /^kc-fe-0\s+1\/1\s+Running\s+0/m);
    const again = await run(['apply', '--server-side', ...validate, '-f', join(dir, 'fe.yaml')], dir);
    assert.equal(again.code, 0, again.stderr);
  });

  it('delete waits until the StatefulSet is gone; its pods are collected and its PVCs stay', async () => {
    const d = await run(['delete', 'statefulset', 'kc-fe', '--wait=true', '--timeout=60s'], dir);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(sim.get('StatefulSet', 'default', 'kc-fe'), undefined);
    await sim.waitFor(() => sim.list('Pod', 'default').every((p) => !p.metadata.name.startsWith('kc-fe-')), 30000);
    const pvcs = await run(['get', 'pvc', '-o', 'name'], dir);
    assert.match(pvcs.stdout, /persistentvolumeclaim\/meta-kc-fe-0/);
  });
});
