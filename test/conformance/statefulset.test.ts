/**
 * Kubernetes' StatefulSet conformance and e2e scenarios, ported to the simulator through @kubernetes/client-node.
 * Source: kubernetes/kubernetes test/e2e/apps/statefulset.go (read at the stored commit 00c21ced; the tag could not
 * be mirrored, so each case names its `ginkgo.It` / `framework.ConformanceIt` title to find it by). Readiness is
 * broken with the simulator's NeverReady fault where the e2e runs `mv index.html` in the pod (breakHTTPProbe).
 * The kubelet runs on virtual time, so probe periods and start-up delays cost no wall-clock time.
 * Scenarios not ported are listed, with reasons, in sim/README.md.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mergePatch, Recorder, strategicPatch, until, withSimulator } from '../sim/helpers';
import { confirmPodCount, isReady, LABELS, NEW_WEBSERVER_IMAGE, newStatefulSet, NS, orderOf, podsOf, revisionOf, waitForRollingUpdate, waitForRunningAndReady, waitForStatus, WEBSERVER_IMAGE } from './fixtures';

/** Real ms to watch a count stay put; the idle virtual clock covers far more than the e2e's 10 s meanwhile. */
const TEN_SECONDS = 300;

describe('conformance: StatefulSet (test/e2e/apps/statefulset.go)', () => {
  const c = withSimulator({ virtualTime: true });
  const breakProbe = (pod: string | RegExp) => c.sim.pods.inject(pod, 'NeverReady');
  const restoreProbe = (pod: string) => c.sim.pods.clear(pod);
  const setImage = (name: string, image: string) =>
    c.apps.patchNamespacedStatefulSet({ name, namespace: NS, body: { spec: { template: { spec: { containers: [{ name: 'webserver', image }] } } } } }, strategicPatch());
  const setPartition = (name: string, partition: number) =>
    c.apps.patchNamespacedStatefulSet({ name, namespace: NS, body: { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } } } } }, mergePatch());
  const scale = (name: string, replicas: number) => c.apps.patchNamespacedStatefulSet({ name, namespace: NS, body: { spec: { replicas } } }, mergePatch());

  it('ConformanceIt "should perform rolling updates and roll backs of template modifications" (rollbackTest)', async () => {
    const name = 'ss2';
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: newStatefulSet(name, { replicas: 3, probe: true }) });
    await waitForRunningAndReady(c, name, 3);
    let ss = await waitForStatus(c, name);
    assert.equal(ss.status.currentRevision, ss.status.updateRevision, 'created with update revision equal to current revision');
    const priorRevision = ss.status.currentRevision;
    for (const p of podsOf(c, name)) assert.equal(revisionOf(p), priorRevision);

    breakProbe(`${name}-1`);
    await c.sim.waitFor(() => !isReady(podsOf(c, name)[1]), 5000);
    await setImage(name, NEW_WEBSERVER_IMAGE);
    ss = await waitForStatus(c, name);
    const updateRevision = ss.status.updateRevision;
    assert.notEqual(updateRevision, priorRevision, 'a new revision for the new template');
    restoreProbe(`${name}-1`);
    await waitForRollingUpdate(c, name);
    for (const p of podsOf(c, name)) {
      assert.equal(p.spec.containers[0].image, NEW_WEBSERVER_IMAGE);
      assert.equal(revisionOf(p), updateRevision);
    }

    // Roll back: the old template is detected as the prior revision, not a new one.
    breakProbe(`${name}-1`);
    await c.sim.waitFor(() => !isReady(podsOf(c, name)[1]), 5000);
    await setImage(name, WEBSERVER_IMAGE);
    ss = await waitForStatus(c, name);
    assert.equal(ss.status.updateRevision, priorRevision, 'the rollback reuses the prior revision');
    restoreProbe(`${name}-1`);
    await waitForRollingUpdate(c, name);
    for (const p of podsOf(c, name)) {
      assert.equal(p.spec.containers[0].image, WEBSERVER_IMAGE);
      assert.equal(revisionOf(p), priorRevision);
    }
    const revisions = c.sim.list('ControllerRevision', NS).filter((r) => r.metadata.ownerReferences?.[0]?.name === name);
    assert.equal(revisions.length, 2, 'two templates, two ControllerRevisions');
  });

  it('It "should perform rolling updates and roll backs of template modifications with PVCs": claims outlive the replaced pods', async () => {
    const name = 'ss-pvc';
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: newStatefulSet(name, { replicas: 3, probe: true, claims: true }) });
    await waitForRunningAndReady(c, name, 3);
    const uids = [0, 1, 2].map((i) => c.sim.get('PersistentVolumeClaim', NS, `datadir-${name}-${i}`).metadata.uid);
    await setImage(name, NEW_WEBSERVER_IMAGE);
    await waitForRollingUpdate(c, name);
    assert.deepEqual([0, 1, 2].map((i) => c.sim.get('PersistentVolumeClaim', NS, `datadir-${name}-${i}`).metadata.uid), uids);
  });

  it('ConformanceIt "should perform canary updates and phased rolling updates of template modifications" (partition)', async () => {
    const name = 'canary';
    const body = newStatefulSet(name, { replicas: 3, probe: true });
    body.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 3 } };
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body });
    await waitForRunningAndReady(c, name, 3);
    let ss = await waitForStatus(c, name);
    const currentRevision = ss.status.currentRevision;

    await setImage(name, NEW_WEBSERVER_IMAGE);
    ss = await waitForStatus(c, name);
    const updateRevision = ss.status.updateRevision;
    assert.notEqual(updateRevision, currentRevision);
    // "Not applying an update when the partition is greater than the number of replicas"
    await confirmPodCount(c, name, 3, TEN_SECONDS);
    for (const p of podsOf(c, name)) assert.equal(p.spec.containers[0].image, WEBSERVER_IMAGE);

    // "Performing a canary update": partition 2 updates only the highest ordinal.
    await setPartition(name, 2);
    await c.sim.waitFor(() => revisionOf(podsOf(c, name)[2] ?? { metadata: { labels: {} } }) === updateRevision && isReady(podsOf(c, name)[2]), 10_000);
    const pods = podsOf(c, name);
    assert.deepEqual(pods.map((p) => p.spec.containers[0].image), [WEBSERVER_IMAGE, WEBSERVER_IMAGE, NEW_WEBSERVER_IMAGE]);

    // "Restoring Pods to the correct revision when they are deleted": below the partition, the current revision.
    const uid0 = pods[0].metadata.uid;
    await c.core.deleteNamespacedPod({ name: `${name}-0`, namespace: NS });
    await c.sim.waitFor(() => {
      const p = podsOf(c, name)[0];
      return !!p && p.metadata.uid !== uid0 && isReady(p);
    }, 10_000);
    assert.equal(revisionOf(podsOf(c, name)[0]), currentRevision);
    assert.equal(podsOf(c, name)[0].spec.containers[0].image, WEBSERVER_IMAGE);

    // "Performing a phased rolling update": partition 1, then 0; pods follow from the highest ordinal down.
    const events = new Recorder();
    await events.start(c.kc, `/api/v1/namespaces/${NS}/pods`, { labelSelector: 'foo=bar' });
    for (const partition of [1, 0]) {
      await setPartition(name, partition);
      await c.sim.waitFor(() => podsOf(c, name).every((p, i) => (i >= partition ? revisionOf(p) === updateRevision && isReady(p) : revisionOf(p) === currentRevision)), 10_000);
    }
    await until(() => orderOf(events.events, 'DELETED', name).length >= 2, 5000, 'the watch sees both deletions');
    events.stop();
    assert.deepEqual(orderOf(events.events, 'DELETED', name), [`${name}-1`, `${name}-0`]);
    ss = await waitForStatus(c, name);
    await c.sim.waitFor(() => c.sim.get('StatefulSet', NS, name).status.currentRevision === updateRevision, 5000);
  });

  it('It "should implement legacy replacement when the update strategy is OnDelete"', async () => {
    const name = 'ondelete';
    const body = newStatefulSet(name, { replicas: 3, probe: true });
    body.spec!.updateStrategy = { type: 'OnDelete' };
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body });
    await waitForRunningAndReady(c, name, 3);
    const before = await waitForStatus(c, name);
    await setImage(name, NEW_WEBSERVER_IMAGE);
    const after = await waitForStatus(c, name);
    assert.notEqual(after.status.updateRevision, before.status.currentRevision);
    await confirmPodCount(c, name, 3, TEN_SECONDS);
    for (const p of podsOf(c, name)) assert.equal(revisionOf(p), before.status.currentRevision, 'OnDelete replaces nothing by itself');
    await c.core.deleteCollectionNamespacedPod({ namespace: NS, labelSelector: 'foo=bar', gracePeriodSeconds: 0 });
    await c.sim.waitFor(() => {
      const pods = podsOf(c, name);
      return pods.length === 3 && pods.every((p) => revisionOf(p) === after.status.updateRevision && isReady(p));
    }, 10_000);
  });

  it('ConformanceIt "Scaling should happen in predictable order and halt if any stateful pod is unhealthy" (OrderedReady)', async () => {
    const name = 'ss';
    const rec = new Recorder();
    await rec.start(c.kc, `/api/v1/namespaces/${NS}/pods`, { labelSelector: 'foo=bar' });
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: newStatefulSet(name, { replicas: 1, probe: true }) });
    await waitForRunningAndReady(c, name, 1);

    // "Confirming that stateful set scale up will halt with unhealthy stateful pod"
    breakProbe(`${name}-0`);
    // waitForRunningAndNotReady, then WaitForStatusReadyReplicas(0): the pod first, the status after it.
    await c.sim.waitFor(() => !isReady(podsOf(c, name)[0]) && (c.sim.get('StatefulSet', NS, name).status.readyReplicas ?? 0) === 0, 5000);
    await scale(name, 3);
    await confirmPodCount(c, name, 1, TEN_SECONDS);
    restoreProbe(`${name}-0`);
    await waitForRunningAndReady(c, name, 3);
    await until(() => rec.events.some((e) => e.name === `${name}-2` && isReady(e.obj)), 5000, 'the watch sees the last pod ready');
    assert.deepEqual(orderOf(rec.events, 'ADDED', name), [`${name}-0`, `${name}-1`, `${name}-2`], 'scaled up in order');
    // Each pod was created only after its predecessor was Running and Ready.
    for (const i of [1, 2]) {
      const created = rec.events.findIndex((e) => e.type === 'ADDED' && e.name === `${name}-${i}`);
      const predecessorReady = rec.events.findIndex((e) => e.name === `${name}-${i - 1}` && isReady(e.obj));
      assert.ok(predecessorReady >= 0 && predecessorReady < created, `${name}-${i} created after ${name}-${i - 1} was ready`);
    }

    // "Scale down will halt with unhealthy stateful pod"
    for (const i of [0, 1, 2]) breakProbe(`${name}-${i}`);
    await c.sim.waitFor(() => podsOf(c, name).every((p) => !isReady(p)) && (c.sim.get('StatefulSet', NS, name).status.readyReplicas ?? 0) === 0, 5000);
    await scale(name, 0);
    await confirmPodCount(c, name, 3, TEN_SECONDS);
    for (const i of [0, 1, 2]) restoreProbe(`${name}-${i}`);
    await c.sim.waitFor(() => podsOf(c, name).length === 0, 10_000);
    await until(() => orderOf(rec.events, 'DELETED', name).length === 3, 5000, 'the watch sees the three deletions');
    rec.stop();
    assert.deepEqual(orderOf(rec.events, 'DELETED', name), [`${name}-2`, `${name}-1`, `${name}-0`], 'scaled down in reverse order');
  });

  it('ConformanceIt "Burst scaling should run to completion even with unhealthy pods" (Parallel)', async () => {
    const name = 'burst';
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: newStatefulSet(name, { replicas: 1, probe: true, policy: 'Parallel' }) });
    await waitForRunningAndReady(c, name, 1);
    breakProbe(/^burst-\d+$/);
    await c.sim.waitFor(() => !isReady(podsOf(c, name)[0]), 5000);
    // "Confirming that stateful set scale up will not halt with unhealthy stateful pod"
    await scale(name, 3);
    await c.sim.waitFor(() => podsOf(c, name).length === 3, 5000);
    assert.ok(podsOf(c, name).every((p) => !isReady(p)), 'all three exist while none is ready');
    c.sim.pods.clear(/^burst-\d+$/);
    await waitForRunningAndReady(c, name, 3);
    // "Confirming that stateful set scale down will not halt with unhealthy stateful pod"
    breakProbe(/^burst-\d+$/);
    await c.sim.waitFor(() => podsOf(c, name).every((p) => !isReady(p)), 5000);
    await scale(name, 0);
    await c.sim.waitFor(() => podsOf(c, name).length === 0, 10_000);
    c.sim.pods.clear(/^burst-\d+$/);
  });

  it('It "should not deadlock when a pod\'s predecessor fails"', async () => {
    const name = 'deadlock';
    breakProbe(`${name}-1`);
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: newStatefulSet(name, { replicas: 2, probe: true }) });
    await c.sim.waitFor(() => podsOf(c, name).length === 2 && isReady(podsOf(c, name)[0]) && podsOf(c, name)[1].status?.phase === 'Running', 10_000);
    const uid0 = podsOf(c, name)[0].metadata.uid;
    await c.core.deleteNamespacedPod({ name: `${name}-0`, namespace: NS });
    // "Confirming stateful pod at index 0 is recreated" although pod 1 is unhealthy.
    await c.sim.waitFor(() => podsOf(c, name)[0]?.metadata.uid !== uid0 && podsOf(c, name)[0]?.status?.phase === 'Running', 10_000);
    restoreProbe(`${name}-1`);
    await waitForRunningAndReady(c, name, 2);
  });

  it('ConformanceIt "should have a working scale subresource"', async () => {
    const name = 'scale-ss';
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: newStatefulSet(name, { replicas: 1, probe: true }) });
    await waitForRunningAndReady(c, name, 1);
    // "getting scale subresource"
    const scaleObj = await c.apps.readNamespacedStatefulSetScale({ name, namespace: NS });
    assert.equal(scaleObj.kind, 'Scale');
    assert.equal(scaleObj.apiVersion, 'autoscaling/v1');
    assert.equal(scaleObj.spec!.replicas, 1);
    assert.equal(scaleObj.status!.replicas, 1);
    assert.equal(scaleObj.status!.selector, 'baz=blah,foo=bar');
    // "updating a scale subresource"
    scaleObj.spec!.replicas = 2;
    const updated = await c.apps.replaceNamespacedStatefulSetScale({ name, namespace: NS, body: scaleObj });
    assert.equal(updated.spec!.replicas, 2);
    // "verifying the statefulset Spec.Replicas was modified"
    assert.equal((await c.apps.readNamespacedStatefulSet({ name, namespace: NS })).spec!.replicas, 2);
    // "Patch a scale subresource"
    await c.apps.patchNamespacedStatefulSetScale({ name, namespace: NS, body: { spec: { replicas: 4 } } }, mergePatch());
    assert.equal((await c.apps.readNamespacedStatefulSet({ name, namespace: NS })).spec!.replicas, 4);
    await waitForRunningAndReady(c, name, 4);
    // A stale resourceVersion is a conflict, as for any update.
    await assert.rejects(c.apps.replaceNamespacedStatefulSetScale({ name, namespace: NS, body: scaleObj }), (e: any) => e.code === 409);
  });

  it('ConformanceIt "should validate Statefulset Status endpoints"', async () => {
    const name = 'status-ss';
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: newStatefulSet(name, { replicas: 1, probe: true }) });
    await waitForRunningAndReady(c, name, 1);
    // "Get /status"
    const st = await c.apps.readNamespacedStatefulSetStatus({ name, namespace: NS });
    assert.equal(st.metadata!.uid, c.sim.get('StatefulSet', NS, name).metadata.uid);
    const rec = new Recorder();
    await rec.start(c.kc, `/apis/apps/v1/namespaces/${NS}/statefulsets`, { fieldSelector: `metadata.name=${name}`, resourceVersion: st.metadata!.resourceVersion });
    // "patching the Statefulset Status"
    const condition = { type: 'StatusPatched', status: 'True', reason: 'E2E', message: 'Set from e2e test' };
    await c.apps.patchNamespacedStatefulSetStatus({ name, namespace: NS, body: { status: { conditions: [condition] } } }, mergePatch());
    await until(() => rec.events.some((e) => e.type === 'MODIFIED' && (e.obj.status?.conditions ?? []).some((x: any) => x.type === 'StatusPatched')), 5000, 'the watch sees the patched status');
    rec.stop();
    // A status write leaves the spec alone, and the controller keeps the condition.
    await c.sim.waitFor(() => c.sim.get('StatefulSet', NS, name).status.observedGeneration === 1, 5000);
    assert.ok(c.sim.get('StatefulSet', NS, name).status.conditions.some((x: any) => x.type === 'StatusPatched'));
  });

  it('ConformanceIt "should list, patch and delete a collection of StatefulSets"', async () => {
    const name = 'collection-ss';
    const body = newStatefulSet(name, { replicas: 1, probe: true });
    body.metadata!.labels = { 'test-ss': 'patched-off' };
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body });
    await waitForRunningAndReady(c, name, 1);
    // "patching the StatefulSet": a label and a new image.
    await c.apps.patchNamespacedStatefulSet({ name, namespace: NS, body: { metadata: { labels: { 'test-ss': 'patched' } }, spec: { template: { spec: { containers: [{ name: 'webserver', image: NEW_WEBSERVER_IMAGE }] } } } } }, strategicPatch());
    await waitForRollingUpdate(c, name);
    // "Listing all StatefulSets"
    const list = await c.apps.listNamespacedStatefulSet({ namespace: NS, labelSelector: 'test-ss=patched' });
    assert.deepEqual(list.items.map((s) => s.metadata!.name), [name]);
    // "Delete all of the StatefulSets"
    await c.apps.deleteCollectionNamespacedStatefulSet({ namespace: NS, labelSelector: 'test-ss=patched' });
    assert.equal((await c.apps.listNamespacedStatefulSet({ namespace: NS, labelSelector: 'test-ss=patched' })).items.length, 0);
    await c.sim.waitFor(() => podsOf(c, name).length === 0, 10_000);
  });

  describe('PVC retention (persistentVolumeClaimRetentionPolicy, "Non-retain StatefulSetPersistentVolumeClaimPolicy")', () => {
    const claims = (name: string) => c.sim.list('PersistentVolumeClaim', NS).filter((p) => p.metadata.name.startsWith(`datadir-${name}-`)).map((p) => p.metadata.name).sort();

    it('Retain (the default): claims survive scale-down and StatefulSet deletion, and a new set reuses them', async () => {
      const name = 'retain';
      await c.apps.createNamespacedStatefulSet({ namespace: NS, body: newStatefulSet(name, { replicas: 3, claims: true, probe: true }) });
      await waitForRunningAndReady(c, name, 3);
      const uids = claims(name).map((n) => c.sim.get('PersistentVolumeClaim', NS, n).metadata.uid);
      await scale(name, 1);
      await c.sim.waitFor(() => podsOf(c, name).length === 1, 10_000);
      assert.deepEqual(claims(name), [`datadir-${name}-0`, `datadir-${name}-1`, `datadir-${name}-2`]);
      await c.apps.deleteNamespacedStatefulSet({ name, namespace: NS });
      await c.sim.waitFor(() => podsOf(c, name).length === 0, 10_000);
      assert.deepEqual(claims(name).map((n) => c.sim.get('PersistentVolumeClaim', NS, n).metadata.uid), uids);
      await c.apps.createNamespacedStatefulSet({ namespace: NS, body: newStatefulSet(name, { replicas: 3, claims: true, probe: true }) });
      await waitForRunningAndReady(c, name, 3);
      assert.deepEqual(claims(name).map((n) => c.sim.get('PersistentVolumeClaim', NS, n).metadata.uid), uids, 'the same claims, bound again');
    });

    it('It "should delete PVCs with a WhenDeleted policy"', async () => {
      const name = 'when-deleted';
      const body = newStatefulSet(name, { replicas: 3, claims: true, probe: true });
      body.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
      await c.apps.createNamespacedStatefulSet({ namespace: NS, body });
      await waitForRunningAndReady(c, name, 3);
      const sts = c.sim.get('StatefulSet', NS, name);
      await c.sim.waitFor(() => claims(name).every((n) => (c.sim.get('PersistentVolumeClaim', NS, n).metadata.ownerReferences ?? []).some((r: any) => r.uid === sts.metadata.uid)), 5000);
      await c.apps.deleteNamespacedStatefulSet({ name, namespace: NS });
      await c.sim.waitFor(() => claims(name).length === 0, 10_000);
    });

    it('It "should delete PVCs with a OnScaledown policy"', async () => {
      const name = 'when-scaled';
      const body = newStatefulSet(name, { replicas: 3, claims: true, probe: true });
      body.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Retain', whenScaled: 'Delete' };
      await c.apps.createNamespacedStatefulSet({ namespace: NS, body });
      await waitForRunningAndReady(c, name, 3);
      await scale(name, 1);
      await c.sim.waitFor(() => podsOf(c, name).length === 1 && claims(name).length === 1, 10_000);
      assert.deepEqual(claims(name), [`datadir-${name}-0`]);
      await c.apps.deleteNamespacedStatefulSet({ name, namespace: NS });
      await c.sim.waitFor(() => podsOf(c, name).length === 0, 10_000);
      assert.deepEqual(claims(name), [`datadir-${name}-0`], 'whenDeleted: Retain keeps the rest');
    });
  });

  it('the StatefulSet carries the [StatefulSetBasic] labels through to its pods and the pods name their claims', async () => {
    const pods = podsOf(c, 'retain');
    assert.ok(pods.length > 0);
    for (const p of pods) {
      for (const [k, v] of Object.entries(LABELS)) assert.equal(p.metadata.labels[k], v);
      assert.equal(p.spec.volumes.find((v: any) => v.name === 'datadir').persistentVolumeClaim.claimName, `datadir-${p.metadata.name}`);
    }
  });
});
