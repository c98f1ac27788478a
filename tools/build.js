#!/usr/bin/env node
// `npm run build`: incremental tsc (tsconfig.build.json), then removes every output under build/ whose source is no
// longer compiled. tsc never deletes outputs: after lib/sim/validation.ts became lib/sim/validation/index.ts, the
// leftover build/lib/sim/validation.js shadowed the folder (Node resolves the file first) and the build ran old code.
// Exits with tsc's status (tsc still emits when some file has type errors).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'build');
const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });

let status = 0;
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
} catch (e) {
  status = typeof e.status === 'number' ? e.status : 1;
}

// The sources tsc compiles (tsconfig.build.json's include/exclude, expanded by TypeScript itself), relative to the
// root and without extension: lib/sim/validation/index, main, ...
const ts = require(require.resolve('typescript', { paths: [root] }));
const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
const sources = new Set(
  config.fileNames
    .map((f) => path.resolve(root, f))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.relative(root, f).slice(0, -'.ts'.length)),
);

function prune(dir) {
  let left = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (prune(p) === 0) fs.rmdirSync(p);
      else left++;
      continue;
    }
    const m = /^(.*)\.(js|d\.ts)$/.exec(path.relative(out, p));
    if (m && !sources.has(m[1])) fs.unlinkSync(p);
    else left++;
  }
  return left;
}
if (fs.existsSync(out)) prune(out);
process.exit(status);
