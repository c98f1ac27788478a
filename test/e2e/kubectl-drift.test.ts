/**
 * Our manifests as GitOps tools and kubectl see them once applied: `kubectl apply --server-side` twice changes
 * nothing the second time, `kubectl diff --server-side` shows no difference, and the same after a first client-side
 * `kubectl apply` (no conflict when server-side apply takes over). The API server returns StatefulSet
 * volumeClaimTemplates with `apiVersion: v1` / `kind: PersistentVolumeClaim` (pkg/apis/apps/v1 defaults, v1.32):
 * a rendered template without them is a permanent diff for Argo CD (argo-cd#11143), so we render them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../lib/cli/main';
import { startSimulator, type Simulator } from '../../sim';
import { KUBECTL_READS_OPENAPI_V3, runKubectl, SKIP_WITHOUT_KUBECTL } from '../kubectl';

describe('kubectl apply of our manifests: no drift, no conflict', { skip: SKIP_WITHOUT_KUBECTL }, () => {
  let dir: string;
  let manifest: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'srdr-drift-'));
    const out = join(dir, 'out');
    const quiet = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      assert.equal(await main(['synth', '-o', out]), 0);
    } finally {
      process.stderr.write = quiet;
    }
    manifest = join(out, 'kube-starrocks.k8s.yaml');
  });

  async function withSim(body: (sim: Simulator) => Promise<void>): Promise<void> {
    const sim = await startSimulator({ timeScale: 0.02 });
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeConfigYaml());
    try {
      await body(sim);
    } finally {
      await sim.stop();
    }
  }

  // ConfigMaps and Services change only when written; a StatefulSet's status moves on its own (the controller), so
  // its spec's `generation` is what a second apply must leave alone.
  const versions = (sim: Simulator) =>
    Object.fromEntries(
      ['ConfigMap', 'Service', 'StatefulSet'].flatMap((k) =>
        sim.list(k, 'default').filter((o) => !o.metadata.name.startsWith('kube-root')).map((o) => [`${k}/${o.metadata.name}`, k === 'StatefulSet' ? `generation ${o.metadata.generation}` : o.metadata.resourceVersion]),
      ),
    );

  it('server-side apply twice: the second changes no object; diff is empty', async () => {
    await withSim(async (sim) => {
      const first = await runKubectl(dir, ['apply', '--server-side', '--validate=false', '-f', manifest]);
      assert.equal(first.code, 0, first.stderr);
      const before = versions(sim);
      const second = await runKubectl(dir, ['apply', '--server-side', '--validate=false', '-f', manifest]);
      assert.equal(second.code, 0, second.stderr);
      assert.deepEqual(versions(sim), before, 'no object was written again');
      if (!KUBECTL_READS_OPENAPI_V3) return;
      const diff = await runKubectl(dir, ['diff', '--server-side', '-f', manifest]);
      assert.equal(diff.code, 0, `kubectl diff found a difference:\n${diff.stdout}${diff.stderr}`);
    });
  });

  it('client-side apply first, then server-side apply: no conflict, no diff', async () => {
    await withSim(async (sim) => {
      const csa = await runKubectl(dir, ['apply', '--validate=false', '-f', manifest]);
      assert.equal(csa.code, 0, csa.stderr);
      const ssa = await runKubectl(dir, ['apply', '--server-side', '--validate=false', '-f', manifest]);
      assert.equal(ssa.code, 0, ssa.stderr);
      assert.doesNotMatch(ssa.stderr, /conflict/i);
      assert.ok(sim.get('StatefulSet', 'default', 'kube-starrocks-fe'));
      if (!KUBECTL_READS_OPENAPI_V3) return;
      const diff = await runKubectl(dir, ['diff', '--server-side', '-f', manifest]);
      assert.equal(diff.code, 0, `kubectl diff found a difference:\n${diff.stdout}${diff.stderr}`);
    });
  });

  it('the volumeClaimTemplates we render equal what the API server returns', async () => {
    await withSim(async (sim) => {
      assert.equal((await runKubectl(dir, ['apply', '--server-side', '--validate=false', '-f', manifest])).code, 0);
      const rendered = parseAllDocuments(readFileSync(manifest, 'utf8')).map((d) => d.toJS()).filter((o) => o.kind === 'StatefulSet');
      for (const sts of rendered) {
        const live = sim.get('StatefulSet', 'default', sts.metadata.name);
        for (const t of sts.spec.volumeClaimTemplates) {
          assert.equal(t.apiVersion, 'v1');
          assert.equal(t.kind, 'PersistentVolumeClaim');
        }
        const liveMeta = live.spec.volumeClaimTemplates.map((t: { apiVersion: string; kind: string; metadata: { name: string } }) => [t.apiVersion, t.kind, t.metadata.name]);
        assert.deepEqual(liveMeta, sts.spec.volumeClaimTemplates.map((t: { apiVersion: string; kind: string; metadata: { name: string } }) => [t.apiVersion, t.kind, t.metadata.name]));
      }
    });
  });

  after(() => undefined);
});
