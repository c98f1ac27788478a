/**
 * Snapshot discovery: list the cluster snapshots of a storage volume, resolve `latest` / a name / a path to one
 * finished snapshot, and write cluster_snapshot.yaml for it. Only s3.ts talks to the store, and it loads the AWS SDK
 * on first use.
 */
export * from './location';
export * from './layout';
export * from './storage-volume';
export * from './s3';
export * from './discover';
export * from './resolve';
export * from './snapshot-file';
export * from './access';
export * from './pin';
