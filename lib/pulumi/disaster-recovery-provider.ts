/**
 * The dynamic provider of `DisasterRecovery`. Pulumi serializes this object into the stack's state as source text
 * and runs it later in its dynamic-provider host, a plain Node process with no TypeScript loader. So:
 * - nothing is imported at the top (types only); no client, connection or config object is captured;
 * - every method `require`s the real implementation (dr-operations.ts) at run time: it registers tsx's CommonJS
 *   hook (`tsx/cjs`) and then requires the TypeScript module, both resolved from the project root, which is the
 *   host's working directory (the engine starts plugins in the directory of Pulumi.yaml). Set
 *   `STARROCKS_DR_PROJECT_ROOT` to run it from elsewhere;
 * - everything it needs (spec, namespace, generation, kubeconfig, context, timeout) arrives as inputs.
 */
import type * as pulumi from '@pulumi/pulumi';
import type * as Operations from './dr-operations';

/** The implementation module, relative to the project root. */
export const OPERATIONS_MODULE = ['lib', 'pulumi', 'dr-operations.ts'] as const;

function operations(): typeof Operations {
  const path = require('node:path') as typeof import('node:path');
  const fs = require('node:fs') as typeof import('node:fs');
  const root = process.env.STARROCKS_DR_PROJECT_ROOT || process.cwd();
  const file = path.join(root, ...OPERATIONS_MODULE);
  if (!fs.existsSync(file)) {
    throw new Error(
      `the DisasterRecovery provider cannot find ${file}: it loads the project's code from the Pulumi project root. ` +
        'Fix: run pulumi from the directory that holds Pulumi.yaml, or set STARROCKS_DR_PROJECT_ROOT to it',
    );
  }
  // The host has no TypeScript loader: register tsx's CommonJS hook once (a tsx-run process already has one).
  if (!require.extensions['.ts']) require(require.resolve('tsx/cjs', { paths: [root] }));
  return require(file) as typeof Operations;
}

/** Rethrow a stopped run so the engine keeps the partial resource (`id` + `properties` ─▶ ErrorResourceInitFailed). */
function rethrow(e: unknown): never {
  if (e instanceof Error && (e as { id?: string }).id) {
    const err = e as Error & { id: string; properties: unknown; reasons: string[] };
    throw Object.assign(new Error(err.message), { id: err.id, properties: err.properties, reasons: err.reasons });
  }
  throw e;
}

export const disasterRecoveryProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds: Operations.DrInputs, news: Operations.DrInputs) {
    const hasOlds = olds && Object.keys(olds).length > 0;
    return operations().checkDr(hasOlds ? olds : undefined, news);
  },

  async diff(_id: string, olds: Operations.DrOutputs, news: Operations.DrInputs) {
    return operations().diffDr(olds, news);
  },

  async create(inputs: Operations.DrInputs) {
    try {
      return await operations().runDr(inputs);
    } catch (e) {
      return rethrow(e);
    }
  },

  async update(_id: string, _olds: Operations.DrOutputs, news: Operations.DrInputs) {
    try {
      const { outs } = await operations().runDr(news);
      return { outs };
    } catch (e) {
      return rethrow(e);
    }
  },

  async read(id: string, props: Operations.DrOutputs) {
    return operations().readDr(id, props);
  },

  async delete(_id: string, props: Operations.DrOutputs) {
    await operations().deleteDr(props);
  },
};
