/**
 * The model's types, for importers that only need types. They are not written here: each comes from its one
 * declaration, the spec's valibot schema (`spec-schema.ts`), or the module that owns the idea (component kinds and
 * ports: `ports.ts`; operator lines: `operator-version.ts`).
 */
export type {
  ComponentSpec,
  DisasterRecoverySpec,
  ExtraObject,
  MountReference,
  PodManagementPolicy,
  PvcRetention,
  PvcRetentionPolicy,
  ResourceRequirements,
  ServicePort,
  ServiceSpec,
  StarRocksClusterSpec,
  StorageVolume,
} from './spec-schema';
export { ImagePullPolicy, ServiceType } from './spec-schema';
export type { ComponentKind } from './ports';
export type { OperatorVersion } from './operator-version';

/** Which form of the cluster to render. */
export type DrPhaseForm = 'full' | 'restore';
