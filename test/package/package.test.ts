/**
 * The package as users get it: `npm pack`, installed into a temporary copy of each example project (its own
 * package.json, depending on the tarball; install-example.ts). Needs the build (`npm run build`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dynamicUrn, PROVIDER_KEY, ProviderCallError, startDynamicProviderHost } from '../../lib/pulumi/testing';
import { startSimulator } from '../../lib/sim';
import { programLayout, runProgramAsEngine } from '../pulumi-harness/engine-layout';
import { installExample, packPackage } from './install-example';

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
});

describe('examples/pulumi-program with the installed package', () => {
  let program: string;
  before(() => {
    program = installExample(work, tarball, 'pulumi-program', ['@pulumi/pulumi', '@pulumi/kubernetes']);
  });

  it('runs under mocks the engine\'s way; its provider checks, times out, refreshes and destroys the partial resource, then recovers to done', async () => {
    const run = await runProgramAsEngine(program, { drGeneration: '1', namespace: 'default' });
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
