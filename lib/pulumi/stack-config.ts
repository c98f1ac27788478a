/**
 * The stack's configuration (documented in Pulumi.yaml and lib/pulumi/README.md), read into the arguments of
 * `StarRocksClusterStack`. Errors name the config key and the `pulumi config set` that fixes it.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { StarRocksDrError } from '../errors';
import type { StarRocksClusterSpec } from '../model/types';
import { validateSpec } from '../model/validate';
import { loadValuesFiles } from '../model/values';
import { parseOperatorVersion } from '../model/operator-version';
import { GENERATION_RULE, generationTextProblem } from '../dr/generation';
import { SNAPSHOT_FILE } from '../dr/snapshot';
import { clusterSnapshotText, snapshotSecretName, withSnapshotSecret, type ClusterSnapshotConfig } from './cluster-snapshot';
import type { StackVerification, StarRocksClusterStackArgs } from './star-rocks-cluster-stack';
import { chooseStackSnapshot } from './snapshot-choice';

/** What the program needs from the stack config, plus values for stack outputs. */
export interface StackSettings {
  readonly args: StarRocksClusterStackArgs;
  /** Notices from the values loader (ignored values, ...), to log. */
  readonly notices: readonly string[];
  /** cluster_snapshot.yaml built from config, as a secret; undefined when it comes from values or a Secret. */
  readonly clusterSnapshotFile?: pulumi.Output<string>;
  /** The snapshot path in that file (`clusterSnapshot.path`, or what `latest` / a name resolved or was pinned to). */
  readonly snapshotPath?: pulumi.Output<string>;
}

function bad(key: string, problem: string, fix: string): never {
  throw new StarRocksDrError('InvalidInput', problem, { field: `config ${key}`, fix });
}

/** `drGeneration`: unset or 0 means "no recovery requested by config"; otherwise parsed as every route parses it. */
export function parseDrGeneration(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '' || raw.trim() === '0') return undefined;
  const problem = generationTextProblem(raw.trim());
  if (problem) bad('drGeneration', `the recovery generation ${problem}: it must be ${GENERATION_RULE}`, 'pulumi config set drGeneration 1 (raise it by one for each new recovery; 0 or unset: none)');
  return Number(raw.trim());
}

/** `forceRestore`: `true` or `false` (unset: false). */
function parseBoolean(key: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  return bad(key, `must be true or false, got ${JSON.stringify(raw)}`, `pulumi config set ${key} true (for one pulumi up), then pulumi config rm ${key}`);
}

function parseSeconds(key: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n <= 0) bad(key, `must be a positive number of seconds, got ${JSON.stringify(raw)}`, `pulumi config set ${key} 1800`);
  return n;
}

/**
 * `verify`: `none` (skip the database checks), `checks` (the default), or the user's own checks as a list of
 * `{sql, expect}` (the CLI's `--verify-sql` / `--expect`), which implies `checks`. With `feAddress`, `sqlUser`,
 * `passwordSecret` (the CLI's `--fe-address`, `--user`, `--password-secret`).
 */
export function readVerification(config: pulumi.Config): StackVerification {
  const fix = 'pulumi config set verify none, or pulumi config set --path "verify[0].sql" "SELECT COUNT(*) FROM db.table" and --path "verify[0].expect" 3';
  let raw: unknown;
  try {
    raw = config.getObject<unknown>('verify');
  } catch {
    raw = config.get('verify');
  }
  const connection = Object.fromEntries(
    (['feAddress', 'sqlUser', 'passwordSecret'] as const).map((k) => [k, config.get(k)]).filter(([, v]) => v !== undefined && v !== ''),
  ) as Pick<StackVerification, 'feAddress' | 'sqlUser' | 'passwordSecret'>;
  if (raw === undefined || raw === '' || raw === 'checks') return connection;
  if (raw === 'none') return { ...connection, verify: 'none' };
  if (!Array.isArray(raw) || raw.some((c) => typeof c !== 'object' || c === null || typeof (c as { sql?: unknown }).sql !== 'string' || !['string', 'number'].includes(typeof (c as { expect?: unknown }).expect))) {
    return bad('verify', `must be none, checks, or a list of {sql, expect}, got ${JSON.stringify(raw)}`, fix);
  }
  const userChecks = (raw as { sql: string; expect: string | number }[]).map((c) => ({ sql: c.sql, expect: String(c.expect) }));
  // The same refusal as --verify-sql: one read-only statement each, before anything runs.
  const { userChecks: parse } = require('../sql/verify') as typeof import('../sql/verify');
  try {
    parse(userChecks.map((c) => c.sql), userChecks.map((c) => c.expect));
  } catch (e) {
    bad('verify', e instanceof Error ? e.message : String(e), fix);
  }
  return { ...connection, userChecks };
}

/**
 * Reads the project's config (`config`, default: the project's namespace) and `kubernetes:kubeconfig` /
 * `kubernetes:context`. Values files are resolved against `projectRoot` (the directory of Pulumi.yaml).
 */
export function readStackSettings(projectRoot: string = process.cwd(), config = new pulumi.Config(), k8sConfig = new pulumi.Config('kubernetes')): StackSettings {
  const valuesFiles = config.getObject<string[]>('valuesFiles') ?? [];
  const inline = config.getObject<StarRocksClusterSpec>('spec');
  if (!Array.isArray(valuesFiles) || valuesFiles.some((f) => typeof f !== 'string')) {
    bad('valuesFiles', 'must be a list of file paths', 'pulumi config set --path "valuesFiles[0]" examples/starrocks-values.yaml');
  }
  if (valuesFiles.length > 0 && inline !== undefined) {
    bad('spec', 'both valuesFiles and spec are set', 'keep one: values files (kube-starrocks chart layout) or an inline typed spec');
  }
  if (valuesFiles.length === 0 && inline === undefined) {
    bad('valuesFiles', 'no cluster is configured', 'pulumi config set --path "valuesFiles[0]" examples/starrocks-values.yaml (or set an inline spec)');
  }
  let notices: string[] = [];
  let spec: StarRocksClusterSpec;
  // `operatorVersion`: the operator line to render for (1.10.x / 1.11.x; default the newest), lib/render/README.md.
  const versionText = config.get('operatorVersion');
  const operatorVersion = versionText ? parseOperatorVersion(versionText, 'operatorVersion (Pulumi config)') : undefined;
  if (valuesFiles.length > 0) {
    const loaded = loadValuesFiles(valuesFiles.map((f) => path.resolve(projectRoot, f)), { operatorVersion });
    spec = loaded.spec;
    notices = loaded.notices;
  } else {
    spec = validateSpec(operatorVersion ? { ...inline!, operatorVersion } : inline!);
  }

  const secretData: Record<string, pulumi.Output<Record<string, string>>> = {};
  let clusterSnapshotFile: pulumi.Output<string> | undefined;
  let snapshotPath: pulumi.Output<string> | undefined;
  const snapshot = config.getObject<ClusterSnapshotConfig>('clusterSnapshot');
  const existingSecret = config.get('snapshotSecretName');
  if (snapshot && existingSecret) {
    bad('snapshotSecretName', 'both clusterSnapshot and snapshotSecretName are set', 'keep one: build the file from config, or mount an existing Secret');
  }
  if (snapshot) {
    for (const k of ['path', 'location', 'region', 'endpoint'] as const) {
      if (typeof snapshot[k] !== 'string' || snapshot[k] === '') bad(`clusterSnapshot.${k}`, 'is missing', `pulumi config set --path clusterSnapshot.${k} <value>`);
    }
    const name = snapshotSecretName(spec.name, snapshot);
    const accessKey = config.requireSecret('s3AccessKey');
    const secretKey = config.requireSecret('s3SecretKey');
    const drGeneration = parseDrGeneration(config.get('drGeneration')) ?? spec.disasterRecovery?.generation;
    const kubeconfig = k8sConfig.getSecret('kubeconfig') ?? pulumi.output(undefined);
    const context = k8sConfig.get('context');
    const recordNamespace = config.get('namespace') || spec.namespace || 'default';
    // `latest` or a name: the path pinned in the status record of the generation, else resolved now (snapshot-choice.ts).
    const chosen = pulumi.all([accessKey, secretKey, kubeconfig]).apply(async ([a, s, kc]) => {
      const keys = { accessKey: a, secretKey: s };
      const { connect } = require('./dr-operations') as typeof import('./dr-operations');
      const choice = await chooseStackSnapshot({ cfg: snapshot, keys, cluster: spec.name, namespace: recordNamespace, generation: drGeneration, client: () => connect(kc, context) });
      for (const w of choice.warnings) void pulumi.log.warn(`clusterSnapshot.path ${snapshot.path}: ${w}`);
      if (choice.path !== snapshot.path) void pulumi.log.info(`clusterSnapshot.path ${snapshot.path}: ${choice.path}${choice.pinned ? ` (pinned by the recovery of generation ${drGeneration})` : ''}`);
      return { path: choice.path, keys };
    });
    snapshotPath = pulumi.unsecret(chosen.apply((c) => c.path));
    clusterSnapshotFile = pulumi.secret(chosen.apply((c) => clusterSnapshotText({ ...snapshot, path: c.path }, c.keys)));
    secretData[name] = clusterSnapshotFile.apply((text): Record<string, string> => ({ [SNAPSHOT_FILE]: text }));
    spec = withSnapshotSecret(spec, name, { placeholder: '' });
  } else if (existingSecret) {
    spec = withSnapshotSecret(spec, existingSecret);
  }

  const namespace = config.get('namespace') || undefined;
  return {
    notices,
    clusterSnapshotFile,
    snapshotPath,
    args: {
      spec,
      secretData,
      drGeneration: parseDrGeneration(config.get('drGeneration')),
      namespace,
      kubeconfig: k8sConfig.getSecret('kubeconfig'),
      context: k8sConfig.get('context'),
      drTimeoutSeconds: parseSeconds('drTimeoutSeconds', config.get('drTimeoutSeconds'), 1800),
      forceRestore: parseBoolean('forceRestore', config.get('forceRestore')),
      verification: readVerification(config),
    },
  };
}
