/**
 * The Argo CD and Flux example files: valid against their CRD schemas (@kubernetes-models), and consistent with
 * what `synth` writes (the paths, the FE StatefulSet name, the annotations, the env name the health check reads).
 * The schemas accept unknown field names, so the fields that matter are checked by name here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { RESTORE_GENERATION_ENV } from '../../lib/render/restore';
import { renderCluster } from '../../lib/render/cluster';
import { componentResourceName } from '../../lib/render/names';
import { referenceDrSpec } from '../fixtures';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

function docs(file: string): any[] {
  const parsed = parseAllDocuments(readFileSync(join(EXAMPLES, file), 'utf8'));
  for (const d of parsed) assert.deepEqual(d.errors, [], `${file}: YAML errors`);
  return parsed.map((d) => d.toJS());
}

const spec = referenceDrSpec();
const treePath = `gitops/starrocks/${spec.name}`; // synth -o gitops/starrocks --layout objects

test('argocd/application.yaml is a valid Application that prunes, applies server-side and points at the tree', () => {
  const [app] = docs('argocd/application.yaml');
  assert.doesNotThrow(() => new Application(app).validate());
  assert.equal(app.spec.source.path, treePath);
  assert.equal(app.spec.syncPolicy.automated.prune, true, 'the example shows that prune is safe with --gitops argocd');
  assert.ok(app.spec.syncPolicy.syncOptions.includes('ServerSideApply=true'));
  assert.equal(app.spec.destination.namespace, spec.namespace ?? 'default');
});

test('argocd/argocd-cm-health.yaml is a valid ConfigMap whose Lua health check reads the restore env', () => {
  const [cm] = docs('argocd/argocd-cm-health.yaml');
  assert.doesNotThrow(() => new ConfigMap(cm).validate());
  assert.equal(cm.metadata.name, 'argocd-cm');
  const lua: string = cm.data['resource.customizations.health.apps_StatefulSet'];
  assert.ok(lua.includes(`"${RESTORE_GENERATION_ENV}"`));
  for (const status of ['Progressing', 'Healthy']) assert.ok(lua.includes(`hs.status = "${status}"`));
  assert.match(lua, /return hs\s*$/);
});

test('flux/gitrepository.yaml is a valid GitRepository', () => {
  const [repo] = docs('flux/gitrepository.yaml');
  assert.doesNotThrow(() => new GitRepository(repo).validate());
});

test('flux/starrocks-kustomizations.yaml: valid Kustomizations gating on the FE StatefulSet, consumers depend on it', () => {
  const [starrocks, consumers] = docs('flux/starrocks-kustomizations.yaml');
  const [repo] = docs('flux/gitrepository.yaml');
  for (const k of [starrocks, consumers]) {
    assert.doesNotThrow(() => new Kustomization(k).validate(), k.metadata.name);
    assert.equal(k.spec.sourceRef.name, repo.metadata.name);
    assert.equal(k.spec.prune, true);
  }
  assert.equal(starrocks.spec.path, `./${treePath}`);
  const fe = renderCluster(spec).find((o) => o.kind === 'StatefulSet' && o.metadata.name === componentResourceName(spec.name, 'fe'))!;
  assert.deepEqual(starrocks.spec.healthChecks, [{ apiVersion: fe.apiVersion, kind: 'StatefulSet', name: fe.metadata.name, namespace: fe.metadata.namespace }]);
  assert.deepEqual(consumers.spec.dependsOn, [{ name: starrocks.metadata.name }]);
  assert.equal(consumers.spec.wait, true);
});

test('the schemas do reject a wrong example (the validation is real)', () => {
  const [app] = docs('argocd/application.yaml');
  assert.throws(() => new Application({ ...app, spec: { ...app.spec, syncPolicy: { automated: { prune: 'yes' } } } }).validate());
  const [k] = docs('flux/starrocks-kustomizations.yaml');
  assert.throws(() => new Kustomization({ ...k, spec: { ...k.spec, healthChecks: [{ kind: 'StatefulSet' }] } }).validate());
});

test('flux/starrocks-rollout-order.yaml: waitForFullRollout order - backends depend on the FE Kustomization, which gates on the FE StatefulSet', () => {
  const [fe, backends] = docs('flux/starrocks-rollout-order.yaml');
  const [repo] = docs('flux/gitrepository.yaml');
  for (const k of [fe, backends]) {
    assert.doesNotThrow(() => new Kustomization(k).validate(), k.metadata.name);
    assert.equal(k.spec.sourceRef.name, repo.metadata.name);
  }
  assert.equal(fe.spec.path, `./${treePath}`);
  const feSts = renderCluster(spec).find((o) => o.kind === 'StatefulSet' && o.metadata.name === componentResourceName(spec.name, 'fe'))!;
  assert.deepEqual(fe.spec.healthChecks, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: feSts.metadata.name, namespace: feSts.metadata.namespace }]);
  assert.deepEqual(backends.spec.dependsOn, [{ name: fe.metadata.name }]);
  assert.equal(backends.spec.path, `./${treePath}-backends`);
});
