/**
 * `synth --dr-phase auto`: which form comes next, from the recorded recovery status. A pure decision (the CLI reads
 * the status with `readStatus`), following the operator's rule for entering disaster recovery
 * (`fe_disaster_recovery.go`): no status, a newer generation, or a phase other than `done` ─▶ restore.
 */
import type { V1StatefulSet } from '@kubernetes/client-node';
import { compareGeneration, generationWentDown } from './generation';
import { guard } from './guard';
import type { DisasterRecoveryStatus } from './status';
import type { RecordIdentity } from './record-identity';
import type { RecoveryRecord } from './status-record';
import type { DrPhaseForm } from '../model/types';

export interface NextFormInput {
  /** `disasterRecovery.enabled` of the spec. */
  readonly enabled: boolean;
  /** The requested recovery generation (`disasterRecovery.generation`, or `--generation`). */
  readonly generation?: number;
  /** The recorded status (`<cluster>-disaster-recovery`), undefined when none was ever recorded. */
  readonly recorded?: DisasterRecoveryStatus;
  /**
   * What the record guard needs (guard.ts), when the cluster was read: the full record, the live FE StatefulSet and
   * the live identity. A restore form would be written only where `dr run` would restore.
   */
  readonly live?: {
    readonly cluster: string;
    readonly record?: RecoveryRecord;
    readonly feStatefulSet?: V1StatefulSet;
    readonly identity: RecordIdentity;
    readonly force: boolean;
  };
}

export interface NextForm {
  readonly form: DrPhaseForm;
  /** One sentence for people: why this form. */
  readonly reason: string;
}

export function nextForm(input: NextFormInput): NextForm {
  const next = formFromRecord(input);
  if (next.form === 'restore' && input.live && input.generation !== undefined) {
    // Throws where a restore would overwrite a live cluster or the record is another cluster's.
    const verdict = guard({ ...input.live, generation: input.generation, recorded: input.live.record, live: input.live.identity });
    if (verdict.go === 'restart') return { form: 'restore', reason: `generation ${input.generation} starts over, as asked (--force-restore)` };
  } else if (next.form === 'full' && input.live && input.generation !== undefined && input.live.record) {
    // A finished generation whose record is another cluster's: say so rather than skip a needed restore.
    const verdict = guard({ ...input.live, generation: input.generation, recorded: input.live.record, live: input.live.identity });
    if (verdict.go === 'restart') return { form: 'restore', reason: `generation ${input.generation} starts over, as asked (--force-restore)` };
  }
  return next;
}

function formFromRecord(input: NextFormInput): NextForm {
  const { enabled, generation, recorded } = input;
  if (!enabled || generation === undefined) return { form: 'full', reason: 'disaster recovery is not enabled' };
  if (!recorded) return { form: 'restore', reason: `no recovery recorded yet; generation ${generation} starts with the restore form` };
  switch (compareGeneration(generation, recorded.observedGeneration)) {
    case 'lower':
      throw generationWentDown(generation, recorded.observedGeneration, 'disasterRecovery.generation');
    case 'newer':
      return { form: 'restore', reason: `generation ${generation} is newer than the recorded generation ${recorded.observedGeneration}` };
    default:
      break;
  }
  if (recorded.phase !== 'done') return { form: 'restore', reason: `the recovery of generation ${generation} is ${recorded.phase}, not done` };
  return { form: 'full', reason: `the recovery of generation ${generation} is done` };
}
