/**
 * A stack created by 0.1.0 (children named after the object: `kube-starrocks-fe`, `kube-starrocks-dr`,
 * `kube-starrocks-k8s`) upgraded to the names with component + namespace: every resource in the old state is
 * matched by exactly one new registration through its aliases, so the engine renames and replaces nothing (a
 * replaced StatefulSet would be deleted). Also: two clusters of the same name in two namespaces do not collide.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aliasUrns, setupPulumiMocks, type PulumiMocks } from '../support/pulumi';
import { StarRocksClusterStack } from '../../lib/pulumi/star-rocks-cluster-stack';
import { starRocksStack } from '../../stacks/starrocks';
import { COMPONENT_TYPE, DR_TYPE, VERIFY_TYPE, PROJECT_ROOT, REFERENCE_OBJECTS, VALUES } from './fixtures';
import { referenceDrSpec } from '../fixtures';

const PREFIX = 'urn:pulumi:stack::starrocks-dr::';
const CHILD = `${PREFIX}${COMPONENT_TYPE}$`;

/** The URNs in the state of a 0.1.0 stack with drGeneration set, namespace default (its naming rule, by hand). */
const STATE_0_1_0: readonly string[] = [
  `${PREFIX}${COMPONENT_TYPE}::kube-starrocks`,
  `${CHILD}pulumi:providers:kubernetes::kube-starrocks-k8s`,
  `${CHILD}${DR_TYPE}::kube-starrocks-dr`,
  ...Object.entries(REFERENCE_OBJECTS).flatMap(([type, names]) => names.map((n) => `${CHILD}${type}::${n}`)),
];

describe('state upgrade from 0.1.0 names', () => {
  let mocks: PulumiMocks;
  before(async () => {
    mocks = await setupPulumiMocks({ project: 'starrocks-dr', config: { valuesFiles: VALUES, drGeneration: '1' } });
    starRocksStack(PROJECT_ROOT);
    // Same cluster name, two namespaces, two components: nothing may collide.
    new StarRocksClusterStack('prod', { spec: referenceDrSpec(), namespace: 'team-a' });
    new StarRocksClusterStack('staging', { spec: referenceDrSpec(), namespace: 'team-b' });
    await mocks.settled();
  });

  it('matches every old resource to exactly one new one by URN or alias, and adds none but the rollout checks', () => {
    const all = mocks.resources.filter((r) => r.urn === `${PREFIX}${COMPONENT_TYPE}::kube-starrocks` || r.parent === `${PREFIX}${COMPONENT_TYPE}::kube-starrocks`);
    // RecoveryVerification came after 0.1.0: created on the first up after the upgrade, it applies nothing and replaces nothing.
    const added = all.filter((r) => r.type === VERIFY_TYPE);
    assert.deepEqual(added.map((r) => r.name), ['kube-starrocks/default/verification']);
    const stack = all.filter((r) => r.type !== VERIFY_TYPE);
    const old = new Set(STATE_0_1_0);
    const matched = new Map<string, string>();
    for (const r of stack) {
      const hits = [r.urn, ...aliasUrns(r)].filter((u) => old.has(u));
      assert.ok(hits.length <= 1, `${r.urn} matches ${hits.join(', ')}`);
      if (hits.length === 0) assert.fail(`${r.urn} is new: the engine would create it (and delete what it replaced)`);
      assert.equal(matched.get(hits[0]), undefined, `${hits[0]} is claimed twice`);
      matched.set(hits[0], r.urn);
    }
    assert.deepEqual([...old].filter((u) => !matched.has(u)), [], 'old resources nobody claims would be deleted');
    // The renames are real: the children's URNs changed.
    assert.ok(stack.filter((r) => r.parent).every((r) => r.urn.includes('::kube-starrocks/default/')));
  });

  it('gives two same-named clusters in two namespaces distinct URNs', () => {
    const urns = mocks.resources.map((r) => r.urn);
    assert.equal(new Set(urns).size, urns.length);
    const fes = mocks.resources.filter((r) => r.type === 'kubernetes:apps/v1:StatefulSet' && (r.inputs.metadata as { name: string }).name === 'kube-starrocks-fe');
    assert.deepEqual(fes.map((r) => r.name).sort(), ['kube-starrocks/default/kube-starrocks-fe', 'prod/team-a/kube-starrocks-fe', 'staging/team-b/kube-starrocks-fe']);
  });
});
