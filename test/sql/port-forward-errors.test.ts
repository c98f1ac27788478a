/**
 * A port-forward the API server refuses, as the real one does: the WebSocket upgrade answered with a Status and no
 * 101. RBAC without `pods/portforward` is a 403 (the authorizer's `Forbidden` Status, k8s.io/apiserver
 * pkg/endpoints/handlers/responsewriters `forbidden`), a missing pod a 404. client-node 1.4's WebSocketHandler
 * rejects with the `ws` client's "Unexpected server response: <code>"; the SQL client turns that into one error that
 * names the rule to add (exit 2), or the pod.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { StarRocksDrError } from '../../lib/errors';
import { sqlSession } from '../../lib/sql/connection';

async function refusingApiServer(status: number, reason: string): Promise<{ kc: KubeConfig; close(): Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket) => {
    const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `pods "kube-starrocks-fe-0" is ${reason}`, reason, code: status });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const kc = new KubeConfig();
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  kc.loadFromOptions({ clusters: [{ name: 'c', server: url, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  return { kc, close: () => new Promise((r) => server.close(() => r())) };
}

describe('port-forward refused by the API server', () => {
  it('403 (no pods/portforward in the Role): exit-2 error naming the rule, --fe-address and --verify none', async () => {
    const api = await refusingApiServer(403, 'Forbidden');
    try {
      const s = sqlSession({ target: { kind: 'pod', kubeConfig: api.kc, namespace: 'default', pod: 'kube-starrocks-fe-0', port: 9030 } });
      await assert.rejects(s.query('SELECT 1'), (e: unknown) => {
        assert.ok(e instanceof StarRocksDrError);
        assert.equal(e.code, 'InvalidInput');
        assert.equal(e.field, 'pods/portforward');
        assert.match(e.message, /the API server answered 403.*may not open a port-forward.*Fix: grant `pods\/portforward` verbs get and create .*--fe-address host:port.*--verify none/);
        return true;
      });
    } finally {
      await api.close();
    }
  });

  it('404 (no such pod): one error naming the pod, not retried', async () => {
    const api = await refusingApiServer(404, 'NotFound');
    try {
      const s = sqlSession({ target: { kind: 'pod', kubeConfig: api.kc, namespace: 'default', pod: 'kube-starrocks-fe-0', port: 9030 } });
      const t0 = Date.now();
      await assert.rejects(s.query('SELECT 1'), (e: unknown) => e instanceof StarRocksDrError && e.code === 'InvalidInput' && /pod default\/kube-starrocks-fe-0 .*no such pod/.test(e.message));
      assert.ok(Date.now() - t0 < 200, 'no back-off: a 404 is not retried');
    } finally {
      await api.close();
    }
  });
});
