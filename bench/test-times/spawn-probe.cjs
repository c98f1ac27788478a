// Preloaded into a test file's process by bench/test-times: notes each child process it starts (the command's
// base name, one per line) in the file named by $TEST_TIMES_SPAWNS, so the report can tell process tests apart.
const childProcess = require('node:child_process');
const { appendFileSync } = require('node:fs');
const { basename } = require('node:path');

const out = process.env.TEST_TIMES_SPAWNS;
if (out) {
  for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'fork']) {
    const original = childProcess[name];
    childProcess[name] = function (command, ...rest) {
      const cmd = name === 'fork' ? 'node' : String(command).split(/\s+/)[0];
      try {
        appendFileSync(out, basename(cmd) + '\n');
      } catch {
        // measuring must never break the test
      }
      return original.call(this, command, ...rest);
    };
  }
}
