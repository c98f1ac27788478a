import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serializeProvider } from '../support/pulumi';
import { fileProvider } from './file-provider';

function run(file: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [file, ...args], { cwd, timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({ stdout, stderr }),
    ),
  );
}

describe('serialized provider text in a fresh process', () => {
  it('runs create from the text alone, with no SDK, no tsx and no project on the module path', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fresh-'));
    try {
      fs.writeFileSync(path.join(dir, 'provider.js'), await serializeProvider(fileProvider));
      // A plain CommonJS runner, as the host does it: require the text, call handler(), call create.
      fs.writeFileSync(
        path.join(dir, 'runner.js'),
        [
          "const provider = require('./provider.js').handler();",
          'const inputs = JSON.parse(process.argv[2]);',
          'provider.create(inputs).then((r) => process.stdout.write("RESULT " + JSON.stringify(r) + "\\n"),',
          '  (e) => { console.error(e); process.exit(1); });',
        ].join('\n'),
      );
      const inputs = { dir, name: 'made.txt', content: 'from a fresh process' };
      const { stdout } = await run(path.join(dir, 'runner.js'), [JSON.stringify(inputs)], dir);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      assert.ok(line, stdout);
      const result = JSON.parse(line.slice('RESULT '.length)) as { id: string; outs: Record<string, unknown> };
      const file = path.join(dir, 'made.txt');
      assert.equal(result.id, file);
      assert.equal(result.outs.size, Buffer.byteLength('from a fresh process'));
      assert.equal(fs.readFileSync(file, 'utf8'), 'from a fresh process');
      assert.match(stdout, new RegExp(`created ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(20 bytes\\)`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
