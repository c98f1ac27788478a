/**
 * Volumes for volumeClaimTemplates on the test control plane, as kind provides them (rancher's local-path
 * provisioner): a default StorageClass `standard` with `volumeBindingMode: WaitForFirstConsumer`, and a provisioner
 * that, once the scheduler has picked a node for a claim's pod (annotation `volume.kubernetes.io/selected-node`),
 * creates a hostPath PersistentVolume of the requested size on that node, pre-bound to the claim (`spec.claimRef`
 * with its uid); kube-controller-manager's PV binder binds it and the scheduler's VolumeBinding PreBind lets the pod
 * go on. Retain policy: deleting a claim leaves its volume Released.
 *
 * Why not Immediate binding with volumes created on sight: kube-scheduler v1.36 parks a pod whose claim is unbound
 * ("pod has unbound immediate PersistentVolumeClaims") and, in our runs, retried it only minutes after the claim was
 * bound; with WaitForFirstConsumer the pod is placed first, as on kind and most clouds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CoreV1Api, StorageV1Api, Watch, type KubeConfig, type V1PersistentVolumeClaim } from '@kubernetes/client-node';

export interface VolumeProvisioner {
  /** Volumes created so far, by claim uid. */
  readonly created: ReadonlyMap<string, string>;
  stop(): Promise<void>;
}

export const STORAGE_CLASS = 'standard';
const PROVISIONER = 'test.starrocks-dr.io/hostpath';
const SELECTED_NODE = 'volume.kubernetes.io/selected-node';

export async function startVolumeProvisioner(kc: KubeConfig, dir: string): Promise<VolumeProvisioner> {
  const core = kc.makeApiClient(CoreV1Api);
  await kc.makeApiClient(StorageV1Api).createStorageClass({
    body: {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: PROVISIONER,
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Retain',
    },
  }).catch((e: { code?: number }) => (e.code === 409 ? undefined : Promise.reject(e)));
  const created = new Map<string, string>();
  let stopped = false;
  let request: { abort(): void } | undefined;

  const provide = async (pvc: V1PersistentVolumeClaim) => {
    const uid = pvc.metadata?.uid;
    const node = pvc.metadata?.annotations?.[SELECTED_NODE];
    if (!uid || !node || pvc.spec?.storageClassName !== STORAGE_CLASS || pvc.spec?.volumeName || pvc.metadata?.deletionTimestamp || created.has(uid)) return;
    const name = `pv-${uid}`;
    created.set(uid, name);
    const hostPath = path.join(dir, uid);
    fs.mkdirSync(hostPath, { recursive: true });
    try {
      await core.createPersistentVolume({
        body: {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name, labels: { 'test.starrocks-dr.io/provisioned': 'true' } },
          spec: {
            capacity: { storage: pvc.spec?.resources?.requests?.storage ?? '1Gi' },
            accessModes: pvc.spec?.accessModes ?? ['ReadWriteOnce'],
            volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
            persistentVolumeReclaimPolicy: 'Retain',
            storageClassName: STORAGE_CLASS,
            hostPath: { path: hostPath },
            nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
            claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata?.namespace, name: pvc.metadata?.name, uid },
          },
        },
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 409) created.delete(uid);
    }
  };

  // list, then watch from the list's resourceVersion; a watch that ends is re-listed (claims missed meanwhile).
  const loop = async () => {
    while (!stopped) {
      try {
        const list = await core.listPersistentVolumeClaimForAllNamespaces();
        for (const pvc of list.items) await provide(pvc);
        await new Promise<void>((resolve) => {
          void new Watch(kc)
            .watch('/api/v1/persistentvolumeclaims', { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
              (type: string, obj: V1PersistentVolumeClaim) => {
                if (type === 'ADDED' || type === 'MODIFIED') void provide(obj);
              },
              () => resolve())
            .then((req) => (request = req), () => resolve());
        });
      } catch {
        // the API server restarting: try again
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 200));
    }
  };
  const running = loop();
  return {
    created,
    async stop() {
      stopped = true;
      request?.abort();
      await running;
    },
  };
}
