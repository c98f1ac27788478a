/** Records core/v1 Events the way controllers do (`SuccessfulCreate`, `Unhealthy`, ...). */
import { randomBytes } from 'node:crypto';
import { rfc3339 } from '../clock';
import { Registry } from '../registry';
import { resourceType } from '../resources';

export function recordEvent(registry: Registry, now: number, obj: any, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
  const ns = obj.metadata?.namespace ?? 'default';
  try {
    registry.create(resourceType('Event')!, ns, {
      metadata: { name: `${obj.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns },
      involvedObject: { kind: obj.kind, namespace: ns, name: obj.metadata.name, uid: obj.metadata.uid, apiVersion: obj.apiVersion, resourceVersion: obj.metadata.resourceVersion },
      reason,
      message,
      type,
      source: { component },
      firstTimestamp: rfc3339(now),
      lastTimestamp: rfc3339(now),
      count: 1,
      reportingComponent: component,
      reportingInstance: '',
    }, { fieldManager: component });
  } catch {
    // The namespace is going away; events are best effort.
  }
}
