/**
 * The provider as Pulumi really runs it: serialized into `__provider` text, loaded by the SDK's dynamic-provider host
 * (a plain Node process without a TypeScript loader), called over gRPC. Here the host runs in the project root;
 * engine-layout.test.ts runs it where the engine does, in the directory of main.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeClient } from '../../lib/kube/client';
import { disasterRecoveryProvider, recoveryVerificationProvider } from '../../lib/pulumi/disaster-recovery-provider';
import { dynamicUrn, isSecret, PROVIDER_KEY, secret, serializeProvider, startDynamicProviderHost, type ProviderHost } from '../support/pulumi';
import { startSimulator, type Simulator } from '../../sim';
import { drInputs, PROJECT_ROOT, pulumiApplyFullTopology } from './fixtures';

describe('serialized DisasterRecovery provider in the dynamic-provider host', () => {
  let sim: Simulator;
  let host: ProviderHost;
  before(async () => {
    sim = await startSimulator({ timeScale: 0.02, feRestoreSeconds: 10 });
    host = await startDynamicProviderHost({ cwd: PROJECT_ROOT, project: 'starrocks-dr' });
  });
  after(async () => {
    await host?.stop();
    await sim?.stop();
  });

  it('checks, creates (restore, wait, done) and diffs through gRPC', async () => {
    const text = await serializeProvider(disasterRecoveryProvider);
    // Nothing from the project is inlined: the text requires the compiled package at run time.
    assert.match(text, /dr-operations\.js/);
    assert.doesNotMatch(text, /KubeClient\s*\{|class KubeConfig/);
    const urn = dynamicUrn('kube-starrocks-dr', { module: 'starrocks', type: 'DisasterRecovery', project: 'starrocks-dr' });
    const news = { [PROVIDER_KEY]: text, ...drInputs(sim.kubeConfigYaml(), 1), kubeconfig: secret(sim.kubeConfigYaml()) };

    const checked = await host.check(urn, {}, news);
    assert.deepEqual(checked.failures, []);
    assert.ok(isSecret(checked.inputs.kubeconfig));

    const created = await host.create(urn, checked.inputs);
    assert.equal(created.id, 'default/kube-starrocks');
    assert.equal(created.outputs.phase, 'done');
    assert.equal(created.outputs.observedGeneration, 1);
    assert.ok((created.outputs.endTimestamp as number) >= (created.outputs.startTimestamp as number));
    assert.ok(isSecret(created.outputs.kubeconfig), 'the kubeconfig output stays secret');
    assert.equal(sim.get('ConfigMap', 'default', 'kube-starrocks-disaster-recovery').data.phase, 'done');
    // Progress reached the engine as diagnostics (host stdout).
    await host.waitForLine((l) => l.includes('disaster recovery generation 1: phase done'));

    // The restore was verified from the database before create returned (the full topology waits for it).
    assert.equal((created.outputs.verification as { reason: string }).reason, 'RestoreChecksPassed');

    const same = await host.diff(created.id, urn, created.outputs, checked.inputs);
    assert.equal(same.changes, 'none');
  });

  it('RecoveryVerification: after the full topology, the rollout checks and the user\'s run in the host, recorded AllChecksPassed', async () => {
    await pulumiApplyFullTopology(KubeClient.connect({ kubeConfig: sim.kubeConfig() }), 1);
    const text = await serializeProvider(recoveryVerificationProvider);
    assert.match(text, /dr-operations\.js/);
    const urn = dynamicUrn('kube-starrocks-verification', { module: 'starrocks', type: 'RecoveryVerification', project: 'starrocks-dr' });
    const news = { [PROVIDER_KEY]: text, ...drInputs(sim.kubeConfigYaml(), 1), kubeconfig: secret(sim.kubeConfigYaml()), userChecks: [{ sql: 'SELECT COUNT(*) FROM quickstart.source_wiki_edit', expect: '3' }] };
    const checked = await host.check(urn, {}, news);
    assert.deepEqual(checked.failures, []);
    const created = await host.create(urn, checked.inputs);
    assert.equal(created.id, 'default/kube-starrocks/verification');
    const verification = created.outputs.verification as { status: string; reason: string; message: string };
    assert.deepEqual([verification.status, verification.reason], ['True', 'AllChecksPassed']);
    assert.match(verification.message, /ok user-check SELECT COUNT\(\*\) FROM quickstart\.source_wiki_edit: 3/);
    assert.ok(isSecret(created.outputs.kubeconfig), 'the kubeconfig output stays secret');
  });

  it('refuses a lower generation in check', async () => {
    const text = await serializeProvider(disasterRecoveryProvider);
    const urn = dynamicUrn('kube-starrocks-dr', { module: 'starrocks', type: 'DisasterRecovery', project: 'starrocks-dr' });
    const olds = { [PROVIDER_KEY]: text, ...drInputs(sim.kubeConfigYaml(), 2) };
    const { failures } = await host.check(urn, olds, { ...olds, generation: 1 });
    assert.equal(failures.length, 1);
    assert.equal(failures[0].property, 'generation');
    assert.match(failures[0].reason, /lower than generation 2/);
  });
});
