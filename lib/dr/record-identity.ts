/**
 * What a status record is about, so that it cannot be taken for another cluster's: the uids of the FE metadata PVCs
 * (they survive a StatefulSet re-created; a cluster re-created from scratch gets new ones) and the snapshot path
 * restored. Pure: the live identity read off the FE StatefulSet and the PVCs, how a recorded one is kept, how two
 * differ. The guard (guard.ts) decides what a difference means.
 */
import type { V1PersistentVolumeClaim, V1StatefulSet } from '@kubernetes/client-node';

export interface RecordIdentity {
  /** uid of each FE metadata PVC, by PVC name; empty until the restore form has created them. */
  readonly feMetaPvcUids: Readonly<Record<string, string>>;
  /** `cluster_snapshot_path` of the snapshot restored, when it was known. */
  readonly snapshotPath?: string;
}

export const NO_IDENTITY: RecordIdentity = { feMetaPvcUids: {} };

/** True when the identity names FE metadata PVCs. */
export function namesPvcs(identity: RecordIdentity | undefined): boolean {
  return identity !== undefined && Object.keys(identity.feMetaPvcUids).length > 0;
}

/**
 * Whether the PVCs must be read to judge a record: it names PVCs (compare them), or there is no record and no FE
 * StatefulSet (a torn-down cluster may have left its metadata behind).
 */
export function identityNeedsPvcs(recorded: RecordIdentity | undefined, feStatefulSet: V1StatefulSet | undefined): boolean {
  return recorded ? namesPvcs(recorded) : !feStatefulSet;
}

/**
 * The name prefix of the FE metadata PVCs: `<claim>-<cluster>-fe-` for the volume claim template mounted at the FE
 * meta directory (PVC names are `<template>-<statefulset>-<ordinal>`, the StatefulSet controller's rule).
 */
export function feMetaPvcPrefix(fe: V1StatefulSet | undefined): string | undefined {
  const container = fe?.spec?.template.spec?.containers.find((c) => c.name === 'fe');
  const claims = new Set((fe?.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name));
  const mount = container?.volumeMounts?.find((m) => claims.has(m.name) && /\/fe\/meta\/?$/.test(m.mountPath));
  return mount ? `${mount.name}-${fe!.metadata!.name}-` : undefined;
}

/**
 * The identity a cluster shows now: its FE metadata PVCs' uids. `fe` says which claims hold the metadata: the live
 * StatefulSet, else the one the run would create (its templates name the same claims).
 */
export function liveIdentity(fe: V1StatefulSet | undefined, pvcs: readonly V1PersistentVolumeClaim[], snapshotPath?: string): RecordIdentity {
  const prefix = feMetaPvcPrefix(fe);
  const uids: Record<string, string> = {};
  if (prefix) {
    for (const p of pvcs) {
      const name = p.metadata?.name ?? '';
      if (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)) && p.metadata?.uid) uids[name] = p.metadata.uid;
    }
  }
  return { feMetaPvcUids: uids, ...(snapshotPath !== undefined ? { snapshotPath } : {}) };
}

/**
 * The identity to record: the PVC uids first seen are kept (the PVCs the restore went into) and not grown later
 * (scale-up to the full replica count), so a rerun of a finished generation writes nothing.
 */
export function mergeIdentity(recorded: RecordIdentity, live: RecordIdentity): RecordIdentity {
  const uids = namesPvcs(recorded) ? recorded.feMetaPvcUids : live.feMetaPvcUids;
  const snapshotPath = recorded.snapshotPath ?? live.snapshotPath;
  return { feMetaPvcUids: uids, ...(snapshotPath !== undefined ? { snapshotPath } : {}) };
}

/** True when two identities say the same. */
export function sameIdentity(a: RecordIdentity | undefined, b: RecordIdentity | undefined): boolean {
  return JSON.stringify(a ?? NO_IDENTITY) === JSON.stringify(b ?? NO_IDENTITY);
}

/** Why the recorded PVCs are not the live ones, or undefined when they match (or nothing was recorded yet). */
export function pvcMismatch(recorded: RecordIdentity, live: RecordIdentity): string | undefined {
  const names = Object.keys(recorded.feMetaPvcUids);
  if (names.length === 0) return undefined;
  const present = names.filter((n) => live.feMetaPvcUids[n] !== undefined);
  if (present.length === 0) return `its FE metadata PVCs (${names.join(', ')}) no longer exist`;
  const changed = present.filter((n) => live.feMetaPvcUids[n] !== recorded.feMetaPvcUids[n]);
  if (changed.length > 0) return `the FE metadata PVCs ${changed.join(', ')} were re-created (their uids differ from the record's)`;
  return undefined;
}
