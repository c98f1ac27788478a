/** GitOps annotations: which objects get them, per engine, and that the cdk8s route writes the same tree as synth. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { App, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { synthToDir } from '../../lib/cli/synth-command';
import { StarRocksClusterChart } from '../../lib/constructs';
import {
  addGitOpsAnnotations,
  annotateForGitOps,
  ARGOCD_SYNC_OPTIONS,
  ARGOCD_SYNC_WAVE,
  FLUX_PRUNE,
  gitOpsAnnotations,
  heldBackKeys,
  heldBackKeysOf,
} from '../../lib/gitops';
import { renderCluster } from '../../lib/render/cluster';
import { restoreForm } from '../../lib/render/restore';
import { referenceDrSpec } from '../fixtures';

test('held back = in the full form, not in the restore form: the CN objects of the reference cluster', () => {
  const full = renderCluster(referenceDrSpec());
  const restore = restoreForm(full, referenceDrSpec(), 1);
  const held = heldBackKeys(full, restore);
  const cnKeys = full.filter((o) => o.metadata.name.startsWith('kube-starrocks-cn')).map((o) => `${o.kind}/${o.metadata.name}`);
  assert.ok(cnKeys.length >= 4);
  assert.deepEqual([...held].sort(), cnKeys.sort());
  assert.deepEqual([...heldBackKeysOf(referenceDrSpec(), 'default')].sort(), cnKeys.sort());
});

test('annotations per engine, and none on the objects both forms hold', () => {
  assert.deepEqual(gitOpsAnnotations(false, ['argocd', 'flux']), {});
  assert.deepEqual(gitOpsAnnotations(true, []), {});
  assert.deepEqual(gitOpsAnnotations(true, ['argocd']), { [ARGOCD_SYNC_OPTIONS]: 'Prune=false', [ARGOCD_SYNC_WAVE]: '1' });
  assert.deepEqual(gitOpsAnnotations(true, ['flux']), { [FLUX_PRUNE]: 'disabled' });
});

test('annotateForGitOps keeps existing annotations and does not change its input', () => {
  const full = renderCluster(referenceDrSpec());
  const before = JSON.stringify(full);
  const held = heldBackKeys(full, restoreForm(full, referenceDrSpec(), 1));
  const annotated = annotateForGitOps(full, held, ['argocd', 'flux']);
  assert.equal(JSON.stringify(full), before);
  for (const [i, obj] of annotated.entries()) {
    const isHeld = held.has(`${obj.kind}/${obj.metadata.name}`);
    assert.equal(obj.metadata.annotations?.[FLUX_PRUNE], isHeld ? 'disabled' : undefined, obj.metadata.name);
    for (const [k, v] of Object.entries(full[i].metadata.annotations ?? {})) assert.equal(obj.metadata.annotations?.[k], v);
  }
});

test('your own cdk8s app with addGitOpsAnnotations writes the bytes starrocks-dr synth writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-cdk8s-'));
  try {
    synthToDir(referenceDrSpec(), { outdir: dir, layout: 'file', gitops: ['argocd', 'flux'] });
    const fromCli = readFileSync(join(dir, 'kube-starrocks.k8s.yaml'), 'utf8');
    const app = new App({ outdir: join(dir, 'own') });
    const chart = new StarRocksClusterChart(app, 'kube-starrocks', { spec: referenceDrSpec() });
    addGitOpsAnnotations(chart.cluster, referenceDrSpec(), ['argocd', 'flux']);
    app.synth();
    assert.equal(readFileSync(join(dir, 'own', 'kube-starrocks.k8s.yaml'), 'utf8'), fromCli);
    const objects = Testing.synth(chart);
    const cn = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'kube-starrocks-cn');
    assert.equal(cn.metadata.annotations[ARGOCD_SYNC_OPTIONS], 'Prune=false');
    const fe = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'kube-starrocks-fe');
    assert.equal(fe.metadata.annotations, undefined, stringify(fe.metadata));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('waitForFullRollout under Argo CD: the CN and BE StatefulSets sync in wave 1, after the wave-0 FE StatefulSet is Healthy', () => {
  const base = referenceDrSpec();
  const s = { ...base, waitForFullRollout: true, starRocksBeSpec: { image: 'starrocks/be-ubuntu:3.4.1' } };
  const full = renderCluster(s);
  const annotated = annotateForGitOps(full, heldBackKeysOf(s, 'default'), ['argocd']);
  const wave = (name: string) => annotated.find((o) => o.kind === 'StatefulSet' && o.metadata.name === name)!.metadata.annotations?.[ARGOCD_SYNC_WAVE];
  assert.equal(wave('kube-starrocks-fe'), undefined, 'FE in the default wave 0');
  assert.equal(wave('kube-starrocks-cn'), '1');
  assert.equal(wave('kube-starrocks-be'), '1');
});
