/** Kubernetes-shaped `Status` errors. Thrown anywhere in request handling; the router writes them out. */
export interface StatusCause {
  /** The wire name of a cause's type in Kubernetes. */
  readonly reason?: string;
  /** Same value as `reason`. */
  readonly type?: string;
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
    if (this.details) s.details = this.details;
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

/** Field error kinds as the API server words them ("Required value", "Forbidden", ...). */
export type FieldErrorType = 'Invalid' | 'Required' | 'Forbidden' | 'NotSupported' | 'Duplicate';

const CAUSE: Record<FieldErrorType, [string, string]> = {
  Invalid: ['FieldValueInvalid', 'Invalid value'],
  Required: ['FieldValueRequired', 'Required value'],
  Forbidden: ['FieldValueForbidden', 'Forbidden'],
  NotSupported: ['FieldValueNotSupported', 'Unsupported value'],
  Duplicate: ['FieldValueDuplicate', 'Duplicate value'],
};

export interface FieldError {
  readonly field: string;
  readonly type: FieldErrorType;
  readonly message: string;
}

/** 422 Invalid. Causes carry `reason` (the real wire name) and `type` (the same value, for readers that expect it). */
export function invalid(t: Target, name: string, errs: FieldError[]): ApiStatusError {
  const words = errs.map((e) => `${e.field}: ${CAUSE[e.type][1]}${e.message ? ': ' + e.message : ''}`);
  const shown = words.length > 1 ? `[${words.join(', ')}]` : words[0];
  return new ApiStatusError(422, 'Invalid', `${t.kind}${t.group ? '.' + t.group : ''} "${name}" is invalid: ${shown}`, {
    name,
    group: t.group,
    kind: t.kind,
    causes: errs.map((e) => ({
      reason: CAUSE[e.type][0],
      type: CAUSE[e.type][0],
      message: `${CAUSE[e.type][1]}${e.message ? ': ' + e.message : ''}`,
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
