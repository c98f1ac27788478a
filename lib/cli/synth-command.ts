/**
 * `starrocks-dr synth`: values files ─▶ manifests, through the same cdk8s chart `cdk8s synth` uses, so both write
 * byte-identical YAML. Layouts:
 * - `file` (default): `<out>/<cluster>.k8s.yaml`, every object one YAML document, in apply order;
 * - `objects`: `<out>/<cluster>/<Kind>.<name>.k8s.yaml`, one file per object (GitOps-friendly diffs), plus
 *   `kustomization.yaml` listing them in apply order when `--kustomize` is given.
 * Nothing is written when the input is invalid.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { App, YamlOutputType } from 'cdk8s';
import { StarRocksClusterChart } from '../constructs';
import type { DrPhaseForm, StarRocksClusterSpec } from '../model/types';
import { collect, loadInput, parseGeneration, withGeneration } from './inputs';

export type Layout = 'file' | 'objects';

export interface SynthOptions {
  readonly outdir: string;
  readonly namespace?: string;
  readonly layout?: Layout;
  readonly kustomize?: boolean;
  /** @default 'full' */
  readonly form?: DrPhaseForm;
}

/** Synthesize one cluster into `outdir`; returns the files written, relative to `outdir`. */
export function synthToDir(spec: StarRocksClusterSpec, opts: SynthOptions): string[] {
  const layout = opts.layout ?? 'file';
  const app = new App({
    outdir: opts.outdir,
    yamlOutputType: layout === 'objects' ? YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE : YamlOutputType.FILE_PER_CHART,
  });
  const chart = new StarRocksClusterChart(app, spec.name, { spec, namespace: opts.namespace, form: opts.form });
  app.synth();
  if (layout === 'file') return [`${spec.name}.k8s.yaml`];
  const files = chart.toJson().map((o: { kind: string; metadata: { name: string } }) => `${o.kind}.${o.metadata.name}.k8s.yaml`);
  if (opts.kustomize) {
    const body = ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', ...files.map((f) => `  - ${f}`), ''].join('\n');
    mkdirSync(join(opts.outdir, spec.name), { recursive: true });
    writeFileSync(join(opts.outdir, spec.name, 'kustomization.yaml'), body);
    files.push('kustomization.yaml');
  }
  return files.map((f) => `${spec.name}/${f}`);
}

interface SynthFlags {
  values?: string[];
  out: string;
  namespace?: string;
  layout: Layout;
  kustomize?: boolean;
  generation?: number;
  drPhase: DrPhaseForm;
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
      new Option('--dr-phase <form>', 'full: the normal topology; restore: the disaster-recovery restore topology (FE only, restore env)')
        .choices(['full', 'restore'])
        .default('full'),
    )
    .option('--generation <n>', 'override disasterRecovery.generation', parseGeneration)
    .action((flags: SynthFlags) => {
      const { spec, notices } = loadInput(flags.values);
      for (const n of notices) process.stderr.write(`notice: ${n}\n`);
      const files = synthToDir(withGeneration(spec, flags.generation), { outdir: flags.out, namespace: flags.namespace, layout: flags.layout, kustomize: flags.kustomize, form: flags.drPhase });
      for (const f of files) process.stdout.write(`${join(flags.out, f)}\n`);
    });
}
