/**
 * The model-based recovery test, longer than `npm test` runs it: `npm run test:model -- --runs 500 [--seed N]
 * [--commands 12]`. Prints the seed; a failure prints the shrunk sequence and the `--seed`/`--path` that replays it.
 */
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { recoveryProperty } from './recovery-model';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '100' }, seed: { type: 'string' }, commands: { type: 'string', default: '12' }, path: { type: 'string' } },
});
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const runs = Number(values.runs);
process.stdout.write(`model-based recovery test: ${runs} runs, seed ${seed}, up to ${values.commands} commands each\n`);
const started = Date.now();
fc.assert(recoveryProperty(Number(values.commands)), { numRuns: runs, seed, ...(values.path ? { path: values.path } : {}), verbose: 1 })
  .then(() => {
    process.stdout.write(`${runs} passed, 0 failed (${Math.round((Date.now() - started) / 1000)}s)\n`);
  })
  .catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  });
