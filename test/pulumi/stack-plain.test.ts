/** The stack program under Pulumi mocks without `drGeneration`: a plain deployment, no DR resource. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StarRocksDrError } from '../../lib/errors';
import * as pulumi from '@pulumi/pulumi';
import { parseDrGeneration, readStackSettings } from '../../lib/pulumi/stack-config';
import { setupPulumiMocks, type PulumiMocks } from '../support/pulumi';
import { starRocksStack, type StackOutputs } from '../../stacks/starrocks';
import { childName, DR_TYPE, NAMESPACE_TYPE, PROJECT_ROOT, REFERENCE_OBJECTS, VALUES } from './fixtures';

describe('stack program without drGeneration', () => {
  let mocks: PulumiMocks;
  let outputs: StackOutputs;

  before(async () => {
    mocks = await setupPulumiMocks({ project: 'starrocks-dr', config: { valuesFiles: VALUES, namespace: 'starrocks' } });
    outputs = starRocksStack(PROJECT_ROOT);
    await mocks.settled();
  });

  it('registers no DisasterRecovery resource and exports no recovery', () => {
    assert.equal(mocks.ofType(DR_TYPE).length, 0);
    assert.equal(outputs.disasterRecovery, undefined);
  });

  it('rejects a forceRestore that is not true or false, naming the key', () => {
    pulumi.runtime.setConfig('starrocks-dr:forceRestore', 'yes');
    try {
      assert.throws(() => readStackSettings(PROJECT_ROOT), (e: unknown) => e instanceof StarRocksDrError && e.field === 'config forceRestore' && /pulumi config rm forceRestore/.test(e.message));
    } finally {
      pulumi.runtime.setConfig('starrocks-dr:forceRestore', 'false');
    }
  });

  it('creates the namespace, kept on destroy (retainOnDelete: deleting it would delete every PVC in it)', () => {
    const ns = mocks.get(childName('namespace', 'starrocks'), NAMESPACE_TYPE);
    assert.equal((ns.inputs.metadata as { name: string }).name, 'starrocks');
    assert.equal(ns.retainOnDelete, true);
    assert.equal(ns.protect, false, 'retained, not protected: destroy still completes');
  });

  it('registers the full topology, in the configured namespace, each object after the namespace only', () => {
    const ns = mocks.get(childName('namespace', 'starrocks'), NAMESPACE_TYPE);
    const objects = mocks.resources.filter((r) => r.type.startsWith('kubernetes:') && r.type !== NAMESPACE_TYPE);
    assert.equal(objects.length, Object.values(REFERENCE_OBJECTS).flat().length);
    for (const r of objects) {
      assert.deepEqual(r.dependencies, [ns.urn], r.name);
      assert.equal(r.name, childName((r.inputs.metadata as { name: string }).name, 'starrocks'));
      const meta = r.inputs.metadata as { namespace: string; annotations: Record<string, string> };
      assert.equal(meta.namespace, 'starrocks');
      assert.equal(meta.annotations['starrocks.com/dr-generation'], undefined);
      assert.equal(meta.annotations['pulumi.com/patchFieldManager'], 'starrocks-dr');
    }
    assert.equal(outputs.namespace, 'starrocks');
    assert.deepEqual([...outputs.objects].sort(), Object.entries(REFERENCE_OBJECTS).flatMap(([t, names]) => names.map((n) => `${t.split(':').pop()}/${n}`)).sort());
  });

  it('rejects a drGeneration that is not a whole number, naming the key', () => {
    for (const bad of ['-1', 'two', '1.5']) {
      assert.throws(() => parseDrGeneration(bad), (e: unknown) => e instanceof StarRocksDrError && e.field === 'config drGeneration' && /pulumi config set drGeneration 1/.test(e.message));
    }
    assert.equal(parseDrGeneration('0'), undefined);
    assert.equal(parseDrGeneration(undefined), undefined);
    assert.equal(parseDrGeneration('3'), 3);
  });
});
