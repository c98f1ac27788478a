#!/usr/bin/env node
// Synthesizes a fixed set of inputs with a built copy of starrocks-dr and writes every output under one folder, so two
// builds (before and after a change that must not change output) can be compared with `diff -r`:
//
//   node tools/synth-corpus.js --out /tmp/after                       # this checkout's build/
//   node tools/synth-corpus.js --root /tmp/main-checkout --out /tmp/before
//   diff -r /tmp/before /tmp/after && echo byte-identical
//
// Inputs: the reference values (examples/), the kube-starrocks chart's own values.yaml files (test/data/), and the
// feature files in tools/synth-corpus/, each through `starrocks-dr synth` with several flag sets (full and restore
// form, both operator lines, the operator target, the objects layout with GitOps annotations). An input the CLI
// refuses is recorded as its exit code and stderr, so error messages are compared too. In-process, with JSON lines
// files (for instance recorded from the test suite's calls; nothing here is committed output):
//   --specs <f>     {spec, namespace} a line: synthesized through StarRocksClusterChart, full and restore form
//   --validate <f>  a typed spec a line: validateSpec's error (field, message, fix) or "valid"
//   --texts <f>     {sources: [{file, text}], opts} a line: loadValuesTexts' spec and notices, or its error
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function args(argv) {
  const out = { root: path.resolve(__dirname, '..'), out: undefined, specs: undefined, validate: undefined, texts: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--root') out.root = path.resolve(argv[++i]);
    else if (a === '--out') out.out = path.resolve(argv[++i]);
    else if (a === '--specs' || a === '--validate' || a === '--texts') out[a.slice(2)] = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${a}; usage: synth-corpus.js [--root <checkout>] --out <dir> [--specs|--validate|--texts <file.jsonl>]`);
  }
  if (!out.out) throw new Error('--out <dir> is required');
  return out;
}

const HERE = __dirname;
const REPO = path.resolve(HERE, '..');
const corpus = (f) => path.join(HERE, 'synth-corpus', f);
const VALUES = {
  reference: [path.join(REPO, 'examples/starrocks-values.yaml')],
  'reference-dr': [path.join(REPO, 'examples/starrocks-values.yaml'), path.join(REPO, 'examples/override.yaml')],
  'chart-1.11.5-umbrella': [path.join(REPO, 'test/data/chart-v1.11.5/kube-starrocks-values.yaml')],
  'chart-1.11.5-subchart': [path.join(REPO, 'test/data/chart-v1.11.5/starrocks-values.yaml')],
  'chart-1.10.2-umbrella': [path.join(REPO, 'test/data/chart-v1.10.2/kube-starrocks-values.yaml')],
  'chart-1.10.2-subchart': [path.join(REPO, 'test/data/chart-v1.10.2/starrocks-values.yaml')],
  empty: [corpus('empty.yaml')],
  'full-features': [corpus('full-features.yaml')],
  'full-features-over-reference': [path.join(REPO, 'examples/starrocks-values.yaml'), corpus('full-features.yaml')],
  'subchart-be-only': [corpus('subchart-be-only.yaml')],
  'moved-ports-dr': [corpus('moved-ports-dr.yaml')],
  'features-v110': [corpus('features-v110.yaml')],
};
const FLAGS = {
  full: [],
  restore: ['--dr-phase', 'restore', '--generation', '3'],
  'v1.10': ['--operator-version', '1.10.2'],
  operator: ['--target', 'operator'],
  objects: ['--layout', 'objects', '--kustomize', '--gitops', 'both', '-n', 'gitops'],
};

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

function runCli(root, out) {
  let n = 0;
  for (const [name, files] of Object.entries(VALUES)) {
    for (const [flagName, flags] of Object.entries(FLAGS)) {
      const dir = path.join(out, 'cli', `${name}.${flagName}`);
      fs.mkdirSync(dir, { recursive: true });
      const argv = [path.join(root, 'bin/starrocks-dr.js'), 'synth', ...files.flatMap((f) => ['-f', f]), ...flags, '-o', path.join(dir, 'out')];
      const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      // Paths differ between checkouts; stdout names the files written, which the folder shows anyway.
      fs.writeFileSync(path.join(dir, 'result.txt'), `exit ${r.status}\n${r.stderr.split(REPO).join('<repo>').split(root).join('<repo>')}`);
      n++;
    }
  }
  return n;
}

const describeError = (e) => `${e && e.name}: ${e && e.message}\nfield: ${e && e.field}\nfile: ${e && e.file}\nfix: ${e && e.fix}\n`;

/** Runs `each` on every JSON line of `file` and writes what it returns to `<out>/<kind>/<line number>.txt`. */
function perLine(out, kind, file, each) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const dir = path.join(out, kind);
  fs.mkdirSync(dir, { recursive: true });
  lines.forEach((line, i) => fs.writeFileSync(path.join(dir, `${String(i).padStart(4, '0')}.txt`), each(JSON.parse(line))));
  return lines.length;
}

function runSpecs(root, out, file) {
  const { App } = require(require.resolve('cdk8s', { paths: [root] }));
  const { StarRocksClusterChart } = require(path.join(root, 'build/lib/constructs'));
  return perLine(out, 'specs', file, ({ spec, namespace }) =>
    ['full', 'restore']
      .map((form) => {
        try {
          const app = new App();
          new StarRocksClusterChart(app, 'c', { spec, namespace, form, generation: form === 'restore' ? 2 : undefined });
          return `--- ${form}\n${app.synthYaml()}`;
        } catch (e) {
          return `--- ${form}: ${describeError(e)}`;
        }
      })
      .join(''),
  );
}

function runValidate(root, out, file) {
  const { validateSpec } = require(path.join(root, 'build/lib/model'));
  return perLine(out, 'validate', file, (spec) => {
    try {
      validateSpec(spec);
      return 'valid\n';
    } catch (e) {
      return describeError(e);
    }
  });
}

function runTexts(root, out, file) {
  const { loadValuesTexts } = require(path.join(root, 'build/lib/model'));
  return perLine(out, 'texts', file, ({ sources, opts }) => {
    try {
      const { spec, notices } = loadValuesTexts(sources, opts);
      return `${JSON.stringify(spec, null, 1)}\n${notices.join('\n')}\n`;
    } catch (e) {
      return describeError(e);
    }
  });
}

function main() {
  const a = args(process.argv.slice(2));
  fs.rmSync(a.out, { recursive: true, force: true });
  const cli = runCli(a.root, a.out);
  const specs = a.specs ? runSpecs(a.root, a.out, a.specs) : 0;
  const validated = a.validate ? runValidate(a.root, a.out, a.validate) : 0;
  const texts = a.texts ? runTexts(a.root, a.out, a.texts) : 0;
  process.stdout.write(`${cli} CLI runs, ${specs} specs synthesized, ${validated} validated, ${texts} values loads; ${listFiles(a.out).length} files under ${a.out}\n`);
}

main();
