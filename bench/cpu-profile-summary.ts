/**
 * Summarises a V8 `.cpuprofile` (what `node --cpu-prof` writes) without extra tools: self time by package (or lib/
 * folder), the functions with the most self time, and the inclusive time of named steps.
 *
 *   npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [--within <function>] [--top N]
 *
 * Self time of a function: the time of the samples whose top frame it is. Inclusive time: the samples that have it
 * anywhere on the stack (counted once per sample). `within` keeps only the samples under that function (e.g. the
 * benchmark loop), so module loading is left out; garbage collection is shown apart as its share of all samples.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SummaryOptions {
  readonly top?: number;
  /** Function names whose inclusive time to show. */
  readonly steps?: readonly string[];
  /** Only samples with this function on the stack. */
  readonly within?: string;
}

/** `node_modules/cdk8s/...` -> `cdk8s`, `lib/render/x.ts` -> `lib/render`, Node's own -> `node:`, else `(vm)`. */
export function ownerOf(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const lib = /\/(lib\/[^/]+|bench)\//.exec(url);
  if (lib) return lib[1]!;
  if (url.startsWith('node:')) return 'node:';
  return url === '' ? '(vm)' : url.replace(/^file:\/\//, '');
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const m = /\/((?:lib|bench)\/.*)$/.exec(url);
  return m ? m[1]! : url;
}

export function printProfileSummary(file: string, opts: SummaryOptions = {}): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number): ProfileNode[] => {
    const out: ProfileNode[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) out.push(byId.get(cur)!);
    return out;
  };

  let total = 0;
  let gc = 0;
  let kept = 0;
  const selfByFn = new Map<string, number>();
  const selfByOwner = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const stack = stackOf(id);
    const top = stack[0]!.callFrame;
    if (top.functionName === '(garbage collector)') gc += dt;
    if (opts.within && !stack.some((n) => n.callFrame.functionName === opts.within)) return;
    kept += dt;
    add(selfByFn, `${top.functionName || '(anonymous)'}  ${shortUrl(top.url)}:${top.lineNumber + 1}`, dt);
    add(selfByOwner, ownerOf(top.url), dt);
    const seen = new Set<string>();
    for (const n of stack) {
      const name = n.callFrame.functionName;
      if (opts.steps?.includes(name) && !seen.has(name)) {
        seen.add(name);
        add(inclusive, name, dt);
      }
    }
  });
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const pct = (us: number) => `${((100 * us) / kept).toFixed(1).padStart(5)}%`;
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  const out: string[] = [];
  out.push(`profile: ${ms(total)} sampled; ${ms(kept)} ${opts.within ? `under ${opts.within}` : 'in all'}; garbage collector ${((100 * gc) / total).toFixed(1)}% of all`);
  out.push('', 'self time by package / folder:');
  for (const [k, v] of sorted(selfByOwner).slice(0, 15)) out.push(`  ${pct(v)} ${ms(v)}  ${k}`);
  out.push('', `top ${opts.top ?? 20} functions by self time:`);
  for (const [k, v] of sorted(selfByFn).slice(0, opts.top ?? 20)) out.push(`  ${pct(v)} ${ms(v)}  ${k}`);
  if (opts.steps) {
    out.push('', 'inclusive time of the steps:');
    for (const s of opts.steps) out.push(`  ${pct(inclusive.get(s) ?? 0)} ${ms(inclusive.get(s) ?? 0)}  ${s}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const file = argv.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile> [--within <function>] [--top N]');
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  printProfileSummary(file, { within: flag('--within'), top: Number(flag('--top') ?? 20) });
}
