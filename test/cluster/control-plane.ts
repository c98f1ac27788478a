/**
 * A real Kubernetes control plane on loopback, for the cluster suites and for a person (`npm run cluster`):
 * etcd 3.6; kube-apiserver with RBAC, token authentication and a serving certificate it generates;
 * kube-controller-manager with the controllers a StatefulSet needs; kube-scheduler; kwok with one Node in place of a
 * kubelet (kwok-stages.ts); and a volume provisioner for volumeClaimTemplates (volumes.ts). Binaries come from
 * tools/components (built from their Go modules); a missing one is named with the command that builds it.
 *
 * Flags follow controller-runtime's envtest (pkg/internal/testing/controlplane/apiserver.go) and the components'
 * own `--help`. Everything runs as child processes of this one, stopped on stop(), exit, Ctrl-C and SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { kwokStages, RESTORE_FINISHED_ANNOTATION, type StageOptions } from './kwok-stages';
import { startVolumeProvisioner, type VolumeProvisioner } from './volumes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const components = require('../../tools/components/components.js') as {
  binaryPath(component: string, binary?: string): string | undefined;
  componentVersion(c: unknown): string;
  byName(name: string): unknown;
};

const ROOT = path.resolve(__dirname, '../..');
export const NODE_NAME = 'kwok-node-0';
export const USER = 'dr-user';
/** The field manager of the harness's own writes (the restore-finished annotation), so probes can leave them out. */
export const TEST_FIELD_MANAGER = 'test-harness';

/** A rule of examples/rbac/role.yaml, for tests that take one away (`leastPrivilegeUser`'s `rules`). */
export interface RoleRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

export interface ControlPlaneOptions extends Partial<StageOptions> {
  /** Working folder (etcd data, certificates, kubeconfigs, logs). @default a new temp folder, removed on stop */
  readonly dir?: string;
  /** Keep `dir` on stop (logs for a failed run). @default false */
  readonly keep?: boolean;
  /** Each process's output goes to `<dir>/<name>.log`; set to also echo a line when a process exits early. */
  readonly log?: (line: string) => void;
}

export interface ControlPlane {
  readonly dir: string;
  readonly server: string;
  /** kubeconfig of `admin` (group system:masters). */
  readonly adminKubeconfig: string;
  readonly kubernetesVersion: string;
  /** The admin's client. */
  readonly admin: KubeConfig;
  /**
   * Create `namespace` and bind examples/rbac/role.yaml in it to the user `dr-user`; returns that user's kubeconfig
   * (token authentication, nothing but the Role).
   */
  leastPrivilegeUser(namespace: string, opts?: { readonly rules?: (rules: RoleRule[]) => RoleRule[] }): Promise<string>;
  /** Run the built kubectl (v1.36) with the admin kubeconfig unless `kubeconfig` is given. */
  kubectl(args: readonly string[], opts?: { kubeconfig?: string; input?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** With `feRestoreMs: 'manual'`: let the restoring FE pod finish its restore (kwok then makes it Ready). */
  finishRestore(namespace: string, pod: string): Promise<void>;
  /** Stop kube-apiserver (etcd keeps the data) and start it again after `downMs`. */
  restartApiServer(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The path of a built binary, or an error that says how to build it. */
export function componentBinary(component: string, binary = component): string {
  const found = components.binaryPath(component, binary);
  if (!found) {
    throw new Error(`${binary} (component ${component}) is not built: run \`node tools/components/build.js ${component}\` (or \`npm run components\`)`);
  }
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const ignoreConflict = (e: { code?: number }) => (e.code === 409 ? undefined : Promise.reject(e));

const live = new Set<ChildProcess>();
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // Synchronous last resort: a test runner that exits or a crash must not leave etcd or the apiserver behind.
  process.on('exit', () => {
    for (const p of live) p.kill('SIGKILL');
  });
}

interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
}

const stopping = new WeakSet<ChildProcess>();

function startProcess(dir: string, name: string, bin: string, args: readonly string[], log?: (l: string) => void): Proc {
  const out = fs.openSync(path.join(dir, `${name}.log`), 'a');
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', out, out], env: { ...process.env, HOME: dir } });
  fs.closeSync(out);
  live.add(child);
  hookExit();
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      if (log && !stopping.has(child) && code !== 0) log(`${name} exited (${code ?? signal}); see ${path.join(dir, `${name}.log`)}`);
      resolve(code);
    });
  });
  return { name, child, exited };
}

async function stopProcess(p: Proc, graceMs = 5000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  stopping.add(p.child);
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, dead?: Proc): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    if (dead && (dead.child.exitCode !== null || dead.child.signalCode !== null)) throw new Error(`${dead.name} exited while waiting for ${what}`);
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function get(url: string, opts: { token?: string; ca?: Buffer } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : require('node:http');
    const req = mod.get(url, { headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {}, ca: opts.ca, timeout: 2000 }, (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

function kubeconfigYaml(server: string, caFile: string, user: string, token: string, namespace?: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: starrocks-dr-test`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${caFile}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${user}`,
    '  context:',
    '    cluster: starrocks-dr-test',
    `    user: ${user}`,
    ...(namespace ? [`    namespace: ${namespace}`] : []),
    `current-context: ${user}`,
    '',
  ].join('\n');
}

export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const bins = {
    etcd: componentBinary('etcd'),
    apiserver: componentBinary('kubernetes', 'kube-apiserver'),
    controllerManager: componentBinary('kubernetes', 'kube-controller-manager'),
    scheduler: componentBinary('kubernetes', 'kube-scheduler'),
    kubectl: componentBinary('kubernetes', 'kubectl'),
    kwok: componentBinary('kwok'),
  };
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'starrocks-dr-cp-'));
  fs.mkdirSync(dir, { recursive: true });
  const procs: Proc[] = [];
  let provisioner: VolumeProvisioner | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await provisioner?.stop();
    for (const p of [...procs].reverse()) await stopProcess(p);
    if (!opts.keep && !opts.dir) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    // etcd
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const etcd = startProcess(dir, 'etcd', bins.etcd, [
      '--name', 'test', '--data-dir', path.join(dir, 'etcd'),
      '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster', `test=http://127.0.0.1:${etcdPeer}`, '--unsafe-no-fsync', '--log-level', 'warn', '--listen-metrics-urls', '',
    ], opts.log);
    procs.push(etcd);
    await until('etcd to be healthy', 30_000, async () => ((await get(`${etcdUrl}/health`)).body.includes('"true"') ? true : undefined), etcd);

    // kube-apiserver: self-signed serving certificate (--cert-dir), static tokens, RBAC, service-account keys.
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(path.join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    const adminToken = crypto.randomBytes(16).toString('hex');
    const userToken = crypto.randomBytes(16).toString('hex');
    fs.writeFileSync(path.join(dir, 'tokens.csv'), `${adminToken},admin,admin,"system:masters"\n${userToken},${USER},${USER},"starrocks-dr-users"\n`, { mode: 0o600 });
    const apiArgs = [
      '--etcd-servers', etcdUrl, '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1', '--secure-port', String(apiPort),
      '--cert-dir', path.join(dir, 'certs'), '--token-auth-file', path.join(dir, 'tokens.csv'), '--authorization-mode', 'RBAC',
      '--service-account-issuer', 'https://kubernetes.default.svc.cluster.local',
      '--service-account-key-file', path.join(dir, 'sa.pub'), '--service-account-signing-key-file', path.join(dir, 'sa.key'),
      '--service-cluster-ip-range', '10.96.0.0/16', '--allow-privileged=true',
    ];
    const server = `https://127.0.0.1:${apiPort}`;
    const caFile = path.join(dir, 'certs', 'apiserver.crt');
    let apiserver = startProcess(dir, 'kube-apiserver', bins.apiserver, apiArgs, opts.log);
    procs.push(apiserver);
    const apiReady = (p: Proc) =>
      until('kube-apiserver to be ready', 60_000, async () => {
        if (!fs.existsSync(caFile)) return undefined;
        const r = await get(`${server}/readyz`, { token: adminToken, ca: fs.readFileSync(caFile) });
        return r.status === 200 ? true : undefined;
      }, p);
    await apiReady(apiserver);

    const adminKubeconfig = path.join(dir, 'admin.kubeconfig');
    fs.writeFileSync(adminKubeconfig, kubeconfigYaml(server, caFile, 'admin', adminToken), { mode: 0o600 });
    const admin = new KubeConfig();
    admin.loadFromFile(adminKubeconfig);

    const controllers = [
      'statefulset-controller', 'garbage-collector-controller', 'endpoints-controller', 'endpointslice-controller',
      'namespace-controller', 'serviceaccount-controller', 'serviceaccount-token-controller',
      'persistentvolume-binder-controller', 'root-ca-certificate-publisher-controller',
    ];
    procs.push(startProcess(dir, 'kube-controller-manager', bins.controllerManager, [
      '--kubeconfig', adminKubeconfig, '--leader-elect=false', '--secure-port', '0', `--controllers=${controllers.join(',')}`,
      '--service-account-private-key-file', path.join(dir, 'sa.key'), '--root-ca-file', caFile, '--use-service-account-credentials=false',
      '--concurrent-statefulset-syncs', '5',
    ], opts.log));
    procs.push(startProcess(dir, 'kube-scheduler', bins.scheduler, ['--kubeconfig', adminKubeconfig, '--leader-elect=false', '--secure-port', '0'], opts.log));

    const stagesFile = path.join(dir, 'kwok-stages.yaml');
    fs.writeFileSync(stagesFile, kwokStages({ feRestoreMs: opts.feRestoreMs ?? 3000 }));
    procs.push(startProcess(dir, 'kwok', bins.kwok, ['--kubeconfig', adminKubeconfig, '--config', stagesFile, '--manage-all-nodes', '--cidr', '10.244.0.0/16', '--node-ip', '127.0.0.1'], opts.log));

    const objects = KubernetesObjectApi.makeApiClient(admin);
    // One Node. The apiserver's TaintNodesByCondition admission adds node.kubernetes.io/not-ready at creation and
    // only the node-lifecycle controller (not run: it would evict kwok's pods without kubelet heartbeats) removes it.
    // (A kept --dir restarts on its etcd data: the Node is there already.)
    await objects.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE_NAME, labels: { 'kubernetes.io/hostname': NODE_NAME, type: 'kwok' } }, spec: {} } as KubernetesObject).catch(ignoreConflict);
    await objects.patch({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE_NAME }, spec: { taints: null } } as unknown as KubernetesObject, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    await until('the kwok node to be Ready', 30_000, async () => {
      const node = (await objects.read({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE_NAME } })) as { status?: { conditions?: { type: string; status: string }[] } };
      return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
    });
    provisioner = await startVolumeProvisioner(admin, path.join(dir, 'volumes'));

    const kubernetesVersion = JSON.parse((await get(`${server}/version`, { token: adminToken, ca: fs.readFileSync(caFile) })).body).gitVersion as string;

    const kubectl: ControlPlane['kubectl'] = (args, o = {}) =>
      new Promise((resolve) => {
        const child = spawn(bins.kubectl, ['--kubeconfig', o.kubeconfig ?? adminKubeconfig, '--cache-dir', path.join(dir, 'kubectl-cache'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => (stdout += c));
        child.stderr.on('data', (c) => (stderr += c));
        child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
        child.stdin.end(o.input ?? '');
      });

    const cp: ControlPlane = {
      dir,
      server,
      adminKubeconfig,
      kubernetesVersion,
      admin,
      kubectl,
      async leastPrivilegeUser(namespace, o = {}) {
        const role = fs.readFileSync(path.join(ROOT, 'examples/rbac/role.yaml'), 'utf8');
        const docs = parseAllDocuments(role).map((d) => d.toJS() as KubernetesObject & { subjects?: unknown[]; rules?: RoleRule[] });
        for (const doc of docs) if (doc.kind === 'Role' && o.rules) doc.rules = o.rules(doc.rules ?? []);
        const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } } as KubernetesObject;
        await objects.create(ns).catch(ignoreConflict);
        for (const doc of docs) {
          doc.metadata = { ...doc.metadata, namespace };
          if (doc.kind === 'RoleBinding') doc.subjects = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: USER }];
          await objects.create(doc).catch((e: { code?: number }) => (e.code === 409 ? objects.replace(doc) : Promise.reject(e)));
        }
        const file = path.join(dir, `${USER}.${namespace}.kubeconfig`);
        fs.writeFileSync(file, kubeconfigYaml(server, caFile, USER, userToken, namespace), { mode: 0o600 });
        return file;
      },
      async finishRestore(namespace, pod) {
        await objects.patch(
          { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod, namespace, annotations: { [RESTORE_FINISHED_ANNOTATION]: 'true' } } } as KubernetesObject,
          undefined, undefined, TEST_FIELD_MANAGER, undefined, PatchStrategy.MergePatch,
        );
      },
      async restartApiServer(downMs = 0) {
        await stopProcess(apiserver);
        procs.splice(procs.indexOf(apiserver), 1);
        await new Promise((r) => setTimeout(r, downMs));
        apiserver = startProcess(dir, 'kube-apiserver', bins.apiserver, apiArgs, opts.log);
        procs.splice(1, 0, apiserver);
        await apiReady(apiserver);
      },
      stop,
    };
    return cp;
  } catch (err) {
    await stop();
    throw err;
  }
}
