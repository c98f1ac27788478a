/**
 * Helm's merge rules for values, as pure functions.
 *
 * `helm install -f a.yaml -f b.yaml` first merges the user files in order (maps deep-merge; lists and scalars from
 * the later file replace; a `null` is kept, so it can later delete a chart default), then coalesces the result over
 * the chart's values.yaml, where a user `null` removes the key altogether.
 */
import { isPlainObject } from '../checks';
import type { ValuesNode, ValuesTree } from './chart-defaults';

/** Merges user values files the way Helm does (`mergeMaps`): later files win, maps merge key by key, nulls stay. */
export function mergeUserValues(trees: readonly ValuesTree[]): ValuesTree {
  let out: ValuesTree = {};
  for (const tree of trees) out = mergeTwo(out, tree);
  return out;
}

function mergeTwo(base: ValuesTree, over: ValuesTree): ValuesTree {
  const out: Record<string, ValuesNode> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeTwo(prev as ValuesTree, value as ValuesTree) : value;
  }
  return out;
}

/**
 * Coalesces user values over chart defaults (Helm's `coalesceValues`): a user `null` deletes the key, maps merge,
 * anything else from the user replaces the default. Keys only in the defaults are kept.
 */
export function coalesceOverDefaults(user: ValuesTree, defaults: ValuesTree): ValuesTree {
  const out: Record<string, ValuesNode> = {};
  for (const [key, value] of Object.entries(defaults)) out[key] = value;
  for (const [key, value] of Object.entries(user)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    const base = out[key];
    out[key] = isPlainObject(base) && isPlainObject(value) ? coalesceOverDefaults(value as ValuesTree, base as ValuesTree) : stripNulls(value);
  }
  return out;
}

/** Nulls inside a user map that has no default counterpart are dropped too (Helm deletes them while coalescing). */
function stripNulls(value: ValuesNode): ValuesNode {
  if (!isPlainObject(value)) return value;
  const out: Record<string, ValuesNode> = {};
  for (const [key, child] of Object.entries(value as ValuesTree)) if (child !== null) out[key] = stripNulls(child);
  return out;
}
