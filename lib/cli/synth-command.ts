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
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { StarRocksClusterChart } from '../constructs';
import { namespaceOf } from '../dr/plan';
import { addGitOpsAnnotations, kustomizationYaml, KUSTOMIZATION_FILE, nextForm, objectFileName, removeStaleFiles, renderOperatorResources, type GitOpsEngine } from '../gitops';
import type { KubeClient } from '../kube/client';
import type { DrPhaseForm, StarRocksClusterSpec } from '../model/types';
import { collect, loadInput, parseGeneration, withGeneration } from './inputs';

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
  app.synth();
  if (layout === 'file') return [`${spec.name}.k8s.yaml`];
  const dir = join(opts.outdir, spec.name);
  const files = chart.toJson().map((o: { kind: string; metadata: { name: string } }) => objectFileName(o));
  if (opts.kustomize) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, KUSTOMIZATION_FILE), kustomizationYaml(files));
    files.push(KUSTOMIZATION_FILE);
  }
  removeStaleFiles(dir, files);
  return files.map((f) => `${spec.name}/${f}`);
}

/** `--dr-phase auto`: the form that comes next for the recorded status of the cluster. */
export async function autoForm(spec: StarRocksClusterSpec, conn: { kubeconfig?: string; context?: string; namespace?: string; client?: KubeClient }): Promise<{ form: DrPhaseForm; reason: string }> {
  // Loaded on demand: only --dr-phase auto talks to a cluster.
  const { KubeClient } = require('../kube/client') as typeof import('../kube/client');
  const { readStatus } = require('../dr/executor') as typeof import('../dr/executor');
  const client = conn.client ?? KubeClient.connect({ kubeconfig: conn.kubeconfig, context: conn.context });
  const recorded = await readStatus(client, spec.name, namespaceOf(spec, conn.namespace));
  const dr = spec.disasterRecovery;
  return nextForm({ enabled: dr?.enabled ?? false, generation: dr?.generation, recorded });
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
  gitops?: 'argocd' | 'flux' | 'both';
  target: Target;
}

export function synthCommand(): Command {
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
    .option('--context <name>', 'with --dr-phase auto: kubeconfig context (default: the current context)')
    .addOption(new Option('--gitops <engine>', 'add the annotations that keep CN/BE from being pruned while the restore form is committed (and Argo CD sync waves)').choices(['argocd', 'flux', 'both']))
    .addOption(new Option('--target <target>', 'cluster: the Kubernetes objects; operator: the StarRocksCluster custom resource and its ConfigMaps/Secrets, for the StarRocks operator').choices(['cluster', 'operator']).default('cluster'))
    .action(async (flags: SynthFlags) => {
      const { spec: loaded, notices } = loadInput(flags.values);
      for (const n of notices) process.stderr.write(`notice: ${n}\n`);
      const spec = withGeneration(loaded, flags.generation);
      let form: DrPhaseForm;
      if (flags.target === 'operator' && flags.drPhase !== 'full') {
        process.stderr.write('notice: --dr-phase is ignored with --target operator: the operator runs the recovery from spec.disasterRecovery\n');
        form = 'full';
      } else if (flags.drPhase === 'auto') {
        const next = await autoForm(spec, flags);
        process.stderr.write(`notice: --dr-phase auto: ${next.form} form (${next.reason})\n`);
        form = next.form;
      } else form = flags.drPhase;
      const gitops: GitOpsEngine[] = flags.gitops === 'both' ? ['argocd', 'flux'] : flags.gitops ? [flags.gitops] : [];
      const files = synthToDir(spec, { outdir: flags.out, namespace: flags.namespace, layout: flags.layout, kustomize: flags.kustomize, form, gitops, target: flags.target });
      for (const f of files) process.stdout.write(`${join(flags.out, f)}\n`);
    });
}
