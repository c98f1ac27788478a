/**
 * The external and the headless ("search") Service of a component
 * (`pkg/common/resource_utils/service.go` BuildExternalService, `pkg/k8sutils/templates/service/spec.go`).
 * Deliberate difference: no ownerReferences (there is no StarRocksCluster CR).
 * Operator v1.11: a non-zero `arrow_flight_port` in the config adds an `arrow-flight` port to the FE's external
 * Service (`service.go` getFeServicePorts) and to the CN/BE search Service (`generateInternalService` in
 * `cn_controller.go` / `GenerateInternalService` in `be_controller.go`); no other Service and no container gets one.
 */
import { ARROW_FLIGHT_PORT_NAME, arrowFlightPort } from '../model/ports';
export { ARROW_FLIGHT_PORT_NAME };
import type { ComponentKind, ServicePort, StarRocksClusterSpec } from '../model/types';
import { componentContext, type ComponentContext } from './component-context';
import { serviceResourceHash, type HashedServicePort } from './hashes';
import type { KubeObject } from './kube-object';
import { componentLabels, componentSelector, RESOURCE_HASH_ANNOTATION, searchServiceName, serviceName } from './names';
import { compact, plain } from './plain';


/** `mergePort`: a user port matched by container port (else by name) overrides `port` and `nodePort`. */
function mergePort(user: readonly ServicePort[] | undefined, name: string, port: number): HashedServicePort {
  const base = { name, protocol: 'TCP', port, targetPort: port, appProtocol: name === 'query' ? 'mysql' : undefined };
  if (user === undefined) return base;
  const match = user.find((p) => (p.containerPort ?? 0) === port) ?? user.find((p) => p.name === name);
  if (match === undefined) return base;
  return {
    ...base,
    port: match.port ? match.port : base.port,
    nodePort: match.nodePort ? match.nodePort : undefined,
  };
}

function externalPorts(ctx: ComponentContext): HashedServicePort[] {
  const user = ctx.spec.service?.ports;
  if (ctx.kind === 'fe') {
    const f = ctx.fe;
    const arrow = ctx.rules.arrowFlightPorts ? arrowFlightPort(ctx.conf) : undefined;
    return [
      mergePort(user, 'http', f.http),
      mergePort(user, 'rpc', f.rpc),
      mergePort(user, 'query', f.query),
      mergePort(user, 'edit-log', f.editLog),
      ...(arrow === undefined ? [] : [mergePort(user, ARROW_FLIGHT_PORT_NAME, arrow)]),
    ];
  }
  const b = ctx.backend!;
  return [
    mergePort(user, ctx.kind === 'cn' ? 'thrift' : 'be', b.thrift),
    mergePort(user, 'webserver', b.webserver),
    mergePort(user, 'heartbeat', b.heartbeat),
    mergePort(user, 'brpc', b.brpc),
  ];
}

export function externalServiceFromContext(ctx: ComponentContext): KubeObject {
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
    spec: compact({
      ports: ports.map((p) => compact({ ...p })),
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
export function searchServiceFromContext(ctx: ComponentContext): KubeObject {
  const port =
    ctx.kind === 'fe'
      ? { name: 'query-port', appProtocol: 'mysql', port: ctx.fe.query, targetPort: ctx.fe.query }
      : { name: 'heartbeat', port: ctx.backend!.heartbeat, targetPort: ctx.backend!.heartbeat };
  const arrow = ctx.kind !== 'fe' && ctx.rules.arrowFlightPorts ? arrowFlightPort(ctx.conf) : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: searchServiceName(ctx.cluster, ctx.kind),
      namespace: ctx.namespace,
      labels: componentLabels(ctx.cluster, ctx.kind),
    },
    spec: {
      ports: arrow === undefined ? [port] : [port, { name: ARROW_FLIGHT_PORT_NAME, port: arrow, targetPort: arrow }],
      selector: componentSelector(ctx.cluster, ctx.kind),
      clusterIP: 'None',
      publishNotReadyAddresses: true,
    },
  };
}

export function buildExternalService(spec: StarRocksClusterSpec, kind: ComponentKind, namespace: string): KubeObject | undefined {
  const ctx = componentContext(spec, kind, namespace);
  return ctx && externalServiceFromContext(ctx);
}

export function buildSearchService(spec: StarRocksClusterSpec, kind: ComponentKind, namespace: string): KubeObject | undefined {
  const ctx = componentContext(spec, kind, namespace);
  return ctx && searchServiceFromContext(ctx);
}
