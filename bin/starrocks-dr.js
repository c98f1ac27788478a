#!/usr/bin/env node
// The CLI entry. It runs the compiled JavaScript under build/ (`npm run build`, also run by `npm ci` through
// `prepare`) when that is at least as new as every TypeScript file under lib/: it starts in a fraction of the time
// and memory. Otherwise (no build, or lib/ edited since) it runs the TypeScript through tsx, so it is never stale.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'build', 'lib', 'cli', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function useCompiled() {
  if (process.env.STARROCKS_DR_FROM_SOURCE === '1') return false;
  try {
    return fs.statSync(compiled).mtimeMs >= newestSource(path.join(root, 'lib'));
  } catch {
    return false;
  }
}

let entry;
if (useCompiled()) {
  entry = require(compiled);
} else {
  require('tsx/cjs');
  entry = require('../lib/cli/main.ts');
}
entry.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
