import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import {
  dynamicUrn,
  isSecret,
  PROVIDER_KEY,
  ProviderCallError,
  secret,
  secretPaths,
  serializeProvider,
  startDynamicProviderHost,
  type ProviderHost,
} from '../support/pulumi';
import { StarRocksDrError } from '../../lib/errors';
import { fileProvider } from './file-provider';

const version = (require('@pulumi/pulumi/package.json') as { version: string }).version;

describe('dynamic-provider host harness', () => {
  let host: ProviderHost;
  let providerText: string;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-'));
    providerText = await serializeProvider(fileProvider);
    host = await startDynamicProviderHost();
  });
  after(async () => {
    await host?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts the SDK host, which reports the SDK version and refuses secrets', () => {
    assert.ok(host.port > 0);
    assert.equal(host.pluginVersion, version);
    assert.equal(host.acceptsSecrets, false);
  });

  it('runs check -> create -> read -> diff -> update -> delete on a real file', async () => {
    const urn = dynamicUrn('notes');
    const inputs = { dir, name: 'notes.txt', content: 'hello', [PROVIDER_KEY]: providerText };

    const checked = await host.check(urn, {}, inputs);
    assert.deepEqual(checked.failures, []);
    assert.equal(checked.inputs[PROVIDER_KEY], providerText);

    const created = await host.create(urn, checked.inputs, { timeout: 30 });
    const file = path.join(dir, 'notes.txt');
    assert.equal(created.id, file);
    assert.equal(fs.readFileSync(file, 'utf8'), 'hello');
    assert.equal(created.outputs.size, 5);
    assert.equal(created.outputs[PROVIDER_KEY], providerText, 'the host keeps __provider in the state');

    fs.writeFileSync(file, 'drifted!');
    const read = await host.read(created.id, urn, created.outputs, checked.inputs);
    assert.equal(read.id, file);
    assert.equal(read.outputs.content, 'drifted!');
    assert.equal(read.outputs.size, 8);

    const same = await host.diff(created.id, urn, created.outputs, checked.inputs, { oldInputs: checked.inputs });
    assert.equal(same.changes, 'none');

    const news = (await host.check(urn, checked.inputs, { ...inputs, content: 'hello again' })).inputs;
    const changed = await host.diff(created.id, urn, created.outputs, news);
    assert.equal(changed.changes, 'some');
    assert.deepEqual(changed.replaces, []);
    const renamed = await host.diff(created.id, urn, created.outputs, { ...news, name: 'other.txt' });
    assert.deepEqual(renamed.replaces, ['name']);
    assert.equal(renamed.deleteBeforeReplace, true);

    const updated = await host.update(created.id, urn, created.outputs, news);
    assert.equal(fs.readFileSync(file, 'utf8'), 'hello again');
    assert.equal(updated.outputs.content, 'hello again');
    assert.equal(updated.outputs[PROVIDER_KEY], providerText);

    await host.delete(created.id, urn, updated.outputs);
    assert.equal(fs.existsSync(file), false);
    const gone = await host.read(created.id, urn, updated.outputs);
    assert.equal(gone.id, '', 'read of a deleted file reports it gone');
  });

  it('returns check failures from the provider', async () => {
    const res = await host.check(dynamicUrn('bad'), {}, { dir, name: 'a/b', content: '', [PROVIDER_KEY]: providerText });
    assert.deepEqual(res.failures, [{ property: 'name', reason: 'name must be a plain file name' }]);
  });

  it('turns a provider error into a ProviderCallError naming the method', async () => {
    const urn = dynamicUrn('nowhere');
    const props = { dir: path.join(dir, 'missing-dir'), name: 'x', content: 'x', [PROVIDER_KEY]: providerText };
    await assert.rejects(host.create(urn, props), (e: unknown) => {
      assert.ok(e instanceof ProviderCallError);
      assert.equal(e.method, 'Create');
      assert.match(e.details, /ENOENT/);
      return true;
    });
  });

  it('reports a partial create (error carrying an id) as initFailure, as the engine receives it', async () => {
    const halfway = {
      async create(inputs: Record<string, unknown>) {
        throw Object.assign(new Error('pod is crash-looping'), { id: 'half-made', properties: inputs, reasons: ['CrashLoopBackOff'] });
      },
    };
    const props = { replicas: 3, [PROVIDER_KEY]: await serializeProvider(halfway) };
    await assert.rejects(host.create(dynamicUrn('half'), props), (e: unknown) => {
      assert.ok(e instanceof ProviderCallError);
      assert.equal(e.details, 'pod is crash-looping');
      assert.equal(e.initFailure?.id, 'half-made');
      assert.deepEqual(e.initFailure?.reasons, ['CrashLoopBackOff']);
      assert.equal(e.initFailure?.properties.replicas, 3);
      return true;
    });
  });

  it('keeps a secret input secret in the outputs under the same key, strips it on the wire, and never logs it', async () => {
    const token = `tok-${process.pid}-s3cr3t`;
    const urn = dynamicUrn('secret-file');
    const inputs = { dir, name: 'secret.txt', content: 'body', token: secret(token), [PROVIDER_KEY]: providerText };
    const checked = await host.check(urn, {}, inputs);
    assert.ok(isSecret(checked.inputs.token), 'check output keeps the secret mark');
    const created = await host.create(urn, checked.inputs);
    // The provider saw the plain value (the engine strips secrets for a provider that refuses them).
    assert.equal(fs.readFileSync(path.join(dir, 'secret.txt'), 'utf8'), `body\n${token}`);
    assert.deepEqual(secretPaths(created.outputs), ['token']);
    assert.deepEqual(created.outputs.token, secret(token));
    // A value derived from the secret under another key is NOT marked: the provider (or additionalSecretOutputs)
    // must mark it. This is the engine's rule, reproduced here so our provider's tests can catch it.
    assert.equal(created.outputs.tokenLength, token.length);
    const updated = await host.update(created.id, urn, created.outputs, { ...checked.inputs, content: 'body2' });
    assert.deepEqual(secretPaths(updated.outputs), ['token']);
    await host.delete(created.id, urn, updated.outputs);
    await host.waitForLine((t) => t.startsWith('deleted ') && t.endsWith('secret.txt')); // it did log about the file
    assert.deepEqual(host.linesContaining(token), []);
  });

  it('shows console output and pulumi.log of a provider as host output lines (no engine connection in 3.248)', async () => {
    const urn = dynamicUrn('logged');
    const props = { dir, name: 'logged.txt', content: 'x', logVia: 'pulumi', [PROVIDER_KEY]: providerText };
    const created = await host.create(urn, props);
    const expected = `info: [runtime] created ${path.join(dir, 'logged.txt')} (1 bytes)`;
    await host.waitForLine((t) => t === expected);
    assert.ok(host.output.some((l) => l.stream === 'stdout' && l.text === expected));
    assert.equal(host.logs.length, 0, 'without PULUMI_NODEJS_ENGINE, nothing reaches the Log RPC');
    await host.delete(created.id, urn, created.outputs);
  });
});

describe('dynamic-provider host with engine logs over RPC', () => {
  it('delivers pulumi.log messages to the fake engine', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-log-'));
    const host = await startDynamicProviderHost({ engineLogsOverRpc: true });
    try {
      const providerText = await serializeProvider(fileProvider);
      const urn = dynamicUrn('rpc-logged');
      const props = { dir, name: 'a.txt', content: 'abc', logVia: 'pulumi', [PROVIDER_KEY]: providerText };
      const created = await host.create(urn, props);
      const message = `created ${path.join(dir, 'a.txt')} (3 bytes)`;
      await host.waitForLine((t) => t === message);
      assert.deepEqual(
        host.logs.filter((l) => l.message === message).map((l) => l.severity),
        ['info'],
      );
      await host.delete(created.id, urn, created.outputs);
      await host.waitForLine((t) => t === `deleted ${path.join(dir, 'a.txt')}`);
      assert.ok(host.logs.some((l) => l.message === `deleted ${path.join(dir, 'a.txt')}`), 'it came over the Log RPC');
      assert.ok(!host.output.some((l) => l.text.includes('a.txt')), 'and not as an output line');
    } finally {
      await host.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('serializeProvider', () => {
  it('rejects a provider that captures a socket, naming the captured variable', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    try {
      const leaky = {
        async create(inputs: Record<string, unknown>) {
          socket.write('hi');
          return { id: 'x', outs: inputs };
        },
      };
      await assert.rejects(serializeProvider(leaky), (e: unknown) => {
        assert.ok(e instanceof StarRocksDrError);
        assert.equal(e.field, 'dynamic provider');
        assert.match(e.message, /variable 'socket'/);
        assert.match(e.message, /Fix: capture only plain data/);
        return true;
      });
    } finally {
      socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('produces the text the host runs: a CommonJS module whose handler() returns the provider', async () => {
    const text = await serializeProvider(fileProvider);
    assert.match(text, /^exports\.handler = __f\d+;/);
    assert.equal(text, await serializeProvider(fileProvider), 'serialization is deterministic');
  });
});
