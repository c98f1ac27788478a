/**
 * The package as users get it, for tests: `npm pack` of this repository, and a temporary copy of one of its example
 * projects installed against the tarball. The peers (cdk8s, constructs, @pulumi/pulumi, @pulumi/kubernetes) are
 * linked from this repository's node_modules rather than installed again (an install of the peers takes minutes);
 * the package's own dependencies come from the install. Needs the build (`npm run build`).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 50_000 });
}

/** `npm pack` of the build as it is into `dir`; returns the tarball's path. */
export function packPackage(dir: string): string {
  if (!fs.existsSync(path.join(ROOT, 'build', 'lib', 'index.js'))) throw new Error('build/ is missing. Fix: npm run build');
  // --ignore-scripts: pack the build as it is (prepare would rebuild it under other running tests).
  const [info] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT)) as Array<{ filename: string }>;
  return path.join(dir, info.filename);
}

/**
 * A copy of examples/<name> in `work` that depends on the tarball, installed, peers linked, compiled with this
 * repository's tsc (which also type-checks it against the package's emitted declarations). Returns its folder.
 */
export function installExample(work: string, tarball: string, name: string, peers: readonly string[]): string {
  const dir = path.join(work, name);
  fs.cpSync(path.join(ROOT, 'examples', name), dir, { recursive: true, filter: (src) => !/[\\/](node_modules|build|dist)$/.test(src) });
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  pkg.dependencies = { 'starrocks-dr': `file:${tarball}` };
  delete pkg.devDependencies;
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps'], dir);
  for (const peer of peers) {
    fs.mkdirSync(path.dirname(path.join(dir, 'node_modules', peer)), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', peer), path.join(dir, 'node_modules', peer), 'dir');
  }
  execFileSync(process.execPath, [TSC, '-p', dir, '--typeRoots', path.join(ROOT, 'node_modules', '@types')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return dir;
}
