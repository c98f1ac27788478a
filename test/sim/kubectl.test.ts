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

const FE_RESTORE = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: kc-restore
spec:
  replicas: 1
  serviceName: kc-restore
  selector:
    matchLabels: {app: kc-restore}
  template:
    metadata:
      labels: {app: kc-restore}
    spec:
      containers:
      - name: fe
        image: starrocks/fe-ubuntu:3.3.5
        env:
        - {name: RESTORE_CLUSTER_SNAPSHOT, value: "true"}
        ports:
        - {name: http-port, containerPort: 8030}
        - {name: query-port, containerPort: 9030}
        readinessProbe:
          tcpSocket: {port: 9030}
          periodSeconds: 1
`;

const CM = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kc-twice
data:
  fe.conf: |
    http_port = 8030
`;

describe('sim: kubectl as users run it', { skip: KUBECTL ? false : 'kubectl is not installed' }, () => {
  let sim: Simulator;
  let dir: string;
  let validate: string[] = [];
  before(async () => {
    sim = await startSimulator({ timeScale: 0.01, feRestoreSeconds: 10 });
    dir = mkdtempSync(join(tmpdir(), 'sim-kubectl-'));
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeConfigYaml());
    writeFileSync(join(dir, 'restore.yaml'), FE_RESTORE);
    writeFileSync(join(dir, 'cm.yaml'), CM);
    const v = await run(['version', '--client', '-o', 'json'], dir);
    const minor = Number(/"minor":\s*"(\d+)/.exec(v.stdout)?.[1] ?? '32');
    if (minor < 27) validate = ['--validate=false'];
  });
  after(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('create secret|configmap|namespace: kubectl sends protobuf, the simulator decodes it; no secret value on stdout', async () => {
    sim.resetRequestCounts();
    const s = await run(['create', 'secret', 'generic', 'kc-s3', '--from-literal=access_key=AKIA-not-real', '--from-literal=secret_key=do-not-print'], dir);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /^secret\/kc-s3 created$/m);
    assert.doesNotMatch(s.stdout + s.stderr, /do-not-print/);
    const secret = sim.get('Secret', 'default', 'kc-s3');
    assert.equal(Buffer.from(secret.data.secret_key, 'base64').toString(), 'do-not-print');
    assert.equal(secret.type, 'Opaque');
    const c = await run(['create', 'configmap', 'kc-conf', '--from-literal=fe.conf=http_port = 8030'], dir);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(sim.get('ConfigMap', 'default', 'kc-conf').data['fe.conf'], 'http_port = 8030');
    const n = await run(['create', 'namespace', 'kc-team'], dir);
    assert.equal(n.code, 0, n.stderr);
    assert.equal(sim.get('Namespace', undefined, 'kc-team').status.phase, 'Active');
    assert.equal(sim.requestCounts()['POST secrets'], 1, 'one request: no refusal and retry');
  });

  it('apply (client-side) twice: the second run reports unchanged and writes nothing', async () => {
    const first = await run(['apply', ...validate, '-f', join(dir, 'cm.yaml')], dir);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /configmap\/kc-twice created/);
    const rv = sim.get('ConfigMap', 'default', 'kc-twice').metadata.resourceVersion;
    const second = await run(['apply', ...validate, '-f', join(dir, 'cm.yaml')], dir);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /configmap\/kc-twice unchanged/);
    assert.equal(sim.get('ConfigMap', 'default', 'kc-twice').metadata.resourceVersion, rv);
  });

  it('get --chunk-size pages with limit/continue and still lists everything', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await run(['create', 'configmap', `kc-page-${i}`], dir)).code, 0);
    sim.resetRequestCounts();
    const r = await run(['get', 'configmaps', '--chunk-size=2', '-o', 'name'], dir);
    assert.equal(r.code, 0, r.stderr);
    for (let i = 0; i < 5; i++) assert.match(r.stdout, new RegExp(`^configmap/kc-page-${i}$`, 'm'));
    assert.ok(sim.requestCounts()['LIST configmaps'] >= 3, `at least ceil(5 / 2) pages, got ${JSON.stringify(sim.requestCounts())}`);
  });

  it('scale goes through the scale subresource; logs show the FE restoring, --tail and --previous as kubectl users expect', async () => {
    const a = await run(['apply', ...validate, '-f', join(dir, 'restore.yaml')], dir);
    assert.equal(a.code, 0, a.stderr);
    await sim.waitFor(() => sim.get('Pod', 'default', 'kc-restore-0')?.status?.containerStatuses?.[0]?.ready === true, 20_000);
    const logs = await run(['logs', 'kc-restore-0'], dir);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /RESTORE_CLUSTER_SNAPSHOT=true: restoring the cluster snapshot/);
    assert.match(logs.stdout, /cluster snapshot restored\n.*query port 9030 is listening/);
    const tail = await run(['logs', 'kc-restore-0', '--tail=1'], dir);
    assert.equal(tail.stdout.trim().split('\n').length, 1);
    const prev = await run(['logs', 'kc-restore-0', '--previous'], dir);
    assert.notEqual(prev.code, 0);
    assert.match(prev.stderr, /previous terminated container "fe" in pod "kc-restore-0" not found/);
    sim.resetRequestCounts();
    const s = await run(['scale', 'statefulset', 'kc-restore', '--replicas=2'], dir);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /statefulset.apps\/kc-restore scaled/);
    assert.equal(sim.get('StatefulSet', 'default', 'kc-restore').spec.replicas, 2);
    assert.ok(Object.keys(sim.requestCounts()).some((k) => k.endsWith('statefulsets/scale')), JSON.stringify(sim.requestCounts()));
  });

  it('get events prints the event columns; get -w prints a Table row per watch event', async () => {
    const ev = await run(['get', 'events'], dir);
    assert.equal(ev.code, 0, ev.stderr);
    assert.match(ev.stdout, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/m);
    assert.match(ev.stdout, /Normal\s+SuccessfulCreate\s+statefulset\/kc-restore\s+create Pod kc-restore-0 in StatefulSet kc-restore successful/);
    const watching = run(['get', 'configmaps', '-w', '--request-timeout=3s', '-l', 'watched=yes'], dir);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await run(['create', 'configmap', 'kc-watched'], dir)).code, 0);
    assert.equal((await run(['label', 'configmap', 'kc-watched', 'watched=yes'], dir)).code, 0);
    const w = await watching;
    assert.match(w.stdout, /^kc-watched\s+0\s+\d+s$/m, w.stdout + w.stderr);
  });
});
