/**
 * `starrocks-dr synth`: values files ─▶ manifests, through the same cdk8s chart `cdk8s synth` uses, so both write
 * byte-identical YAML. Layouts:
 * - `file` (default): `<out>/<cluster>.k8s.yaml`, every object one YAML document, in apply order;
 * - `objects`: `<out>/<cluster>/<Kind>.<name>.k8s.yaml`, one file per object (GitOps-friendly diffs), plus
 *   `kustomization.yaml` listing them in apply order when `--kustomize` is given. Files a previous synth wrote for
 *   objects that are gone are removed, so the folder is exactly the tree (git shows the deletions).
 * `--gitops argocd|flux|both` adds the annotations that make committing the restore form safe (lib/gitops).
 * `--dr-phase auto` reads the recorded recovery status from the cluster and writes the form that comes next.
 * `--target operator` writes the StarRocksCluster custom resource and its ConfigMaps/Secrets instead.
 * Nothing is written when the input is invalid.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { StarRocksClusterChart } from '../constructs';
import { namespaceOf } from '../dr/plan';
import { addGitOpsAnnotations, GITOPS_ENGINES, kustomizationYaml, KUSTOMIZATION_FILE, nextForm, objectFileName, removeStaleFiles, renderOperatorResources, type GitOpsEngine } from '../gitops';
import type { V1StatefulSet } from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client';
import { validateForRoute, type RouteValidation } from '../dr/preflight';
import { componentResourceName } from '../render/names';
import type { CliDeps } from './deps';
import { StarRocksDrError } from '../errors';
import type { DrPhaseForm, OperatorVersion, StarRocksClusterSpec } from '../model/types';
import { collect, loadInput, parseOperatorVersionFlag, parseGeneration } from './inputs';

/** The longest file name most file systems take (ext4, APFS, NTFS: 255 bytes). */
const MAX_FILE_NAME_BYTES = 255;

function outputError(dir: string, problem: string, fix: string, cause?: unknown): StarRocksDrError {
  return new StarRocksDrError('InvalidInput', problem, { field: '-o/--out', file: dir.length > 200 ? `${dir.slice(0, 100)}…${dir.slice(-60)}` : dir, fix, cause });
}

/** Errors of the file system that the user's `-o` causes (not a bug): an input error naming the folder. */
function fsInputError(dir: string, cause: unknown): StarRocksDrError | undefined {
  const code = (cause as NodeJS.ErrnoException).code;
  const fix = 'give -o a folder you can write to (it is created when missing)';
  switch (code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return outputError(dir, 'is a file, or lies under a file, not a folder', fix, cause);
    case 'EISDIR':
      return outputError(dir, 'holds a folder where an output file goes', 'remove that folder or choose another -o', cause);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'ENOENT': // a parent that cannot hold folders (e.g. under /proc)
      return outputError(dir, 'cannot be written (permission denied or a read-only file system)', fix, cause);
    case 'ENAMETOOLONG':
      return outputError(dir, 'is a path longer than the file system allows', 'give a shorter -o path', cause);
    default:
      return undefined;
  }
}

/**
 * `mkdir -p` one level at a time. Node's recursive mkdirSync never returns for a parent that exists but refuses
 * children with ENOENT (under /proc): it retries the parent, gets EEXIST, and tries the child again, forever.
 */
function createFolders(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d);
}

/** Creates the output folder (or checks the existing one) before anything is written into it. */
function prepareOutDir(dir: string): void {
  if (dir.trim() === '') throw outputError(dir, 'is empty', 'give -o a folder, e.g. -o dist');
  try {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    if (!st) createFolders(dir);
    accessSync(dir, constants.W_OK);
  } catch (cause) {
    throw fsInputError(dir, cause) ?? cause;
  }
}

export type Layout = 'file' | 'objects';

/** What to synthesize: the Kubernetes objects themselves, or the operator's custom resource. */
export type Target = 'cluster' | 'operator';

export interface SynthOptions {
  readonly outdir: string;
  readonly namespace?: string;
  readonly layout?: Layout;
  readonly kustomize?: boolean;
  /** @default 'full' */
  readonly form?: DrPhaseForm;
  /** GitOps engines whose annotations to add (target `cluster`). @default - none */
  readonly gitops?: readonly GitOpsEngine[];
  /** @default 'cluster' */
  readonly target?: Target;
}

/** Synthesize one cluster into `outdir`; returns the files written, relative to `outdir`. */
export function synthToDir(spec: StarRocksClusterSpec, opts: SynthOptions): string[] {
  const layout = opts.layout ?? 'file';
  const app = new App({
    outdir: opts.outdir,
    yamlOutputType: layout === 'objects' ? YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE : YamlOutputType.FILE_PER_CHART,
  });
  let chart: Chart;
  if ((opts.target ?? 'cluster') === 'operator') {
    chart = new Chart(app, spec.name, { namespace: opts.namespace });
    renderOperatorResources(spec, { namespace: namespaceOf(spec, opts.namespace) }).forEach((obj) => new ApiObject(chart, `${obj.kind}-${obj.metadata.name}`, obj));
  } else {
    const clusterChart = new StarRocksClusterChart(app, spec.name, { spec, namespace: opts.namespace, form: opts.form });
    addGitOpsAnnotations(clusterChart.cluster, spec, opts.gitops ?? []);
    chart = clusterChart;
  }
  // Only the objects layout needs the objects before app.synth() (their file names); toJson() is a whole synth pass.
  const objects = layout === 'objects' ? (chart.toJson() as Array<{ kind: string; metadata: { name: string } }>) : [];
  const files = objects.map((o) => objectFileName(o));
  const tooLong = objects.find((o, i) => layout === 'objects' && Buffer.byteLength(files[i]!) > MAX_FILE_NAME_BYTES);
  if (tooLong) {
    throw new StarRocksDrError('InvalidInput', `the file name for ${tooLong.kind}/${tooLong.metadata.name} would exceed the ${MAX_FILE_NAME_BYTES} bytes a file system allows`, {
      field: '--layout objects',
      fix: `shorten that object's name (to at most ${MAX_FILE_NAME_BYTES - tooLong.kind.length - 10} characters), or use --layout file`,
    });
  }
  prepareOutDir(opts.outdir);
  try {
    app.synth();
    if (layout === 'file') return [`${spec.name}.k8s.yaml`];
    const dir = join(opts.outdir, spec.name);
    if (opts.kustomize) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, KUSTOMIZATION_FILE), kustomizationYaml(files));
      files.push(KUSTOMIZATION_FILE);
    }
    removeStaleFiles(dir, files);
    return files.map((f) => `${spec.name}/${f}`);
  } catch (cause) {
    throw fsInputError(opts.outdir, cause) ?? cause;
  }
}

/** A client for `--dr-phase auto` (loaded on demand: only auto talks to a cluster). */
function connect(conn: { kubeconfig?: string; context?: string }, deps: CliDeps): KubeClient {
  const { KubeClient } = require('../kube/client') as typeof import('../kube/client');
  return (deps.connect ?? KubeClient.connect)({ kubeconfig: conn.kubeconfig, context: conn.context });
}

/** The snapshot path the record pins for the spec's generation, if its recovery has started (read only). */
async function readPinnedSnapshotPath(client: KubeClient, spec: StarRocksClusterSpec, namespace: string | undefined): Promise<string | undefined> {
  const { readRecord } = require('../dr/status-record') as typeof import('../dr/status-record');
  const { pinnedSnapshotPath } = require('../dr/snapshot-pin') as typeof import('../dr/snapshot-pin');
  return pinnedSnapshotPath(await readRecord(client, spec.name, namespaceOf(spec, namespace)), spec.disasterRecovery?.generation);
}

/** `--dr-phase auto`: the form that comes next for the recorded status of the cluster (what `checked` validated). */
export async function autoForm(
  checked: RouteValidation,
  conn: { kubeconfig?: string; context?: string; client?: KubeClient; forceRestore?: boolean },
  deps: CliDeps = {},
): Promise<{ form: DrPhaseForm; reason: string }> {
  // Loaded on demand: only --dr-phase auto talks to a cluster. It only reads (no lease: it changes nothing).
  const { observe, observedIdentity } = require('../dr/observe') as typeof import('../dr/observe');
  const { spec } = checked;
  const client = conn.client ?? connect(conn, deps);
  const { namespace } = checked.rendered;
  const seen = await observe(client, spec.name, namespace);
  // Which claims hold the FE metadata: the live StatefulSet's templates, else the ones the tree would create (as dr run).
  const feName = componentResourceName(spec.name, 'fe');
  const renderedFe = checked.rendered.objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === feName) as V1StatefulSet | undefined;
  const dr = spec.disasterRecovery;
  const next = nextForm({
    enabled: dr?.enabled ?? false,
    generation: dr?.generation,
    recorded: seen.record?.status,
    live: { cluster: spec.name, record: seen.record, feStatefulSet: seen.feStatefulSet, identity: observedIdentity(seen, renderedFe), force: !!conn.forceRestore },
  });
  if (next.form === 'restore') {
    // What only the cluster holds: a snapshot file in an existing ConfigMap/Secret is checked as dr run checks it.
    const { planRecoveryLive } = require('../dr/plan') as typeof import('../dr/plan');
    await planRecoveryLive(client, checked);
  }
  return next;
}

interface SynthFlags {
  values?: string[];
  out: string;
  namespace?: string;
  layout: Layout;
  kustomize?: boolean;
  generation?: number;
  drPhase: DrPhaseForm | 'auto';
  kubeconfig?: string;
  context?: string;
  forceRestore?: boolean;
  gitops?: 'argocd' | 'flux' | 'both';
  target: Target;
  operatorVersion?: OperatorVersion;
  snapshot?: string;
  clusterId?: string;
}

export function synthCommand(deps: CliDeps = {}): Command {
  return new Command('synth')
    .description('render the cluster from kube-starrocks values files into Kubernetes manifests')
    .option('-f, --values <file>', 'a kube-starrocks values file; repeat to merge like helm -f a -f b (default: the built-in reference example)', collect)
    .option('-o, --out <dir>', 'output folder', 'dist')
    .option('-n, --namespace <ns>', "namespace of every object (default: the values' starrocksCluster.namespace, else default)")
    .addOption(new Option('--layout <layout>', 'file: one multi-document file per cluster; objects: one file per object').choices(['file', 'objects']).default('file'))
    .option('--kustomize', 'with --layout objects: also write kustomization.yaml')
    .addOption(
      new Option('--dr-phase <form>', 'full: the normal topology; restore: the disaster-recovery restore topology (FE only, restore env); auto: read the recorded status from the cluster and write the form that comes next')
        .choices(['full', 'restore', 'auto'])
        .default('full'),
    )
    .option('--generation <n>', 'override disasterRecovery.generation', parseGeneration)
    .option('--kubeconfig <file>', 'with --dr-phase auto: kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--force-restore', 'with --dr-phase auto: write the restore form even over a cluster that runs the full topology without a record, or whose record describes another cluster')
    .option('--context <name>', 'with --dr-phase auto: kubeconfig context (default: the current context)')
    .addOption(new Option('--gitops <engine>', 'add the annotations that keep CN/BE from being pruned while the restore form is committed (and Argo CD sync waves)').choices([...GITOPS_ENGINES, 'both']))
    .addOption(new Option('--target <target>', 'cluster: the Kubernetes objects; operator: the StarRocksCluster custom resource and its ConfigMaps/Secrets, for the StarRocks operator').choices(['cluster', 'operator']).default('cluster'))
    .option('--snapshot <path|name|latest>', "point the values' cluster_snapshot.yaml at this snapshot (latest: the newest finished one in its storage volume; prints the path)")
    .option('--cluster-id <id>', 'with --snapshot: which cluster, when the storage volume holds snapshots of several')
    .option('--operator-version <version>', 'render what this StarRocks operator release renders: 1.10.x or 1.11.x (default: the newest, 1.11); see lib/render/README.md for what differs', parseOperatorVersionFlag)
    .action(async (flags: SynthFlags) => {
      const input = loadInput(flags.values, undefined, { operatorVersion: flags.operatorVersion });
      // Every check on what the files say, before the cluster is asked (--dr-phase auto) or a file is written.
      const checked = validateForRoute(input.spec, {
        form: flags.target === 'operator' ? 'full' : flags.drPhase,
        generation: flags.generation,
        namespace: flags.namespace,
        failAt: input.failAt,
      });
      // With --snapshot only: lists the storage volume (lib/snapshot and the AWS SDK load then). With --dr-phase auto
      // the cluster is read first: a generation whose recovery started keeps the path pinned in its record.
      const client = flags.drPhase === 'auto' && flags.target !== 'operator' ? connect(flags, deps) : undefined;
      const pinnedPath = flags.snapshot && client ? await readPinnedSnapshotPath(client, checked.spec, flags.namespace) : undefined;
      // --snapshot points the values at another snapshot: a new spec, checked again (the pin rule: snapshot-pin.ts).
      const final = flags.snapshot
        ? validateForRoute(await (require('./snapshot-command') as typeof import('./snapshot-command')).specWithSnapshot(checked.spec, { snapshot: flags.snapshot, clusterId: flags.clusterId, pinnedPath }), { form: flags.target === 'operator' ? 'full' : flags.drPhase, namespace: flags.namespace, failAt: input.failAt })
        : checked;
      const spec = final.spec;
      // Notices (operator values ignored) and warnings (S3 keys in a ConfigMap, ...) as every command prints them.
      for (const n of input.notices) process.stderr.write(`notice: ${n}\n`);
      for (const w of checked.warnings) process.stderr.write(`warning: ${w}\n`);
      let form: DrPhaseForm;
      if (flags.target === 'operator' && flags.drPhase !== 'full') {
        process.stderr.write('notice: --dr-phase is ignored with --target operator: the operator runs the recovery from spec.disasterRecovery\n');
        form = 'full';
      } else if (flags.drPhase === 'auto') {
        const next = await autoForm(final, { ...flags, client }, deps);
        process.stderr.write(`notice: --dr-phase auto: ${next.form} form (${next.reason})\n`);
        form = next.form;
      } else form = flags.drPhase;
      const gitops: GitOpsEngine[] = flags.gitops === 'both' ? [...GITOPS_ENGINES] : flags.gitops ? [flags.gitops] : [];
      const files = synthToDir(spec, { outdir: flags.out, namespace: flags.namespace, layout: flags.layout, kustomize: flags.kustomize, form, gitops, target: flags.target });
      for (const f of files) process.stdout.write(`${join(flags.out, f)}\n`);
    });
}
