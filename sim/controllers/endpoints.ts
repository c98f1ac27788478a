/**
 * The Endpoints controller: for each Service with a selector, an Endpoints object of the same name listing
 * the matching pods that have an IP, Ready ones under `addresses` and the rest under `notReadyAddresses`
 * (all under `addresses` with `publishNotReadyAddresses`). Named target ports resolve per pod.
 */
import { Registry } from '../registry';
import { resourceType } from '../resources';
import { labelSelectorFromObject } from '../selectors';
import { StoreEvent } from '../store';
import { QueueController } from './controller';

const SVC = resourceType('Service')!;
const POD = resourceType('Pod')!;
const EP = resourceType('Endpoints')!;
const MANAGER = 'kube-controller-manager';

function podReady(p: any): boolean {
  return (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

export class EndpointsController extends QueueController {
  constructor(registry: Registry) {
    super(registry);
  }

  protected keysFor(e: StoreEvent): string[] {
    const ns = e.object.metadata.namespace;
    if (e.rt === SVC) return [`${ns}/${e.object.metadata.name}`];
    if (e.rt === POD) return this.registry.store.list(SVC, ns).map((s) => `${ns}/${s.metadata.name}`);
    return [];
  }

  protected reconcile(key: string): void {
    const [ns, name] = key.split('/');
    const svc = this.registry.store.get(SVC, ns, name);
    const existing = this.registry.store.get(EP, ns, name);
    if (!svc) {
      if (existing) this.registry.delete(EP, ns, name);
      return;
    }
    if (!svc.spec?.selector) return;
    const select = labelSelectorFromObject({ matchLabels: svc.spec.selector });
    const publishAll = !!svc.spec.publishNotReadyAddresses;
    const pods = this.registry.store.list(POD, ns).filter((p) => select(p.metadata.labels) && p.status?.podIP);
    const groups = new Map<string, { ports: any[]; addresses: any[]; notReadyAddresses: any[] }>();
    for (const p of pods) {
      const terminating = !!p.metadata.deletionTimestamp;
      if (terminating && !publishAll) continue;
      const ports = (svc.spec.ports ?? []).map((sp: any) => {
        let port = sp.targetPort ?? sp.port;
        if (typeof port === 'string') {
          const cp = (p.spec.containers ?? []).flatMap((c: any) => c.ports ?? []).find((x: any) => x.name === port);
          port = cp?.containerPort;
        }
        return port === undefined ? undefined : { ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' };
      }).filter(Boolean);
      const gk = JSON.stringify(ports);
      if (!groups.has(gk)) groups.set(gk, { ports, addresses: [], notReadyAddresses: [] });
      const addr: Record<string, unknown> = { ip: p.status.podIP, nodeName: p.spec.nodeName, targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid } };
      if (p.spec.hostname && p.spec.subdomain === svc.metadata.name) addr.hostname = p.spec.hostname;
      const g = groups.get(gk)!;
      if (publishAll || podReady(p)) g.addresses.push(addr);
      else g.notReadyAddresses.push(addr);
    }
    const byIp = (a: any, b: any) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
    const subsets = [...groups.values()].map((g) => {
      const s: Record<string, unknown> = {};
      if (g.addresses.length) s.addresses = g.addresses.sort(byIp);
      if (g.notReadyAddresses.length) s.notReadyAddresses = g.notReadyAddresses.sort(byIp);
      if (g.ports.length) s.ports = g.ports;
      return s;
    });
    const labels = { ...(svc.metadata.labels ?? {}), ...(svc.spec.clusterIP === 'None' ? { 'service.kubernetes.io/headless': '' } : {}) };
    const desired: any = { metadata: { name, namespace: ns, labels }, ...(subsets.length ? { subsets } : {}) };
    if (!existing) {
      this.registry.create(EP, ns, desired, { fieldManager: MANAGER });
      return;
    }
    const next = { ...existing, metadata: { ...existing.metadata, labels } };
    if (subsets.length) next.subsets = subsets;
    else delete next.subsets;
    this.registry.update(EP, ns, name, next, { fieldManager: MANAGER });
  }
}
