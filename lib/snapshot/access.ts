/**
 * Putting together how to reach a storage volume from what the user gave: a plain cluster_snapshot.yaml, else the
 * values' one, else the builtin volume of the values' fe.conf; flags override it; keys may come from a Kubernetes
 * Secret. Pure: the Secret's data is passed in.
 */
import { StarRocksDrError } from '../errors';
import type { StarRocksClusterSpec } from '../model/types';
import { snapshotVolumeOfSpec } from './resolve';
import { accessFromProperties, keysFromSecretData, P, volumeFromFeConf, volumeFromSnapshotFile, type FeCredentials, type S3Access, type StorageVolumeEntry } from './storage-volume';

export interface AccessInputs {
  /** Values that create cluster_snapshot.yaml (its storage volume is the base). */
  readonly spec?: StarRocksClusterSpec;
  /** A plain cluster_snapshot.yaml and its file name (wins over `spec`). */
  readonly snapshotFile?: { readonly text: string; readonly name: string };
  /** Storage volume to take from the file. @default - cluster_snapshot.storage_volume_name */
  readonly storageVolume?: string;
  readonly location?: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly pathStyle?: boolean;
  /** Decoded data of the Kubernetes Secret named for the keys, and its `namespace/name`. */
  readonly secret?: { readonly data: Readonly<Record<string, string>>; readonly name: string };
}

export interface ResolvedAccess {
  readonly access: S3Access;
  /** What the generated file gives the FE by default: the keys when there are any, else the volume's switch. */
  readonly fe: FeCredentials;
  /** The storage volume name the base file used. */
  readonly storageVolumeName?: string;
}

function baseVolume(inputs: AccessInputs): { entry: StorageVolumeEntry; where: string } | undefined {
  if (inputs.snapshotFile) {
    return { entry: volumeFromSnapshotFile(inputs.snapshotFile.text, inputs.snapshotFile.name, inputs.storageVolume), where: inputs.snapshotFile.name };
  }
  if (!inputs.spec) return undefined;
  const fromFile = snapshotVolumeOfSpec(inputs.spec, inputs.storageVolume);
  if (fromFile) return fromFile;
  // No snapshot file in the values (day-1 values): the builtin volume the FE config defines.
  const fromConf = volumeFromFeConf(inputs.spec.starRocksFeSpec.config);
  return fromConf && { entry: fromConf, where: 'starrocksFESpec.config (fe.conf aws_s3_*)' };
}

export function resolveAccess(inputs: AccessInputs): ResolvedAccess {
  const volume = baseVolume(inputs);
  const base = {
    access: volume && accessFromProperties(volume.entry.location, volume.entry.properties, `${volume.where} (storage volume ${volume.entry.name})`),
    properties: volume?.entry.properties ?? [],
  };
  const location = inputs.location ?? base.access?.location;
  if (!location) {
    throw new StarRocksDrError('InvalidInput', 'no storage volume location to look in', {
      field: '--location',
      fix: 'pass --location s3://<bucket>/<prefix> (the storage volume location), or -f values / --snapshot-file whose cluster_snapshot.yaml has storage_volumes',
    });
  }
  const keys = inputs.secret ? keysFromSecretData(inputs.secret.data, `Secret ${inputs.secret.name}`) : base.access?.keys;
  const access: S3Access = {
    ...(base.access ?? { source: 'flags' }),
    location,
    region: inputs.region ?? base.access?.region,
    endpoint: inputs.endpoint ?? base.access?.endpoint,
    pathStyle: inputs.pathStyle ?? base.access?.pathStyle,
    keys,
    source: inputs.secret ? `Secret ${inputs.secret.name}` : (base.access?.source ?? 'flags'),
  };
  const on = (k: string) => base.properties.some((p) => p.key === k && p.value.toLowerCase() === 'true');
  const fe: FeCredentials = keys ? 'keys' : on(P.instanceProfile) ? 'instance-profile' : 'default-behavior';
  return { access, fe, storageVolumeName: volume?.entry.name };
}
