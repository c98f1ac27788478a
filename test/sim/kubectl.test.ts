import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, Simulator } from '../../sim';
import { KUBECTL, KUBECTL_READS_OPENAPI_V3, runKubectl, SKIP_WITHOUT_KUBECTL, VALIDATE_FLAGS } from '../kubectl';

if (!KUBECTL) console.log('# kubectl tests skipped: no kubectl on PATH (CI installs Debian kubernetes-client)');

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

describe('sim: the real kubectl', { skip: SKIP_WITHOUT_KUBECTL }, () => {
  let sim: Simulator;
  let dir: string;
  before(async () => {
    sim = await startSimulator({ timeScale: 0.01 });
    dir = mkdtempSync(join(tmpdir(), 'sim-kubectl-'));
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeConfigYaml());
    writeFileSync(join(dir, 'fe.yaml'), MANIFEST);
  });
  after(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('explain statefulset.spec reads the real schema (OpenAPI v3 recorded from kube-apiserver v1.36)', { skip: KUBECTL_READS_OPENAPI_V3 ? false : 'kubectl before 1.27 explains from /openapi/v2' }, async () => {
    const r = await runKubectl(dir, ['explain', 'statefulset.spec']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^KIND:\s+StatefulSet/m);
    for (const field of ['serviceName', 'volumeClaimTemplates', 'podManagementPolicy', 'persistentVolumeClaimRetentionPolicy']) assert.match(r.stdout, new RegExp(`^\\s+${field}\\s`, 'm'));
    const missing = await runKubectl(dir, ['explain', 'statefulset.spec.serviceNam']);
    assert.notEqual(missing.code, 0, 'a misspelt field is not explained');
  });

  it('get lists namespaces with Table columns', async () => {
    const r = await runKubectl(dir, ['get', 'namespaces']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+STATUS\s+AGE/m);
    assert.match(r.stdout, /^default\s+Active/m);
  });

  it('apply --server-side creates the objects, then rollout status and wait --for=condition=Ready succeed', async () => {
    const a = await runKubectl(dir, ['apply', '--server-side', ...VALIDATE_FLAGS, '-f', join(dir, 'fe.yaml')]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /statefulset.apps\/kc-fe serverside-applied/);
    assert.equal(sim.get('StatefulSet', 'default', 'kc-fe').metadata.managedFields[0].manager, 'kubectl');
    const r = await runKubectl(dir, ['rollout', 'status', 'statefulset/kc-fe', '--timeout=60s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /roll out complete/);
    const w = await runKubectl(dir, ['wait', '--for=condition=Ready', 'pod/kc-fe-0', 'pod/kc-fe-1', '--timeout=60s']);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stdout, /pod\/kc-fe-0 condition met/);
    const g = await runKubectl(dir, ['get', 'pods', '-l', 'app=kc-fe']);
    assert.match(g.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/m);
    assert.match(g.stdout, /^kc-fe-0\s+1\/1\s+Running\s+0/m);
    const again = await runKubectl(dir, ['apply', '--server-side', ...VALIDATE_FLAGS, '-f', join(dir, 'fe.yaml')]);
    assert.equal(again.code, 0, again.stderr);
  });

  it('delete waits until the StatefulSet is gone; its pods are collected and its PVCs stay', async () => {
    const d = await runKubectl(dir, ['delete', 'statefulset', 'kc-fe', '--wait=true', '--timeout=60s']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(sim.get('StatefulSet', 'default', 'kc-fe'), undefined);
    await sim.waitFor(() => sim.list('Pod', 'default').every((p) => !p.metadata.name.startsWith('kc-fe-')), 30000);
    const pvcs = await runKubectl(dir, ['get', 'pvc', '-o', 'name']);
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

describe('sim: kubectl as users run it', { skip: SKIP_WITHOUT_KUBECTL }, () => {
  let sim: Simulator;
  let dir: string;
  before(async () => {
    sim = await startSimulator({ timeScale: 0.01, feRestoreSeconds: 10 });
    dir = mkdtempSync(join(tmpdir(), 'sim-kubectl-'));
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeConfigYaml());
    writeFileSync(join(dir, 'restore.yaml'), FE_RESTORE);
    writeFileSync(join(dir, 'cm.yaml'), CM);
  });
  after(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('create secret|configmap|namespace: kubectl sends protobuf, the simulator decodes it; no secret value on stdout', async () => {
    sim.resetRequestCounts();
    const s = await runKubectl(dir, ['create', 'secret', 'generic', 'kc-s3', '--from-literal=access_key=AKIA-not-real', '--from-literal=secret_key=do-not-print']);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /^secret\/kc-s3 created$/m);
    assert.doesNotMatch(s.stdout + s.stderr, /do-not-print/);
    const secret = sim.get('Secret', 'default', 'kc-s3');
    assert.equal(Buffer.from(secret.data.secret_key, 'base64').toString(), 'do-not-print');
    assert.equal(secret.type, 'Opaque');
    const c = await runKubectl(dir, ['create', 'configmap', 'kc-conf', '--from-literal=fe.conf=http_port = 8030']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(sim.get('ConfigMap', 'default', 'kc-conf').data['fe.conf'], 'http_port = 8030');
    const n = await runKubectl(dir, ['create', 'namespace', 'kc-team']);
    assert.equal(n.code, 0, n.stderr);
    assert.equal(sim.get('Namespace', undefined, 'kc-team').status.phase, 'Active');
    assert.equal(sim.requestCounts()['POST secrets'], 1, 'one request: no refusal and retry');
  });

  it('apply (client-side) twice: the second run reports unchanged and writes nothing', async () => {
    const first = await runKubectl(dir, ['apply', ...VALIDATE_FLAGS, '-f', join(dir, 'cm.yaml')]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /configmap\/kc-twice created/);
    const rv = sim.get('ConfigMap', 'default', 'kc-twice').metadata.resourceVersion;
    const second = await runKubectl(dir, ['apply', ...VALIDATE_FLAGS, '-f', join(dir, 'cm.yaml')]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /configmap\/kc-twice unchanged/);
    assert.equal(sim.get('ConfigMap', 'default', 'kc-twice').metadata.resourceVersion, rv);
  });

  it('get --chunk-size pages with limit/continue and still lists everything', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await runKubectl(dir, ['create', 'configmap', `kc-page-${i}`])).code, 0);
    sim.resetRequestCounts();
    const r = await runKubectl(dir, ['get', 'configmaps', '--chunk-size=2', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    for (let i = 0; i < 5; i++) assert.match(r.stdout, new RegExp(`^configmap/kc-page-${i}$`, 'm'));
    assert.ok(sim.requestCounts()['LIST configmaps'] >= 3, `at least ceil(5 / 2) pages, got ${JSON.stringify(sim.requestCounts())}`);
  });

  it('scale goes through the scale subresource; logs show the FE restoring, --tail and --previous as kubectl users expect', async () => {
    const a = await runKubectl(dir, ['apply', ...VALIDATE_FLAGS, '-f', join(dir, 'restore.yaml')]);
    assert.equal(a.code, 0, a.stderr);
    await sim.waitFor(() => sim.get('Pod', 'default', 'kc-restore-0')?.status?.containerStatuses?.[0]?.ready === true, 20_000);
    const logs = await runKubectl(dir, ['logs', 'kc-restore-0']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /RESTORE_CLUSTER_SNAPSHOT=true: restoring the cluster snapshot/);
    assert.match(logs.stdout, /cluster snapshot restored\n.*query port 9030 is listening/);
    const tail = await runKubectl(dir, ['logs', 'kc-restore-0', '--tail=1']);
    assert.equal(tail.stdout.trim().split('\n').length, 1);
    const prev = await runKubectl(dir, ['logs', 'kc-restore-0', '--previous']);
    assert.notEqual(prev.code, 0);
    assert.match(prev.stderr, /previous terminated container "fe" in pod "kc-restore-0" not found/);
    sim.resetRequestCounts();
    const s = await runKubectl(dir, ['scale', 'statefulset', 'kc-restore', '--replicas=2']);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /statefulset.apps\/kc-restore scaled/);
    assert.equal(sim.get('StatefulSet', 'default', 'kc-restore').spec.replicas, 2);
    assert.ok(Object.keys(sim.requestCounts()).some((k) => k.endsWith('statefulsets/scale')), JSON.stringify(sim.requestCounts()));
  });

  it('get events prints the event columns; get -w prints a Table row per watch event', async () => {
    const ev = await runKubectl(dir, ['get', 'events']);
    assert.equal(ev.code, 0, ev.stderr);
    assert.match(ev.stdout, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/m);
    assert.match(ev.stdout, /Normal\s+SuccessfulCreate\s+statefulset\/kc-restore\s+create Pod kc-restore-0 in StatefulSet kc-restore successful/);
    const watching = runKubectl(dir, ['get', 'configmaps', '-w', '--request-timeout=3s', '-l', 'watched=yes']);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await runKubectl(dir, ['create', 'configmap', 'kc-watched'])).code, 0);
    assert.equal((await runKubectl(dir, ['label', 'configmap', 'kc-watched', 'watched=yes'])).code, 0);
    const w = await watching;
    assert.match(w.stdout, /^kc-watched\s+0\s+\d+s$/m, w.stdout + w.stderr);
  });
});
