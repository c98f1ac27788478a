import type * as pulumi from '@pulumi/pulumi';

/**
 * A tiny dynamic provider for the harness tests: it manages one file, `<dir>/<name>`, holding `content`.
 * Like the real provider must, it imports nothing at the top: Node built-ins (and `yaml`, to prove package
 * resolution in the host) are required inside the methods, and everything it needs arrives as inputs.
 *
 * Inputs: `dir`, `name`, `content`, optional `token` (echoed as `token`, its length as `tokenLength`), optional
 * `logVia` ('console' | 'pulumi') to choose how it logs.
 */
export interface FileInputs {
  dir: string;
  name: string;
  content: string;
  token?: string;
  logVia?: 'console' | 'pulumi';
}

async function say(inputs: FileInputs, message: string): Promise<void> {
  if (inputs.logVia === 'pulumi') {
    const p = require('@pulumi/pulumi') as typeof pulumi;
    await p.log.info(message);
  } else {
    console.log(message);
  }
}

function write(inputs: FileInputs): Record<string, unknown> {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const file = path.join(inputs.dir, inputs.name);
  // The token goes into the file (the provider must see the plain value), never into a log line.
  const body = inputs.token === undefined ? inputs.content : `${inputs.content}\n${inputs.token}`;
  fs.writeFileSync(file, body);
  const outs: Record<string, unknown> = { ...inputs, path: file, size: Buffer.byteLength(body) };
  if (inputs.token !== undefined) outs.tokenLength = inputs.token.length;
  return outs;
}

export const fileProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: FileInputs, news: FileInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (typeof news.name !== 'string' || news.name === '' || news.name.includes('/')) {
      failures.push({ property: 'name', reason: 'name must be a plain file name' });
    }
    if (typeof news.dir !== 'string' || news.dir === '') failures.push({ property: 'dir', reason: 'dir is required' });
    return { inputs: { ...news, content: news.content ?? '' }, failures };
  },

  async diff(_id: string, olds: FileInputs, news: FileInputs) {
    const replaces = (['dir', 'name'] as const).filter((k) => olds[k] !== news[k]);
    const changed = replaces.length > 0 || olds.content !== news.content || olds.token !== news.token;
    return { changes: changed, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(inputs: FileInputs) {
    const outs = write(inputs);
    await say(inputs, `created ${String(outs.path)} (${String(outs.size)} bytes)`);
    return { id: String(outs.path), outs };
  },

  async read(id: string, props: FileInputs & { path: string }) {
    const fs = require('node:fs') as typeof import('node:fs');
    const yaml = require('yaml') as typeof import('yaml');
    if (!fs.existsSync(id)) return { id: '', props: {} };
    const body = fs.readFileSync(id, 'utf8');
    const content = props.token === undefined ? body : body.slice(0, body.length - props.token.length - 1);
    // yaml is not a built-in: this proves the host resolves packages from its working directory.
    const parsed = yaml.parse(yaml.stringify({ content })) as { content: string };
    return { id, props: { ...props, content: parsed.content, size: Buffer.byteLength(body) } };
  },

  async update(_id: string, _olds: FileInputs, news: FileInputs) {
    const outs = write(news);
    await say(news, `updated ${String(outs.path)} (${String(outs.size)} bytes)`);
    return { outs };
  },

  async delete(id: string, props: FileInputs) {
    const fs = require('node:fs') as typeof import('node:fs');
    fs.rmSync(id, { force: true });
    await say(props, `deleted ${id}`);
  },
};
