/** Kubernetes-shaped `Status` errors. Thrown anywhere in request handling; the router writes them out. */
export interface StatusCause {
  /** The wire name of a cause's type in Kubernetes (metav1.StatusCause.Type is `json:"reason"`). */
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

export class ApiStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number },
  ) {
    super(message);
    this.name = 'ApiStatusError';
  }

  toStatus(): Record<string, unknown> {
    const s: Record<string, unknown> = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (!this.reason) delete s.reason; // StatusReasonUnknown is "" and omitted on the wire
    if (this.details) {
      // metav1.StatusDetails: every field is omitempty, so the core group ("") is not written (seen on kube-apiserver v1.36).
      const details: Record<string, unknown> = { ...this.details };
      for (const k of Object.keys(details)) if (details[k] === '' || details[k] === undefined) delete details[k];
      s.details = details;
    }
    return s;
  }
}

interface Target {
  readonly plural: string;
  readonly group: string;
  readonly kind: string;
}

const qn = (t: Target) => (t.group ? `${t.plural}.${t.group}` : t.plural);

export function notFound(t: Target, name: string): ApiStatusError {
  return new ApiStatusError(404, 'NotFound', `${qn(t)} "${name}" not found`, { name, group: t.group, kind: t.plural });
}

export function alreadyExists(t: Target, name: string): ApiStatusError {
  return new ApiStatusError(409, 'AlreadyExists', `${qn(t)} "${name}" already exists`, { name, group: t.group, kind: t.plural });
}

export function conflict(t: Target, name: string, why: string): ApiStatusError {
  return new ApiStatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qn(t)} "${name}": ${why}`, {
    name,
    group: t.group,
    kind: t.plural,
  });
}

/**
 * Field error kinds, as apimachinery's field.ErrorType (pkg/util/validation/field/errors.go, apimachinery v0.32.0
 * lines 104-140 for the wire names, 143-165 for the words).
 */
export type FieldErrorType = 'Invalid' | 'Required' | 'Forbidden' | 'NotSupported' | 'Duplicate' | 'TooLong' | 'TooMany' | 'NotFound';

const CAUSE: Record<FieldErrorType, [string, string]> = {
  Invalid: ['FieldValueInvalid', 'Invalid value'],
  Required: ['FieldValueRequired', 'Required value'],
  Forbidden: ['FieldValueForbidden', 'Forbidden'],
  NotSupported: ['FieldValueNotSupported', 'Unsupported value'],
  Duplicate: ['FieldValueDuplicate', 'Duplicate value'],
  TooLong: ['FieldValueTooLong', 'Too long'],
  TooMany: ['FieldValueTooMany', 'Too many'],
  NotFound: ['FieldValueNotFound', 'Not found'],
};

export interface FieldError {
  readonly field: string;
  readonly type: FieldErrorType;
  /** The offending value; left out when the message shows none (Required, Forbidden, TooLong never show it). */
  readonly value?: unknown;
  /** Why, after the value: `must be no more than 63 characters`. */
  readonly detail?: string;
}

/** Go's %q for the strings we meet (JSON escaping is the same for printable text). */
function goQuote(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** field.Error.ErrorBody (errors.go lines 51-96 at v0.32.0): the type's words, the value unless omitted, the detail. */
export function errorBody(e: FieldError): string {
  const words = CAUSE[e.type][1];
  const showsValue = !['Required', 'Forbidden', 'TooLong'].includes(e.type) && 'value' in e;
  const s = showsValue ? `${words}: ${goQuote(e.value)}` : words;
  return e.detail ? `${s}: ${e.detail}` : s;
}

/**
 * 422 Invalid, as errors.NewInvalid (pkg/api/errors/errors.go lines 283-311 at apimachinery v0.32.0): one cause per
 * field error with `reason` (the wire name of metav1.StatusCause.Type), `message` (the error body) and `field`; the
 * message aggregates `field: body` (one error alone, several as `[a, b]`).
 */
export function invalid(t: Target, name: string, errs: FieldError[]): ApiStatusError {
  const words = [...new Set(errs.map((e) => `${e.field}: ${errorBody(e)}`))];
  const shown = words.length > 1 ? `[${words.join(', ')}]` : words[0];
  return new ApiStatusError(422, 'Invalid', `${t.kind}${t.group ? '.' + t.group : ''} "${name}" is invalid: ${shown}`, {
    name,
    group: t.group,
    kind: t.kind,
    causes: errs.map((e) => ({
      reason: CAUSE[e.type][0],
      message: errorBody(e),
      field: e.field,
    })),
  });
}

export function badRequest(message: string): ApiStatusError {
  return new ApiStatusError(400, 'BadRequest', message);
}

export function gone(message: string): ApiStatusError {
  return new ApiStatusError(410, 'Expired', message);
}
