/**
 * The simulator's `pods/portforward` (sim/http/port-forward.ts) against what the kubelet does, k8s.io/kubelet
 * v0.32.0 pkg/cri/streaming/portforward/websocket.go: `handleWebSocketStreams` writes each port as two bytes
 * little-endian first on its data channel and its error channel (`binary.LittleEndian.PutUint16(portBytes, ...)`,
 * `dataStream.Write(portBytes)`, `errorStream.Write(portBytes)`), protocols `v4.channel.k8s.io` (binary, one channel
 * byte) and `v4.base64.channel.k8s.io`; `NewV4Options` requires the `ports` parameter; `portForward` writes
 * "error forwarding port %d to pod %s, uid %v: %v" on the error channel when the dial fails. Clients: a raw `ws`
 * WebSocket, and @kubernetes/client-node 1.4's PortForward (what lib/sql uses).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { PassThrough, Writable } from 'node:stream';
import { PortForward } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { startSimulator, type Simulator } from '../../sim';
import { recover, recoverySpec, NS } from '../e2e/support';

async function restoredCluster(): Promise<Simulator> {
  const sim = await startSimulator({ virtualTime: true, feRestoreSeconds: 10, feStartupSeconds: 2, backendStartupSeconds: 2 });
  await recover(sim, recoverySpec());
  return sim;
}

interface Frame {
  readonly channel: number;
  readonly data: Buffer;
}

/** Opens the WebSocket and collects frames until it closes or `until` holds. */
function openRaw(sim: Simulator, path: string, protocol: string, until: (frames: Frame[]) => boolean): Promise<{ frames: Frame[]; ws: WebSocket; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${sim.url.replace('http', 'ws')}${path}`, [protocol]);
    const frames: Frame[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      resolve({ frames, ws, closed });
    };
    ws.on('message', (raw: Buffer, isBinary: boolean) => {
      frames.push(isBinary ? { channel: raw[0], data: raw.subarray(1) } : { channel: Number(raw.toString()[0]), data: Buffer.from(raw.toString().slice(1), 'base64') });
      if (until(frames)) finish(false);
    });
    ws.on('close', () => finish(true));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })));
    });
    ws.on('error', (e) => done || reject(e));
  });
}

describe('pods/portforward in the simulator (kubelet websocket.go)', () => {
  it('v4.channel.k8s.io: the port first on the data and error channels (two bytes little-endian), then the FE greets with a MySQL handshake', async () => {
    const sim = await restoredCluster();
    try {
      const { frames, ws } = await openRaw(sim, `/api/v1/namespaces/${NS}/pods/kube-starrocks-fe-0/portforward?ports=9030`, 'v4.channel.k8s.io', (f) => f.length >= 3);
      ws.close();
      assert.deepEqual(frames.slice(0, 2).map((f) => [f.channel, [...f.data]]), [
        [0, [9030 & 0xff, 9030 >> 8]],
        [1, [9030 & 0xff, 9030 >> 8]],
      ]);
      const hello = frames[2];
      assert.equal(hello.channel, 0);
      assert.equal(hello.data[4], 10, 'protocol version 10 after the 4-byte packet header');
      assert.equal(hello.data.subarray(5, hello.data.indexOf(0, 5)).toString(), '8.0.33', 'StarRocks 3.4+ reports Config.mysql_server_version 8.0.33');
      assert.ok((sim.requestCounts()['GET pods/portforward'] ?? 0) >= 1, 'counted as GET pods/portforward');
    } finally {
      await sim.stop();
    }
  });

  it('v4.base64.channel.k8s.io: the same frames as text, the channel as a digit and the data in base64', async () => {
    const sim = await restoredCluster();
    try {
      const { frames, ws } = await openRaw(sim, `/api/v1/namespaces/${NS}/pods/kube-starrocks-fe-0/portforward?ports=9030`, 'v4.base64.channel.k8s.io', (f) => f.length >= 2);
      ws.close();
      assert.deepEqual(frames.slice(0, 2).map((f) => [f.channel, f.data.readUInt16LE(0)]), [
        [0, 9030],
        [1, 9030],
      ]);
    } finally {
      await sim.stop();
    }
  });

  it('a port nothing listens on: the error channel says why, in the kubelet\'s words, and the connection closes', async () => {
    const sim = await restoredCluster();
    try {
      const { frames, closed } = await openRaw(sim, `/api/v1/namespaces/${NS}/pods/kube-starrocks-fe-0/portforward?ports=9031`, 'v4.channel.k8s.io', () => false);
      assert.equal(closed, true);
      const errors = frames.filter((f) => f.channel === 1).slice(1).map((f) => f.data.toString()).join('');
      assert.match(errors, /^error forwarding port 9031 to pod [0-9a-f]+, uid : failed to connect to localhost:9031 .*connection refused$/);
    } finally {
      await sim.stop();
    }
  });

  it('refuses what the API server and the kubelet refuse: no such pod (404), no ports (400); SPDY upgrades as httpstream does (101, or 403 for a protocol it lacks)', async () => {
    const sim = await restoredCluster();
    try {
      await assert.rejects(openRaw(sim, `/api/v1/namespaces/${NS}/pods/nope-0/portforward?ports=9030`, 'v4.channel.k8s.io', () => true), (e: any) => e.status === 404 && /pods \\"nope-0\\" not found/.test(e.body));
      await assert.rejects(openRaw(sim, `/api/v1/namespaces/${NS}/pods/kube-starrocks-fe-0/portforward`, 'v4.channel.k8s.io', () => true), (e: any) => e.status === 400 && /query parameter \\"port\\" is required/.test(e.body));
      // apimachinery pkg/util/httpstream/httpstream.go `Handshake` and spdy/upgrade.go `UpgradeResponse`.
      const spdy = (protocol: string) =>
        new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
          const req = request(`${sim.url}/api/v1/namespaces/${NS}/pods/kube-starrocks-fe-0/portforward`, { method: 'POST', headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocol } });
          req.on('response', (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          });
          req.on('upgrade', (res, socket) => {
            socket.destroy();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
          });
          req.on('error', reject);
          req.end();
        });
      const upgraded = await spdy('portforward.k8s.io');
      assert.equal(upgraded.status, 101);
      assert.deepEqual([upgraded.headers.upgrade, upgraded.headers['x-stream-protocol-version']], ['SPDY/3.1', 'portforward.k8s.io']);
      const refused = await spdy('channel.k8s.io');
      assert.equal(refused.status, 403);
      assert.match(refused.body, /unable to upgrade: unable to negotiate protocol: client supports \[\\"channel\.k8s\.io\\"\], server supports \[\\"portforward\.k8s\.io\\"\]/);
    } finally {
      await sim.stop();
    }
  });

  it("client-node's PortForward carries MySQL bytes both ways, port bytes stripped", async () => {
    const sim = await restoredCluster();
    try {
      const out = new PassThrough();
      const err = new Writable({ write: (_c, _e, done) => done() });
      const input = new PassThrough();
      const ws = (await new PortForward(sim.kubeConfig()).portForward(NS, 'kube-starrocks-fe-0', [9030], out, err, input)) as unknown as WebSocket;
      const first: Buffer = await new Promise((r) => out.once('data', r));
      assert.equal(first[4], 10, 'the first bytes on the data stream are the handshake, not the port');
      ws.close();
    } finally {
      await sim.stop();
    }
  });
});
