/**
 * The folder of this project (where package.json and examples/ are), found from a module's own location, so it
 * is the same whether the code runs as TypeScript from lib/ or compiled to JavaScript under build/lib/.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function projectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'examples'))) return dir;
    if (dirname(dir) === dir) throw new Error(`starrocks-dr: cannot find the project folder above ${from}`);
  }
}
