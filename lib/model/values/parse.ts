/**
 * Parsing one values file with the `yaml` package, keeping enough to point at a line when a key is wrong.
 *
 * Helm reads values with YAML 1.1 rules (`yes`/`on` are booleans), so we do too; timestamps and base-60 numbers,
 * which YAML 1.1 also knows, stay strings so a tag such as `2024-01-01` is not turned into a date.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { StarRocksDrError } from '../../errors';
import { isPlainObject } from '../checks';
import type { ValuesTree } from './chart-defaults';

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
    uniqueKeys: true,
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
  const js: unknown = doc.toJS({ maxAliasCount: 1000 });
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
