/** Dynamic provisioning, reduced to its visible effect: a new PVC is bound at once to a volume `pvc-<uid>`. */
import { resourceType } from '../resources';
import { StoreEvent } from '../store';
import { QueueController } from './controller';

const PVC = resourceType('PersistentVolumeClaim')!;

export class PvcBinder extends QueueController {
  protected keysFor(e: StoreEvent): string[] {
    return e.rt === PVC && e.type !== 'DELETED' && e.object.status?.phase !== 'Bound' ? [`${e.object.metadata.namespace}/${e.object.metadata.name}`] : [];
  }

  protected reconcile(key: string): void {
    const [ns, name] = key.split('/');
    const pvc = this.registry.store.get(PVC, ns, name);
    if (!pvc || pvc.status?.phase === 'Bound' || pvc.metadata.deletionTimestamp) return;
    pvc.spec.volumeName ??= `pvc-${pvc.metadata.uid}`;
    pvc.metadata.annotations = { ...(pvc.metadata.annotations ?? {}), 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' };
    const bound = this.registry.writeInternal(PVC, pvc, 'kube-controller-manager');
    bound.status = { phase: 'Bound', accessModes: pvc.spec.accessModes, capacity: { storage: pvc.spec.resources?.requests?.storage } };
    this.registry.writeInternal(PVC, bound, 'kube-controller-manager', 'status');
  }
}
