/** The generation rules (lib/dr/generation.ts): one comparison, one error, what comes next, when a driver runs again. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareGeneration, finishedBefore, generationWentDown, isOfGeneration, needsRun, nextGeneration, refuseLower } from '../../lib/dr/generation';
import { decide } from '../../lib/dr/decide';
import { nextForm } from '../../lib/dr/next-form';
import { checkDr } from '../../lib/pulumi/dr-operations';
import { newStatus } from '../../lib/dr/status';
import { referenceDrSpec } from '../fixtures';

describe('compareGeneration', () => {
  const cases: Array<[number, number | undefined, ReturnType<typeof compareGeneration>]> = [
    [1, undefined, 'first'],
    [2, 1, 'newer'],
    [1, 1, 'same'],
    [1, 2, 'lower'],
  ];
  for (const [requested, recorded, step] of cases) it(`${requested} against ${recorded ?? 'nothing recorded'}: ${step}`, () => assert.equal(compareGeneration(requested, recorded), step));
  it('what comes next is the recorded generation plus one; a status is of a generation when it observed it', () => {
    assert.equal(nextGeneration(3), 4);
    assert.equal(isOfGeneration({ observedGeneration: 3 }, 3), true);
    assert.equal(isOfGeneration({ observedGeneration: 3 }, 4), false);
    assert.equal(isOfGeneration(undefined, 3), false);
  });
});

describe('generation rules between runs (the Pulumi provider check and diff)', () => {
  const cases: Array<[string, Parameters<typeof needsRun>[0], number, boolean]> = [
    ['first run', {}, 1, true],
    ['same generation, done', { generation: 1, phase: 'done' }, 1, false],
    ['same generation, left doing', { generation: 1, phase: 'doing' }, 1, true],
    ['same generation, done but the run was incomplete', { generation: 1, phase: 'done', incomplete: true }, 1, true],
    ['a higher generation', { generation: 1, phase: 'done' }, 2, true],
    ['a lower generation never runs', { generation: 2, phase: 'done' }, 1, false],
  ];
  for (const [name, last, generation, expected] of cases) {
    it(name, () => assert.equal(needsRun(last, generation), expected));
  }
  it('finishedBefore: only the same generation, finished and complete', () => {
    assert.equal(finishedBefore({ generation: 1, phase: 'done' }, 1), true);
    assert.equal(finishedBefore({ generation: 1, phase: 'done', incomplete: true }, 1), false);
    assert.equal(finishedBefore({ generation: 2, phase: 'done' }, 1), false, 'a lower generation is not "finished": check refuses it');
    assert.equal(finishedBefore({}, 1), false);
  });
});

describe('a generation below the recorded one: one error code on every route', () => {
  it('the error names the setting and both ways forward', () => {
    const err = generationWentDown(2, 3, 'drGeneration', "this stack's last run");
    assert.equal(err.code, 'GenerationWentDown');
    assert.equal(err.field, 'drGeneration');
    assert.match(err.message, /generation 2 is lower than generation 3, recorded in this stack's last run/);
    assert.match(err.fix, /drGeneration to 3 .* or to 4/);
    assert.doesNotThrow(() => refuseLower(3, 3, 'x'));
    assert.doesNotThrow(() => refuseLower(1, undefined, 'x'));
    assert.throws(() => refuseLower(2, 3, 'x'), (e: unknown) => (e as { code?: string }).code === 'GenerationWentDown');
  });

  it('dr run / dr wait (decide), synth --dr-phase auto (nextForm) and the Pulumi check all refuse with GenerationWentDown', () => {
    const recorded = { ...newStatus(3, 1_700_000_000), phase: 'done' as const, endTimestamp: 1_700_000_100 };
    const routes: Array<[string, () => string | undefined]> = [
      ['decide', () => decide({ generation: 2, snapshotMounted: true, recorded, fePods: [], now: new Date() }).error?.code],
      [
        'nextForm',
        () => {
          try {
            nextForm({ enabled: true, generation: 2, recorded });
            return undefined;
          } catch (e) {
            return (e as { code?: string }).code;
          }
        },
      ],
    ];
    for (const [route, code] of routes) assert.equal(code(), 'GenerationWentDown', route);
    const check = checkDr({ generation: 3 }, { spec: referenceDrSpec(), generation: 2, namespace: 'default' });
    assert.match(check.failures.map((f) => f.reason).join('\n'), /generation 2 is lower than generation 3/);
  });
});
