/**
 * lib/yaml.ts: one `yaml` per process. cdk8s loads the copy it bundles to write manifests; our parsers use that copy
 * instead of loading a second one (cold synth, bench/README.md).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { it } from 'node:test';
import { App, Chart, ApiObject } from 'cdk8s';
import { parseDocument, stringify } from '../../lib/yaml';

it('parses and writes with the copy cdk8s loaded, and no other copy is loaded', () => {
  const app = new App();
  new ApiObject(new Chart(app, 'c'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } });
  const written = app.synthYaml();
  const cdk8sYaml = require.resolve('yaml', { paths: [dirname(dirname(require.resolve('cdk8s')))] });
  assert.match(cdk8sYaml, /node_modules\/cdk8s\/node_modules\/yaml\//, 'cdk8s bundles its yaml (bundledDependencies)');
  assert.equal(parseDocument, (require(cdk8sYaml) as typeof import('yaml')).parseDocument);
  assert.deepEqual(parseDocument(written).toJS(), parseDocument(stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } })).toJS());
  const copies = Object.keys(require.cache).filter((f) => /node_modules\/(?:.*\/)?yaml\/dist\/index\.js$/.test(f));
  assert.deepEqual(copies, [cdk8sYaml]);
});

it('`starrocks-dr synth`, compiled, loads one yaml: the copy cdk8s bundles', () => {
  const root = resolve(__dirname, '..', '..');
  const out = fs.mkdtempSync(join(os.tmpdir(), 'srdr-yaml-'));
  try {
    // Prints, at exit, every yaml entry module the process loaded.
    const probe = "process.on('exit', () => process.stderr.write('YAML ' + JSON.stringify(Object.keys(require.cache).filter((f) => /[\\/]yaml[\\/]dist[\\/]index\\.js$/.test(f))) + '\\n'))";
    const r = spawnSync(process.execPath, ['-e', `${probe}; process.argv.splice(1, 0, 'starrocks-dr'); require(${JSON.stringify(join(root, 'bin', 'starrocks-dr.js'))})`, 'synth', '-o', out], { cwd: root, encoding: 'utf8', env: { ...process.env, STARROCKS_DR_FROM_SOURCE: '' } });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.readdirSync(out).some((f) => f.endsWith('.k8s.yaml')));
    const loaded = JSON.parse(/^YAML (.*)$/m.exec(r.stderr)![1]!) as string[];
    assert.deepEqual(loaded, [require.resolve('yaml', { paths: [dirname(dirname(require.resolve('cdk8s')))] })]);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
