/**
 * The plain cdk8s-plus-28 comparison app (cdk8s-plus-app.ts) compiled to JavaScript, so the cold synth row compares
 * compiled with compiled: `tsc` of that one file into a temp dir (node_modules linked), run under plain `node`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

export interface CompiledPlainApp {
  /** Absolute path of the compiled app (cdk8s-plus-app.js). */
  readonly app: string;
  remove(): void;
}

export async function compilePlainApp(): Promise<CompiledPlainApp> {
  const dir = mkdtempSync(join(tmpdir(), 'sr-bench-plain-'));
  const args = ['tsc', join(ROOT, 'bench', 'cdk8s-plus-app.ts'), '--outDir', dir, '--module', 'commonjs', '--target', 'ES2022', '--esModuleInterop', '--skipLibCheck', '--types', 'node'];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npx', args, { cwd: ROOT, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', resolve);
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const app = join(dir, 'cdk8s-plus-app.js');
  if (!existsSync(app)) throw new Error(`tsc did not emit ${app} (exit ${code})`);
  return { app, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
