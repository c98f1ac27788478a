/**
 * The model-based recovery test (recovery-model.ts) as `npm test` runs it: a fixed seed and a bounded number of
 * sequences, on virtual time. Longer: `npm run test:model -- --runs 500`.
 */
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { recoveryProperty } from './recovery-model';

/** Fixed, so `npm test` is repeatable; `npm run test:model` draws a new one each time (and prints it). */
const SEED = 20_261_206;
const RUNS = 6;
const COMMANDS = 8;

describe('recoveries under random interleavings of runs, faults, hand edits and GitOps applies', () => {
  it(`keep every invariant (seed ${SEED}, ${RUNS} sequences of up to ${COMMANDS} steps)`, async () => {
    await fc.assert(recoveryProperty(COMMANDS), { numRuns: RUNS, seed: SEED, endOnFailure: true });
  });
});
