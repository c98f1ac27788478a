/**
 * `starrocks-dr snapshot list|latest|file`: find the cluster snapshots of a storage volume in S3 and write the
 * cluster_snapshot.yaml for one. stdout carries the result (text, or one JSON object with `-o json`); warnings go to
 * stderr. Nothing prints an S3 key except the file `snapshot file` writes (a Secret by default).
 * The discovery code and the AWS SDK load only when a `snapshot` command runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { StarRocksDrError } from '../errors';
import type { StarRocksClusterSpec } from '../model/types';
import type * as Snapshot from '../snapshot';
import { parseDuration } from './durations';
import { collect, loadInput } from './inputs';
import type { CliDeps } from './deps';
import { addSqlSnapshotCommands } from './snapshot-sql-command';

const lib = () => require('../snapshot') as typeof Snapshot;

export interface SnapshotFlags {
  values?: string[];
  snapshotFile?: string;
  storageVolume?: string;
  location?: string;
  region?: string;
  endpoint?: string;
  pathStyle?: boolean;
  clusterId?: string;
  s3Secret?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  maxAge: number;
  output: 'text' | 'json';
}

interface FileFlags extends SnapshotFlags {
  snapshot: string;
  format: 'secret' | 'plain';
  out?: string;
  secretName?: string;
  feCredentials?: Snapshot.FeCredentials;
}

/** The options every `snapshot` command reads; `writes`: the command writes a Secret (`file`). */
function withAccessOptions(cmd: Command, writes = false): Command {
  return cmd
    .option('-f, --values <file>', "kube-starrocks values file(s) whose cluster_snapshot.yaml names the storage volume; repeat like helm -f", collect)
    .option('--snapshot-file <file>', 'a cluster_snapshot.yaml to take the storage volume (location, aws.s3.* properties) from')
    .option('--storage-volume <name>', 'storage volume in that file (default: cluster_snapshot.storage_volume_name)')
    .option('--location <s3url>', 'storage volume location, s3://<bucket>/<prefix> (overrides the file)')
    .option('--region <region>', 'aws.s3.region (overrides the file)')
    .option('--endpoint <endpoint>', 'aws.s3.endpoint, host[:port] or URL, for S3-compatible stores (overrides the file)')
    .option('--path-style', 'path-style addressing (aws.s3.enable_path_style_access), for S3-compatible stores')
    .option('--cluster-id <id>', 'which cluster, when the location holds snapshots of several')
    .option('--s3-secret <[namespace/]name>', 'Kubernetes Secret with the S3 keys (aws.s3.access_key/aws.s3.secret_key, access_key/secret_key, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a cluster_snapshot.yaml); default: the file\'s keys, else the AWS SDK default chain')
    .option('--kubeconfig <file>', 'with --s3-secret: kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'with --s3-secret: kubeconfig context')
    .option('-n, --namespace <ns>', writes ? "namespace of --s3-secret and of the Secret written (default: the values' namespace, else default)" : "namespace of --s3-secret (default: the values' namespace, else default)")
    .addOption(new Option('--max-age <duration>', 'warn when the chosen snapshot is older than this, e.g. 6h, 90m').argParser(parseDuration).default(24 * 3_600_000, '24h'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
}

function loadSpec(flags: SnapshotFlags): StarRocksClusterSpec | undefined {
  if (!flags.values || flags.values.length === 0) return undefined;
  const { spec, notices } = loadInput(flags.values);
  for (const n of notices) process.stderr.write(`notice: ${n}\n`);
  return spec;
}

function namespaceOf(flags: SnapshotFlags, spec?: StarRocksClusterSpec): string {
  return flags.namespace ?? spec?.namespace ?? 'default';
}

async function readSecret(flags: SnapshotFlags, deps: CliDeps, spec?: StarRocksClusterSpec): Promise<{ data: Record<string, string>; name: string } | undefined> {
  if (!flags.s3Secret) return undefined;
  const [ns, name] = flags.s3Secret.includes('/') ? flags.s3Secret.split('/', 2) : [namespaceOf(flags, spec), flags.s3Secret];
  const { KubeClient } = require('../kube/client') as typeof import('../kube/client');
  const client = (deps.connect ?? KubeClient.connect)({ kubeconfig: flags.kubeconfig, context: flags.context });
  const secret = (await client.get('Secret', ns, name)) as { data?: Record<string, string>; stringData?: Record<string, string> } | undefined;
  if (!secret) {
    throw new StarRocksDrError('InvalidInput', `Secret ${ns}/${name} does not exist`, {
      field: '--s3-secret',
      fix: 'name an existing Secret as [namespace/]name, or create it: kubectl create secret generic <name> --from-literal=access_key=... --from-literal=secret_key=...',
    });
  }
  const data: Record<string, string> = { ...(secret.stringData ?? {}) };
  for (const [k, v] of Object.entries(secret.data ?? {})) data[k] = Buffer.from(v, 'base64').toString('utf8');
  return { data, name: `${ns}/${name}` };
}

async function accessOf(flags: SnapshotFlags, deps: CliDeps): Promise<{ resolved: Snapshot.ResolvedAccess; spec?: StarRocksClusterSpec }> {
  const spec = loadSpec(flags);
  let snapshotFile: { text: string; name: string } | undefined;
  if (flags.snapshotFile) {
    try {
      snapshotFile = { text: readFileSync(flags.snapshotFile, 'utf8'), name: flags.snapshotFile };
    } catch (err) {
      throw new StarRocksDrError('InvalidInput', `cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { field: '--snapshot-file', fix: 'pass a readable cluster_snapshot.yaml' });
    }
  }
  const secret = await readSecret(flags, deps, spec);
  const resolved = lib().resolveAccess({
    spec,
    snapshotFile,
    storageVolume: flags.storageVolume,
    location: flags.location,
    region: flags.region,
    endpoint: flags.endpoint,
    pathStyle: flags.pathStyle,
    secret,
  });
  return { resolved, spec };
}

function warn(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
}

/** `snapshot list`: every snapshot folder of the cluster, newest first, finished or not. */
export async function listAction(flags: SnapshotFlags, deps: CliDeps = {}): Promise<void> {
  const { resolved } = await accessOf(flags, deps);
  const s = lib();
  const lister = new s.S3Lister(resolved.access);
  try {
    const discovery = await s.discoverSnapshots(lister, resolved.access.location, flags.clusterId);
    const { clusterId, snapshots } = s.ofOneCluster(discovery, flags.clusterId);
    const newest = snapshots.find((x) => x.complete);
    const warnings = newest ? s.snapshotWarnings(newest, snapshots, { maxAgeMs: flags.maxAge }) : [`cluster ${clusterId} has no finished snapshot`];
    if (flags.output === 'json') {
      process.stdout.write(`${JSON.stringify({ location: discovery.location, clusterId, snapshots, warnings })}\n`);
    } else {
      const rows = snapshots.map((x) => [x.name, x.time, x.complete ? 'finished' : `unfinished (missing ${x.missing.join(', ')})`, x.path]);
      const widths = [0, 1, 2].map((i) => Math.max(...[['NAME', 'TIME', 'STATE'][i], ...rows.map((r) => r[i])].map((c) => c.length)));
      const line = (r: string[]) => `${r.slice(0, 3).map((c, i) => c.padEnd(widths[i])).join('  ')}  ${r[3]}`.trimEnd();
      process.stdout.write(`Cluster snapshots of cluster ${clusterId} under ${discovery.location}, newest first\n${[line(['NAME', 'TIME', 'STATE', 'PATH']), ...rows.map(line)].join('\n')}\n`);
    }
    warn(warnings);
  } finally {
    lister.close();
  }
}

async function resolveChoice(flags: SnapshotFlags, choice: string, access: Snapshot.S3Access): Promise<Snapshot.ResolvedSnapshot> {
  const { location, ...credentials } = access;
  return lib().resolveSnapshotChoice({ choice, clusterId: flags.clusterId, location, credentials, maxAgeMs: flags.maxAge });
}

/** `snapshot latest`: the newest finished snapshot's path (text: the path alone, for scripts). */
export async function latestAction(flags: SnapshotFlags, deps: CliDeps = {}): Promise<void> {
  const { resolved } = await accessOf(flags, deps);
  const chosen = await resolveChoice(flags, 'latest', resolved.access);
  process.stdout.write(flags.output === 'json' ? `${JSON.stringify(chosen)}\n` : `${chosen.path}\n`);
  warn(chosen.warnings);
}

/** `snapshot file`: cluster_snapshot.yaml for the chosen snapshot, as a Secret manifest (default) or a plain file. */
export async function fileAction(flags: FileFlags, deps: CliDeps = {}): Promise<void> {
  const { resolved, spec } = await accessOf(flags, deps);
  const s = lib();
  const chosen = await resolveChoice(flags, flags.snapshot, resolved.access);
  const text = s.clusterSnapshotYaml({
    path: chosen.path,
    access: resolved.access,
    fe: flags.feCredentials ?? resolved.fe,
    storageVolumeName: flags.storageVolume ?? resolved.storageVolumeName,
  });
  const warnings = [...chosen.warnings];
  let body = text;
  let out = flags.out ?? 'cluster_snapshot.yaml';
  if (flags.format === 'secret') {
    const { target, warnings: mountWarnings } = s.secretTargetFor(spec, flags.secretName, namespaceOf(flags, spec));
    warnings.push(...mountWarnings);
    body = s.snapshotSecretManifest(text, target);
    out = flags.out ?? `${target.name}.secret.yaml`;
  }
  const holdsKeys = (flags.feCredentials ?? resolved.fe) === 'keys';
  if (out === '-') process.stdout.write(body);
  else {
    // The file may hold S3 keys: readable by its owner only.
    writeFileSync(out, body, { mode: 0o600 });
  }
  const report = { path: chosen.path, name: chosen.name, time: chosen.time, clusterId: chosen.clusterId, file: out === '-' ? '(stdout)' : out, format: flags.format, holdsKeys, warnings };
  const summary = flags.output === 'json' ? `${JSON.stringify(report)}\n` : `${report.file}: ${flags.format === 'secret' ? 'Secret with ' : ''}cluster_snapshot.yaml for ${chosen.path} (${chosen.time})${holdsKeys ? ', holds S3 keys: keep it out of git' : ''}\n`;
  // With --out -, stdout carries the manifest; the summary goes to stderr.
  (out === '-' ? process.stderr : process.stdout).write(summary);
  warn(warnings);
}

/**
 * `--snapshot <path|name|latest> [--cluster-id]` (synth, dr run): the spec with its cluster_snapshot.yaml pointing
 * at the snapshot the pin rule picks (lib/dr/snapshot-pin.ts, through `snapshotForRecovery`): with `pinnedPath` (the
 * status record of the generation names one: its recovery has started) that path for `latest` or a name; an explicit
 * path as given; else the choice resolved through the storage volume (and keys) the file names. Prints the path and
 * the warnings.
 */
export async function specWithSnapshot(spec: StarRocksClusterSpec, flags: { snapshot: string; clusterId?: string; pinnedPath?: string }): Promise<StarRocksClusterSpec> {
  const r = await lib().snapshotForRecovery(spec, { choice: flags.snapshot, clusterId: flags.clusterId, pinnedPath: flags.pinnedPath });
  if (r.notice) process.stderr.write(`notice: --snapshot ${r.notice}\n`);
  const chosen = r.resolved;
  if (chosen) process.stderr.write(`notice: --snapshot ${flags.snapshot}: ${r.path} (${chosen.time}, cluster ${chosen.clusterId})${flags.snapshot === r.path ? '' : `; to reproduce this, pass --snapshot ${r.path}`}\n`);
  warn(r.warnings);
  return r.spec;
}

export function snapshotCommand(deps: CliDeps = {}): Command {
  const cmd = new Command('snapshot').description('find the cluster snapshots of a storage volume in S3 and write cluster_snapshot.yaml for one; turn automated snapshots on or off and check them over SQL');
  withAccessOptions(cmd.command('list'))
    .description('list the snapshot folders of the cluster, newest first (unfinished ones marked)')
    .action((flags: SnapshotFlags) => listAction(flags, deps));
  withAccessOptions(cmd.command('latest'))
    .description('print the path of the newest finished snapshot')
    .action((flags: SnapshotFlags) => latestAction(flags, deps));
  withAccessOptions(cmd.command('file'), true)
    .description('write cluster_snapshot.yaml for a snapshot, as a Kubernetes Secret manifest (default) or a plain file')
    .option('--snapshot <path|name|latest>', 'which snapshot: latest, a name (automated_cluster_snapshot_<ms>) or a full s3:// path', 'latest')
    .addOption(new Option('--format <format>', 'secret: a Secret manifest holding the file; plain: the file itself').choices(['secret', 'plain']).default('secret'))
    .option('--out <file>', "where to write ('-' for stdout) (default: <secret name>.secret.yaml, or cluster_snapshot.yaml with --format plain)")
    .option('--secret-name <name>', "name of the Secret (default: the Secret the values mount the file from, else cluster-snapshot)")
    .addOption(
      new Option('--fe-credentials <how>', 'how the restoring FE reaches S3: keys (from --s3-secret or the file), default-behavior or instance-profile (IAM roles, no keys) (default: keys when there are any)').choices([
        'keys',
        'default-behavior',
        'instance-profile',
      ]),
    )
    .action((flags: FileFlags) => fileAction(flags, deps));
  addSqlSnapshotCommands(cmd, deps);
  return cmd;
}
