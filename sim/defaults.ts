/**
 * Defaulting, as the API server does it before storing: the fields clients later see but never set
 * (port protocols, probe timings, StatefulSet policies, Service cluster IPs). Mutates its argument.
 */
import { isPlainObject } from './json';

function defaultProbe(p: any): void {
  if (!isPlainObject(p)) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (isPlainObject(p.httpGet)) p.httpGet.scheme ??= 'HTTP';
}

function defaultContainer(c: any): void {
  if (!isPlainObject(c)) return;
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (c.imagePullPolicy === undefined && typeof c.image === 'string') {
    const tag = /:[^/]+$/.exec(c.image)?.[0];
    c.imagePullPolicy = !tag || tag === ':latest' ? 'Always' : 'IfNotPresent';
  }
  for (const p of c.ports ?? []) if (isPlainObject(p)) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) if (isPlainObject(e?.valueFrom?.fieldRef)) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

export function defaultPodSpec(spec: any): void {
  if (!isPlainObject(spec)) return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    if (isPlainObject(v?.configMap)) v.configMap.defaultMode ??= 420;
    if (isPlainObject(v?.secret)) v.secret.defaultMode ??= 420;
  }
}

/**
 * What a Pod gets from SetDefaults_Pod and the default admission plugins of kube-apiserver v1.36, on pods only (not
 * on templates): `enableServiceLinks` (pkg/apis/core/v1/defaults.go), the ServiceAccount plugin's `default`
 * account, the Priority plugin's priority 0 and `PreemptLowerPriority`, and DefaultTolerationSeconds' 300 s
 * tolerations of not-ready and unreachable nodes.
 */
function defaultPodAdmission(spec: any): void {
  if (!isPlainObject(spec)) return;
  spec.enableServiceLinks ??= true;
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations: any[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const tolerated = tolerations.some((t) => isPlainObject(t) && (t.key === key || (t.key === undefined && t.operator === 'Exists')) && (t.effect === undefined || t.effect === 'NoExecute'));
    if (!tolerated) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}

export interface DefaultingContext {
  /** Allocates a ClusterIP for a new Service. */
  allocateClusterIP(): string;
}

export function applyDefaults(kind: string, obj: any, ctx: DefaultingContext): void {
  obj.metadata ??= {};
  switch (kind) {
    case 'Pod':
      defaultPodSpec((obj.spec ??= {}));
      defaultPodAdmission(obj.spec);
      break;
    case 'StatefulSet': {
      const s = (obj.spec ??= {});
      s.replicas ??= 1;
      s.podManagementPolicy ??= 'OrderedReady';
      s.updateStrategy ??= { type: 'RollingUpdate' };
      if (s.updateStrategy.type === 'RollingUpdate') {
        s.updateStrategy.rollingUpdate ??= {};
        s.updateStrategy.rollingUpdate.partition ??= 0;
      }
      s.revisionHistoryLimit ??= 10;
      s.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
      defaultPodSpec(s.template?.spec);
      for (const t of s.volumeClaimTemplates ?? []) {
        if (!isPlainObject(t)) continue;
        t.apiVersion ??= 'v1';
        t.kind ??= 'PersistentVolumeClaim';
        t.spec ??= {};
        t.spec.volumeMode ??= 'Filesystem';
        t.status ??= { phase: 'Pending' };
      }
      break;
    }
    case 'Service': {
      const s = (obj.spec ??= {});
      s.type ??= 'ClusterIP';
      s.sessionAffinity ??= 'None';
      if (s.clusterIP === undefined || s.clusterIP === '') s.clusterIP = ctx.allocateClusterIP();
      s.clusterIPs ??= [s.clusterIP];
      // A single-stack IPv4 cluster gives every Service its families, headless ones too; a headless Service without a
      // selector asks for both (pkg/registry/core/service/storage/alloc.go; seen on kube-apiserver v1.36).
      s.ipFamilies ??= ['IPv4'];
      s.ipFamilyPolicy ??= s.clusterIP === 'None' && !s.selector ? 'RequireDualStack' : 'SingleStack';
      s.internalTrafficPolicy ??= 'Cluster';
      for (const p of s.ports ?? []) {
        if (!isPlainObject(p)) continue;
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      break;
    }
    case 'PersistentVolumeClaim':
      obj.spec ??= {};
      obj.spec.volumeMode ??= 'Filesystem';
      break;
    case 'Namespace':
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
      obj.spec ??= { finalizers: ['kubernetes'] };
      break;
    case 'Secret':
      // SetDefaults_Secret: an empty type (as protobuf clients send it) is Opaque.
      if (!obj.type) obj.type = 'Opaque';
      if (isPlainObject(obj.stringData)) {
        obj.data = { ...(obj.data ?? {}) };
        for (const [k, v] of Object.entries(obj.stringData)) obj.data[k] = Buffer.from(String(v)).toString('base64');
        delete obj.stringData;
      }
      break;
  }
}
