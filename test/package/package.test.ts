/**
 * The package as users get it: `npm pack`, installed into a temporary copy of each example project (its own
 * package.json, depending on the tarball; install-example.ts). Needs the build (`npm run build`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dynamicUrn, PROVIDER_KEY, ProviderCallError, startDynamicProviderHost } from '../support/pulumi';
import { startSimulator } from '../../sim';
import { programLayout, runProgramAsEngine } from '../pulumi-harness/engine-layout';
import { installExample, packPackage, ROOT } from './install-example';

const DR_TYPE = 'pulumi-nodejs:dynamic/starrocks:DisasterRecovery';

let work: string;
let tarball: string;

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'srdr-package-'));
  tarball = packPackage(work);
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

describe('packed package', () => {
  it('ships the compiled code, its types, the CLI and the built-in example, and no sources or test harness', () => {
    const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const f of ['package/bin/starrocks-dr.js', 'package/build/lib/index.js', 'package/build/lib/index.d.ts', 'package/build/lib/pulumi/dr-operations.js', 'package/examples/starrocks-values.yaml']) {
      assert.ok(listing.includes(f), f);
    }
    assert.deepEqual(listing.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), []);
    assert.deepEqual(listing.filter((f) => f.includes('/testing/') || f.includes('tsbuildinfo') || f.startsWith('package/build/stacks')), []);
    // The test world stays home: the API simulator (sim/, 30% of the code) and the Pulumi test host (test/support).
    assert.deepEqual(listing.filter((f) => /^package\/(build\/)?(sim|test)\//.test(f)), [], 'no simulator or test support in the package');
  });

  it('demo and sim say how to get the simulator, which the package does not ship', () => {
    const dir = path.join(work, 'bare');
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['xzf', tarball, '-C', dir]);
    for (const command of ['demo', 'sim']) {
      const r = spawnSync(process.execPath, [path.join(dir, 'package', 'bin', 'starrocks-dr.js'), command], { encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') }, timeout: 30_000 });
      assert.equal(r.status, 2, `${command}: ${r.stderr}`);
      assert.match(r.stderr, /not part of the installed package.*Fix: clone the starrocks-dr repository/s);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    }
  });

  it('ships the Apache-2.0 LICENSE its package.json names, and every file its README links to', () => {
    const listing = new Set(execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean));
    assert.ok(listing.has('package/LICENSE'), 'LICENSE');
    const license = execFileSync('tar', ['xzfO', tarball, 'package/LICENSE'], { encoding: 'utf8' });
    assert.match(license, /Apache License\s+Version 2\.0, January 2004/);
    const readme = execFileSync('tar', ['xzfO', tarball, 'package/README.md'], { encoding: 'utf8' });
    const links = [...readme.matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)].map((m) => m[1]);
    assert.ok(links.length > 3, 'the README links to files');
    assert.deepEqual(links.filter((l) => !listing.has(`package/${l}`)), [], 'README links that are not in the tarball');
  });

  it('runs no script on the user\'s install: the built output ships, and no install or prepare script is left', () => {
    const manifest = JSON.parse(execFileSync('tar', ['xzfO', tarball, 'package/package.json'], { encoding: 'utf8' })) as { scripts?: Record<string, string> };
    // npm runs these when it installs a package (docs.npmjs.com/cli/v11/using-npm/scripts, "npm install"); npm 11
    // warns about each one not covered by allowScripts.
    const installScripts = ['preinstall', 'install', 'postinstall', 'prepare'].filter((s) => manifest.scripts?.[s] !== undefined);
    assert.deepEqual(installScripts, []);
  });
});

describe('examples/cdk8s-app with the installed package', () => {
  let app: string;
  before(() => {
    app = installExample(work, tarball, 'cdk8s-app', ['cdk8s', 'constructs']);
  });

  it('synthesizes from its own directory the same manifests as the installed `starrocks-dr synth`', () => {
    execFileSync(process.execPath, ['build/main.js'], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const viaCli = path.join(work, 'cli-out');
    execFileSync(process.execPath, [path.join(app, 'node_modules', 'starrocks-dr', 'bin', 'starrocks-dr.js'), 'synth', '-o', viaCli], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    const a = fs.readFileSync(path.join(app, 'dist', 'kube-starrocks.k8s.yaml'));
    const b = fs.readFileSync(path.join(viaCli, 'kube-starrocks.k8s.yaml'));
    assert.ok(a.length > 1000);
    assert.ok(a.equals(b), 'same bytes');
  });

  it('its synth script runs cdk8s synth without the upgrade check, and a values mistake is one line, exit 2, no stack', () => {
    const original = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'cdk8s-app', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const cdk8sArgs = original.scripts.synth.split('&&').pop()!.trim().split(/\s+/);
    assert.equal(cdk8sArgs[0], 'cdk8s');
    // The command as the script writes it, with this repository's cdk8s-cli (the copy has no devDependencies).
    const synth = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), ...cdk8sArgs.slice(1)], { cwd: app, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' } });
    assert.equal(synth.status, 0, synth.stderr);
    assert.doesNotMatch(synth.stderr, /upgrade|new version|\n\s+at /i, 'no upgrade check, no stack');
    const bad = path.join(work, 'bad-values.yaml');
    fs.writeFileSync(bad, 'starrocks:\n  starrocksFESpec:\n    replica: 3\n');
    const r = spawnSync(process.execPath, ['build/main.js', bad], { cwd: app, encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^error: .*bad-values\.yaml: starrocks\.starrocksFESpec\.replica: line 3: unknown key `replica`/);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
});

describe('examples/pulumi-program with the installed package', () => {
  let program: string;
  before(() => {
    program = installExample(work, tarball, 'pulumi-program', ['@pulumi/pulumi', '@pulumi/kubernetes']);
  });

  it('without valuesFiles it is a plain deployment: no DisasterRecovery, no restore', async () => {
    const run = await runProgramAsEngine(program, { namespace: 'default' });
    assert.equal(run.registrations.filter((r) => r.type === DR_TYPE).length, 0, 'no DisasterRecovery registered');
    assert.ok(run.registrations.some((r) => r.type === 'kubernetes:apps/v1:StatefulSet'));
  });

  it('runs under mocks the engine\'s way; its provider checks, times out, refreshes and destroys the partial resource, then recovers to done', async () => {
    // Disaster day: the values plus the DR override that mounts cluster_snapshot.yaml, and a generation.
    const examples = path.join(program, 'node_modules', 'starrocks-dr', 'examples');
    const valuesFiles = JSON.stringify([path.join(examples, 'starrocks-values.yaml'), path.join(examples, 'override.yaml')]);
    const run = await runProgramAsEngine(program, { drGeneration: '1', namespace: 'default', valuesFiles });
    const dr = run.registrations.find((r) => r.type === DR_TYPE);
    assert.ok(dr, 'a DisasterRecovery resource');
    assert.ok(run.registrations.some((r) => r.type === 'kubernetes:apps/v1:StatefulSet'));
    assert.deepEqual(run.outputs.objects, (run.outputs.objects as string[]).filter((o) => /^(ConfigMap|Service|StatefulSet|Secret)\//.test(o)));

    // 150 simulated seconds of restore at 0.02: 3 s real, so a 1 s create times out.
    const sim = await startSimulator({ timeScale: 0.02, feRestoreSeconds: 150 });
    // The engine starts the host in dirname(main) = build/; the provider finds node_modules/starrocks-dr above it.
    const host = await startDynamicProviderHost({ cwd: programLayout(program).pwd, project: 'my-starrocks', env: { STARROCKS_DR_PROJECT_ROOT: '', NODE_OPTIONS: '' } });
    try {
      const urn = dynamicUrn(dr.name, { module: 'starrocks', type: 'DisasterRecovery', project: 'my-starrocks' });
      const inputs = { ...dr.inputs, kubeconfig: sim.kubeConfigYaml(), timeoutSeconds: 120 };
      const checked = await host.check(urn, {}, inputs);
      assert.deepEqual(checked.failures, []);
      // A create that times out, then refresh and destroy on the partial outputs the engine would store.
      const err = await host.create(urn, { ...checked.inputs, timeoutSeconds: 1 }).then(
        () => assert.fail('create should time out'),
        (e: unknown) => e as ProviderCallError,
      );
      assert.ok(err.initFailure, String(err));
      const partial = err.initFailure.properties;
      assert.equal(partial[PROVIDER_KEY], dr.inputs[PROVIDER_KEY]);
      assert.equal((await host.read(err.initFailure.id, urn, partial)).outputs.phase, 'doing');
      await host.delete(err.initFailure.id, urn, partial);
      // The next up resumes the recorded run to done.
      const created = await host.create(urn, checked.inputs);
      assert.equal(created.outputs.phase, 'done');
      assert.equal(created.outputs[PROVIDER_KEY], dr.inputs[PROVIDER_KEY]);
      assert.equal(sim.get('ConfigMap', 'default', 'kube-starrocks-disaster-recovery').data.phase, 'done');
    } finally {
      await host.stop();
      await sim.stop();
    }
  });
});
