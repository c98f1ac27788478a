/**
 * What `synth` loads (cold synth, bench/README.md). lib/yaml.ts: one `yaml` per process, the copy cdk8s bundles and
 * loads to write manifests. lib/cli/main.ts: only the command asked for is built.
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

/** Every module a compiled `starrocks-dr synth` of the built-in example loaded, listed at its exit. */
function modulesOfSynth(): string[] {
  const root = resolve(__dirname, '..', '..');
  const out = fs.mkdtempSync(join(os.tmpdir(), 'srdr-loads-'));
  try {
    const probe = "process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'))";
    const r = spawnSync(process.execPath, ['-e', `${probe}; process.argv.splice(1, 0, 'starrocks-dr'); require(${JSON.stringify(join(root, 'bin', 'starrocks-dr.js'))})`, 'synth', '-o', out], { cwd: root, encoding: 'utf8', env: { ...process.env, STARROCKS_DR_FROM_SOURCE: '' } });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.readdirSync(out).some((f) => f.endsWith('.k8s.yaml')));
    return JSON.parse(/^LOADED (.*)$/m.exec(r.stderr)![1]!) as string[];
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

it('`starrocks-dr synth`, compiled, loads one yaml (the copy cdk8s bundles) and none of the other commands', () => {
  const loaded = modulesOfSynth();
  const yamlCopies = loaded.filter((f) => /[\\/]yaml[\\/]dist[\\/]index\.js$/.test(f));
  assert.deepEqual(yamlCopies, [require.resolve('yaml', { paths: [dirname(dirname(require.resolve('cdk8s')))] })]);
  const cli = loaded.filter((f) => /[\\/]build[\\/]lib[\\/]cli[\\/]/.test(f)).map((f) => f.replace(/^.*[\\/]build[\\/]lib[\\/]cli[\\/]/, ''));
  assert.ok(cli.includes('synth-command.js'), cli.join(', '));
  for (const other of ['dr-command.js', 'snapshot-command.js', 'sim-command.js', 'demo-command.js']) assert.ok(!cli.includes(other), `${other} loaded: ${cli.join(', ')}`);
});
