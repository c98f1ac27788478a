/**
 * The project compiled to JavaScript with the repo's own tsconfig (`tsc --outDir <tmp>`, node_modules linked in),
 * so the benchmarks can show what running the CLI under plain `node`, without tsx, costs. The project ships no
 * build step; this is a what-if reference, never a target row.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

export interface CompiledTree {
  /** Absolute path of the compiled CLI entry (lib/cli/main.js). */
  readonly cli: string;
  /** The reference values files, which the compiled tree cannot find next to itself. */
  readonly valuesArgs: readonly string[];
  remove(): void;
}

export async function compileProject(): Promise<CompiledTree> {
  const dir = mkdtempSync(join(tmpdir(), 'sr-bench-js-'));
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npx', ['tsc', '-p', '.', '--noEmit', 'false', '--outDir', dir, '--declaration', 'false', '--sourceMap', 'false'], { cwd: ROOT, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', resolve);
  });
  // tsc still emits when other files have type errors; only a missing entry is fatal.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  // The loader finds the built-in example from its own location (lib/project-root.ts): give the tree one.
  symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
  symlinkSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  const cli = join(dir, 'lib', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`tsc did not emit ${cli} (exit ${code})`);
  return {
    cli,
    valuesArgs: ['-f', join(ROOT, 'examples', 'starrocks-values.yaml'), '-f', join(ROOT, 'examples', 'override.yaml')],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
