/**
 * What the cluster shows of a recovery, read in one place for every route that looks before it decides: `dr run` and
 * `dr wait` (once the lease is theirs, before they act), `dr status`, `synth --dr-phase auto`. The reads:
 *
 * - the status record (`<c>-disaster-recovery`), through its one validation (status-record.ts);
 * - the FE StatefulSet (`<c>-fe`) and, when it exists, its pods (decide() reads pods only through it);
 * - the PVCs, when the record's identity needs them (record-identity.ts `identityNeedsPvcs`), or always;
 * - on request: every StatefulSet of the cluster (`dr status` prints CN/BE too) and the Lease's holder.
 *
 * Read only. The waits that follow a run's actions read the same objects from watches (executor.ts).
 */
import type { V1PersistentVolumeClaim, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client';
import { clusterSelector, componentPodSelector, componentResourceName, leaseName } from '../render/names';
import { identityNeedsPvcs, liveIdentity, type RecordIdentity } from './record-identity';
import { readRecord, type RecoveryRecord } from './status-record';

export interface ObserveOptions {
  /** `identity`: only when the record's identity needs them; `always`. @default 'identity' */
  readonly pvcs?: 'identity' | 'always';
  /** Every StatefulSet of the cluster (FE, CN, BE). @default false */
  readonly statefulSets?: boolean;
  /** The Lease's holder. @default false */
  readonly lease?: boolean;
  /** The FE pods even without an FE StatefulSet. @default false */
  readonly allPods?: boolean;
}

export interface Observation {
  readonly cluster: string;
  readonly namespace: string;
  readonly record?: RecoveryRecord;
  readonly feStatefulSet?: V1StatefulSet;
  readonly fePods: readonly V1Pod[];
  /** The namespace's PVCs, when they were read (`pvcsRead`). */
  readonly pvcs: readonly V1PersistentVolumeClaim[];
  readonly pvcsRead: boolean;
  /** Every StatefulSet of the cluster, when asked for. */
  readonly statefulSets?: readonly V1StatefulSet[];
  /** The Lease's holder (null: free), when asked for. */
  readonly leaseHolder?: string | null;
}

export async function observe(client: KubeClient, cluster: string, namespace: string, opts: ObserveOptions = {}): Promise<Observation> {
  const feName = componentResourceName(cluster, 'fe');
  const record = await readRecord(client, cluster, namespace);
  let statefulSets: V1StatefulSet[] | undefined;
  let feStatefulSet: V1StatefulSet | undefined;
  if (opts.statefulSets) {
    statefulSets = (await client.list('StatefulSet', namespace, clusterSelector(cluster))).items as V1StatefulSet[];
    feStatefulSet = statefulSets.find((s) => s.metadata?.name === feName);
  } else {
    feStatefulSet = (await client.get('StatefulSet', namespace, feName)) as V1StatefulSet | undefined;
  }
  const fePods = feStatefulSet || opts.allPods ? ((await client.list('Pod', namespace, componentPodSelector(cluster, 'fe'))).items as V1Pod[]) : [];
  const pvcsRead = opts.pvcs === 'always' || identityNeedsPvcs(record?.identity, feStatefulSet);
  const pvcs = pvcsRead ? ((await client.list('PersistentVolumeClaim', namespace)).items as V1PersistentVolumeClaim[]) : [];
  let leaseHolder: string | null | undefined;
  if (opts.lease) {
    const lease = await client.get('Lease', namespace, leaseName(cluster));
    leaseHolder = ((lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? '') || null;
  }
  return { cluster, namespace, record, feStatefulSet, fePods, pvcs, pvcsRead, ...(statefulSets ? { statefulSets } : {}), ...(opts.lease ? { leaseHolder } : {}) };
}

/**
 * The identity the cluster shows: its FE metadata PVCs, found through the live FE StatefulSet's claim templates, or
 * the rendered one's (`renderedFe`) when none runs yet (its templates name the same claims).
 */
export function observedIdentity(o: Pick<Observation, 'feStatefulSet' | 'pvcs'>, renderedFe: V1StatefulSet | undefined, snapshotPath?: string): RecordIdentity {
  return liveIdentity(o.feStatefulSet ?? renderedFe, o.pvcs, snapshotPath);
}
