/**
 * Turning what the Kubernetes client throws into decisions: retry or not, and the one error users see.
 */
import { StarRocksDrError } from '../errors';

/** HTTP status of a failed client call, or undefined for a network failure. */
export function statusCodeOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown } | undefined;
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

/** A write refused with 409: a stale resourceVersion, or a create of an object that exists. */
export function isConflict(err: unknown): boolean {
  return statusCodeOf(err instanceof StarRocksDrError ? err.cause : err) === 409;
}

/** A request refused with 404: the object is not there. */
export function isNotFound(err: unknown): boolean {
  return statusCodeOf(err instanceof StarRocksDrError ? err.cause : err) === 404;
}

/** Network failures and overload answers are worth another try; a 4xx other than 429 is not. */
export function isRetryable(err: unknown): boolean {
  const status = statusCodeOf(err);
  if (status === undefined) return true;
  return status === 429 || status >= 500;
}

/** Seconds the server asked us to wait (`Retry-After`), if it did. */
export function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { headers?: Record<string, string> } | undefined)?.headers;
  const value = headers?.['retry-after'] ?? headers?.['Retry-After'];
  const seconds = value === undefined ? NaN : Number(value);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** The `Status` the server answered with (the client keeps it as an object or as JSON text), if it can be read. */
function statusBody(err: unknown): unknown {
  const body = (err as { body?: unknown } | undefined)?.body;
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The server's own message (`Status.message`) without the client's dump of headers. */
export function apiMessage(err: unknown): string {
  const message = (statusBody(err) as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string') return message;
  const status = statusCodeOf(err);
  if (status !== undefined) return `HTTP ${status}`;
  const e = err as { code?: unknown; message?: unknown } | undefined;
  return typeof e?.code === 'string' ? e.code : String(e?.message ?? err);
}

/** The namespace a 404 says is missing (`namespaces "x" not found`, as a create in it answers), if that is what it says. */
export function missingNamespace(err: unknown): string | undefined {
  if (statusCodeOf(err) !== 404) return undefined;
  const details = (statusBody(err) as { details?: { kind?: unknown; name?: unknown } } | undefined)?.details;
  return details?.kind === 'namespaces' && typeof details.name === 'string' ? details.name : undefined;
}

/** The error a user sees for a request that failed for good. */
export function toUserError(err: unknown, server: string, what: string): StarRocksDrError {
  if (err instanceof StarRocksDrError) return err;
  const namespace = missingNamespace(err);
  if (namespace !== undefined) {
    // Input, not an outage: a rerun would fail the same way until someone creates it.
    return new StarRocksDrError('InvalidInput', `namespace ${namespace} does not exist`, {
      field: '-n/--namespace',
      fix: `create it (\`kubectl create namespace ${namespace}\`), or pass -n with the namespace the cluster is in; then run the same command again`,
      cause: err,
    });
  }
  const status = statusCodeOf(err);
  if (status === undefined) {
    return new StarRocksDrError('Unreachable', `cannot reach the Kubernetes API at ${server} (${apiMessage(err)})`, {
      field: what,
      fix: 'check --kubeconfig / --context and that the cluster is up, then run the same command again: it resumes',
      cause: err,
    });
  }
  return new StarRocksDrError('ApiError', `the Kubernetes API refused the request: ${apiMessage(err)} (HTTP ${status})`, {
    field: what,
    fix: status === 403 ? 'grant the identity in your kubeconfig access to this object' : 'check the object and run the same command again: it resumes',
    cause: err,
  });
}
