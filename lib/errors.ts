/**
 * The one error type users see. Every failure caused by input or by the cluster names where it happened
 * (`field`: a key path such as `starrocksFESpec.replicas`, or an object such as `StatefulSet/kube-starrocks-fe`)
 * and what to do about it (`fix`). The CLI prints `message` and exits non-zero; nothing else is printed.
 */
export type ErrorCode =
  | 'InvalidInput' // a values file, a typed spec or a flag is wrong
  | 'InvalidSnapshot' // cluster_snapshot.yaml is missing or wrong
  | 'GenerationWentDown' // a DR generation lower than the recorded one
  | 'Unreachable' // the Kubernetes API could not be reached
  | 'Timeout' // a wait ran out of time
  | 'ApiError' // the Kubernetes API refused a request
  | 'Refused' // the request would restore over a live cluster, or the record describes another cluster
  | 'Contended' // another actor holds the cluster's lease past the timeout, or keeps undoing what we apply
  | 'Interrupted' // the user interrupted the command (Ctrl-C, SIGTERM)
  | 'CheckFailed'; // the database answered, and a check failed: a restore not verified, a cluster not recoverable now

export interface StarRocksDrErrorOptions {
  /** Key path or object the error is about. */
  readonly field: string;
  /** One sentence telling the user what to change. */
  readonly fix: string;
  /** The file the key path is in, when the input came from a file. */
  readonly file?: string;
  readonly cause?: unknown;
}

export class StarRocksDrError extends Error {
  readonly code: ErrorCode;
  /** What went wrong, without the `field: ... Fix: ...` frame of `message` (to wrap it in another error). */
  readonly problem: string;
  readonly field: string;
  readonly fix: string;
  readonly file?: string;

  constructor(code: ErrorCode, problem: string, opts: StarRocksDrErrorOptions) {
    const where = opts.file ? `${opts.file}: ${opts.field}` : opts.field;
    super(`${where}: ${problem}. Fix: ${opts.fix}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'StarRocksDrError';
    this.code = code;
    this.problem = problem;
    this.field = opts.field;
    this.fix = opts.fix;
    this.file = opts.file;
  }
}

/** The error of a command the user interrupted (Ctrl-C, SIGTERM): exit 130, and a rerun resumes. */
export function interruptedError(): StarRocksDrError {
  return new StarRocksDrError('Interrupted', 'interrupted', {
    field: 'the command',
    fix: 'run the same command again: it resumes from the recorded status',
  });
}
