/** The stack program under Pulumi mocks with `drGeneration` set: the DR resource first, everything else after it. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { disasterRecoveryProvider } from '../../lib/pulumi/disaster-recovery-provider';
import { isSecret, resolveOutput, serializeProvider, setupPulumiMocks, type PulumiMocks, type RecordedResource } from '../support/pulumi';
import { starRocksStack, type StackOutputs } from '../../stacks/starrocks';
import { childName, COMPONENT_TYPE, DR_TYPE, VERIFY_TYPE, NAMESPACE_TYPE, PROJECT_ROOT, REFERENCE_OBJECTS, VALUES } from './fixtures';

const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters: []\n';

/** What the DR resource and the rollout checks record (lib/dr/verification.ts), as their providers return it. */
const RESTORE_VERIFIED = { status: 'True', reason: 'RestoreChecksPassed', message: 'the restore checks passed', verifiedTimestamp: 1700000124 };
const ROLLOUT_VERIFIED = { status: 'True', reason: 'AllChecksPassed', message: 'every check passed', verifiedTimestamp: 1700000200 };
describe('stack program with drGeneration 2', () => {
  let mocks: PulumiMocks;
  let outputs: StackOutputs;
  let dr: RecordedResource;
  let k8sObjects: RecordedResource[];

  before(async () => {
    mocks = await setupPulumiMocks({
      project: 'starrocks-dr',
      config: { valuesFiles: VALUES, drGeneration: '2', forceRestore: 'true', snapshotSecretName: 'cluster-snapshot', 'kubernetes:kubeconfig': KUBECONFIG, 'kubernetes:context': 'recovery' },
      secretConfigKeys: ['kubernetes:kubeconfig'],
      newResource: (args) =>
        args.type === DR_TYPE
          ? { id: 'default/kube-starrocks', state: { ...args.inputs, phase: 'done', reason: 'disaster recovery is done', observedGeneration: 2, startTimestamp: 1700000000, endTimestamp: 1700000123, verification: RESTORE_VERIFIED } }
          : args.type === VERIFY_TYPE
            ? { id: 'default/kube-starrocks/verification', state: { ...args.inputs, verification: ROLLOUT_VERIFIED } }
            : { id: args.custom ? `${args.name}-id` : undefined, state: args.inputs },
    });
    outputs = starRocksStack(PROJECT_ROOT);
    await resolveOutput(outputs.disasterRecovery!);
    await mocks.settled();
    dr = mocks.get(childName('dr'), DR_TYPE);
    k8sObjects = mocks.resources.filter((r) => r.type.startsWith('kubernetes:') && !r.type.startsWith('pulumi:providers'));
  });

  it('registers one DisasterRecovery resource under the component, with the generation and namespace', () => {
    assert.equal(mocks.ofType(DR_TYPE).length, 1);
    assert.equal(dr.parent, mocks.get('kube-starrocks', COMPONENT_TYPE).urn);
    assert.equal(dr.inputs.generation, 2);
    assert.equal(dr.inputs.namespace, 'default');
    assert.equal((dr.inputs.spec as { name: string }).name, 'kube-starrocks');
    assert.equal(dr.inputs.force, true, 'forceRestore reaches the provider');
  });

  it('registers the rollout checks after the whole full topology and the DR resource, with the same spec, generation and connection', () => {
    const [verify] = mocks.ofType(VERIFY_TYPE);
    assert.equal(mocks.ofType(VERIFY_TYPE).length, 1);
    for (const r of [dr, ...k8sObjects]) assert.ok(verify.dependencies.includes(r.urn), `the verification depends on ${r.type} ${r.name}`);
    assert.equal(verify.inputs.generation, 2);
    assert.equal(verify.inputs.namespace, 'default');
    assert.equal(verify.inputs.context, 'recovery');
    assert.deepEqual(verify.inputs.userChecks, [], 'no checks of the user configured');
    assert.equal(verify.inputs.verify, undefined, 'checks by default');
  });

  it('stores the serialized provider, the text the host will load', async () => {
    assert.equal(dr.inputs.__provider, await serializeProvider(disasterRecoveryProvider));
  });

  it('registers one typed Kubernetes resource per rendered object', () => {
    const byType: Record<string, string[]> = {};
    for (const r of k8sObjects) (byType[r.type] ??= []).push(r.name);
    for (const names of Object.values(byType)) names.sort();
    const expected = Object.fromEntries(Object.entries(REFERENCE_OBJECTS).map(([t, n]) => [t, n.map((x) => childName(x)).sort()]));
    assert.deepEqual(byType, expected);
  });

  it('makes every full-topology resource depend on the DR resource', () => {
    for (const r of k8sObjects) assert.ok(r.dependencies.includes(dr.urn), `${r.type} ${r.name} depends on ${dr.urn}`);
  });

  it('applies through one provider with server-side apply and upserts, as the DR field manager, forced', () => {
    const [provider] = mocks.ofType('pulumi:providers:kubernetes');
    assert.equal(String(provider.inputs.enableServerSideApply), 'true');
    assert.equal(String(provider.inputs.upsertExistingObjects), 'true');
    assert.equal(provider.inputs.context, 'recovery');
    for (const r of k8sObjects) {
      assert.ok(r.provider.startsWith(`${provider.urn}::`), `${r.name} uses the explicit provider`);
      const annotations = (r.inputs.metadata as { annotations: Record<string, string> }).annotations;
      assert.equal(annotations['pulumi.com/patchFieldManager'], 'starrocks-dr', r.name);
      assert.equal(annotations['pulumi.com/patchForce'], 'true', r.name);
    }
    const fe = mocks.get(childName('kube-starrocks-fe'), 'kubernetes:apps/v1:StatefulSet');
    assert.equal((fe.inputs.metadata as { annotations: Record<string, string> }).annotations['starrocks.com/dr-generation'], '2');
  });

  it('creates no Namespace for `default`', () => {
    assert.equal(mocks.ofType(NAMESPACE_TYPE).length, 0);
  });

  it('gives the FE and CN StatefulSets customTimeouts of drTimeoutSeconds + replicas × startup-probe budget', () => {
    for (const name of ['kube-starrocks-fe', 'kube-starrocks-cn']) {
      const sts = mocks.get(childName(name), 'kubernetes:apps/v1:StatefulSet');
      const spec = sts.inputs.spec as { replicas?: number; template: { spec: { containers: Array<{ startupProbe?: { failureThreshold?: number; periodSeconds?: number; initialDelaySeconds?: number } }> } } };
      const probe = spec.template.spec.containers[0].startupProbe!;
      const perPod = (probe.initialDelaySeconds ?? 0) + (probe.failureThreshold ?? 3) * (probe.periodSeconds ?? 10);
      const expected = 1800 + (spec.replicas ?? 1) * perPod;
      assert.ok(perPod > 0, name);
      assert.deepEqual(sts.customTimeouts && { create: sts.customTimeouts.create, update: sts.customTimeouts.update }, { create: `${expected}s`, update: `${expected}s` }, name);
      assert.ok(expected > 600, `${name}: longer than pulumi-kubernetes' 10-minute default`);
    }
    // Other kinds keep the provider's defaults.
    assert.equal(mocks.get(childName('kube-starrocks-fe-service'), 'kubernetes:core/v1:Service').customTimeouts?.create || '', '');
  });

  it('keeps the kubeconfig secret in the DR resource', () => {
    assert.ok(isSecret(dr.inputs.kubeconfig));
    assert.ok(dr.additionalSecretOutputs.includes('kubeconfig'));
  });

  it('exports the phase and timestamps, and the verification the rollout checks recorded', async () => {
    const out = await resolveOutput(outputs.disasterRecovery!);
    assert.deepEqual(out.value, { phase: 'done', reason: 'disaster recovery is done', observedGeneration: 2, startTimestamp: 1700000000, endTimestamp: 1700000123, verification: ROLLOUT_VERIFIED });
    assert.equal(outputs.cluster, 'kube-starrocks');
    assert.equal(outputs.feQueryEndpoint, 'kube-starrocks-fe-service.default.svc:9030');
  });
});
