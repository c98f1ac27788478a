/**
 * The pure rules beside decide(): the record guard (guard.ts), client-go's lease rule (lease.ts) and the executor's
 * policies (policy.ts), as tables.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1StatefulSet } from '@kubernetes/client-node';
import { StarRocksDrError } from '../../lib/errors';
import { guard, type GuardInput } from '../../lib/dr/guard';
import { feMetaPvcPrefix, liveIdentity, mergeIdentity } from '../../lib/dr/record-identity';
import { leaseDecision } from '../../lib/dr/lease';
import { applyLimitError, MAX_APPLIES_PER_FORM } from '../../lib/dr/policy';
import { nextForm } from '../../lib/dr/next-form';
import type { RecoveryRecord } from '../../lib/dr/status-record';

function fe(restore: boolean): V1StatefulSet {
  const env = restore ? [{ name: 'RESTORE_CLUSTER_GENERATION', value: '1' }, { name: 'RESTORE_CLUSTER_SNAPSHOT', value: 'true' }] : [];
  return {
    metadata: { name: 'c-fe' },
    spec: {
      replicas: restore ? 1 : 3,
      selector: {},
      serviceName: 'c-fe-search',
      template: { spec: { containers: [{ name: 'fe', env, volumeMounts: [{ name: 'fe-storage-meta', mountPath: '/opt/starrocks/fe/meta' }, { name: 'fe-storage-log', mountPath: '/opt/starrocks/fe/log' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'fe-storage-meta' } }, { metadata: { name: 'fe-storage-log' } }],
    },
  };
}

const record = (phase: 'todo' | 'doing' | 'done', uids: Record<string, string>, snapshotPath?: string): RecoveryRecord => ({
  status: { phase, reason: '', observedGeneration: 1, startTimestamp: 1, conditions: [] },
  identity: { feMetaPvcUids: uids, ...(snapshotPath ? { snapshotPath } : {}) },
  resourceVersion: '7',
});

const base: GuardInput = { cluster: 'c', generation: 1, live: { feMetaPvcUids: {} }, force: false };
const META0 = 'fe-storage-meta-c-fe-0';

describe('the record guard', () => {
  const cases: Array<{ name: string; input: GuardInput; expect: 'resume' | 'restart' | RegExp }> = [
    { name: 'fresh cluster, nothing recorded', input: base, expect: 'resume' },
    { name: 'no record, FE in restore form (GitOps applied it first)', input: { ...base, feStatefulSet: fe(true) }, expect: 'resume' },
    { name: 'no record, FE runs the full form', input: { ...base, feStatefulSet: fe(false) }, expect: /no recovery is recorded/ },
    { name: 'no record, no FE StatefulSet, its metadata PVCs left behind', input: { ...base, live: { feMetaPvcUids: { [META0]: 'u1' } } }, expect: /exist but no recovery is recorded/ },
    { name: 'no record, metadata PVCs left behind, forced', input: { ...base, live: { feMetaPvcUids: { [META0]: 'u1' } }, force: true }, expect: 'restart' },
    { name: 'no record, FE full form, forced', input: { ...base, feStatefulSet: fe(false), force: true }, expect: 'restart' },
    { name: 'record done, same PVC uids', input: { ...base, recorded: record('done', { [META0]: 'u1' }), live: { feMetaPvcUids: { [META0]: 'u1' } } }, expect: 'resume' },
    { name: 'record done, PVC re-created', input: { ...base, recorded: record('done', { [META0]: 'u1' }), live: { feMetaPvcUids: { [META0]: 'u2' } } }, expect: /re-created/ },
    { name: 'record done, PVCs gone', input: { ...base, recorded: record('done', { [META0]: 'u1' }) }, expect: /no longer exist/ },
    { name: 'record done, PVCs gone, forced', input: { ...base, recorded: record('done', { [META0]: 'u1' }), force: true }, expect: 'restart' },
    { name: 'record done, PVCs gone, higher generation', input: { ...base, generation: 2, recorded: record('done', { [META0]: 'u1' }) }, expect: 'resume' },
    { name: 'legacy record without identity', input: { ...base, recorded: record('done', {}), feStatefulSet: fe(false) }, expect: 'resume' },
    { name: 'doing, another snapshot path', input: { ...base, recorded: record('doing', {}, 's3://a/x'), live: { feMetaPvcUids: {}, snapshotPath: 's3://a/y' } }, expect: /another snapshot/ },
    { name: 'done, another snapshot path: a warning only', input: { ...base, recorded: record('done', {}, 's3://a/x'), feStatefulSet: fe(false), live: { feMetaPvcUids: {}, snapshotPath: 's3://a/y' } }, expect: 'resume' },
    // A record that predates identities says nothing about which cluster it describes: with no FE StatefulSet either,
    // a rerun of its generation would deploy over whatever is there as if it were restored.
    { name: 'legacy done record without identity, no FE StatefulSet', input: { ...base, recorded: record('done', {}) }, expect: /names no FE metadata PVCs/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.expect instanceof RegExp) {
        assert.throws(() => guard(c.input), (err: unknown) => err instanceof StarRocksDrError && err.code === 'Refused' && (c.expect as RegExp).test(err.message));
      } else {
        assert.equal(guard(c.input).go, c.expect);
      }
    });
  }

  it('finds the FE metadata PVCs by the claim mounted at the meta directory, never the log claim', () => {
    assert.equal(feMetaPvcPrefix(fe(false)), 'fe-storage-meta-c-fe-');
    const pvcs = [META0, 'fe-storage-meta-c-fe-2', 'fe-storage-log-c-fe-0', 'fe-storage-meta-c-fe-x'].map((name, i) => ({ metadata: { name, uid: `u${i}` } }));
    assert.deepEqual(liveIdentity(fe(false), pvcs).feMetaPvcUids, { [META0]: 'u0', 'fe-storage-meta-c-fe-2': 'u1' });
  });

  it('keeps the first uids and snapshot path recorded; fills them when the record has none', () => {
    const merged = mergeIdentity({ feMetaPvcUids: { a: '1' }, snapshotPath: 's3://x' }, { feMetaPvcUids: { a: '9', b: '2' }, snapshotPath: 's3://y' });
    assert.deepEqual(merged, { feMetaPvcUids: { a: '1' }, snapshotPath: 's3://x' });
    assert.deepEqual(mergeIdentity({ feMetaPvcUids: {} }, { feMetaPvcUids: { a: '9' }, snapshotPath: 's3://y' }), { feMetaPvcUids: { a: '9' }, snapshotPath: 's3://y' });
  });

  it('synth --dr-phase auto refuses the restore form over a live cluster with no record, and allows it when forced', () => {
    const live = { cluster: 'c', feStatefulSet: fe(false), identity: { feMetaPvcUids: {} }, force: false };
    assert.throws(() => nextForm({ enabled: true, generation: 1, live }), /no recovery is recorded/);
    assert.equal(nextForm({ enabled: true, generation: 1, live: { ...live, force: true } }).form, 'restore');
    assert.equal(nextForm({ enabled: true, generation: 1 }).form, 'restore', 'offline (no cluster read) the record rule alone applies');
  });
});

describe("client-go's lease rule (leaderelection.go tryAcquireOrRenew)", () => {
  const D = 15_000;
  it('takes a lease that has no holder, or is ours', () => {
    assert.deepEqual(leaseDecision(undefined, 'me', undefined, 0, D), { take: true, transition: true });
    assert.deepEqual(leaseDecision({ holderIdentity: '' }, 'me', undefined, 0, D), { take: true, transition: true });
    assert.deepEqual(leaseDecision({ holderIdentity: 'me' }, 'me', undefined, 0, D), { take: true, transition: false });
  });
  it("measures expiry on our clock from when we first saw the holder's version, never from its renewTime", () => {
    const spec = { holderIdentity: 'other', renewTime: '1970-01-01T00:00:00.000000Z' };
    const seen = { resourceVersion: '5', atMs: 1_000 };
    assert.deepEqual(leaseDecision(spec, 'me', seen, 1_000 + D - 1, D), { take: false, heldBy: 'other', expiresInMs: 1 });
    assert.deepEqual(leaseDecision(spec, 'me', seen, 1_000 + D, D), { take: true, transition: true });
  });
});

describe('executor policy', () => {
  it('allows each form MAX_APPLIES_PER_FORM applies, then names the StatefulSet as contended', () => {
    assert.equal(applyLimitError('restore', MAX_APPLIES_PER_FORM, 'c-fe'), undefined);
    const err = applyLimitError('full', MAX_APPLIES_PER_FORM + 1, 'c-fe');
    assert.equal(err?.code, 'Contended');
    assert.equal(err?.field, 'StatefulSet/c-fe');
  });
});
