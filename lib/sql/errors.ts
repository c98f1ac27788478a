/**
 * What the MySQL client throws, turned into the one error users see: which FE, what went wrong, what to do. Never
 * quotes a password (the server's messages do not carry it; ours never take it).
 *
 * The server's texts come from StarRocks fe-core: `ErrorCode.ERR_ACCESS_DENIED_ERROR` (1045, "Access denied for
 * user '%s' (using password: %s)") and `FeConstants.COMPUTE_NODE_NOT_FOUND_ERROR` ("Compute node not found. Check
 * if any compute node is down.").
 */
import { StarRocksDrError } from '../errors';
import { PortForwardError } from './port-forward';

/** MySQL error number of a refused login (ER_ACCESS_DENIED_ERROR, the same in MySQL, MariaDB and StarRocks). */
export const ER_ACCESS_DENIED = 1045;

/** The prefix of StarRocks' answer when a query needs a compute node and none is alive. */
export const COMPUTE_NODE_NOT_FOUND = 'Compute node not found';

export const COMPUTE_NODE_NOT_FOUND_MEANING =
  'StarRocks reads information_schema and tables through a compute node, and none is alive: the CN pods are not running or not registered yet (during a recovery they start after the FE is restored)';

interface MysqlishError {
  readonly code?: string;
  readonly errno?: number;
  readonly message?: string;
  readonly sqlMessage?: string;
  readonly fatal?: boolean;
}

/** Whether trying again on a new connection could help: the network failed, never the server's own answer. */
export function isTransient(err: unknown): boolean {
  const e = err as MysqlishError;
  if (err instanceof PortForwardError) return err.status === undefined || err.status >= 500 || err.status === 429;
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'PROTOCOL_CONNECTION_LOST', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(e?.code ?? '');
}

/** The server's error text (mysql2 puts it in `sqlMessage`). */
export function serverMessage(err: unknown): string {
  const e = err as MysqlishError;
  return e?.sqlMessage ?? e?.message ?? String(err);
}

export interface ErrorContext {
  /** Where the client connected: `pod starrocks/kube-starrocks-fe-0 port 9030` or `10.0.0.5:9030`. */
  readonly target: string;
  readonly user: string;
  /** The user gave a password (from a Secret). */
  readonly withPassword: boolean;
  /** What was being done: `connect`, or the statement. */
  readonly doing: string;
  readonly connectTimeoutMs: number;
  readonly queryTimeoutMs: number;
}

/** One StarRocksDrError for a failure of the SQL client. */
export function sqlError(err: unknown, ctx: ErrorContext): StarRocksDrError {
  if (err instanceof StarRocksDrError) return err;
  const e = err as MysqlishError;
  const where = `FE ${ctx.target}`;
  if (err instanceof PortForwardError) {
    if (err.status === 403) {
      return new StarRocksDrError('InvalidInput', `${err.message}: the Kubernetes identity may not open a port-forward`, {
        field: 'pods/portforward',
        fix: 'grant `pods/portforward` verbs get and create in the namespace (examples/rbac/role.yaml), or reach the FE directly with --fe-address host:port (a recovery can skip its checks with --verify none)',
        cause: err,
      });
    }
    if (err.status === 404) {
      return new StarRocksDrError('InvalidInput', `${err.message}: no such pod`, { field: where, fix: 'check -n and the values (the cluster name), or pass --fe-address', cause: err });
    }
    if (err.status !== undefined && err.status >= 500) {
      // The API server passed the upgrade on to the kubelet of the pod's node and got no forward back (seen on a real
      // kube-apiserver v1.36 whose node serves no port-forward: test/cluster/port-forward-rbac.test.ts).
      return new StarRocksDrError('Unreachable', `${err.message}: the API server could not open the forward through the kubelet of the pod's node`, {
        field: where,
        fix: 'try `kubectl port-forward` to the FE pod by hand to see why; reach the FE directly with --fe-address host:port, or skip the checks of a recovery with --verify none',
        cause: err,
      });
    }
    return new StarRocksDrError('Unreachable', err.message, { field: where, fix: 'check that the FE pod runs and listens on its query port; rerun', cause: err });
  }
  if (e?.errno === ER_ACCESS_DENIED) {
    return new StarRocksDrError('InvalidInput', `${serverMessage(err)} (as ${ctx.user}, ${ctx.withPassword ? 'with the password from the Secret' : 'with an empty password'}). A restored cluster has the users of the cluster the snapshot was taken from, with their passwords`, {
      field: '--user / --password-secret',
      fix: "pass the source cluster's credentials: --user <name> --password-secret [namespace/]<secret>[:key] (the chart keeps root's in <cluster>-credential, key password)",
      cause: err,
    });
  }
  if (e?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
    return new StarRocksDrError('Timeout', `no answer to ${ctx.doing} within ${ctx.queryTimeoutMs / 1000}s`, {
      field: where,
      fix: 'raise --query-timeout, or check the FE (its log, its load); the connection was closed',
      cause: err,
    });
  }
  if (e?.code === 'ETIMEDOUT') {
    return new StarRocksDrError('Unreachable', `no MySQL handshake within ${ctx.connectTimeoutMs / 1000}s`, {
      field: where,
      fix: 'check that the FE runs and that its query port is reachable from here (or raise --connect-timeout); rerun',
      cause: err,
    });
  }
  if (isTransient(err)) {
    return new StarRocksDrError('Unreachable', `${e?.code === 'PROTOCOL_CONNECTION_LOST' ? 'the server closed the connection' : e?.code ?? ''} during ${ctx.doing}`, {
      field: where,
      fix: 'check that the FE pod is running and Ready; rerun',
      cause: err,
    });
  }
  const text = serverMessage(err);
  if (text.startsWith(COMPUTE_NODE_NOT_FOUND)) {
    return new StarRocksDrError('CheckFailed', `${ctx.doing}: ${text} (${COMPUTE_NODE_NOT_FOUND_MEANING})`, {
      field: where,
      fix: 'start or wait for the compute nodes (SHOW COMPUTE NODES lists them), then rerun',
      cause: err,
    });
  }
  return new StarRocksDrError('ApiError', `${ctx.doing}: ${text}`, { field: where, fix: 'check the statement and the FE log', cause: err });
}
