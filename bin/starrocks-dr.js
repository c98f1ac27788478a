#!/usr/bin/env node
// The CLI entry. It runs the compiled JavaScript under build/ (`npm run build`; the published package ships it,
// built by `prepack`). Developers run the TypeScript instead, explicitly, with
// STARROCKS_DR_FROM_SOURCE=1 (needs the dev dependency tsx). Nothing guesses by file times.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
let entry;
if (process.env.STARROCKS_DR_FROM_SOURCE === '1') {
  require('tsx/cjs');
  entry = require('../lib/cli/main.ts');
} else {
  const compiled = path.join(root, 'build', 'lib', 'cli', 'main.js');
  if (!fs.existsSync(compiled)) {
    process.stderr.write(
      `error: starrocks-dr: ${path.relative(process.cwd(), compiled) || compiled} is missing: the CLI runs the compiled JavaScript. ` +
        'Fix: run `npm run build` in the starrocks-dr folder, or set STARROCKS_DR_FROM_SOURCE=1 to run the TypeScript through tsx\n',
    );
    process.exit(2);
  }
  entry = require(compiled);
}
entry.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
