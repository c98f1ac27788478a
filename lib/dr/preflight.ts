/**
 * Checks made before a disaster recovery touches a cluster. The operator skips DR silently when `run_mode` is not
 * `shared_data` and only looks for a mount; we refuse with one error that says what to change.
 *
 * `validateForRoute` is the one entry point every route calls (synth with every --dr-phase and --target, dr run,
 * dr wait, the construct, the Pulumi component and provider): the spec checks, the limits, the flags, and the
 * recovery prerequisites, all offline, before anything contacts a cluster.
 */
import { StarRocksDrError } from '../errors';
import { feMetadataRetentionWarning } from '../model/dr-safety';
import { isDns1123Label } from '../model/checks';
import { isSharedData, parseConf } from '../model/conf';
import { GENERATION_RULE, isGeneration, parseGeneration } from './generation';
import { clientSideApplyWarning } from '../model/limits';
import type { DrPhaseForm, StarRocksClusterSpec } from '../model/types';
import { checkSpec, formatPath, type FailFn, type SpecPath } from '../model/validate';
import { renderCluster } from '../render/cluster';
import type { RenderedObject } from '../render/kube-object';
import {
  carriesCredentials,
  findSnapshotSource,
  parseClusterSnapshot,
  snapshotObjectInSpec,
  snapshotTextFromSpec,
  type ClusterSnapshot,
  type SnapshotSource,
} from './snapshot';

/** The first StarRocks version that restores from a cluster snapshot. */
export const MIN_DR_VERSION = [3, 4, 1] as const;

export interface PreflightResult {
  readonly generation: number;
  readonly source: SnapshotSource;
  /** The checked snapshot file, when its text was available (in the spec, or read from the cluster). */
  readonly snapshot?: ClusterSnapshot;
  /** Its text (it may hold S3 keys: never printed), for what the restore is expected to show (lib/sql). */
  readonly snapshotText?: string;
  /** Things worth saying that do not stop the recovery. */
  readonly warnings: readonly string[];
}

/** Reports at a typed-spec path; the values route passes its own `FailFn` to name the file, key and line. */
const throwInvalid: FailFn = (path, problem, fix) => {
  throw new StarRocksDrError('InvalidInput', problem, { field: formatPath(path), fix });
};

/** What a route knows besides the spec. */
export interface RouteValidationOptions {
  /**
   * The form the route writes or applies. `restore` (synth --dr-phase restore, dr run, dr wait, the provider) needs
   * every recovery prerequisite; `full` and `auto` check them too when the spec enables disaster recovery.
   */
  readonly form: DrPhaseForm | 'auto';
  /** A generation given outside the spec (`--generation`, Pulumi config `drGeneration`), checked and applied. */
  readonly generation?: unknown;
  /** Where `generation` came from, for errors. @default '--generation' */
  readonly generationField?: string;
  /** A namespace given outside the spec (`-n`, a construct prop). */
  readonly namespace?: string;
  /** Where `namespace` came from, for errors. @default '-n/--namespace' */
  readonly namespaceField?: string;
  /** Reports a problem at a spec path; the values loader's `failAt` names the file and line. @default - the typed path */
  readonly failAt?: FailFn;
  /** The snapshot file's text when it was read from the cluster (routes with a cluster). */
  readonly snapshotText?: string;
  /**
   * Check each rendered object's size for a client-side `kubectl apply` (a warning). Routes that print no warnings
   * (the construct) skip it. @default true
   */
  readonly sizeWarnings?: boolean;
  /**
   * Leave the recovery prerequisites to a later step that has data this one lacks: the Pulumi component, whose
   * Secret data (the snapshot file) may be placeholders until deploy; its DisasterRecovery resource's `check`
   * runs them with the real data. @default false
   */
  readonly deferRecoveryChecks?: boolean;
}

export interface RouteValidation {
  /** The spec with the outside generation applied (DR enabled), or the spec as given. */
  readonly spec: StarRocksClusterSpec;
  /** The recovery checks' result, when the route or the spec asks for a recovery. */
  readonly preflight?: PreflightResult;
  /** Worth printing, not stopping for (an unreadable image version, S3 keys in a ConfigMap, too big for client-side apply). */
  readonly warnings: readonly string[];
  /** The full form as rendered for the size check (`renderCluster(spec, { namespace })`), for routes that render it too. */
  readonly rendered: { readonly namespace: string; readonly objects: readonly RenderedObject[] };
}

/**
 * The checks every route runs on what it has, before it writes a file or contacts a cluster. Throws the first
 * problem as `StarRocksDrError` ('InvalidInput' or 'InvalidSnapshot'); never quotes a value that may be secret.
 */
export function validateForRoute(input: StarRocksClusterSpec, opts: RouteValidationOptions): RouteValidation {
  const fail = opts.failAt ?? throwInvalid;
  checkSpec(input, fail);
  if (opts.namespace !== undefined && !isDns1123Label(opts.namespace)) {
    throw new StarRocksDrError('InvalidInput', 'is not a namespace name: a DNS-1123 label of at most 63 lower-case letters, digits and -, starting and ending with a letter or digit', {
      field: opts.namespaceField ?? '-n/--namespace',
      fix: 'give a namespace such as starrocks',
    });
  }
  let spec = input;
  if (opts.generation !== undefined) {
    const generation = parseGeneration(opts.generation, opts.generationField ?? '--generation');
    spec = { ...input, disasterRecovery: { enabled: true, generation } };
  }
  const warnings: string[] = [];
  let checked: PreflightResult | undefined;
  if (!opts.deferRecoveryChecks && (opts.form === 'restore' || spec.disasterRecovery?.enabled === true)) {
    checked = preflight(spec, opts.snapshotText, fail);
    warnings.push(...checked.warnings);
  }
  const namespace = opts.namespace ?? spec.namespace ?? 'default';
  const objects = renderCluster(spec, { namespace });
  for (const obj of opts.sizeWarnings === false ? [] : objects) {
    const w = clientSideApplyWarning(obj);
    if (w) warnings.push(w);
  }
  return { spec, preflight: checked, warnings, rendered: { namespace, objects } };
}

/** The version in an image tag (`3.4.1`, `3.4.1-ubuntu`, `3.4-latest`), or undefined for `latest`, digests, ... */
export function imageVersion(image: string): number[] | undefined {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  if (colon < 0 || ref.slice(colon).includes('/')) return undefined;
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(ref.slice(colon + 1));
  return m ? [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])] : undefined;
}

function olderThan(version: readonly number[], min: readonly number[]): boolean {
  for (let i = 0; i < min.length; i++) {
    if (version[i] !== min[i]) return version[i] < min[i];
  }
  return false;
}

/**
 * Check that `spec` asks for a recovery this product can run.
 * `snapshotText` is the file's content when it comes from the cluster rather than the spec.
 */
export function preflight(spec: StarRocksClusterSpec, snapshotText?: string, fail: FailFn = throwInvalid): PreflightResult {
  const invalid = (path: SpecPath, problem: string, fix: string): never => fail(path, problem, fix);
  const dr = spec.disasterRecovery;
  if (!dr || !dr.enabled) {
    invalid(['disasterRecovery', 'enabled'], 'the restore form needs a recovery, but disaster recovery is not enabled', 'set disasterRecovery.enabled: true and a generation (or pass --generation N)');
  }
  const generation = dr!.generation;
  if (!isGeneration(generation)) {
    invalid(['disasterRecovery', 'generation'], `must be ${GENERATION_RULE}`, 'set generation to 1 for the first recovery and raise it by one for each new one');
  }
  const fe = spec.starRocksFeSpec;
  if (!isSharedData(parseConf(fe.config))) {
    invalid(
      ['starRocksFeSpec', 'config'],
      'disaster recovery from a cluster snapshot needs a shared-data cluster, but fe.conf does not set run_mode = shared_data',
      'add `run_mode = shared_data` to the FE config (starrocksFESpec.config in values files)',
    );
  }
  const version = imageVersion(fe.image);
  const warnings: string[] = [];
  if (version === undefined) {
    warnings.push(`cannot read a version from FE image ${fe.image}; restoring from a cluster snapshot needs StarRocks ${MIN_DR_VERSION.join('.')} or later`);
  } else if (olderThan(version, MIN_DR_VERSION)) {
    invalid(['starRocksFeSpec', 'image'], `${fe.image} is older than StarRocks ${MIN_DR_VERSION.join('.')}, which cannot restore from a cluster snapshot`, `use an image tag of ${MIN_DR_VERSION.join('.')} or later`);
  }
  const meta = (fe.storageVolumes ?? []).find((v) => v.mountPath.replace(/\/+$/, '') === '/opt/starrocks/fe/meta');
  if (!meta || meta.hostPath) {
    // A restored FE that restarts without its metadata starts a new, empty cluster (operator PR #745).
    invalid(
      ['starRocksFeSpec', 'storageVolumes'],
      'FE metadata is not on a PersistentVolumeClaim, so a FE restart after the recovery would start an empty cluster',
      'set starrocksFESpec.storageSpec.name (values files) or a storage volume mounted at /opt/starrocks/fe/meta',
    );
  }
  const source = findSnapshotSource(spec);
  if (!source) {
    invalid(
      ['starRocksFeSpec', 'configMaps'],
      'cluster_snapshot.yaml is not mounted',
      'mount it: add {name: <ConfigMap or Secret>, mountPath: /opt/starrocks/fe/conf/cluster_snapshot.yaml, subPath: cluster_snapshot.yaml} to starrocksFESpec.configMaps or .secrets',
    );
  }
  if (snapshotText === undefined && snapshotObjectInSpec(spec, source!) && snapshotTextFromSpec(spec, source!) === undefined) {
    invalid(
      source!.field.split(/[.[\]]/).filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p)) as SpecPath,
      `cluster_snapshot.yaml is mounted from ${source!.kind}/${source!.name}, which the values define without the key ${source!.key}`,
      `add the key ${source!.key} (the snapshot file) to ${source!.kind}/${source!.name} in the values' ${source!.kind === 'ConfigMap' ? 'configMaps' : 'secrets'}, or mount the key it has`,
    );
  }
  const text = snapshotText ?? snapshotTextFromSpec(spec, source!);
  const file = text === undefined ? undefined : checkSnapshotText(source!, text);
  if (file) warnings.push(...file.warnings);
  // The restored metadata lives on the FE PVCs: a retention policy that deletes them with the StatefulSet puts it at risk.
  const retention = feMetadataRetentionWarning(spec);
  if (retention) warnings.push(`${retention.field}: ${retention.message} Fix: ${retention.fix}`);
  return { generation, source: source!, snapshot: file?.snapshot, snapshotText: text, warnings };
}

/** The checks of the snapshot file's text, wherever it was read (the spec, the cluster); never quotes a value. */
export function checkSnapshotText(source: SnapshotSource, text: string): { readonly snapshot: ClusterSnapshot; readonly warnings: readonly string[] } {
  const snapshot = parseClusterSnapshot(text, `${source.kind}/${source.name} key ${source.key}`);
  const warnings = source.kind === 'ConfigMap' && carriesCredentials(snapshot) ? [`${source.kind}/${source.name} holds S3 keys in plain text; mount cluster_snapshot.yaml from a Secret instead (starrocksFESpec.secrets)`] : [];
  return { snapshot, warnings };
}

/** A preflight whose snapshot file was read from the cluster afterwards: the file checked, its warnings added. */
export function withSnapshotText(checked: PreflightResult, text: string): PreflightResult {
  const file = checkSnapshotText(checked.source, text);
  return { ...checked, snapshot: file.snapshot, snapshotText: text, warnings: [...checked.warnings, ...file.warnings] };
}
