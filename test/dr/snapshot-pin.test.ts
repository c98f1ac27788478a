/**
 * The snapshot pin (lib/dr/snapshot-pin.ts): one rule, and every route that picks a snapshot runs it. The table below
 * goes through the rule itself, through `snapshotForRecovery` (what `dr run --snapshot` and `synth --snapshot` call,
 * lib/cli/snapshot-command.ts `specWithSnapshot`) and through the Pulumi stack's `chooseStackSnapshot`
 * (`clusterSnapshot.path`), and each must pick the same path, listing the store only where the rule says to resolve.
 * Before this rule had one home, the CLI let a pinned path win even over an explicit s3:// path, while lib/snapshot
 * and the Pulumi program took the explicit path.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeClient } from '../../lib/kube/client';
import { isExplicitSnapshotPath, pinnedSnapshotPath, snapshotPin } from '../../lib/dr/snapshot-pin';
import { findSnapshotSource, parseClusterSnapshot, snapshotTextFromSpec } from '../../lib/dr/snapshot';
import { newStatus } from '../../lib/dr/status';
import { statusToConfigMap } from '../../lib/dr/status-record';
import { snapshotForRecovery } from '../../lib/snapshot/pin';
import { chooseStackSnapshot } from '../../lib/pulumi/snapshot-choice';
import type { StarRocksClusterSpec } from '../../lib/model/types';
import { referenceDrSpec } from '../fixtures';

const PINNED = 's3://bucket/data/cluster-a/meta/image/automated_cluster_snapshot_1000';
const OTHER = 's3://bucket/data/cluster-a/meta/image/automated_cluster_snapshot_2000';
/** A lister that refuses: the route tried to list the store. */
const LISTED = 'the store was listed';
const refusing = { listObjects: () => Promise.reject(new Error(LISTED)), listFolders: () => Promise.reject(new Error(LISTED)) };

const pathIn = (spec: StarRocksClusterSpec) => parseClusterSnapshot(snapshotTextFromSpec(spec, findSnapshotSource(spec)!)!, 'spec').clusterSnapshotPath;

/** A client that answers only the read of the status record: generation 1 in progress, pinned to `pinned`. */
function recordClient(pinned: string | undefined): () => KubeClient {
  const cm = pinned === undefined ? undefined : statusToConfigMap('kube-starrocks', 'default', { ...newStatus(1, 1_700_000_000), phase: 'doing' }, { feMetaPvcUids: {}, snapshotPath: pinned });
  return () => ({ get: async () => cm }) as unknown as KubeClient;
}

/** Each case: the choice, the pinned path (undefined: the generation has no record yet), and what the rule says. */
const CASES: Array<{ choice: string; pinned?: string; use: 'explicit' | 'pinned' | 'resolve'; path?: string }> = [
  { choice: OTHER, pinned: PINNED, use: 'explicit', path: OTHER },
  { choice: PINNED, pinned: PINNED, use: 'explicit', path: PINNED },
  { choice: 'latest', pinned: PINNED, use: 'pinned', path: PINNED },
  { choice: 'automated_cluster_snapshot_2000', pinned: PINNED, use: 'pinned', path: PINNED },
  { choice: 'latest', use: 'resolve' },
];

describe('the pin rule', () => {
  for (const c of CASES) {
    it(`--snapshot ${c.choice}, pinned ${c.pinned ?? 'nothing'}: ${c.use}${c.path ? ` ${c.path}` : ''}`, () => {
      const pin = snapshotPin(c.choice, c.pinned);
      assert.equal(pin.use, c.use);
      if (pin.use !== 'resolve') assert.equal(pin.path, c.path);
      if (pin.use === 'pinned') assert.match(pin.notice, /pinned in the status record when this generation's recovery started/);
    });
  }
  it('what is explicit, and which record pins what', () => {
    assert.equal(isExplicitSnapshotPath(PINNED), true);
    assert.equal(isExplicitSnapshotPath('latest'), false);
    const record = { status: newStatus(2, 1), identity: { feMetaPvcUids: {}, snapshotPath: PINNED }, resourceVersion: '1' };
    assert.equal(pinnedSnapshotPath(record, 2), PINNED);
    assert.equal(pinnedSnapshotPath(record, 3), undefined, 'a new generation is not pinned by the last one');
    assert.equal(pinnedSnapshotPath(undefined, 2), undefined);
  });
});

describe('every route runs it', () => {
  for (const c of CASES) {
    it(`--snapshot ${c.choice}, pinned ${c.pinned ?? 'nothing'}: dr run / synth and the Pulumi program pick what the rule picks`, async () => {
      // dr run --snapshot and synth --snapshot (snapshotForRecovery).
      const cli = await snapshotForRecovery(referenceDrSpec(), { choice: c.choice, pinnedPath: c.pinned, lister: refusing }).then(
        (r) => ({ path: r.path, listed: false, spec: r.spec }),
        (e: Error) => ({ path: undefined, listed: e.message === LISTED, spec: undefined }),
      );
      // Pulumi clusterSnapshot.path (chooseStackSnapshot reads the record through the client it is given).
      const cfg = { path: c.choice, location: 's3://bucket/data', region: 'us-east-1', endpoint: 'http://127.0.0.1:1' };
      const stack = await chooseStackSnapshot({ cfg, keys: { accessKey: 'a', secretKey: 'b' }, cluster: 'kube-starrocks', namespace: 'default', generation: 1, client: recordClient(c.pinned) }).then(
        (r) => ({ path: r.path as string | undefined, listed: false }),
        () => ({ path: undefined, listed: true }),
      );
      if (c.use === 'resolve') {
        assert.equal(cli.listed, true, 'dr run / synth listed the store');
        assert.equal(stack.listed, true, 'the Pulumi program listed the store');
        return;
      }
      assert.equal(stack.path, c.path, 'Pulumi');
      if (c.use === 'explicit' && c.path !== c.pinned) {
        // The CLI checks in the store that an explicit path is finished (unless it is the pinned path itself).
        assert.equal(cli.listed, true, 'dr run / synth checked the explicit path in the store');
      } else {
        assert.equal(cli.path, c.path, 'dr run / synth');
        assert.equal(pathIn(cli.spec!), c.path, 'the values now point at it');
      }
    });
  }
});
