/**
 * The pod's QoS class (pkg/apis/core/v1/helper/qos): Guaranteed when every container has equal CPU and memory
 * limits and requests, BestEffort when none sets any, Burstable otherwise.
 */
export function qosClassOf(spec: any): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: any[] = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  const any = containers.some((c) => Object.keys(c?.resources?.requests ?? {}).length || Object.keys(c?.resources?.limits ?? {}).length);
  if (!any) return 'BestEffort';
  const guaranteed = containers.every((c) => ['cpu', 'memory'].every((r) => c?.resources?.limits?.[r] !== undefined && (c.resources.requests?.[r] ?? c.resources.limits[r]) === c.resources.limits[r]));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
