/**
 * A MySQL-protocol session with a StarRocks FE: text-protocol `query()` only (StarRocks' prepared statements are
 * partial), every value as the text the server sent (or null), columns by name. The FE is reached directly
 * (`host:port`) or through a Kubernetes port-forward to a pod (port-forward.ts).
 *
 * Bounded: a connect timeout (handshake included) and a query timeout (on the wall clock, like any socket
 * timeout); a timed-out connection is closed, never reused. Retried only where safe: a connection that fails before
 * the handshake is tried again (`connectAttempts`), and a statement marked `idempotent` (a read) once more on a new
 * connection when the old one broke; a write is never sent twice. The password is passed to mysql2 and nowhere else.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Connection, FieldPacket, TypeCast } from 'mysql2/promise';
import { REAL_TIMERS, type Timers } from '../kube/timers';
import { isTransient, sqlError } from './errors';
import { openPortForward } from './port-forward';

export type FeTarget =
  | { readonly kind: 'address'; readonly host: string; readonly port: number }
  | { readonly kind: 'pod'; readonly kubeConfig: KubeConfig; readonly namespace: string; readonly pod: string; readonly port: number };

export interface SqlOptions {
  readonly target: FeTarget;
  /** @default 'root' */
  readonly user?: string;
  /** @default '' (StarRocks' root has none until one is set) */
  readonly password?: string;
  /** Milliseconds for the TCP (or port-forward) connection and the MySQL handshake. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Milliseconds of silence from the server during a statement before it is abandoned. @default 30000 */
  readonly queryTimeoutMs?: number;
  /** Connection attempts when the network fails before the handshake (refused, reset, lost). @default 3 */
  readonly connectAttempts?: number;
  /** The clock for the back-off between attempts (the Kubernetes client's, `client.timers`). @default the wall clock */
  readonly timers?: Timers;
}

/** Rows as the server sent them: text or NULL, in column order. */
export interface ResultSet {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

export interface QueryOptions {
  /** A read: may be sent again on a new connection when the connection broke. @default false */
  readonly idempotent?: boolean;
}

export interface SqlSession {
  /** `pod <ns>/<name> port <p>` or `<host>:<port>`: where the statements go. */
  readonly target: string;
  query(sql: string, opts?: QueryOptions): Promise<ResultSet>;
  close(): Promise<void>;
}

export const DEFAULTS = { user: 'root', connectTimeoutMs: 10_000, queryTimeoutMs: 30_000, connectAttempts: 3 } as const;

/** Every value as text (or null): what the server sent, not mysql2's guess at a JavaScript type. */
const asText: TypeCast = (field) => field.string();

export function describeTarget(t: FeTarget): string {
  return t.kind === 'address' ? `${t.host}:${t.port}` : `pod ${t.namespace}/${t.pod} port ${t.port}`;
}

/** A closed session with the FE; nothing is sent until the first query. Throws nothing: errors come from `query`. */
export function sqlSession(opts: SqlOptions): SqlSession {
  const target = describeTarget(opts.target);
  const user = opts.user ?? DEFAULTS.user;
  const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
  const queryTimeoutMs = opts.queryTimeoutMs ?? DEFAULTS.queryTimeoutMs;
  const attempts = Math.max(1, opts.connectAttempts ?? DEFAULTS.connectAttempts);
  const timers = opts.timers ?? REAL_TIMERS;
  const context = (doing: string) => ({ target, user, withPassword: !!opts.password, doing, connectTimeoutMs, queryTimeoutMs });
  let current: Connection | undefined;

  const open = async (): Promise<Connection> => {
    const { createConnection } = require('mysql2/promise') as typeof import('mysql2/promise');
    const t = opts.target;
    const stream = t.kind === 'pod' ? await openPortForward(t.kubeConfig, t.namespace, t.pod, t.port) : undefined;
    const conn = await createConnection({
      ...(t.kind === 'address' ? { host: t.host, port: t.port } : { stream }),
      user,
      password: opts.password ?? '',
      connectTimeout: connectTimeoutMs,
      typeCast: asText,
      // StarRocks speaks mysql_native_password; nothing here needs multiple statements or local files.
      multipleStatements: false,
    });
    // A broken connection reports on its own as well; the query that hit it already has the error.
    conn.on('error', () => undefined);
    return conn;
  };

  const connect = async (): Promise<Connection> => {
    if (current) return current;
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await timers.sleep(Math.min(2000, 250 * 2 ** (i - 1)));
      try {
        current = await open();
        return current;
      } catch (err) {
        last = err;
        if (!isTransient(err)) break;
      }
    }
    throw sqlError(last, context('connect'));
  };

  const drop = () => {
    const c = current;
    current = undefined;
    c?.destroy();
  };

  return {
    target,
    async query(sql, q = {}) {
      for (let attempt = 0; ; attempt++) {
        const conn = await connect();
        try {
          const [rows, fields] = await withTimeout(conn.query({ sql, rowsAsArray: true }), queryTimeoutMs, () => conn.destroy());
          return toResultSet(rows, fields);
        } catch (err) {
          const broken = isTransient(err) || (err as { code?: string }).code === 'PROTOCOL_SEQUENCE_TIMEOUT' || (err as { fatal?: boolean }).fatal === true;
          if (broken) drop();
          if (q.idempotent && attempt === 0 && isTransient(err)) continue;
          throw sqlError(err, context(sql));
        }
      }
    },
    async close() {
      const c = current;
      current = undefined;
      if (!c) return;
      try {
        await c.end();
      } catch {
        c.destroy();
      }
    },
  };
}

/**
 * The query timeout, on the wall clock. Not mysql2's own `timeout` option: its timer outlives a connection that
 * broke (it is cleared only when the query ends), which would hold a finished command open for the full timeout.
 */
function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(Object.assign(new Error('Query inactivity timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }));
    }, ms);
  });
  // The query's own rejection after a timeout (the connection was destroyed) is expected: nobody waits for it.
  work.catch(() => undefined);
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

function toResultSet(rows: unknown, fields: FieldPacket[] | undefined): ResultSet {
  if (!Array.isArray(rows) || !fields) return { columns: [], rows: [] };
  return { columns: fields.map((f) => f.name), rows: rows as (string | null)[][] };
}
