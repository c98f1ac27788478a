/**
 * The GitOps tree on disk: synth twice gives byte-identical trees (both layouts, both forms, with and without the
 * GitOps annotations and for the operator target), and a re-synth into the same folder leaves exactly the new tree.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { synthToDir, type SynthOptions } from '../../lib/cli/synth-command';
import { GENERATED_HEADER } from '../../lib/gitops';
import { referenceDrSpec } from '../fixtures';

const root = mkdtempSync(join(tmpdir(), 'gitops-tree-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Every file under `dir`, relative path ─▶ bytes. */
function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

let n = 0;
const fresh = () => join(root, `t${n++}`);

const variants: Array<[string, Omit<SynthOptions, 'outdir'>]> = [
  ['file layout, full', { layout: 'file' }],
  ['file layout, restore', { layout: 'file', form: 'restore' }],
  ['objects layout, full, kustomize', { layout: 'objects', kustomize: true }],
  ['objects layout, restore, kustomize, argocd+flux', { layout: 'objects', kustomize: true, form: 'restore', gitops: ['argocd', 'flux'] }],
  ['objects layout, full, argocd', { layout: 'objects', gitops: ['argocd'] }],
  ['operator target, objects layout, kustomize', { layout: 'objects', kustomize: true, target: 'operator' }],
  ['operator target, file layout', { layout: 'file', target: 'operator' }],
];

for (const [name, opts] of variants) {
  test(`synth twice gives byte-identical trees: ${name}`, () => {
    const a = fresh();
    const b = fresh();
    const filesA = synthToDir(referenceDrSpec(), { ...opts, outdir: a });
    const filesB = synthToDir(referenceDrSpec(), { ...opts, outdir: b });
    assert.deepEqual(filesA, filesB);
    const treeA = readTree(a);
    const treeB = readTree(b);
    assert.deepEqual([...treeA.keys()], [...treeB.keys()]);
    assert.deepEqual([...treeA.keys()].sort(), [...filesA].sort(), 'the folder holds exactly the files reported');
    for (const [file, bytes] of treeA) assert.ok(bytes.equals(treeB.get(file)!), `${file} differs between two synths`);
    // and synth again into the same folder changes nothing (no git diff)
    synthToDir(referenceDrSpec(), { ...opts, outdir: a });
    const again = readTree(a);
    assert.deepEqual([...again.keys()], [...treeA.keys()]);
    for (const [file, bytes] of treeA) assert.ok(bytes.equals(again.get(file)!), `${file} changed on re-synth`);
  });
}

test('objects layout: one object per file, no timestamps or generated names', () => {
  const dir = fresh();
  const files = synthToDir(referenceDrSpec(), { outdir: dir, layout: 'objects', kustomize: true, gitops: ['argocd', 'flux'] });
  for (const f of files.filter((x) => x.endsWith('.k8s.yaml'))) {
    const text = readFileSync(join(dir, f), 'utf8');
    const docs = parseAllDocuments(text);
    assert.equal(docs.length, 1, f);
    const obj = docs[0].toJS() as { kind: string; metadata: { name: string } };
    assert.equal(f, `kube-starrocks/${obj.kind}.${obj.metadata.name}.k8s.yaml`);
    assert.doesNotMatch(text, /creationTimestamp|generateName|resourceVersion|uid:/, f);
  }
});

test('re-synth of the restore form into the full tree removes the CN files and lists only what is there', () => {
  const dir = fresh();
  const full = synthToDir(referenceDrSpec(), { outdir: dir, layout: 'objects', kustomize: true, gitops: ['argocd'] });
  assert.ok(full.some((f) => f.includes('StatefulSet.kube-starrocks-cn')));
  // files that are not ours survive: a README, and another tree next to the cluster's
  writeFileSync(join(dir, 'kube-starrocks', 'README.md'), 'notes\n');
  mkdirSync(join(dir, 'other'));
  writeFileSync(join(dir, 'other', 'Secret.x.k8s.yaml'), 'x\n');

  const restore = synthToDir(referenceDrSpec(), { outdir: dir, layout: 'objects', kustomize: true, gitops: ['argocd'], form: 'restore' });
  const onDisk = readdirSync(join(dir, 'kube-starrocks')).sort();
  assert.deepEqual(onDisk, [...restore.map((f) => f.replace('kube-starrocks/', '')), 'README.md'].sort());
  assert.ok(!onDisk.some((f) => /-cn[.-]/.test(f)), `CN files left behind: ${onDisk.join(', ')}`);
  const kustomization = readFileSync(join(dir, 'kube-starrocks', 'kustomization.yaml'), 'utf8');
  const listed = (parseAllDocuments(kustomization)[0].toJS() as { resources: string[] }).resources;
  assert.deepEqual([...listed].sort(), onDisk.filter((f) => f.endsWith('.k8s.yaml')).sort());
  assert.equal(readFileSync(join(dir, 'other', 'Secret.x.k8s.yaml'), 'utf8'), 'x\n');

  // back to the full form: the CN files return, byte-identical to the first full synth
  const fullAgain = synthToDir(referenceDrSpec(), { outdir: dir, layout: 'objects', kustomize: true, gitops: ['argocd'], form: 'full' });
  assert.deepEqual(fullAgain, full);
});

test('dropping --kustomize removes our kustomization.yaml, never a hand-written one', () => {
  const dir = fresh();
  synthToDir(referenceDrSpec(), { outdir: dir, layout: 'objects', kustomize: true });
  assert.ok(readFileSync(join(dir, 'kube-starrocks', 'kustomization.yaml'), 'utf8').startsWith(GENERATED_HEADER));
  synthToDir(referenceDrSpec(), { outdir: dir, layout: 'objects' });
  assert.ok(!readdirSync(join(dir, 'kube-starrocks')).includes('kustomization.yaml'));

  writeFileSync(join(dir, 'kube-starrocks', 'kustomization.yaml'), 'resources: []\n');
  synthToDir(referenceDrSpec(), { outdir: dir, layout: 'objects' });
  assert.equal(readFileSync(join(dir, 'kube-starrocks', 'kustomization.yaml'), 'utf8'), 'resources: []\n');
});
