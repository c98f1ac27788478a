/**
 * The real `kubectl port-forward` against the simulator's FE (issue 20: the simulator's port-forward serves "what
 * `kubectl port-forward` needs"). kubectl speaks SPDY/3.1 (github.com/moby/spdystream), directly after `Upgrade:
 * SPDY/3.1`, or, from kubectl 1.31 on by default, tunnelled in WebSocket binary messages as
 * `SPDY/3.1+portforward.k8s.io` (client-go tools/portforward tunneling_dialer.go); the simulator serves the streams
 * as the kubelet does (k8s.io/cri-streaming v0.36.1 pkg/streaming/portforward/httpstream.go): sim/http/spdy.ts and
 * spdy-port-forward.ts. A MySQL client then talks to the simulated StarRocks FE through kubectl's local port.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { startSimulator, type Simulator } from '../../sim';
import { recover, recoverySpec, NS } from '../e2e/support';
import { KUBECTL, KUBECTL_TUNNELS_PORT_FORWARD, SKIP_WITHOUT_KUBECTL } from '../kubectl';

interface Forward {
  readonly child: ChildProcess;
  readonly localPort: number;
  /** kubectl's stderr so far (where it prints the kubelet's errors). */
  stderr(): string;
}

/** `kubectl port-forward pod/<pod> :<port>`, resolved once kubectl says which local port it listens on. */
function portForward(dir: string, pod: string, port: number, env: NodeJS.ProcessEnv = {}): Promise<Forward> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL!, [`--kubeconfig=${join(dir, 'kubeconfig')}`, `--cache-dir=${join(dir, 'cache')}`, 'port-forward', '-n', NS, `pod/${pod}`, `:${port}`], {
      env: { ...process.env, HOME: dir, ...env },
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`kubectl port-forward did not start:\n${out}\n${err}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = new RegExp(`Forwarding from 127\\.0\\.0\\.1:(\\d+) -> ${port}`).exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, localPort: Number(m[1]), stderr: () => err });
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl port-forward exited ${code}:\n${out}\n${err}`));
    });
  });
}

function stop(f: Forward): Promise<void> {
  return new Promise((resolve) => {
    if (f.child.exitCode !== null) return resolve();
    f.child.once('exit', () => resolve());
    f.child.kill('SIGINT');
  });
}

/** Two MySQL sessions, one after the other, through kubectl's local port: each is a new pair of SPDY streams. */
async function askTheFe(localPort: number): Promise<{ one: unknown; leaders: number }> {
  const first = await mysql.createConnection({ host: '127.0.0.1', port: localPort, user: 'root', password: '', connectTimeout: 10_000 });
  const [rows] = await first.query('SELECT 1');
  await first.end();
  const second = await mysql.createConnection({ host: '127.0.0.1', port: localPort, user: 'root', password: '', connectTimeout: 10_000 });
  const [frontends] = await second.query('SHOW FRONTENDS');
  await second.end();
  return { one: Object.values((rows as Record<string, unknown>[])[0])[0], leaders: (frontends as { Role: string; Alive: string }[]).filter((f) => f.Role === 'LEADER' && f.Alive === 'true').length };
}

describe('kubectl port-forward to the simulated FE', { skip: SKIP_WITHOUT_KUBECTL }, () => {
  let sim: Simulator;
  let dir: string;
  before(async () => {
    sim = await startSimulator({ timeScale: 0.02, feRestoreSeconds: 10, feStartupSeconds: 2, backendStartupSeconds: 2 });
    dir = mkdtempSync(join(tmpdir(), 'sim-kubectl-pf-'));
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeConfigYaml());
    await recover(sim, recoverySpec());
  });
  after(async () => {
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('over SPDY (every kubectl; KUBECTL_PORT_FORWARD_WEBSOCKETS=false from 1.31): the FE answers SELECT 1 and SHOW FRONTENDS', async () => {
    const f = await portForward(dir, 'kube-starrocks-fe-0', 9030, { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
    try {
      assert.deepEqual(await askTheFe(f.localPort), { one: '1', leaders: 1 });
      assert.doesNotMatch(f.stderr(), /error/i);
    } finally {
      await stop(f);
    }
    // kubectl asks with POST (client-go's portforward `restClient.Post()`), which RBAC reads as `create`.
    assert.ok((sim.requestCounts()['POST pods/portforward'] ?? 0) >= 1, JSON.stringify(sim.requestCounts()));
  });

  it('over SPDY tunnelled in WebSocket (kubectl 1.31+ by default)', { skip: KUBECTL_TUNNELS_PORT_FORWARD ? false : 'kubectl before 1.31 does not tunnel' }, async () => {
    const f = await portForward(dir, 'kube-starrocks-fe-0', 9030, { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'true' });
    try {
      assert.deepEqual(await askTheFe(f.localPort), { one: '1', leaders: 1 });
      assert.doesNotMatch(f.stderr(), /falling back|error/i, 'the tunnel was taken, not the SPDY fallback');
    } finally {
      await stop(f);
    }
  });

  it("a port nothing listens on: kubectl prints the kubelet's error and the local connection closes", async () => {
    const f = await portForward(dir, 'kube-starrocks-fe-0', 9999, { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
    try {
      await assert.rejects(mysql.createConnection({ host: '127.0.0.1', port: f.localPort, user: 'root', connectTimeout: 10_000 }));
      const deadline = Date.now() + 10_000;
      while (!/error forwarding port 9999 to pod \w+, uid : /.test(f.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.match(f.stderr(), /error forwarding port 9999 to pod \w+, uid : /);
    } finally {
      await stop(f);
    }
  });
});
