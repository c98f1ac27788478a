/**
 * Finding and checking `cluster_snapshot.yaml`, the file that tells a restoring FE which snapshot to download.
 *
 * The operator only checks that a ConfigMap is mounted with `subPath` containing `cluster_snapshot.yaml` (or at a
 * `fe/conf` directory). We also accept a Secret (the file holds S3 keys) and check the file itself, so a typo is
 * caught before a FE spends minutes failing to restore.
 */
import { createHash } from 'node:crypto';
import { parseDocument } from '../yaml';
import { StarRocksDrError } from '../errors';
import type { MountReference, StarRocksClusterSpec } from '../model/types';

export const SNAPSHOT_FILE = 'cluster_snapshot.yaml';
/** Aliases a snapshot file may expand (it needs none; a bound keeps an alias bomb an input error). */
const MAX_SNAPSHOT_ALIASES = 100;

/** Where the FE gets its snapshot file from. */
export interface SnapshotSource {
  readonly kind: 'ConfigMap' | 'Secret';
  /** Name of the ConfigMap or Secret. */
  readonly name: string;
  /** The key holding the file. */
  readonly key: string;
  /** Key path of the mount in the spec, for error messages. */
  readonly field: string;
}

function mountsSnapshot(m: MountReference): boolean {
  const path = m.mountPath.replace(/\/+$/, '');
  return (m.subPath ?? '').includes(SNAPSHOT_FILE) || path.endsWith('fe/conf') || path.endsWith(`/${SNAPSHOT_FILE}`);
}

/** The mount that provides the snapshot file, or undefined when none does. */
export function findSnapshotSource(spec: StarRocksClusterSpec): SnapshotSource | undefined {
  const fe = spec.starRocksFeSpec;
  const candidates: Array<[SnapshotSource['kind'], readonly MountReference[] | undefined, string]> = [
    ['ConfigMap', fe.configMaps, 'starRocksFeSpec.configMaps'],
    ['Secret', fe.secrets, 'starRocksFeSpec.secrets'],
  ];
  for (const [kind, mounts, field] of candidates) {
    const index = (mounts ?? []).findIndex(mountsSnapshot);
    if (index >= 0) {
      const m = mounts![index];
      return { kind, name: m.name, key: m.subPath || SNAPSHOT_FILE, field: `${field}[${index}]` };
    }
  }
  return undefined;
}

/** True when the spec itself creates the ConfigMap or Secret the snapshot file is mounted from. */
export function snapshotObjectInSpec(spec: StarRocksClusterSpec, source: SnapshotSource): boolean {
  const objects = source.kind === 'ConfigMap' ? spec.configMaps : spec.secrets;
  return (objects ?? []).some((o) => o.name === source.name);
}

/**
 * The mount's ConfigMap/Secret is not in the values, and the cluster has none (`exists` false) or one without the
 * key: the FE would never start (the kubelet's FailedMount), so a run that applies the form refuses first.
 */
export function missingSnapshotObject(source: SnapshotSource, namespace: string, exists: boolean): StarRocksDrError {
  const object = `${source.kind}/${source.name}`;
  const problem = exists
    ? `cluster_snapshot.yaml is mounted from ${object}, which namespace ${namespace} has, but without the key ${source.key}`
    : `cluster_snapshot.yaml is mounted from ${object}, which neither the values define nor namespace ${namespace} has`;
  return new StarRocksDrError('InvalidSnapshot', `${problem}; nothing was applied`, {
    field: source.field,
    fix: `create it first (\`starrocks-dr snapshot file -f ... -n ${namespace} --out cs.secret.yaml\` then \`kubectl apply -f cs.secret.yaml\`), or define it in the values' ${source.kind === 'ConfigMap' ? 'configMaps' : 'secrets'} with the key ${source.key}`,
  });
}

/** The file's text when the spec itself creates the ConfigMap or Secret; undefined when it lives in the cluster. */
export function snapshotTextFromSpec(spec: StarRocksClusterSpec, source: SnapshotSource): string | undefined {
  const objects = source.kind === 'ConfigMap' ? spec.configMaps : spec.secrets;
  return objects?.find((o) => o.name === source.name)?.data[source.key];
}

/** What the checked file says. */
export interface ClusterSnapshot {
  readonly clusterSnapshotPath: string;
  readonly storageVolumeName: string;
  /** Property keys of the storage volume (values are never kept: they may be S3 keys). */
  readonly storageVolumePropertyKeys: readonly string[];
}

const SNAPSHOT_SECTIONS = ['cluster_snapshot', 'frontends', 'compute_nodes', 'storage_volumes'];

const REQUIRED_S3_PROPERTIES = ['aws.s3.region', 'aws.s3.endpoint'];
const CREDENTIAL_PROPERTIES = ['aws.s3.access_key', 'aws.s3.secret_key'];
const CREDENTIAL_FREE_SWITCHES = ['aws.s3.use_instance_profile', 'aws.s3.use_aws_sdk_default_behavior'];

/**
 * Checked files by a hash of source and text (the text holds S3 keys: it is not kept): every synth of the same
 * cluster checks the same file, and parsing it was 7.7% of a warm synth (bench/README.md).
 */
const checkedFiles = new Map<string, ClusterSnapshot>();
const CHECKED_FILES_KEPT = 64;

/**
 * Parse and check a `cluster_snapshot.yaml`. `where` names its source in errors (e.g. `ConfigMap/cluster-snapshot
 * key cluster_snapshot.yaml`). Error messages never quote property values. A file that passed is parsed once: the
 * result (which holds no property value) is kept for the next call with the same text and source.
 */
export function parseClusterSnapshot(text: string, where: string): ClusterSnapshot {
  const key = createHash('sha256').update(where).update('\u0000').update(text).digest('base64');
  const known = checkedFiles.get(key);
  if (known) return known;
  const checked = Object.freeze(checkClusterSnapshot(text, where));
  if (checkedFiles.size >= CHECKED_FILES_KEPT) checkedFiles.delete(checkedFiles.keys().next().value!);
  checkedFiles.set(key, checked);
  return checked;
}

function checkClusterSnapshot(text: string, where: string): ClusterSnapshot {
  const fail = (field: string, problem: string, fix: string): never => {
    throw new StarRocksDrError('InvalidSnapshot', problem, { field: `${where}: ${field}`, fix });
  };
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    fail('(file)', `is not valid YAML (line ${e.linePos?.[0].line ?? '?'}: ${e.code})`, 'fix the YAML syntax of cluster_snapshot.yaml');
  }
  let root: Record<string, unknown> | null = null;
  try {
    root = doc.toJS({ maxAliasCount: MAX_SNAPSHOT_ALIASES }) as Record<string, unknown> | null;
  } catch {
    fail('(file)', `uses YAML aliases more than ${MAX_SNAPSHOT_ALIASES} times, or an alias to nothing`, 'write the file out without aliases (*name)');
  }
  if (!root || typeof root !== 'object' || Array.isArray(root)) fail('(file)', 'is empty or not a map', 'write the cluster_snapshot and storage_volumes sections');
  for (const k of Object.keys(root!)) {
    // The sections StarRocks reads (the reference document's cluster_snapshot.yaml, seed lines 340-370).
    if (!SNAPSHOT_SECTIONS.includes(k)) fail(k, 'is not a section of cluster_snapshot.yaml', `keep only ${SNAPSHOT_SECTIONS.join(', ')} (StarRocks ignores the rest, so a typo here goes unnoticed)`);
  }
  const snapshot = root!.cluster_snapshot as Record<string, unknown> | undefined;
  if (!snapshot || typeof snapshot !== 'object') {
    fail('cluster_snapshot', 'is missing', 'add a cluster_snapshot section with cluster_snapshot_path and storage_volume_name');
  }
  const path = snapshot!.cluster_snapshot_path;
  if (typeof path !== 'string' || !/^s3:\/\/[^/]+\/.+/.test(path)) {
    fail(
      'cluster_snapshot.cluster_snapshot_path',
      `must be an s3:// path to a snapshot (s3://<bucket>/<path>), got ${typeof path === 'string' ? 'a path that is not one' : 'no path'}`,
      'copy STORAGE_PATH from INFORMATION_SCHEMA.CLUSTER_SNAPSHOTS (s3://<bucket>/.../meta/image/<snapshot>)',
    );
  }
  const volumeName = snapshot!.storage_volume_name;
  if (typeof volumeName !== 'string' || volumeName === '') {
    fail('cluster_snapshot.storage_volume_name', 'is missing', 'name the storage volume the snapshot was taken on, e.g. builtin_storage_volume');
  }
  if (root!.storage_volumes !== undefined && !Array.isArray(root!.storage_volumes)) fail('storage_volumes', 'is not a list', 'write storage_volumes as a list of - name: ... entries');
  const volumes = Array.isArray(root!.storage_volumes) ? (root!.storage_volumes as Array<Record<string, unknown>>) : [];
  // The whole file is checked, not only the volume in use: StarRocks reads every entry at restore.
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) fail(`storage_volumes[${i}]`, 'is not a map', 'write each volume as name, type, location and properties');
    if (typeof v.name !== 'string' || v.name === '') fail(`storage_volumes[${i}].name`, 'is missing', 'name the volume');
    if (names.has(v.name as string)) fail(`storage_volumes[${i}].name`, `${JSON.stringify(v.name)} is defined twice`, 'keep one entry per volume name');
    names.add(v.name as string);
    if (typeof v.type !== 'string' || v.type === '') fail(`storage_volumes[${i}].type`, 'is missing', 'set the volume type, e.g. S3');
    if (typeof v.location !== 'string' || v.location === '') fail(`storage_volumes[${i}].location`, 'is missing', 'set the location the volume stores its data in');
    if (v.properties !== undefined && v.properties !== null && !Array.isArray(v.properties)) fail(`storage_volumes[${i}].properties`, 'is not a list', 'write properties as - key: <name> / value: <value> entries');
    ((v.properties as unknown[] | undefined) ?? []).forEach((prop, j) => {
      const pr = prop as Record<string, unknown> | null;
      if (!pr || typeof pr !== 'object' || typeof pr.key !== 'string' || pr.key === '') fail(`storage_volumes[${i}].properties[${j}]`, 'has no key', 'write each property as - key: <name> / value: <value>');
    });
  });
  const index = volumes.findIndex((v) => v && v.name === volumeName);
  if (index < 0) {
    fail(
      'storage_volumes',
      `defines no volume named ${JSON.stringify(volumeName)} (cluster_snapshot.storage_volume_name)`,
      `add a storage_volumes entry with name: ${volumeName as string}, type: S3, location and properties`,
    );
  }
  const volume = volumes[index];
  const field = `storage_volumes[${index}]`;
  if (String(volume.type ?? '').toUpperCase() !== 'S3') fail(`${field}.type`, 'must be S3', 'set type: S3');
  if (typeof volume.location !== 'string' || !volume.location.startsWith('s3://')) {
    fail(`${field}.location`, 'must be an s3:// location', 'set location to the s3:// path the cluster stored its data in');
  }
  const props = Array.isArray(volume.properties) ? (volume.properties as Array<Record<string, unknown>>) : [];
  const keys = props.map((p) => String(p?.key ?? ''));
  const present = (k: string) => props.some((p) => p?.key === k && p.value !== undefined && p.value !== null && String(p.value) !== '');
  const needed = [...REQUIRED_S3_PROPERTIES];
  const credentialFree = CREDENTIAL_FREE_SWITCHES.some((k) => props.some((p) => p?.key === k && String(p.value).toLowerCase() === 'true'));
  if (!credentialFree) needed.push(...CREDENTIAL_PROPERTIES);
  const missing = needed.filter((k) => !present(k));
  if (missing.length > 0) {
    fail(`${field}.properties`, `lacks ${missing.join(', ')}`, `add them as - key: <name> / value: <value> entries (or set ${CREDENTIAL_FREE_SWITCHES[0]}: "true" to use the node's IAM role)`);
  }
  return { clusterSnapshotPath: path as string, storageVolumeName: volumeName as string, storageVolumePropertyKeys: keys };
}

/** True when the file carries S3 credentials (so it belongs in a Secret, not a ConfigMap). */
export function carriesCredentials(snapshot: ClusterSnapshot): boolean {
  return snapshot.storageVolumePropertyKeys.some((k) => CREDENTIAL_PROPERTIES.includes(k));
}
