/**
 * A real MySQL-protocol server for the client's tests: Debian's MariaDB (`apt-get install -y mariadb-server`; .ci/run
 * installs it), started by the test on a loopback port in a temporary data directory, as an unprivileged user when
 * the test runs as root (mariadbd refuses root), never the system service. Stopped (and its directory removed) by
 * `stop()`. Where mariadbd is missing, outside CI the suite is skipped with the reason; in CI (`CI` set) it fails.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function find(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/sbin', '/usr/bin')) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

export const MARIADBD = find('mariadbd');
const INSTALL_DB = find('mariadb-install-db');

/** For `describe(..., { skip })`: in CI never (the test then fails on the missing server), elsewhere the reason. */
export const SKIP_WITHOUT_MARIADB: false | string = MARIADBD && INSTALL_DB ? false : process.env.CI ? false : 'no mariadbd on PATH (CI installs Debian mariadb-server; apt-get install -y mariadb-server)';

export interface MariaDb {
  readonly port: number;
  /** Runs SQL as root through the server's socket (setup only: users, tables). */
  admin(sql: string): void;
  /** Kills the server at once (SIGKILL): clients see the connection drop. */
  kill(): void;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startMariaDb(): Promise<MariaDb> {
  if (!MARIADBD || !INSTALL_DB) throw new Error('mariadbd is not installed: apt-get install -y mariadb-server (.ci/run does this in CI)');
  const dir = mkdtempSync(join(tmpdir(), 'srdr-mariadb-'));
  const asRoot = process.getuid?.() === 0;
  const nobody = { uid: 65534, gid: 65534 };
  if (asRoot) chownSync(dir, nobody.uid, nobody.gid);
  const ids = asRoot ? nobody : {};
  const data = join(dir, 'data');
  const socket = join(dir, 'sock');
  execFileSync(INSTALL_DB, ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve'], { ...ids, stdio: 'ignore', timeout: 120_000 });
  const port = await freePort();
  const child: ChildProcess = spawn(MARIADBD, ['--no-defaults', `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1', '--skip-name-resolve', `--log-error=${join(dir, 'err.log')}`, `--pid-file=${join(dir, 'pid')}`, '--innodb-buffer-pool-size=16M'], { ...ids, stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  while (!existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = existsSync(join(dir, 'err.log')) ? readFileSync(join(dir, 'err.log'), 'utf8') : '';
      child.kill('SIGKILL');
      throw new Error(`mariadbd did not start: ${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const client = find('mariadb') ?? find('mysql');
  return {
    port,
    admin(sql) {
      execFileSync(client!, ['--no-defaults', `--socket=${socket}`, '-uroot', '-e', sql], { stdio: 'pipe', timeout: 30_000 });
    },
    kill() {
      child.kill('SIGKILL');
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 20_000)))]);
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
