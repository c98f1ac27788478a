/**
 * The stack program and the DisasterRecovery provider in the process layout of the real engine (pulumi v3.248.0):
 * - the program runs with plain node in dirname(main) (pkg/engine/project.go:66; sdk/nodejs/cmd/run/index.ts:256
 *   chdirs there), the project root only in PULUMI_NODEJS_ROOT_DIRECTORY (run/index.ts:242);
 * - the dynamic-provider host starts in that same directory (sdk/go/common/resource/plugin/plugin.go:599
 *   `cmd.Dir = pwd`) without the root, and loads `__provider` with require-from-string
 *   (sdk/nodejs/cmd/dynamic-provider/index.ts:73);
 * - a create that throws `id` + `properties` sends those properties only (dynamic-provider/index.ts:464), which the
 *   engine stores as the outputs it later hands to read (refresh) and delete (destroy).
 * Needs the build (`npm run build`; `npm test` and `npm ci` run it): Pulumi.yaml's main is compiled JavaScript.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dynamicUrn, PROVIDER_KEY, ProviderCallError, startDynamicProviderHost, type ProviderHost } from '../support/pulumi';
import { startSimulator, type Simulator } from '../../sim';
import { parse } from 'yaml';
import { programLayout, runProgramAsEngine, type ProgramRun } from '../pulumi-harness/engine-layout';
import { childName, drInputs, DR_TYPE, PROJECT_ROOT, REFERENCE_OBJECTS, VALUES } from './fixtures';

const RECORD = 'kube-starrocks-disaster-recovery';
const URN = dynamicUrn(childName('dr'), { module: 'starrocks', type: 'DisasterRecovery', project: 'starrocks-dr' });
/** Host environment: nothing points the provider at the project (the engine sets no such variable). */
const PLAIN_ENV = { STARROCKS_DR_PROJECT_ROOT: '', NODE_OPTIONS: '' };

describe('engine layout: the stack program', () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgramAsEngine(PROJECT_ROOT, { valuesFiles: VALUES, drGeneration: '1', snapshotSecretName: 'cluster-snapshot' });
  });

  it('runs in dirname(main), not the project root', () => {
    const { pwd } = programLayout(PROJECT_ROOT);
    assert.notEqual(path.resolve(pwd), path.resolve(PROJECT_ROOT));
  });

  it('loads valuesFiles given relative to the project root and registers the cluster', () => {
    const names = run.registrations.filter((r) => r.type === 'kubernetes:apps/v1:StatefulSet').map((r) => r.name).sort();
    assert.deepEqual(names, REFERENCE_OBJECTS['kubernetes:apps/v1:StatefulSet'].map((n) => childName(n)).sort());
    assert.equal(run.outputs.cluster, 'kube-starrocks');
  });

  it('without the root directory from the engine, fails naming the variable and the fix (no guessing from the cwd)', async () => {
    await assert.rejects(
      runProgramAsEngine(PROJECT_ROOT, { valuesFiles: VALUES }, { withoutRootDirectory: true }),
      /PULUMI_NODEJS_ROOT_DIRECTORY is unset.*Fix: run the program with the Pulumi CLI/s,
    );
  });

  it('stores a provider text that needs no TypeScript loader', () => {
    const dr = run.registrations.find((r) => r.type === DR_TYPE);
    const text = dr?.inputs[PROVIDER_KEY];
    assert.equal(typeof text, 'string');
    assert.doesNotMatch(text as string, /tsx\/cjs|dr-operations\.ts/);
    assert.match(text as string, /dr-operations\.js/);
    // No module captured by reference: a require-from-string text has no path to resolve it from.
    assert.doesNotMatch(text as string, /require\("(\.|starrocks-dr)/);
  });
});

describe('engine layout: Pulumi.example.yaml copied as a stack file', () => {
  it('deploys a plain cluster (no drGeneration, so no restore on the first up) into a Namespace it creates', async () => {
    const example = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'Pulumi.example.yaml'), 'utf8')) as { config: Record<string, unknown> };
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(example.config)) {
      config[key.replace(/^starrocks-dr:/, '')] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    assert.equal(config.drGeneration, undefined);
    // The secrets the file tells you to set with `pulumi config set --secret`.
    const run = await runProgramAsEngine(PROJECT_ROOT, { ...config, s3AccessKey: 'AKIAEXAMPLE', s3SecretKey: 'example' });
    assert.equal(run.registrations.filter((r) => r.type === DR_TYPE).length, 0);
    const namespaces = run.registrations.filter((r) => r.type === 'kubernetes:core/v1:Namespace');
    assert.deepEqual(namespaces.map((r) => (r.inputs.metadata as { name: string }).name), [config.namespace]);
    assert.equal(run.outputs.namespace, config.namespace);
  });
});

describe('engine layout: the serialized provider in a host started in dirname(main)', () => {
  let sim: Simulator;
  let host: ProviderHost;
  let text: string;
  let partial: Record<string, unknown>;
  let id: string;
  before(async () => {
    // 150 simulated seconds of restore at 0.02: 3 s real, so a 1 s create times out (the provider host is another
    // process, on the wall clock).
    sim = await startSimulator({ timeScale: 0.02, feRestoreSeconds: 150 });
    const run = await runProgramAsEngine(PROJECT_ROOT, { valuesFiles: VALUES, drGeneration: '1', snapshotSecretName: 'cluster-snapshot' });
    text = run.registrations.find((r) => r.type === DR_TYPE)!.inputs[PROVIDER_KEY] as string;
    host = await startDynamicProviderHost({ cwd: programLayout(PROJECT_ROOT).pwd, project: 'starrocks-dr', env: PLAIN_ENV });
  });
  after(async () => {
    await host?.stop();
    await sim?.stop();
  });

  it('checks the inputs', async () => {
    const checked = await host.check(URN, {}, { [PROVIDER_KEY]: text, ...drInputs(sim.kubeConfigYaml(), 1) });
    assert.deepEqual(checked.failures, []);
  });

  it('a create that times out leaves a partial resource whose stored outputs carry __provider', async () => {
    const err = await host.create(URN, { [PROVIDER_KEY]: text, ...drInputs(sim.kubeConfigYaml(), 1, { timeoutSeconds: 1 }) }).then(
      () => assert.fail('create should time out'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ProviderCallError && err.initFailure, String(err));
    assert.match(err.details, /recorded as phase doing \(generation 1/);
    id = err.initFailure.id;
    partial = err.initFailure.properties;
    assert.equal(id, 'default/kube-starrocks');
    assert.equal(partial.phase, 'doing');
    assert.equal(partial[PROVIDER_KEY], text, 'what the engine stores as outputs can load the provider again');
  });

  it('refresh (read) works on the stored partial outputs', async () => {
    const read = await host.read(id, URN, partial);
    assert.equal(read.id, id);
    assert.equal(read.outputs.phase, 'doing');
    assert.equal(read.outputs[PROVIDER_KEY], text);
  });

  it('destroy (delete) works on the stored partial outputs and keeps the status record', async () => {
    await host.delete(id, URN, partial);
    assert.equal(sim.get('ConfigMap', 'default', RECORD).data.phase, 'doing');
    await host.waitForLine((l) => l.includes(`ConfigMap/${RECORD} in default is KEPT`));
  });

  it('the next up creates again and resumes the recorded run to done', async () => {
    const started = Number(sim.get('ConfigMap', 'default', RECORD).data.startTimestamp);
    const created = await host.create(URN, { [PROVIDER_KEY]: text, ...drInputs(sim.kubeConfigYaml(), 1) });
    assert.equal(created.outputs.phase, 'done');
    assert.equal(created.outputs.startTimestamp, started);
  });
});

describe('engine layout: provider texts already in users\' state, and a host that finds no package', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ timeScale: 0.02, feRestoreSeconds: 10 });
  });
  after(async () => sim?.stop());

  it('v1 text (lib/pulumi/dr-operations.ts through tsx) still refreshes and destroys', async () => {
    // v1 found the project by STARROCKS_DR_PROJECT_ROOT or the host's cwd: under the real engine (cwd = the
    // directory of main) only stacks that set the variable ever created a resource, so that is how they run.
    const v1 = fs.readFileSync(path.join(__dirname, 'fixtures', 'provider-v1.js'), 'utf8');
    const host = await startDynamicProviderHost({ cwd: programLayout(PROJECT_ROOT).pwd, project: 'starrocks-dr', env: { ...PLAIN_ENV, STARROCKS_DR_PROJECT_ROOT: PROJECT_ROOT } });
    try {
      const made = await host.create(URN, { [PROVIDER_KEY]: v1, ...drInputs(sim.kubeConfigYaml(), 1) });
      assert.equal(made.outputs.phase, 'done');
      const read = await host.read(made.id, URN, made.outputs);
      assert.equal(read.outputs.phase, 'done');
      await host.delete(made.id, URN, read.outputs);
      assert.equal(sim.get('ConfigMap', 'default', RECORD).data.phase, 'done', 'the v1 text now keeps the record too');
    } finally {
      await host.stop();
    }
  });

  it('outside any project with starrocks-dr, check fails saying where it looked and how to fix it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srdr-nopkg-'));
    const run = await runProgramAsEngine(PROJECT_ROOT, { valuesFiles: VALUES, drGeneration: '1', snapshotSecretName: 'cluster-snapshot' });
    const text = run.registrations.find((r) => r.type === DR_TYPE)!.inputs[PROVIDER_KEY] as string;
    const host = await startDynamicProviderHost({ cwd: dir, project: 'starrocks-dr', env: PLAIN_ENV });
    try {
      const err = await host.check(URN, {}, { [PROVIDER_KEY]: text, ...drInputs(sim.kubeConfigYaml(), 1) }).then(
        () => assert.fail('check should fail'),
        (e: unknown) => e as ProviderCallError,
      );
      assert.match(err.details, /cannot find the starrocks-dr package: it looks upward from .*srdr-nopkg-/);
      assert.match(err.details, /Fix: npm install starrocks-dr/);
    } finally {
      await host.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
