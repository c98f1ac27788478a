/**
 * The Kubernetes API simulator (`sim/`) is the project's test world: built beside lib/ from the repository, not
 * shipped in the npm package. `demo` and `sim` load it here, on demand, and say how to get it where it is missing.
 */
import { StarRocksDrError } from '../errors';

export function loadSimulator(command: 'demo' | 'sim'): typeof import('../../sim') {
  try {
    // require, not import(): the CLI runs under tsx's CommonJS hook, which dynamic import() bypasses.
    return require('../../sim') as typeof import('../../sim');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code !== 'MODULE_NOT_FOUND' || !/[/\\]sim['/\\]?/.test(e.message)) throw err;
    throw new StarRocksDrError('InvalidInput', `starrocks-dr ${command} needs the Kubernetes API simulator, which is not part of the installed package (it is the project's test world)`, {
      field: command,
      fix: `clone the starrocks-dr repository and run \`npm ci && npm run ${command === 'demo' ? 'demo' : 'build && node bin/starrocks-dr.js sim'}\` there`,
    });
  }
}
