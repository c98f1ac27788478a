/**
 * The pod template of a component, as the operator builds it (`pkg/subcontrollers/{fe,cn,be}/*_pod.go`,
 * `pkg/k8sutils/templates/pod/{spec,probe,mount}.go`) from the CR the chart writes (`starrockscluster.yaml`).
 */
import type {
  V1Container,
  V1ContainerPort,
  V1EnvVar,
  V1Lifecycle,
  V1PodSecurityContext,
  V1PodSpec,
  V1PodTemplateSpec,
  V1Probe,
  V1ResourceRequirements,
  V1SecurityContext,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { COMPONENT_PORTS } from '../model/ports';
import type { ComponentKind } from '../model/types';
import { configHash } from './hashes';
import { DEFAULT_TERMINATION_GRACE_SECONDS } from './chart-defaults';
import { DEFAULT_ROOT_PATH, type ComponentContext } from './component-context';
import { mountVolumeName } from './hashes';
import {
  componentResourceName,
  componentSelector,
  configHashAnnotation,
  configMapName,
  configMountPath,
  containerName,
  serviceName,
} from './names';
import { compact, nonEmptyList, nonEmptyMap, plain } from './plain';
import { preStopCommand } from './pre-stop';

export const HEALTH_PATH = '/api/health';
const PROBE_PERIOD_SECONDS = 5;

/** The container ports, as the operator lists them (model/ports.ts; BE's `be-port` carries no protocol). */
export function containerPorts(ctx: ComponentContext): V1ContainerPort[] {
  return COMPONENT_PORTS[ctx.kind].flatMap((p) =>
    p.container ? [compact<V1ContainerPort>({ name: p.container.name, containerPort: ctx.ports[p.role]!, protocol: p.container.protocol })] : [],
  );
}

/** The port the health probes hit: FE `http_port`, CN/BE `webserver_port` (model/ports.ts `probe`). */
export function probePort(ctx: ComponentContext): number {
  return ctx.ports[COMPONENT_PORTS[ctx.kind].find((p) => p.probe)!.role]!;
}

/** `completeProbe`: failure seconds become a threshold of 5-second periods; 0 switches the probe off. */
function httpProbe(failureSeconds: number | undefined, defaultThreshold: number, port: number): V1Probe | undefined {
  if (failureSeconds === 0) return undefined;
  const failureThreshold =
    failureSeconds === undefined
      ? defaultThreshold
      : Math.floor((failureSeconds + PROBE_PERIOD_SECONDS - 1) / PROBE_PERIOD_SECONDS);
  return { failureThreshold, httpGet: { path: HEALTH_PATH, port }, periodSeconds: PROBE_PERIOD_SECONDS };
}

/**
 * Env in the operator's order: the chart's `TZ`, the user's vars, then the operator's (each only when the name is
 * not taken), then `CONFIGMAP_MOUNT_PATH`. Deliberate: a `TZ` or `CONFIGMAP_MOUNT_PATH` the user set is not
 * duplicated (duplicate names break server-side apply); see README.
 */
export function containerEnv(ctx: ComponentContext): V1EnvVar[] {
  const user = ctx.spec.envVars ?? [];
  const env: V1EnvVar[] = [];
  if (!user.some((e) => e.name === 'TZ')) env.push({ name: 'TZ', value: ctx.timeZone });
  env.push(...plain([...user]));
  const taken = new Set(env.map((e) => e.name));
  const add = (e: V1EnvVar): void => {
    if (taken.has(e.name)) return;
    taken.add(e.name);
    env.push(e);
  };
  const field = (name: string, fieldPath: string): V1EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  add(field('POD_NAME', 'metadata.name'));
  add(field('POD_IP', 'status.podIP'));
  add(field('HOST_IP', 'status.hostIP'));
  add(field('POD_NAMESPACE', 'metadata.namespace'));
  add({ name: 'HOST_TYPE', value: 'FQDN' });
  add({ name: 'COMPONENT_NAME', value: ctx.kind });
  const feService = serviceName(ctx.cluster, 'fe');
  if (ctx.kind === 'fe') {
    add({ name: 'FE_SERVICE_NAME', value: `${feService}.${ctx.namespace}` });
  } else {
    add({ name: 'FE_SERVICE_NAME', value: feService });
    add({ name: 'FE_QUERY_PORT', value: String(ctx.fe.query) });
  }
  add({ name: 'CONFIGMAP_MOUNT_PATH', value: configMountPath(ctx.kind) });
  return env;
}

interface Mounts {
  readonly volumes: V1Volume[];
  readonly volumeMounts: V1VolumeMount[];
}

function mount(name: string, mountPath: string, subPath?: string): V1VolumeMount {
  return compact<V1VolumeMount>({ name, mountPath, subPath: subPath === '' ? undefined : subPath });
}

/** `SpecialStorageClassName`: emptyDir / hostPath volumes are not claims. */
export function specialStorageClass(sv: { storageClassName?: string; hostPath?: unknown }): 'emptyDir' | 'hostPath' | '' {
  if (sv.storageClassName !== undefined) {
    const lower = sv.storageClassName.toLowerCase();
    return lower === 'emptydir' ? 'emptyDir' : lower === 'hostpath' ? 'hostPath' : '';
  }
  return sv.hostPath !== undefined ? 'hostPath' : '';
}

/** `HasVolume`: same name, or the same `-suffix` (`fe-storage-meta` counts as `fe-meta`). */
function hasVolume(volumes: readonly V1Volume[], name: string): boolean {
  const suffix = (n: string): [number, string] => {
    const parts = n.split('-');
    return [parts.length, parts[parts.length - 1]];
  };
  const [dn, ds] = suffix(name);
  return volumes.some((v) => {
    const [vn, vs] = suffix(String(v.name));
    return v.name === name || (dn > 1 && vn > 1 && ds === vs);
  });
}

/** `HasMountPath`: any mount whose path contains the default path. */
function hasMountPath(mounts: readonly V1VolumeMount[], path: string): boolean {
  return mounts.some((m) => String(m.mountPath).includes(path));
}

/** Default emptyDir volumes the operator adds when the spec does not cover the path. */
function defaultVolumes(kind: ComponentKind, root: string): Array<{ names: string[]; name: string; path: string }> {
  switch (kind) {
    case 'fe':
      return [
        { names: ['fe-meta'], name: 'fe-meta', path: `${root}/fe/meta` },
        { names: ['fe-log'], name: 'fe-log', path: `${root}/fe/log` },
      ];
    case 'cn':
      return [{ names: ['cn-log'], name: 'cn-log', path: `${root}/cn/log` }];
    case 'be':
      return [
        { names: ['be-storage', 'be-data'], name: 'be-data', path: `${root}/be/storage` },
        { names: ['be-log'], name: 'be-log', path: `${root}/be/log` },
      ];
  }
}

export function podVolumes(ctx: ComponentContext): Mounts {
  const volumes: V1Volume[] = [];
  const volumeMounts: V1VolumeMount[] = [];
  for (const sv of ctx.spec.storageVolumes ?? []) {
    if ((sv.storageSize ?? '').startsWith('0')) continue;
    const special = specialStorageClass(sv);
    const source: Omit<V1Volume, 'name'> =
      special === 'emptyDir'
        ? { emptyDir: {} }
        : special === 'hostPath'
          ? { hostPath: plain(sv.hostPath) }
          : { persistentVolumeClaim: { claimName: sv.name } };
    volumes.push(compact<V1Volume>({ name: sv.name, ...source }));
    volumeMounts.push(mount(sv.name, sv.mountPath, sv.subPath));
  }
  for (const d of defaultVolumes(ctx.kind, ctx.rootPath)) {
    if (d.names.some((n) => hasVolume(volumes, n)) || hasMountPath(volumeMounts, d.path)) continue;
    volumes.push({ name: d.name, emptyDir: {} });
    volumeMounts.push(mount(d.name, d.path));
  }
  const cm = configMapName(ctx.cluster, ctx.kind);
  volumes.push({ name: cm, configMap: { name: cm } });
  volumeMounts.push(mount(cm, configMountPath(ctx.kind)));
  const executable = ctx.spec.command !== undefined || ctx.spec.args !== undefined;
  for (const ref of ctx.spec.configMaps ?? []) {
    const name = mountVolumeName(ref);
    const defaultMode = executable && (ref.subPath ?? '') !== '' ? 0o755 : undefined;
    volumes.push({ name, configMap: compact<NonNullable<V1Volume['configMap']>>({ name: ref.name, defaultMode }) });
    volumeMounts.push(mount(name, ref.mountPath, ref.subPath));
  }
  for (const ref of ctx.spec.secrets ?? []) {
    const name = mountVolumeName(ref);
    volumes.push({ name, secret: { secretName: ref.name } });
    volumeMounts.push(mount(name, ref.mountPath, ref.subPath));
  }
  return { volumes, volumeMounts };
}

/** `LifeCycle`: the user's postStart; the user's preStop, else the operator line's default (`pre-stop.ts`). */
function lifecycle(ctx: ComponentContext): V1Lifecycle {
  const preStop = { exec: { command: preStopCommand(ctx.rules, ctx.kind, ctx.spec.image, ctx.rootPath) } };
  const user = ctx.spec.lifecycle;
  return compact<V1Lifecycle>({ postStart: plain(user?.postStart), preStop: user?.preStop ? plain(user.preStop) : preStop });
}

function resources(ctx: ComponentContext): V1ResourceRequirements {
  const r = ctx.spec.resources;
  return compact<V1ResourceRequirements>({ limits: nonEmptyMap(r?.limits), requests: nonEmptyMap(r?.requests) });
}

/** runAsNonRoot: true runs as 1000:1000 (`GetRunAsNonRoot`). */
function nonRootIds(ctx: ComponentContext): number | undefined {
  return ctx.spec.runAsNonRoot ? 1000 : undefined;
}

export function mainContainer(ctx: ComponentContext, volumeMounts: V1VolumeMount[]): V1Container {
  const s = ctx.spec;
  const port = probePort(ctx);
  const id = nonRootIds(ctx);
  return compact<V1Container>({
    name: containerName(ctx.kind),
    image: s.image,
    command: nonEmptyList(s.command) ?? (s.command === undefined ? [`${ctx.rootPath}/${ctx.kind}_entrypoint.sh`] : undefined),
    args: nonEmptyList(s.args) ?? (s.args === undefined ? ['$(FE_SERVICE_NAME)'] : undefined),
    workingDir: ctx.rootPath !== DEFAULT_ROOT_PATH ? ctx.rootPath : undefined,
    ports: containerPorts(ctx),
    env: containerEnv(ctx),
    resources: resources(ctx),
    volumeMounts,
    livenessProbe: httpProbe(s.livenessProbeFailureSeconds, 3, port),
    readinessProbe: httpProbe(s.readinessProbeFailureSeconds, 3, port),
    startupProbe: httpProbe(s.startupProbeFailureSeconds, 60, port),
    lifecycle: lifecycle(ctx),
    imagePullPolicy: s.imagePullPolicy ?? 'IfNotPresent',
    securityContext: compact<V1SecurityContext>({
      capabilities: plain(s.capabilities),
      runAsUser: id,
      runAsGroup: id,
      runAsNonRoot: id === undefined ? undefined : true,
      readOnlyRootFilesystem: s.readOnlyRootFilesystem ?? false,
      allowPrivilegeEscalation: false,
    }),
  });
}

/** Pod template labels: the selector plus the user's pod labels (which may override it, as in the operator). */
export function podLabels(ctx: ComponentContext): Record<string, string> {
  return { ...componentSelector(ctx.cluster, ctx.kind), ...plain(ctx.spec.podLabels ?? {}) };
}

/** Pod annotations: the chart's config hash, then the user's. */
export function podAnnotations(ctx: ComponentContext): Record<string, string> {
  return { [configHashAnnotation(ctx.kind)]: configHash(ctx.configText), ...plain(ctx.spec.annotations ?? {}) };
}

export function buildPodTemplate(ctx: ComponentContext): V1PodTemplateSpec {
  const s = ctx.spec;
  const { volumes, volumeMounts } = podVolumes(ctx);
  const id = nonRootIds(ctx);
  return {
    // The operator names the template and gives it the namespace (it feeds its change-detection hash); v1.11 no
    // longer names the CN's (`cn_pod.go`).
    metadata: {
      ...((ctx.kind !== 'cn' || ctx.rules.cnTemplateName) && { name: componentResourceName(ctx.cluster, ctx.kind) }),
      namespace: ctx.namespace,
      labels: podLabels(ctx),
      annotations: podAnnotations(ctx),
    },
    spec: compact<V1PodSpec>({
      volumes,
      initContainers: nonEmptyList(s.initContainers),
      containers: [mainContainer(ctx, volumeMounts), ...(nonEmptyList(s.sidecars) ?? [])],
      terminationGracePeriodSeconds: s.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_SECONDS,
      nodeSelector: nonEmptyMap(s.nodeSelector),
      serviceAccountName: s.serviceAccount === '' ? undefined : s.serviceAccount,
      automountServiceAccountToken: false,
      shareProcessNamespace: s.shareProcessNamespace,
      securityContext: compact<V1PodSecurityContext>({
        fsGroup: id,
        sysctls: nonEmptyList(s.sysctls),
        fsGroupChangePolicy: 'OnRootMismatch',
      }),
      imagePullSecrets: nonEmptyList(s.imagePullSecrets),
      affinity: s.affinity === undefined ? undefined : plain(s.affinity),
      schedulerName: s.schedulerName === '' ? undefined : s.schedulerName,
      tolerations: nonEmptyList(s.tolerations),
      hostAliases: nonEmptyList(s.hostAliases),
      topologySpreadConstraints: nonEmptyList(s.topologySpreadConstraints),
    }),
  };
}
