/**
 * The storage volume a snapshot lives on: how we reach it to list snapshots, and which `aws.s3.*` properties the
 * restoring FE gets in cluster_snapshot.yaml. Property names are StarRocks' (CREATE STORAGE VOLUME, S3 properties).
 * Values of credential properties are never put into messages.
 */
import { parseDocument } from '../yaml';
import { StarRocksDrError } from '../errors';
import { parseConf } from '../model/conf';

export interface VolumeProperty {
  readonly key: string;
  readonly value: string;
}

export interface S3Keys {
  readonly accessKey: string;
  readonly secretKey: string;
}

/** How the restoring FE authenticates to S3 (what goes into the generated file). */
export type FeCredentials = 'keys' | 'default-behavior' | 'instance-profile';

/** Everything needed to list a storage volume and to describe it to the FE. */
export interface S3Access {
  /** `s3://bucket/prefix`, the storage volume's location. */
  readonly location: string;
  readonly region?: string;
  /** `aws.s3.endpoint`: `host[:port]` or a URL. @default - the AWS endpoint of `region` */
  readonly endpoint?: string;
  /** `aws.s3.enable_path_style_access` (S3-compatible stores such as MinIO). @default false */
  readonly pathStyle?: boolean;
  /** `aws.s3.enable_ssl`: with an endpoint without scheme, false means http. @default true */
  readonly enableSsl?: boolean;
  /** Static keys. Absent: listing uses the AWS SDK's default credential chain. */
  readonly keys?: S3Keys;
  /** Where the keys or settings came from, for messages (e.g. `Secret default/s3-keys`). */
  readonly source: string;
  /**
   * Other aws.s3.* properties of the volume to keep in the generated file (e.g. an IAM role ARN).
   * @default - none
   */
  readonly extraProperties?: readonly VolumeProperty[];
}

export const P = {
  region: 'aws.s3.region',
  endpoint: 'aws.s3.endpoint',
  accessKey: 'aws.s3.access_key',
  secretKey: 'aws.s3.secret_key',
  pathStyle: 'aws.s3.enable_path_style_access',
  enableSsl: 'aws.s3.enable_ssl',
  instanceProfile: 'aws.s3.use_instance_profile',
  sdkDefault: 'aws.s3.use_aws_sdk_default_behavior',
} as const;

const HANDLED: readonly string[] = Object.values(P);
const isTrue = (v: string | undefined) => (v ?? '').toLowerCase() === 'true';

/** S3 access from a storage volume's location and properties (cluster_snapshot.yaml or the FE's volume). */
export function accessFromProperties(location: string, properties: readonly VolumeProperty[], source: string): S3Access {
  const get = (k: string) => properties.find((p) => p.key === k)?.value;
  const accessKey = get(P.accessKey);
  const secretKey = get(P.secretKey);
  const credentialFree = isTrue(get(P.instanceProfile)) || isTrue(get(P.sdkDefault));
  const keys = !credentialFree && accessKey && secretKey ? { accessKey, secretKey } : undefined;
  return {
    location,
    region: get(P.region) || undefined,
    endpoint: get(P.endpoint) || undefined,
    pathStyle: get(P.pathStyle) === undefined ? undefined : isTrue(get(P.pathStyle)),
    enableSsl: get(P.enableSsl) === undefined ? undefined : isTrue(get(P.enableSsl)),
    keys,
    source,
    extraProperties: properties.filter((p) => p.key.startsWith('aws.s3.') && !HANDLED.includes(p.key)),
  };
}

export interface StorageVolumeEntry {
  readonly name: string;
  readonly location: string;
  readonly properties: readonly VolumeProperty[];
}

/**
 * The storage volume `name` (or the one cluster_snapshot.storage_volume_name names, else the only one) from a
 * cluster_snapshot.yaml text. `where` names the file in errors.
 */
export function volumeFromSnapshotFile(text: string, where: string, name?: string): StorageVolumeEntry {
  const fail = (field: string, problem: string, fix: string): never => {
    throw new StarRocksDrError('InvalidSnapshot', problem, { field: `${where}: ${field}`, fix });
  };
  const doc = parseDocument(text);
  if (doc.errors.length > 0) fail('(file)', 'is not valid YAML', 'fix the YAML syntax of cluster_snapshot.yaml');
  const root = (doc.toJS() ?? {}) as Record<string, unknown>;
  const volumes = Array.isArray(root.storage_volumes) ? (root.storage_volumes as Array<Record<string, unknown>>) : [];
  const snapshot = (root.cluster_snapshot ?? {}) as Record<string, unknown>;
  const wanted = name ?? (typeof snapshot.storage_volume_name === 'string' ? snapshot.storage_volume_name : undefined);
  const index = wanted === undefined ? (volumes.length === 1 ? 0 : -1) : volumes.findIndex((v) => v?.name === wanted);
  if (index < 0) {
    fail(
      'storage_volumes',
      wanted === undefined ? `has ${volumes.length} volumes and none is named by cluster_snapshot.storage_volume_name` : `defines no volume named ${JSON.stringify(wanted)}`,
      'name the volume with --storage-volume, or add it to storage_volumes with name, type: S3, location and properties',
    );
  }
  const v = volumes[index];
  if (typeof v.location !== 'string' || !v.location.startsWith('s3://')) {
    fail(`storage_volumes[${index}].location`, 'must be an s3:// location', 'set location to the s3:// path the cluster stored its data in');
  }
  const props = Array.isArray(v.properties) ? (v.properties as Array<Record<string, unknown>>) : [];
  return {
    name: String(v.name),
    location: v.location as string,
    properties: props.filter((p) => p && typeof p.key === 'string').map((p) => ({ key: p.key as string, value: p.value === undefined || p.value === null ? '' : String(p.value) })),
  };
}

/** fe.conf keys of the builtin storage volume (StarRocks Config.java, `aws_s3_*`) and the volume properties they become. */
const FE_CONF_PROPERTIES: ReadonlyArray<readonly [string, string]> = [
  ['aws_s3_region', P.region],
  ['aws_s3_endpoint', P.endpoint],
  ['aws_s3_access_key', P.accessKey],
  ['aws_s3_secret_key', P.secretKey],
  ['aws_s3_use_aws_sdk_default_behavior', P.sdkDefault],
  ['aws_s3_use_instance_profile', P.instanceProfile],
  ['aws_s3_iam_role_arn', 'aws.s3.iam_role_arn'],
  ['aws_s3_external_id', 'aws.s3.external_id'],
];

/**
 * The builtin storage volume a shared-data FE creates from its config (`enable_load_volume_from_conf`,
 * `cloud_native_storage_type = S3`, `aws_s3_path = bucket/prefix`), or undefined when fe.conf defines none.
 */
export function volumeFromFeConf(confText: string | undefined): StorageVolumeEntry | undefined {
  const conf = parseConf(confText);
  const path = conf.get('aws_s3_path');
  if (!path || (conf.get('cloud_native_storage_type') ?? 'S3').toUpperCase() !== 'S3') return undefined;
  return {
    name: 'builtin_storage_volume',
    location: `s3://${path.replace(/^s3a?:\/\//, '')}`,
    properties: FE_CONF_PROPERTIES.filter(([c]) => conf.get(c)).map(([c, key]) => ({ key, value: conf.get(c)! })),
  };
}

/** Key names a Kubernetes Secret may hold S3 keys under, in the order they are tried. */
export const SECRET_KEY_NAMES: ReadonlyArray<readonly [string, string]> = [
  [P.accessKey, P.secretKey],
  ['access_key', 'secret_key'],
  ['accessKey', 'secretKey'],
  ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
];

/**
 * S3 keys from a Kubernetes Secret's (decoded) data: a pair of key entries (SECRET_KEY_NAMES), or a whole
 * cluster_snapshot.yaml whose storage volume holds them. `where` names the Secret in errors (never a value).
 */
export function keysFromSecretData(data: Readonly<Record<string, string>>, where: string, snapshotFileKey = 'cluster_snapshot.yaml'): S3Keys {
  for (const [a, s] of SECRET_KEY_NAMES) {
    if (data[a] && data[s]) return { accessKey: data[a], secretKey: data[s] };
  }
  const file = data[snapshotFileKey];
  if (file) {
    const access = accessFromProperties('s3://unused', volumeFromSnapshotFile(file, `${where} key ${snapshotFileKey}`).properties, where);
    if (access.keys) return access.keys;
  }
  throw new StarRocksDrError('InvalidInput', `holds no S3 keys (its keys: ${Object.keys(data).sort().join(', ') || 'none'})`, {
    field: where,
    fix: `store the keys under ${SECRET_KEY_NAMES.map(([a, s]) => `${a}/${s}`).join(' or ')}, or a ${snapshotFileKey} with aws.s3.access_key/aws.s3.secret_key`,
  });
}

/** The AWS endpoint StarRocks would use for a region when none is given. */
export function defaultEndpoint(region: string): string {
  return `s3.${region}.amazonaws.com`;
}

/**
 * The storage volume properties the restoring FE needs, for `fe`: the keys (from the Secret / secret config the
 * user named), or StarRocks' instance-profile / SDK-default switch for clusters that use IAM roles (no keys).
 */
export function feProperties(access: S3Access, fe: FeCredentials): VolumeProperty[] {
  if (!access.region) {
    throw new StarRocksDrError('InvalidInput', 'the storage volume region is unknown', {
      field: '--region',
      fix: 'pass --region (aws.s3.region of the storage volume)',
    });
  }
  const props: VolumeProperty[] = [
    { key: P.region, value: access.region },
    { key: P.endpoint, value: access.endpoint ?? defaultEndpoint(access.region) },
  ];
  if (access.pathStyle !== undefined) props.push({ key: P.pathStyle, value: String(access.pathStyle) });
  if (access.enableSsl !== undefined) props.push({ key: P.enableSsl, value: String(access.enableSsl) });
  if (fe === 'keys') {
    if (!access.keys) {
      throw new StarRocksDrError('InvalidInput', 'the FE is to use S3 keys but no keys were given', {
        field: '--fe-credentials',
        fix: 'name the keys with --s3-secret or -f values whose storage volume has them, or use --fe-credentials default-behavior / instance-profile for IAM roles',
      });
    }
    props.push({ key: P.accessKey, value: access.keys.accessKey }, { key: P.secretKey, value: access.keys.secretKey });
  } else {
    props.push({ key: fe === 'instance-profile' ? P.instanceProfile : P.sdkDefault, value: 'true' });
  }
  return [...props, ...(access.extraProperties ?? [])];
}
