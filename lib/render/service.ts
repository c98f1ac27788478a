/**
 * The external and the headless ("search") Service of a component
 * (`pkg/common/resource_utils/service.go` BuildExternalService, `pkg/k8sutils/templates/service/spec.go`).
 * Deliberate difference: no ownerReferences (there is no StarRocksCluster CR).
 * Operator v1.11: a non-zero `arrow_flight_port` in the config adds an `arrow-flight` port to the FE's external
 * Service (`service.go` getFeServicePorts) and to the CN/BE search Service (`generateInternalService` in
 * `cn_controller.go` / `GenerateInternalService` in `be_controller.go`); no other Service and no container gets one.
 */
import type { V1ServicePort, V1ServiceSpec } from '@kubernetes/client-node';
import { ARROW_FLIGHT_PORT_NAME, arrowFlightPort, COMPONENT_PORTS } from '../model/ports';
import type { ComponentKind, ServicePort, StarRocksClusterSpec } from '../model/types';
import { componentContext, type ComponentContext } from './component-context';
import { serviceResourceHash, type HashedServicePort } from './hashes';
import type { RenderedService } from './kube-object';
import { componentLabels, componentSelector, RESOURCE_HASH_ANNOTATION, searchServiceName, serviceName } from './names';
import { compact, plain } from './plain';

export { ARROW_FLIGHT_PORT_NAME };

/** `mergePort`: a user port matched by container port (else by name) overrides `port` and `nodePort`. */
function mergePort(user: readonly ServicePort[] | undefined, name: string, port: number, appProtocol?: string): HashedServicePort {
  const base = { name, protocol: 'TCP', port, targetPort: port, appProtocol };
  if (user === undefined) return base;
  const match = user.find((p) => (p.containerPort ?? 0) === port) ?? user.find((p) => p.name === name);
  if (match === undefined) return base;
  return {
    ...base,
    port: match.port ? match.port : base.port,
    nodePort: match.nodePort ? match.nodePort : undefined,
  };
}

/** The component's ports (model/ports.ts), plus FE's Arrow Flight port on operator v1.11. */
function externalPorts(ctx: ComponentContext): HashedServicePort[] {
  const user = ctx.spec.service?.ports;
  const ports = COMPONENT_PORTS[ctx.kind].map((p) => mergePort(user, p.service, ctx.ports[p.role]!, p.appProtocol));
  const arrow = ctx.kind === 'fe' && ctx.rules.arrowFlightPorts ? arrowFlightPort(ctx.conf) : undefined;
  return arrow === undefined ? ports : [...ports, mergePort(user, ARROW_FLIGHT_PORT_NAME, arrow)];
}

export function externalServiceFromContext(ctx: ComponentContext): RenderedService {
  const svc = ctx.spec.service;
  const type = svc?.type ?? 'ClusterIP';
  const name = serviceName(ctx.cluster, ctx.kind);
  const labels = { ...componentLabels(ctx.cluster, ctx.kind), ...plain(svc?.labels ?? {}) };
  const selector = componentSelector(ctx.cluster, ctx.kind);
  const ports = externalPorts(ctx);
  const userAnnotations = plain(svc?.annotations ?? {});
  const loadBalancerSourceRanges = svc?.loadBalancerSourceRanges ? [...svc.loadBalancerSourceRanges] : undefined;
  const hash = serviceResourceHash({
    name,
    namespace: ctx.namespace,
    ports,
    selector,
    type,
    labels,
    annotations: userAnnotations,
    loadBalancerSourceRanges,
  });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: ctx.namespace,
      labels,
      annotations: { ...userAnnotations, [RESOURCE_HASH_ANNOTATION]: hash },
    },
    spec: compact<V1ServiceSpec>({
      ports: ports.map((p) => compact<V1ServicePort>({ ...p })),
      selector,
      type,
      loadBalancerIP: type === 'LoadBalancer' && svc?.loadBalancerIP ? svc.loadBalancerIP : undefined,
      loadBalancerSourceRanges,
    }),
  };
}

/**
 * The headless Service: FE publishes the query port (`query-port`, appProtocol mysql), CN/BE the heartbeat port
 * (`heartbeat`); no protocol field (the API server defaults TCP), not-ready pods published.
 */
export function searchServiceFromContext(ctx: ComponentContext): RenderedService {
  const ports: V1ServicePort[] = COMPONENT_PORTS[ctx.kind]
    .filter((p) => p.headless !== undefined)
    .map((p) => compact<V1ServicePort>({ name: p.headless!.name, appProtocol: p.headless!.appProtocol, port: ctx.ports[p.role]!, targetPort: ctx.ports[p.role]! }));
  const arrow = ctx.kind !== 'fe' && ctx.rules.arrowFlightPorts ? arrowFlightPort(ctx.conf) : undefined;
  if (arrow !== undefined) ports.push({ name: ARROW_FLIGHT_PORT_NAME, port: arrow, targetPort: arrow });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: searchServiceName(ctx.cluster, ctx.kind),
      namespace: ctx.namespace,
      labels: componentLabels(ctx.cluster, ctx.kind),
    },
    spec: {
      ports,
      selector: componentSelector(ctx.cluster, ctx.kind),
      clusterIP: 'None',
      publishNotReadyAddresses: true,
    },
  };
}

export function buildExternalService(spec: StarRocksClusterSpec, kind: ComponentKind, namespace: string): RenderedService | undefined {
  const ctx = componentContext(spec, kind, namespace);
  return ctx && externalServiceFromContext(ctx);
}

export function buildSearchService(spec: StarRocksClusterSpec, kind: ComponentKind, namespace: string): RenderedService | undefined {
  const ctx = componentContext(spec, kind, namespace);
  return ctx && searchServiceFromContext(ctx);
}
