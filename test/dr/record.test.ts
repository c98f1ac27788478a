/**
 * The one validation of the status record (status-record.ts `recordProblem`), on read and on write, and the
 * executor's pure rules added with it (policy.ts): who owns the restore env, what an error after acting becomes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recordProblem, statusFromConfigMap } from '../../lib/dr/status-record';
import { afterActing, applyBeforeWaiting, restoreFieldOwners } from '../../lib/dr/policy';
import { StarRocksDrError } from '../../lib/errors';

const ok = { phase: 'doing', reason: 'disaster recovery is in progress', observedGeneration: '1', startTimestamp: '1700000000', conditions: '[]' };
const done = { ...ok, phase: 'done', reason: 'disaster recovery is done', endTimestamp: '1700000040', conditions: JSON.stringify([{ type: 'FeRestored', status: 'True', reason: 'Ready', message: '', lastTransitionTime: 't' }]), feMetaPvcUids: '{"fe-meta-kube-starrocks-fe-0":"u1"}' };

describe('recordProblem: each key well-formed, the keys consistent', () => {
  const cases: Array<[string, Record<string, string>, string | undefined]> = [
    ['a doing record', ok, undefined],
    ['a done record', done, undefined],
    ['phase done set by hand, no endTimestamp', { ...ok, phase: 'done' }, 'endTimestamp'],
    ['observedGeneration 0', { ...ok, observedGeneration: '0' }, 'observedGeneration'],
    ['observedGeneration not a number', { ...ok, observedGeneration: 'x' }, 'observedGeneration'],
    ['an endTimestamp on a doing record', { ...ok, endTimestamp: '1700000001' }, 'endTimestamp'],
    ['an end before the start', { ...done, endTimestamp: '1600000000' }, 'endTimestamp'],
    ['done with FeRestored False', { ...done, conditions: JSON.stringify([{ type: 'FeRestored', status: 'False', reason: 'Restoring', message: '', lastTransitionTime: 't' }]) }, 'conditions'],
    ['conditions not JSON', { ...ok, conditions: '{' }, 'conditions'],
    ['an unknown phase', { ...ok, phase: 'finished' }, 'phase'],
    ['feMetaPvcUids not a map', { ...done, feMetaPvcUids: '[1]' }, 'feMetaPvcUids'],
  ];
  for (const [name, data, key] of cases) {
    it(name, () => assert.equal(recordProblem(data)?.key, key));
  }
  it('writing: done must carry feMetaPvcUids; reading an older record without them is allowed', () => {
    const { feMetaPvcUids: _, ...legacy } = done;
    assert.equal(recordProblem(legacy), undefined);
    assert.equal(recordProblem(legacy, { writing: true })?.key, 'feMetaPvcUids');
  });
  it('a damaged record read is exit-2 input naming ConfigMap/<name> data.<key>, never repaired', () => {
    assert.throws(
      () => statusFromConfigMap({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c-disaster-recovery' }, data: { ...ok, phase: 'done' } }),
      (e: unknown) => e instanceof StarRocksDrError && e.code === 'InvalidInput' && e.field === 'ConfigMap/c-disaster-recovery data.endTimestamp',
    );
  });
});

describe('executor rules', () => {
  it('restoreFieldOwners: the other managers that own the restore env of the fe container', () => {
    const entry = (manager: string, env: string[]) => ({ manager, operation: 'Apply', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"fe"}': { 'f:env': Object.fromEntries(env.map((e) => [`k:{"name":"${e}"}`, {}])) } } } } } } });
    const sts = { metadata: { managedFields: [entry('starrocks-dr', ['RESTORE_CLUSTER_GENERATION']), entry('argocd-controller', ['RESTORE_CLUSTER_GENERATION', 'TZ']), entry('kubectl', ['TZ'])] } };
    assert.deepEqual(restoreFieldOwners(sts as never, 'starrocks-dr'), ['argocd-controller']);
  });
  it('afterActing: an input error after the run acted is contention that says what it did; before, it stays', () => {
    const input = new StarRocksDrError('InvalidInput', 'bad', { field: 'ConfigMap/x data.phase', fix: 'repair it' });
    assert.equal(afterActing(input, []), input);
    const after = afterActing(input, ['applied the restore form']) as StarRocksDrError;
    assert.equal(after.code, 'Contended');
    assert.match(after.message, /changed while this run was acting \(ConfigMap\/x data\.phase: bad\); this run stopped after it applied the restore form/);
  });
  it('applyBeforeWaiting: a resumed dr run applies the restore form once; dr wait never', () => {
    assert.equal(applyBeforeWaiting('apply', false), true);
    assert.equal(applyBeforeWaiting('apply', true), false);
    assert.equal(applyBeforeWaiting('observe', false), false);
  });
});
