/**
 * Loading kube-starrocks values files into a validated spec: parse each file, check its keys and types, merge the
 * files as `helm install -f a -f b` does, coalesce over the chart defaults, map to the CRD-shaped spec, validate.
 * The first problem throws a `StarRocksDrError` naming the file, the key path and the line; nothing partial is
 * ever returned.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { StarRocksDrError } from '../../errors';
import { projectRoot } from '../../project-root';
import { isPlainObject, showKey } from '../checks';
import type { StarRocksClusterSpec } from '../types';
import { checkSpec, formatPath, type FailFn, type SpecPath } from '../validate';
import type { OperatorVersion } from '../operator-version';
import { chartDefaults, type ValuesTree } from './chart-defaults';
import { coalesceOverDefaults, mergeUserValues } from './merge';
import { parseValuesText, type ParsedValues } from './parse';
import { firstIssue, type Segment } from './values-schema';
import { COMPONENTS, valuesToSpec } from './to-spec';

/** What the loader returns. */
export interface LoadResult {
  readonly spec: StarRocksClusterSpec;
  /** Things the user should know that are not errors (ignored operator values, ignored components, ...). */
  readonly notices: string[];
  /**
   * Reports a problem that a later check (validateForRoute) finds at a spec path, in the values files' words:
   * the file that set the key, the chart key path and its line. Never returns.
   */
  readonly failAt: FailFn;
}

/** One values text and the name to report it under. */
export interface ValuesSource {
  readonly file: string;
  readonly text: string;
}

const REPO_ROOT = projectRoot(__dirname);
/** Absolute path of the reference values file shipped with the project. */
export const BUILTIN_EXAMPLE_VALUES: string = path.join(REPO_ROOT, 'examples', 'starrocks-values.yaml');
/** Absolute path of the reference disaster-recovery override (snapshot ConfigMap, FE mount, DR generation 1). */
export const BUILTIN_EXAMPLE_DR_OVERRIDE: string = path.join(REPO_ROOT, 'examples', 'override.yaml');

/** Options of the loader. */
export interface LoadOptions {
  /**
   * The operator line to render for: picks the chart defaults of that release and refuses settings it does not
   * render; recorded in the spec as `operatorVersion`.
   * @default - the newest line, not recorded in the spec
   */
  readonly operatorVersion?: OperatorVersion;
}

/** Reads and loads values files, later files winning, like `helm install -f a -f b`. */
export function loadValuesFiles(paths: readonly string[], opts: LoadOptions = {}): LoadResult {
  const sources = paths.map((p): ValuesSource => ({ file: p, text: readInputFile(p, 'values file', 'check the path given with -f (it is relative to the current directory)') }));
  return loadValuesTexts(sources, opts);
}

/**
 * Reads a text input of at most `MAX_INPUT_BYTES`, without ever holding more (`-f /dev/zero` or a FIFO stops at the
 * cap instead of growing without bound). Errors name the file, never its content.
 */
export function readInputFile(file: string, what: string, fix: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT' ? 'file not found'
      : code === 'EISDIR' ? 'is a directory, not a file'
      : code === 'ENAMETOOLONG' ? 'has a name longer than the file system allows'
      : code === 'EACCES' ? 'cannot be read (permission denied)'
      : `cannot be read (${code ?? 'unknown error'})`;
    throw new StarRocksDrError('InvalidInput', problem, { field: what, file: shortName(file), fix, cause });
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, MAX_INPUT_BYTES + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        throw new StarRocksDrError('InvalidInput', code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${code ?? 'unknown error'})`, { field: what, file: shortName(file), fix, cause });
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > MAX_INPUT_BYTES) {
        throw new StarRocksDrError('InvalidInput', `is larger than ${MAX_INPUT_BYTES / MIB} MiB, the most this tool reads`, {
          field: what,
          file: shortName(file),
          fix: `give a values file under ${MAX_INPUT_BYTES / MIB} MiB (a Kubernetes object cannot hold more than 1 MiB of data anyway)`,
        });
      }
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** A file name as errors show it: very long names are shortened so the message stays one readable line. */
function shortName(file: string): string {
  return file.length > 200 ? `${file.slice(0, 100)}…${file.slice(-60)}` : file;
}

const MIB = 1024 * 1024;
/** The largest input file read (values files): far above any real values file, far below a memory problem. */
export const MAX_INPUT_BYTES = 4 * MIB;

type Layout = 'umbrella' | 'subchart';
const UMBRELLA_KEYS = ['starrocks', 'operator', 'global'];

/** Loads values given as text (`file` is only used in messages). */
export function loadValuesTexts(sources: readonly ValuesSource[], opts: LoadOptions = {}): LoadResult {
  const notices: string[] = [];
  const parsed = sources.map((s) => parseValuesText(s.file, s.text));
  const layout = detectLayout(parsed);
  const prefix: Segment[] = layout === 'umbrella' ? ['starrocks'] : [];

  const fail = (file: ParsedValues | undefined, at: readonly Segment[], problem: string, fix: string): never => {
    const full = [...prefix, ...at];
    const line = file?.lineOf(full);
    throw new StarRocksDrError('InvalidInput', line === undefined ? problem : `line ${line}: ${problem}`, {
      field: formatPath(full.map(showKey)),
      fix,
      ...(file && { file: file.file }),
    });
  };
  /** The last file that set `at`, or the deepest part of it that any file set. */
  const origin = (at: readonly Segment[]): ParsedValues | undefined => {
    for (let depth = at.length; depth > 0; depth--) {
      for (let i = parsed.length - 1; i >= 0; i--) {
        if (hasPath(chartPart(parsed[i]!, layout), at.slice(0, depth))) return parsed[i];
      }
    }
    return parsed[parsed.length - 1];
  };
  const failAt = (at: readonly Segment[], problem: string, fix: string): never => fail(origin(at), at, problem, fix);

  const userTrees: ValuesTree[] = [];
  for (const file of parsed) {
    if (layout === 'umbrella') {
      const op = file.tree.operator;
      if (op !== undefined && op !== null) {
        if (!isPlainObject(op)) fail(file, [], '`operator` must be a map', 'write operator values as a map, or remove them');
        notices.push(`${file.file}: operator values are ignored: starrocks-dr renders the cluster itself, without the StarRocks operator`);
      }
      if (file.tree.global !== undefined && file.tree.global !== null) notices.push(`${file.file}: \`global\` values are ignored`);
    }
    const tree = chartPart(file, layout);
    const issue = firstIssue(tree);
    if (issue) fail(file, issue.path, issue.problem, issue.fix);
    userTrees.push(tree);
  }

  const user = mergeUserValues(userTrees);
  const values = coalesceOverDefaults(user, chartDefaults(opts.operatorVersion));
  const spec = valuesToSpec(values, { fail: failAt, notice: (m) => notices.push(m), user, operatorVersion: opts.operatorVersion });
  const failAtSpecPath: FailFn = (specPath, problem, fix) => failAt(toValuesPath(specPath, values), problem, fix);
  checkSpec(spec, failAtSpecPath);
  return { spec, notices, failAt: failAtSpecPath };
}

function detectLayout(files: readonly ParsedValues[]): Layout {
  let first: { layout: Layout; file: string } | undefined;
  for (const f of files) {
    const keys = Object.keys(f.tree);
    const umbrella = keys.filter((k) => UMBRELLA_KEYS.includes(k));
    const subchart = keys.filter((k) => !UMBRELLA_KEYS.includes(k));
    if (umbrella.some((k) => k !== 'global') && subchart.length > 0) {
      throw new StarRocksDrError('InvalidInput', `mixes the umbrella layout (\`${umbrella[0]}:\`) with subchart keys (\`${subchart[0]}:\`) at the top level`, {
        field: subchart[0]!,
        file: f.file,
        fix: `move \`${subchart[0]}\` under \`starrocks:\` (kube-starrocks chart) or drop the \`starrocks:\`/\`operator:\` level (starrocks chart)`,
      });
    }
    const layout: Layout | undefined = umbrella.some((k) => k !== 'global') ? 'umbrella' : subchart.length > 0 ? 'subchart' : undefined;
    if (!layout) continue;
    if (first && first.layout !== layout) {
      throw new StarRocksDrError('InvalidInput', `uses the ${layout} layout but ${first.file} uses the ${first.layout} layout`, {
        field: layout === 'umbrella' ? umbrella[0]! : subchart[0]!,
        file: f.file,
        fix: 'write every values file for the same chart: all with `starrocks:` at the top (kube-starrocks) or all without it (starrocks subchart)',
      });
    }
    first ??= { layout, file: f.file };
  }
  return first?.layout ?? 'umbrella';
}

/** The part of a file that holds the starrocks chart's values. */
function chartPart(file: ParsedValues, layout: Layout): ValuesTree {
  if (layout === 'subchart') {
    const { global: _global, ...rest } = file.tree;
    return rest;
  }
  const part = file.tree.starrocks;
  if (part === undefined || part === null) return {};
  if (!isPlainObject(part)) {
    throw new StarRocksDrError('InvalidInput', '`starrocks` must be a map of the starrocks chart values', {
      field: 'starrocks',
      file: file.file,
      fix: 'indent the chart values under `starrocks:`',
    });
  }
  return part as ValuesTree;
}

function hasPath(tree: unknown, at: readonly Segment[]): boolean {
  let node: unknown = tree;
  for (const seg of at) {
    if (Array.isArray(node) && typeof seg === 'number') node = node[seg];
    else if (isPlainObject(node) && typeof seg === 'string' && seg in node) node = node[seg];
    else return false;
  }
  return true;
}

const SPEC_TO_VALUES: Record<string, string> = Object.fromEntries(
  Object.values(COMPONENTS).map((c) => [c.spec, c.values]),
);

/** Maps a CRD-shaped spec path back to the chart key the user wrote (`starRocksFeSpec.envVars` -> `starrocksFESpec.feEnvVars`). */
function toValuesPath(p: SpecPath, values: ValuesTree): Segment[] {
  const [head, ...rest] = p;
  if (head === 'name') return truthy(values, 'starrocksCluster', 'name') ? ['starrocksCluster', 'name'] : ['nameOverride'];
  if (head === 'namespace' || head === 'annotations' || head === 'disasterRecovery') return ['starrocksCluster', head, ...rest];
  if (typeof head === 'string' && SPEC_TO_VALUES[head]) {
    const comp = SPEC_TO_VALUES[head]!;
    const [field, ...more] = rest;
    const env = Object.values(COMPONENTS).find((c) => c.values === comp)!.env;
    if (field === 'envVars') return [comp, env];
    if (field === 'image') return [comp, 'image'];
    if (field === 'storageVolumes') return [comp, 'storageSpec', ...(more[1] === 'name' ? ['name'] : [])];
    if (field === 'sidecars') return [comp, truthy(values, comp, 'sidecarsMap') ? 'sidecarsMap' : 'sidecars', ...more.slice(1)];
    if (field === 'service' && more[0] === 'loadBalancerIP') return [comp, 'service', 'loadbalancerIP'];
    return [comp, ...(field === undefined ? [] : [field]), ...more];
  }
  return p.slice() as Segment[];
}

function sub(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? v : {};
}

function truthy(tree: ValuesTree, ...at: string[]): boolean {
  let node: unknown = tree;
  for (const seg of at) node = sub(node)[seg];
  return node !== undefined && node !== null && node !== '';
}
