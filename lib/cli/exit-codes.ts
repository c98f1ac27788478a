/** Exit codes of every command, documented in the README. */
import { StarRocksDrError } from '../errors';

export const ExitCode = {
  /** Done: the command did what it was asked (for `dr`: the recovery is `done`). */
  OK: 0,
  /** Failed for a reason not listed below (a bug, an unexpected error). */
  FAILED: 1,
  /** Invalid input: a values file, a flag, the snapshot file, a generation that went down. Nothing was changed. */
  INVALID_INPUT: 2,
  /** Timed out waiting; the status record says where it stopped and a rerun resumes. */
  TIMEOUT: 3,
  /** The Kubernetes API was unreachable or refused a request; a rerun resumes. */
  API: 4,
  /** Another actor contends: the cluster's lease stayed held past the timeout, or something keeps undoing the form. */
  CONTENDED: 5,
  /** A check against the database failed: `dr verify` found the restore not finished, `snapshot status` found the cluster not recoverable now. */
  CHECK_FAILED: 6,
  /** Interrupted by the user (SIGINT / SIGTERM); the status record says where it stopped and a rerun resumes. */
  INTERRUPTED: 130,
} as const;

export function exitCodeFor(err: unknown): number {
  if (!(err instanceof StarRocksDrError)) return ExitCode.FAILED;
  switch (err.code) {
    case 'InvalidInput':
    case 'InvalidSnapshot':
    case 'GenerationWentDown':
    case 'Refused':
      return ExitCode.INVALID_INPUT;
    case 'Contended':
      return ExitCode.CONTENDED;
    case 'Interrupted':
      return ExitCode.INTERRUPTED;
    case 'CheckFailed':
      return ExitCode.CHECK_FAILED;
    case 'Timeout':
      return ExitCode.TIMEOUT;
    case 'Unreachable':
    case 'ApiError':
      return ExitCode.API;
  }
}
