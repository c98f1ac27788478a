/** `--dr-phase auto`: the decision table (operator rule for entering DR, plus a lower generation is an error). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DisasterRecoveryStatus, DrPhase } from '../../lib/dr/status';
import { StarRocksDrError } from '../../lib/errors';
import { nextForm } from '../../lib/gitops';

function status(phase: DrPhase, observedGeneration: number): DisasterRecoveryStatus {
  return { phase, reason: '', observedGeneration, startTimestamp: 1_700_000_000, endTimestamp: phase === 'done' ? 1_700_000_100 : undefined, conditions: [] };
}

const rows: Array<{ name: string; enabled: boolean; generation?: number; recorded?: DisasterRecoveryStatus; form: 'full' | 'restore'; reason: RegExp }> = [
  { name: 'DR disabled, nothing recorded', enabled: false, generation: 1, form: 'full', reason: /not enabled/ },
  { name: 'DR disabled, an old recovery recorded', enabled: false, generation: 3, recorded: status('doing', 3), form: 'full', reason: /not enabled/ },
  { name: 'enabled without a generation', enabled: true, form: 'full', reason: /not enabled/ },
  { name: 'no status yet', enabled: true, generation: 1, form: 'restore', reason: /no recovery recorded/ },
  { name: 'generation newer than the recorded done one', enabled: true, generation: 2, recorded: status('done', 1), form: 'restore', reason: /newer/ },
  { name: 'generation newer than a recorded doing one', enabled: true, generation: 3, recorded: status('doing', 1), form: 'restore', reason: /newer/ },
  { name: 'same generation, todo', enabled: true, generation: 1, recorded: status('todo', 1), form: 'restore', reason: /todo, not done/ },
  { name: 'same generation, doing', enabled: true, generation: 2, recorded: status('doing', 2), form: 'restore', reason: /doing, not done/ },
  { name: 'same generation, done', enabled: true, generation: 2, recorded: status('done', 2), form: 'full', reason: /is done/ },
];

for (const row of rows) {
  test(`nextForm: ${row.name} -> ${row.form}`, () => {
    const next = nextForm({ enabled: row.enabled, generation: row.generation, recorded: row.recorded });
    assert.equal(next.form, row.form);
    assert.match(next.reason, row.reason);
  });
}

test('nextForm: a generation below the recorded one is an error naming the field and both ways out', () => {
  assert.throws(
    () => nextForm({ enabled: true, generation: 1, recorded: status('done', 2) }),
    (err: unknown) => err instanceof StarRocksDrError && err.code === 'GenerationWentDown' && /generation 1 is lower than generation 2/.test(err.message) && /disasterRecovery\.generation/.test(err.message) && /\b3\b/.test(err.message),
  );
});
