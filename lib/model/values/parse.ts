/**
 * Parsing one values file with the `yaml` package, keeping enough to point at a line when a key is wrong.
 *
 * Plain scalars resolve as Helm's go-yaml v2 resolves them (go-yaml.ts): `E12` stays a string, `0o17` is 15,
 * `yes`/`on` are true, a date stays a string. `.nan`/`.inf` are refused, as Helm refuses them.
 * Aliases are bounded (an alias bomb is an input error, not an out-of-memory crash).
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Scalar } from '../../yaml';
import { StarRocksDrError } from '../../errors';
import { isPlainObject } from '../checks';
import { formatPath } from '../validate';
import type { ValuesTree } from './chart-defaults';
import { resolveGoYamlScalar } from './go-yaml';

/**
 * Most alias expansions accepted in one file. go-yaml v2 refuses "excessive aliasing" by ratio (decode.go,
 * allowedAliasRatio); a values file has no reason for more than a few hundred aliases.
 */
export const MAX_ALIAS_COUNT = 1000;

/** A parsed values file. */
export interface ParsedValues {
  readonly file: string;
  readonly tree: ValuesTree;
  /** The 1-based line of a key path in this file, or of the deepest part of it the file has; undefined if none. */
  readonly lineOf: (path: readonly (string | number)[]) => number | undefined;
}

export function parseValuesText(file: string, text: string): ParsedValues {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    schema: 'yaml-1.1',
    customTags: (tags) =>
      tags.filter((t) => {
        const tag = t as { tag?: string; format?: string };
        return tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME';
      }),
    // Duplicate keys are found in one pass below: the yaml package's own check compares every pair (quadratic).
    uniqueKeys: false,
  });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0].line ?? lineCounter.linePos(err.pos[0]).line;
    const firstLine = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new StarRocksDrError('InvalidInput', `not valid YAML: ${firstLine}`, {
      field: `line ${line}`,
      file,
      fix: 'correct the YAML syntax on that line (indentation, a missing colon or quote)',
    });
  }
  resolveLikeHelm(doc, lineCounter, file);
  refuseDuplicateKeys(doc, lineCounter, file);
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    // The yaml package throws a ReferenceError for too many alias expansions (and for an alias to nothing).
    const tooMany = /excessive alias/i.test((cause as Error).message);
    throw new StarRocksDrError('InvalidInput', tooMany ? `expands YAML aliases more than ${MAX_ALIAS_COUNT} times (an alias bomb?)` : 'has a YAML alias that cannot be resolved', {
      field: '(YAML aliases)',
      file,
      fix: tooMany ? 'write the values out instead of nesting aliases (*name) of aliases' : 'define each anchor (&name) before its aliases (*name)',
      cause,
    });
  }
  if (js !== null && js !== undefined && !isPlainObject(js)) {
    throw new StarRocksDrError('InvalidInput', 'the file must hold a map of values at the top level', {
      field: '(top level)',
      file,
      fix: 'start the file with keys such as `starrocks:` or `starrocksFESpec:`',
    });
  }
  return {
    file,
    tree: (js ?? {}) as ValuesTree,
    lineOf: (path) => lineOf(doc, lineCounter, path),
  };
}

/** Re-resolves every plain, untagged scalar (values and keys) with go-yaml v2's rules, in place. */
function resolveLikeHelm(doc: Document, lc: LineCounter, file: string): void {
  visit(doc, {
    Scalar(_key, node: Scalar, ancestors) {
      if (node.type !== 'PLAIN' || node.tag !== undefined || typeof node.value === 'symbol' || typeof node.source !== 'string') return;
      const resolved = resolveGoYamlScalar(node.source);
      if (resolved.kind === 'nonFinite') {
        const line = node.range ? lc.linePos(node.range[0]).line : undefined;
        throw new StarRocksDrError('InvalidInput', `${line === undefined ? '' : `line ${line}: `}.nan and .inf are not values Helm can read (JSON has no NaN or Infinity)`, {
          field: keyPathOf([...ancestors, node]),
          file,
          fix: 'quote the value if it is text, or write a finite number',
        });
      }
      node.value = resolved.value;
    },
  });
}

/** One error for a key written twice in one map (after resolution: `yes` and `true` are the same key, as in JSON). */
function refuseDuplicateKeys(doc: Document, lc: LineCounter, file: string): void {
  visit(doc, {
    Map(_key, node, ancestors) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isScalar(pair.key) || typeof pair.key.value === 'symbol') continue;
        const k = String(pair.key.value);
        if (k === '__proto__') {
          // A plain object would take it as its prototype: the key would vanish, and what is under it would be read elsewhere.
          throw new StarRocksDrError('InvalidInput', '`__proto__` is not a values key', { field: keyPathOf([...ancestors, node, pair]), file, fix: 'remove the `__proto__` key' });
        }
        if (seen.has(k)) {
          const line = pair.key.range ? lc.linePos(pair.key.range[0]).line : undefined;
          throw new StarRocksDrError('InvalidInput', `${line === undefined ? '' : `line ${line}: `}not valid YAML: Map keys must be unique (\`${k}\` is set twice)`, {
            field: keyPathOf([...ancestors, node, pair]),
            file,
            fix: 'keep one of the two entries',
          });
        }
        seen.add(k);
      }
    },
  });
}

/** `a.b[2].c` for a node, from its ancestors as `visit` gives them. */
function keyPathOf(chain: readonly unknown[]): string {
  const segs: (string | number)[] = [];
  for (let i = 0; i < chain.length; i++) {
    const here = chain[i];
    const next = chain[i + 1];
    if (isPair(here)) {
      if (next === here.key) break; // the scalar is a key itself
      segs.push(isScalar(here.key) ? String(here.key.value) : '?');
    } else if (isSeq(here) && next !== undefined) {
      segs.push(here.items.indexOf(next as never));
    }
  }
  return formatPath(segs);
}

function lineOf(doc: Document, lc: LineCounter, path: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      offset = (node as Node | undefined)?.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : lc.linePos(offset).line;
}
