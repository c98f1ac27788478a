/**
 * The stack program with `waitForFullRollout` and the `operatorVersion` config key, under Pulumi mocks: the CN
 * StatefulSet depends on the FE StatefulSet resource (whose await is its rollout), nothing else changes order, and
 * the rendered objects follow the configured operator line.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setupPulumiMocks, type PulumiMocks } from '../support/pulumi';
import { starRocksStack } from '../../stacks/starrocks';
import { PROJECT_ROOT, VALUES } from './fixtures';

const STS = 'kubernetes:apps/v1:StatefulSet';

describe('stack program with waitForFullRollout and operatorVersion 1.11.5', () => {
  let mocks: PulumiMocks;
  const dir = mkdtempSync(path.join(tmpdir(), 'sr-rollout-'));

  before(async () => {
    const order = path.join(dir, 'rollout.yaml');
    writeFileSync(order, 'starrocks:\n  starrocksCluster:\n    waitForFullRollout: true\n');
    mocks = await setupPulumiMocks({
      project: 'starrocks-dr',
      config: { valuesFiles: JSON.stringify([...JSON.parse(VALUES), order]), operatorVersion: '1.11.5' },
    });
    starRocksStack(PROJECT_ROOT);
    await mocks.settled();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the CN StatefulSet depends on the FE StatefulSet; the FE and the other objects do not', () => {
    const sets = mocks.resources.filter((r) => r.type === STS);
    const fe = sets.find((r) => (r.inputs.metadata as { name: string }).name === 'kube-starrocks-fe')!;
    const cn = sets.find((r) => (r.inputs.metadata as { name: string }).name === 'kube-starrocks-cn')!;
    assert.ok(cn.dependencies.includes(fe.urn), 'CN after FE');
    assert.ok(!fe.dependencies.some((u) => u.includes('StatefulSet')));
    for (const r of mocks.resources.filter((x) => x.type.startsWith('kubernetes:') && x.type !== STS)) {
      assert.ok(!r.dependencies.includes(fe.urn), r.name);
    }
  });

  it('renders operator v1.11 (the graceful preStop)', () => {
    const fe = mocks.resources.find((r) => r.type === STS && (r.inputs.metadata as { name: string }).name === 'kube-starrocks-fe')!;
    const containers = (fe.inputs.spec as { template: { spec: { containers: Array<{ lifecycle: { preStop: { exec: { command: string[] } } } }> } } }).template.spec.containers;
    assert.deepEqual(containers[0]!.lifecycle.preStop.exec.command, ['/bin/bash', '-c', '/opt/starrocks/fe/bin/stop_fe.sh -g']);
  });
});
