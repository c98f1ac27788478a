/**
 * The dynamic provider of `DisasterRecovery`. Pulumi serializes this object into the stack's state as source text
 * and runs it later in its dynamic-provider host (pulumi v3.248.0 sdk/nodejs/cmd/dynamic-provider/index.ts:73,
 * `requireFromString(providerString).handler()`): a plain Node process, no TypeScript loader, started in the
 * directory of the program's `main` (pkg/engine/project.go:66 sets pwd = filepath.Dir(main);
 * sdk/go/common/resource/plugin/plugin.go:599 starts every plugin with `cmd.Dir = pwd`), without the project root
 * in its environment. The text has no filename, so it cannot `require('starrocks-dr')` by name. So:
 * - nothing is imported at the top (types only); no client, connection or config object is captured;
 * - every method loads the compiled implementation (`build/lib/pulumi/dr-operations.js`) of the starrocks-dr
 *   package it finds by looking upward from the host's working directory: a package.json named `starrocks-dr`
 *   (this repository) or `node_modules/starrocks-dr` (a user's project); `STARROCKS_DR_PROJECT_ROOT` overrides it;
 * - everything it needs (spec, namespace, generation, kubeconfig, context, timeout) arrives as inputs.
 *
 * Entry points are a contract: state keeps the text that requires them (the engine re-runs stored text for
 * refresh and destroy, and a `diff` without changes never replaces it). Keep both exporting the same functions:
 * - v1 (stored before 0.1.0 was packaged): `<root>/lib/pulumi/dr-operations.ts` through tsx's CommonJS hook,
 *   root = `STARROCKS_DR_PROJECT_ROOT` or the host's working directory (test/pulumi/fixtures/provider-v1.js);
 * - v2 (this text): `build/lib/pulumi/dr-operations.js` under the package root.
 */
import type * as pulumi from '@pulumi/pulumi';
import type * as Operations from './dr-operations';

// Not exported, on purpose: compiled code reads an exported constant through the module's `exports`, and the
// serializer captures a module under node_modules as `require('<its path>')`, which the package's `exports` map
// (and a host without this package on its path) refuses. Plain constants are copied into the text.
/** The package this provider loads its implementation from. */
const PACKAGE_NAME = 'starrocks-dr';
/** The v2 entry point, relative to the package root (compiled by `npm run build`, shipped in the package). */
const OPERATIONS_ENTRY = ['build', 'lib', 'pulumi', 'dr-operations.js'] as const;

function operations(): typeof Operations {
  const path = require('node:path') as typeof import('node:path');
  const fs = require('node:fs') as typeof import('node:fs');
  const isPackage = (dir: string): boolean => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === PACKAGE_NAME;
    } catch {
      return false;
    }
  };
  let root = process.env.STARROCKS_DR_PROJECT_ROOT || '';
  for (let dir = process.cwd(); !root; dir = path.dirname(dir)) {
    if (isPackage(dir)) root = dir;
    else if (isPackage(path.join(dir, 'node_modules', PACKAGE_NAME))) root = path.join(dir, 'node_modules', PACKAGE_NAME);
    else if (path.dirname(dir) === dir) {
      throw new Error(
        `the DisasterRecovery provider cannot find the ${PACKAGE_NAME} package: it looks upward from ${process.cwd()} ` +
          `(the directory of the Pulumi program's main, where the engine starts the provider) for a package.json named ${PACKAGE_NAME} ` +
          `or node_modules/${PACKAGE_NAME}. Fix: npm install ${PACKAGE_NAME} in the Pulumi project that holds main, ` +
          'or set STARROCKS_DR_PROJECT_ROOT to the folder of the package',
      );
    }
  }
  const file = path.join(root, ...OPERATIONS_ENTRY);
  if (!fs.existsSync(file)) {
    throw new Error(
      `the DisasterRecovery provider found ${PACKAGE_NAME} in ${root} but not its compiled code ${file}. ` +
        `Fix: run npm run build in ${root} (npm ci runs it)`,
    );
  }
  return require(file) as typeof Operations;
}

/**
 * Rethrows a stopped run so the engine keeps the partial resource (`id` + `properties` ─▶ ErrorResourceInitFailed).
 * The host sends `properties` as they are (dynamic-provider/index.ts:464) and the engine stores them as the
 * resource's outputs, which `read` and `delete` receive later: they must carry `__provider`, or refresh and
 * destroy cannot load any provider.
 */
function rethrow(e: unknown, inputs: { readonly __provider?: unknown }): never {
  if (e instanceof Error && (e as { id?: string }).id) {
    const err = e as Error & { id: string; properties: Record<string, unknown>; reasons: string[] };
    const properties = typeof inputs.__provider === 'string' ? { ...err.properties, __provider: inputs.__provider } : err.properties;
    throw Object.assign(new Error(err.message), { id: err.id, properties, reasons: err.reasons });
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
      return rethrow(e, inputs as { __provider?: unknown });
    }
  },

  async update(_id: string, olds: Operations.DrOutputs, news: Operations.DrInputs) {
    try {
      const { outs } = await operations().updateDr(olds, news);
      return { outs };
    } catch (e) {
      return rethrow(e, news as { __provider?: unknown });
    }
  },

  async read(id: string, props: Operations.DrOutputs) {
    return operations().readDr(id, props);
  },

  async delete(_id: string, props: Operations.DrOutputs) {
    await operations().deleteDr(props);
  },
};

/**
 * The dynamic provider of `RecoveryVerification` (the rollout checks after the full topology): the same loading
 * rules as `disasterRecoveryProvider`, and the same contract for its entry points (dr-operations.ts).
 */
export const recoveryVerificationProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Operations.RolloutVerifyInputs, news: Operations.RolloutVerifyInputs) {
    return operations().checkRolloutVerify(news);
  },

  async diff(_id: string, olds: Operations.RolloutVerifyOutputs, news: Operations.RolloutVerifyInputs) {
    return operations().diffRolloutVerify(olds, news);
  },

  async create(inputs: Operations.RolloutVerifyInputs) {
    try {
      return await operations().verifyRollout(inputs);
    } catch (e) {
      return rethrow(e, inputs as { __provider?: unknown });
    }
  },

  async update(_id: string, _olds: Operations.RolloutVerifyOutputs, news: Operations.RolloutVerifyInputs) {
    try {
      const { outs } = await operations().verifyRollout(news);
      return { outs };
    } catch (e) {
      return rethrow(e, news as { __provider?: unknown });
    }
  },

  // read keeps what the last check saw (the record's Verified condition is read by the DisasterRecovery resource);
  // delete removes nothing: the record belongs to the recovery.
  async read(id: string, props: Operations.RolloutVerifyOutputs) {
    return { id, props };
  },

  async delete() {},
};
