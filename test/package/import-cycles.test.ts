/**
 * No import circles in lib/ (shared/style.md: dependencies one way). Every relative import of every lib/**.ts file,
 * type-only imports and re-exports included, read with TypeScript's own pre-processor; the circles are the strongly
 * connected components of that graph (Tarjan). `dpdm` finds the same (`npx dpdm -T false --no-tree lib/index.ts ...`).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const LIB = path.join(__dirname, '..', '..', 'lib');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((f) => existsSync(f));
}

function circles(files: readonly string[]): string[][] {
  const edges = new Map(files.map((f) => [f, ts.preProcessFile(readFileSync(f, 'utf8'), true, true).importedFiles.map((i) => resolve(f, i.fileName)).filter((x): x is string => x !== undefined)]));
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(scc.map((f) => path.relative(LIB, f)).sort());
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  return out;
}

test('lib/ has no import circle', () => {
  const found = circles(sources(LIB)).map((c) => c.join(' -> ')).sort();
  assert.deepEqual(found, []);
});
