import * as pulumi from '@pulumi/pulumi';
import { StarRocksDrError } from '../../../lib/errors';

/** The serialized form of a dynamic provider, as stored in the `__provider` property. */
export interface SerializedProvider {
  /** CommonJS module text: `exports.handler = ...`; `require(text).handler()` returns the provider. */
  readonly text: string;
  /** True when the provider captured a secret Output; the engine then stores `__provider` as a secret. */
  readonly containsSecrets: boolean;
}

/**
 * Serializes `provider` exactly as `new pulumi.dynamic.Resource(provider, ...)` does in @pulumi/pulumi 3.248
 * (`dynamic/index.js`: `serializeFunction(() => provider, { allowSecrets: true })`), and reports what it captured.
 * A provider that captures something that cannot be serialized (a socket, a native handle) throws a
 * StarRocksDrError that keeps the SDK's explanation, which names the captured variable.
 */
export async function serializeProviderDetailed(
  provider: pulumi.dynamic.ResourceProvider,
): Promise<SerializedProvider> {
  try {
    const sf = await pulumi.runtime.serializeFunction(engineFactory(provider), { allowSecrets: true });
    return { text: sf.text, containsSecrets: sf.containsSecrets };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new StarRocksDrError('InvalidInput', `cannot be serialized: ${detail}`, {
      field: 'dynamic provider',
      fix: 'capture only plain data in the provider; require client libraries and open connections inside its methods, and pass settings as inputs',
      cause: e,
    });
  }
}

/**
 * `() => provider`, with exactly the SDK's source text. The text of the serialized factory is part of the output,
 * and tsx/esbuild would print our own arrow as `()=>provider`; a Function built from a string keeps the text as is.
 */
const makeFactory = new Function('provider', 'return () => provider') as (p: unknown) => () => unknown;
function engineFactory(provider: pulumi.dynamic.ResourceProvider): () => unknown {
  return makeFactory(provider);
}

/** The `__provider` text for `provider`: what the engine hands to the dynamic-provider host. */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  return (await serializeProviderDetailed(provider)).text;
}
