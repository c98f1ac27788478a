/**
 * The SQL client (lib/sql/connection.ts) against a real server, MariaDB from Debian, so its error paths are not only
 * tested against our own simulated FE: a refused password, the server dying mid-query, a query timeout, a large
 * result, and a server that accepts the connection but never sends its handshake.
 * MySQL error 1045 (ER_ACCESS_DENIED_ERROR) is the same number in MariaDB and StarRocks (fe-core ErrorCode.java).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { StarRocksDrError } from '../../lib/errors';
import { sqlSession } from '../../lib/sql/connection';
import { SKIP_WITHOUT_MARIADB, startMariaDb, type MariaDb } from './mariadb';

const PASSWORD = 'sr-dr-test-PASSWORD-42c7';

const isDrError = (code: StarRocksDrError['code'], pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof StarRocksDrError, `expected a StarRocksDrError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.match(err.message, pattern);
  return true;
};

describe('the SQL client against MariaDB', { skip: SKIP_WITHOUT_MARIADB }, () => {
  let db: MariaDb;
  before(async () => {
    db = await startMariaDb();
    db.admin(`CREATE USER 'dr'@'%' IDENTIFIED BY '${PASSWORD}'; GRANT SELECT ON *.* TO 'dr'@'%'; CREATE DATABASE t;`);
  });
  after(async () => {
    await db?.stop();
  });
  const address = () => ({ kind: 'address' as const, host: '127.0.0.1', port: db.port });

  it('runs text-protocol queries as root with no password, every value as text or null', async () => {
    const s = sqlSession({ target: address() });
    try {
      const rs = await s.query('SELECT 1 AS one, 2.50 AS num, NULL AS nothing, NOW() IS NOT NULL AS t');
      assert.deepEqual(rs.columns, ['one', 'num', 'nothing', 't']);
      assert.deepEqual(rs.rows, [['1', '2.50', null, '1']]);
    } finally {
      await s.close();
    }
  });

  it('a refused password is one InvalidInput error that says a restored cluster keeps its old users, and never shows the password', async () => {
    const s = sqlSession({ target: address(), user: 'dr', password: `${PASSWORD}-wrong`, connectAttempts: 3 });
    await assert.rejects(s.query('SELECT 1'), (err: unknown) => {
      isDrError('InvalidInput', /Access denied for user 'dr'/)(err);
      const msg = (err as Error).message;
      assert.match(msg, /restored cluster has the users of the cluster the snapshot was taken from/);
      assert.match(msg, /--password-secret/);
      assert.ok(!msg.includes(PASSWORD), 'the password is not in the message');
      return true;
    });
    const ok = sqlSession({ target: address(), user: 'dr', password: PASSWORD });
    try {
      assert.deepEqual((await ok.query('SELECT CURRENT_USER()')).rows, [['dr@%']]);
    } finally {
      await ok.close();
    }
  });

  it('a large result (200,000 rows) arrives whole', async () => {
    const s = sqlSession({ target: address() });
    try {
      const rs = await s.query("SELECT seq, REPEAT('x', 100) AS pad FROM t.seq_1_to_200000");
      assert.equal(rs.rows.length, 200_000);
      assert.deepEqual(rs.rows[199_999], ['200000', 'x'.repeat(100)]);
    } finally {
      await s.close();
    }
  });

  it('a query that outlasts the query timeout fails as Timeout, its connection is dropped, and the next query runs on a new one', async () => {
    const s = sqlSession({ target: address(), queryTimeoutMs: 300 });
    try {
      const t0 = Date.now();
      await assert.rejects(s.query('SELECT SLEEP(5)'), isDrError('Timeout', /no answer to SELECT SLEEP\(5\) within 0.3s/));
      assert.ok(Date.now() - t0 < 3000, 'bounded by the timeout, not by the query');
      assert.deepEqual((await s.query('SELECT 2')).rows, [['2']]);
    } finally {
      await s.close();
    }
  });

  it('the server dying mid-query is one Unreachable error, after a bounded number of reconnects', async () => {
    const s = sqlSession({ target: address(), connectAttempts: 2 });
    const running = s.query('SELECT SLEEP(30)', { idempotent: true });
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    db.kill();
    await assert.rejects(running, isDrError('Unreachable', /^FE 127\.0\.0\.1:\d+: (the server closed the connection|ECONNREFUSED)/));
    assert.ok(Date.now() - t0 < 10_000, 'no retry loop');
    await s.close();
  });
});

describe('the SQL client against servers that do not answer', () => {
  it('a server that accepts but never sends its handshake: Unreachable after the connect timeout', async () => {
    const sockets: Socket[] = [];
    const server = createServer((sock) => void sockets.push(sock));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const s = sqlSession({ target: { kind: 'address', host: '127.0.0.1', port }, connectTimeoutMs: 400, connectAttempts: 1 });
      const t0 = Date.now();
      await assert.rejects(s.query('SELECT 1'), isDrError('Unreachable', /no MySQL handshake within 0.4s/));
      assert.ok(Date.now() - t0 < 3000);
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('nothing listening: Unreachable after the connect attempts, with their back-off', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    const s = sqlSession({ target: { kind: 'address', host: '127.0.0.1', port }, connectAttempts: 3 });
    const t0 = Date.now();
    await assert.rejects(s.query('SELECT 1'), isDrError('Unreachable', /ECONNREFUSED during connect/));
    const took = Date.now() - t0;
    assert.ok(took >= 700 && took < 5000, `three attempts with 250 + 500 ms between them (took ${took} ms)`);
  });
});
