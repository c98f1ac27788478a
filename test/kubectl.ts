/**
 * The real kubectl for tests: where it is, which minor version it is, and how to run it against a simulator without
 * blocking the event loop (the simulator runs in the test's process). Debian's kubectl 1.20 is what .ci/run installs
 * where the machine has none; 1.32 is what a developer machine here has. They differ where it matters to us:
 * before 1.27, client-side validation (`apply`) and `diff` read /openapi/v2, which the simulator does not serve
 * (sim/README.md), so tests gate those on `KUBECTL_READS_OPENAPI_V3`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** kubectl from PATH (or /usr/bin), if any. */
function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/bin')) {
    if (dir && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  }
  return undefined;
}

export const KUBECTL = findKubectl();

/** For `describe(..., { skip })`: false when kubectl is there, else why the suite is skipped. */
export const SKIP_WITHOUT_KUBECTL: false | string = KUBECTL ? false : 'no kubectl on PATH (CI installs Debian kubernetes-client)';

/** kubectl's minor version (`version --client -o json`), undefined when there is none or it cannot be read. */
function kubectlMinor(): number | undefined {
  if (!KUBECTL) return undefined;
  try {
    const out = execFileSync(KUBECTL, ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 30_000 });
    const minor = Number.parseInt(JSON.parse(out).clientVersion.minor, 10);
    return Number.isFinite(minor) ? minor : undefined;
  } catch {
    return undefined;
  }
}

const MINOR = kubectlMinor();

/** kubectl 1.27 and later read /openapi/v3 for `diff` and client-side validation; an unreadable version counts as no. */
export const KUBECTL_READS_OPENAPI_V3 = MINOR !== undefined && MINOR >= 27;

/** `--validate=false` for a kubectl known to be older than 1.27 (its validation reads /openapi/v2), else nothing. */
export const VALIDATE_FLAGS: readonly string[] = MINOR !== undefined && MINOR < 27 ? ['--validate=false'] : [];

/** Runs kubectl with `dir/kubeconfig`, its cache and HOME in `dir`. */
export function runKubectl(dir: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL!, [`--kubeconfig=${join(dir, 'kubeconfig')}`, `--cache-dir=${join(dir, 'cache')}`, ...args], { timeout: 90_000, env: { ...process.env, HOME: dir } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** kubectl 1.31 and later tunnel `port-forward`'s SPDY in WebSocket by default (feature PortForwardWebsockets). */
export const KUBECTL_TUNNELS_PORT_FORWARD = MINOR !== undefined && MINOR >= 31;
