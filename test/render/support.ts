/** Lookups over rendered objects for the tests. */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../lib/render/kube-object';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any;

export function find(objects: readonly KubeObject[], kind: string, name: string): Any {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  assert.equal(found.length, 1, `expected exactly one ${kind}/${name}, found ${found.length}`);
  return found[0];
}

export function mainContainer(sts: Any): Any {
  return sts.spec.template.spec.containers[0];
}

/** FNV-32a written out again here, so the expected hashes do not come from the code under test. */
export function fnv32aRef(text: string): number {
  let h = 2166136261;
  for (const b of new TextEncoder().encode(text)) h = Number((BigInt((h ^ b) >>> 0) * 16777619n) % 4294967296n);
  return h;
}
