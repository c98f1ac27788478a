/** The generation rules between runs (lib/dr/generation-rules.ts), as the Pulumi provider's check and diff use them. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generationWentDown, needsRun } from '../../lib/dr/generation-rules';

describe('generation rules between runs', () => {
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
  it('a generation below the last one is an error naming the setting and both ways forward', () => {
    const err = generationWentDown({ generation: 3 }, 2, 'drGeneration');
    assert.equal(err?.code, 'GenerationWentDown');
    assert.equal(err?.field, 'drGeneration');
    assert.match(err!.fix, /drGeneration to 3 .* or to 4/);
    assert.equal(generationWentDown({ generation: 3 }, 3, 'drGeneration'), undefined);
    assert.equal(generationWentDown({}, 1, 'drGeneration'), undefined);
  });
});
