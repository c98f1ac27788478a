/**
 * `synth --target operator`: the same typed model as the StarRocksCluster custom resource (`starrocks.com/v1`, the
 * CRD of the targeted operator line: v1.11.5 by default, v1.10.2 with `operatorVersion: '1.10'`) plus the objects
 * the kube-starrocks chart writes next to it (the `<c>-fe-cm` / `<c>-cn-cm` / `<c>-be-cm` config ConfigMaps that `configMapInfo` points at, and the user's ConfigMaps/Secrets), for teams that
 * run the operator. Field names and chart-added values follow the chart's `starrockscluster.yaml` template: `TZ`
 * leads each component's env, the config hash is a component annotation, `maxUnavailablePods` becomes
 * `updateStrategy.rollingUpdate.maxUnavailable`. The v1.11 fields (`waitForFullRollout`, `podManagementPolicy`,
 * `minReadySeconds`, `persistentVolumeClaimRetentionPolicy`) are written only when the spec sets them, so a v1.10
 * CRD accepts the resource of a spec that does not use them. Pure: same spec, same objects.
 */
import type { ComponentKind, ComponentSpec, StarRocksClusterSpec } from '../model/types';
import { DEFAULT_TIME_ZONE } from '../render/chart-defaults';
import { renderCluster } from '../render/cluster';
import type { KubeObject } from '../render/kube-object';
import { componentResourceName, configFileName, configHashAnnotation, configMapName } from '../render/names';

export const OPERATOR_API_VERSION = 'starrocks.com/v1';
export const OPERATOR_KIND = 'StarRocksCluster';

export interface OperatorRenderOptions {
  /** @default - `spec.namespace`, else 'default' */
  readonly namespace?: string;
}

const SPEC_KEYS: Record<ComponentKind, { spec: 'starRocksFeSpec' | 'starRocksCnSpec' | 'starRocksBeSpec'; env: string }> = {
  fe: { spec: 'starRocksFeSpec', env: 'feEnvVars' },
  cn: { spec: 'starRocksCnSpec', env: 'cnEnvVars' },
  be: { spec: 'starRocksBeSpec', env: 'beEnvVars' },
};

/** The ConfigMaps and Secrets the chart writes, then the StarRocksCluster resource, in apply order. */
export function renderOperatorResources(spec: StarRocksClusterSpec, opts: OperatorRenderOptions = {}): KubeObject[] {
  const namespace = opts.namespace ?? spec.namespace ?? 'default';
  const rendered = renderCluster(spec, { namespace });
  const side = rendered.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret');
  const crSpec: Record<string, unknown> = {};
  if (spec.waitForFullRollout) crSpec.waitForFullRollout = true;
  if (spec.disasterRecovery) crSpec.disasterRecovery = { ...spec.disasterRecovery };
  for (const kind of ['fe', 'cn', 'be'] as const) {
    const component = spec[SPEC_KEYS[kind].spec];
    if (component) crSpec[SPEC_KEYS[kind].spec] = componentSpec(spec, kind, component, rendered);
  }
  const cr: KubeObject = {
    apiVersion: OPERATOR_API_VERSION,
    kind: OPERATOR_KIND,
    metadata: { name: spec.name, namespace, labels: { cluster: spec.name }, ...(spec.annotations ? { annotations: { ...spec.annotations } } : {}) },
    spec: crSpec,
  };
  return [...side, cr];
}

function componentSpec(cluster: StarRocksClusterSpec, kind: ComponentKind, c: ComponentSpec, rendered: readonly KubeObject[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) out[key] = structuredClone(value);
  };
  set('image', c.image);
  set('replicas', c.replicas);
  set('imagePullPolicy', c.imagePullPolicy);
  if (c.maxUnavailablePods !== undefined) out.updateStrategy = { rollingUpdate: { maxUnavailable: c.maxUnavailablePods } };
  set('requests', c.resources?.requests);
  set('limits', c.resources?.limits);
  set('service', c.service);
  const hash = podAnnotations(rendered, componentResourceName(cluster.name, kind))?.[configHashAnnotation(kind)];
  const annotations = { ...(hash !== undefined ? { [configHashAnnotation(kind)]: hash } : {}), ...(c.annotations ?? {}) };
  if (Object.keys(annotations).length > 0) out.annotations = annotations;
  set('imagePullSecrets', c.imagePullSecrets);
  set('serviceAccount', c.serviceAccount);
  set('runAsNonRoot', c.runAsNonRoot);
  set('readOnlyRootFilesystem', c.readOnlyRootFilesystem);
  set('capabilities', c.capabilities);
  set('sysctls', c.sysctls);
  set('nodeSelector', c.nodeSelector);
  set('podLabels', c.podLabels);
  set('hostAliases', c.hostAliases);
  set('schedulerName', c.schedulerName);
  const userEnv = c.envVars ?? [];
  out[SPEC_KEYS[kind].env] = [
    ...(userEnv.some((e) => e.name === 'TZ') ? [] : [{ name: 'TZ', value: cluster.timeZone ?? DEFAULT_TIME_ZONE }]),
    ...structuredClone(userEnv),
  ];
  set('affinity', c.affinity);
  set('tolerations', c.tolerations);
  set('topologySpreadConstraints', c.topologySpreadConstraints);
  set('terminationGracePeriodSeconds', c.terminationGracePeriodSeconds);
  set('startupProbeFailureSeconds', c.startupProbeFailureSeconds);
  set('livenessProbeFailureSeconds', c.livenessProbeFailureSeconds);
  set('readinessProbeFailureSeconds', c.readinessProbeFailureSeconds);
  set('lifecycle', c.lifecycle);
  set('sidecars', c.sidecars);
  set('initContainers', c.initContainers);
  set('shareProcessNamespace', c.shareProcessNamespace);
  set('command', c.command);
  set('args', c.args);
  if (rendered.some((o) => o.kind === 'ConfigMap' && o.metadata.name === configMapName(cluster.name, kind))) {
    out.configMapInfo = { configMapName: configMapName(cluster.name, kind), resolveKey: configFileName(kind) };
  }
  set('storageVolumes', c.storageVolumes);
  set('configMaps', c.configMaps);
  set('secrets', c.secrets);
  set('podManagementPolicy', c.podManagementPolicy);
  set('minReadySeconds', c.minReadySeconds);
  set('persistentVolumeClaimRetentionPolicy', c.persistentVolumeClaimRetentionPolicy);
  return out;
}

function podAnnotations(rendered: readonly KubeObject[], stsName: string): Record<string, string> | undefined {
  const sts = rendered.find((o) => o.kind === 'StatefulSet' && o.metadata.name === stsName) as
    | (KubeObject & { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } })
    | undefined;
  return sts?.spec?.template?.metadata?.annotations;
}
