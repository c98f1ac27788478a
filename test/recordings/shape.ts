/**
 * Field-by-field comparison of pod statuses: every leaf as a path (list items keyed the way the API keys them:
 * conditions by type, container statuses by name, IP lists by position) with its JSON type, and the values that
 * are enumerations (phase, condition status and reason, container state reasons, ready, started, QoS class).
 */
import { isDeepStrictEqual } from 'node:util';

interface Leaf {
  readonly type: string;
  readonly value: unknown;
}

function keyOf(path: string, item: any, i: number): string {
  if (path.endsWith('.conditions')) return `[type=${item?.type}]`;
  if (/\.(containerStatuses|initContainerStatuses)$/.test(path)) return `[name=${item?.name}]`;
  return `[${i}]`;
}

export function leaves(value: any, path = 'status', out = new Map<string, Leaf>()): Map<string, Leaf> {
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}${keyOf(path, v, i)}`, out));
  else if (value !== null && typeof value === 'object') {
    if (!Object.keys(value).length) out.set(path, { type: 'object', value: {} });
    for (const [k, v] of Object.entries(value)) leaves(v, `${path}.${k}`, out);
  } else out.set(path, { type: value === null ? 'null' : typeof value, value });
  return out;
}

/** Paths whose values must agree, not only their types. */
const ENUM = /(\.phase|\.qosClass|\.type|\]\.status|\.reason|\.ready|\.started)$/;

export interface ShapeDiff {
  /** In the recording, not in the simulator. */
  readonly missing: string[];
  /** In the simulator, not in the recording. */
  readonly extra: string[];
  /** Present in both with another JSON type. */
  readonly typeDiffers: string[];
  /** Enumerated values that differ: `path: recorded -> simulated`. */
  readonly valueDiffers: string[];
}

export function compareStatus(recorded: any, simulated: any): ShapeDiff {
  const r = leaves(recorded);
  const s = leaves(simulated);
  const both = [...r.keys()].filter((p) => s.has(p));
  return {
    missing: [...r.keys()].filter((p) => !s.has(p)),
    extra: [...s.keys()].filter((p) => !r.has(p)),
    typeDiffers: both.filter((p) => s.get(p)!.type !== r.get(p)!.type),
    valueDiffers: both.filter((p) => ENUM.test(p) && !isDeepStrictEqual(r.get(p)!.value, s.get(p)!.value)).map((p) => `${p}: ${JSON.stringify(r.get(p)!.value)} -> ${JSON.stringify(s.get(p)!.value)}`),
  };
}
