/**
 * A strict API server: what the real kube-apiserver refuses, the simulator refuses, with the same status shape.
 * Sources (line numbers at the pinned tags):
 * - AM = kubernetes/apimachinery v0.32.0 (59e9003f), Kubernetes v1.32.0's staging copy of k8s.io/apimachinery:
 *   pkg/util/validation/validation.go (V), pkg/util/validation/field/errors.go (F), pkg/api/errors/errors.go (E),
 *   pkg/apis/meta/v1/validation/validation.go (MV), pkg/api/validation/objectmeta.go (OM),
 *   pkg/util/managedfields/internal/structuredmerge.go (SM).
 * - SMD = kubernetes-sigs/structured-merge-diff v4.4.2 (ccf7a061), the version Kubernetes 1.32 vendors.
 * - core = kubernetes/kubernetes pkg/apis/core/validation/validation.go (functions named per case);
 *   apps = pkg/apis/apps/validation/validation.go; the 1.9 GB repository could not be mirrored here, so these are
 *   cited by function.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resourceType } from '../../sim/resources';
import { http, NS, referenceObjects, withSimulator } from './helpers';

const SUBDOMAIN_RE = "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'";
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, ...extra });
const container = (extra: Record<string, unknown> = {}) => ({ name: 'c', image: 'busybox:1', ...extra });
const pod = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });
const sts = (name: string, patch: (s: any) => void = () => {}) => {
  const s: any = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: { replicas: 1, serviceName: name, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [container({ ports: [{ containerPort: 9030 }] })] } } },
  };
  patch(s);
  return s;
};

interface RefusalCase {
  readonly title: string;
  readonly cite: string;
  readonly path: string;
  readonly body: any;
  /** [field, cause reason, cause message]; a RegExp message matches, a string must be equal. */
  readonly causes: readonly [string, string, string | RegExp][];
}

const CM = `/api/v1/namespaces/${NS}/configmaps`;
const PODS = `/api/v1/namespaces/${NS}/pods`;
const STS = `/apis/apps/v1/namespaces/${NS}/statefulsets`;

const REFUSED: RefusalCase[] = [
  {
    title: 'a ConfigMap name that is not a DNS-1123 subdomain',
    cite: 'AM V:207,220-229 (IsDNS1123Subdomain), V:500-513 (RegexError), F:51-96 (ErrorBody)',
    path: CM,
    body: cm('Bad_Name'),
    causes: [['metadata.name', 'FieldValueInvalid', `Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is ${SUBDOMAIN_RE})`]],
  },
  {
    title: 'a Namespace name with a dot (namespaces are DNS-1123 labels)',
    cite: 'AM pkg/api/validation/generic.go:63 (ValidateNamespaceName = NameIsDNSLabel), V:189-204',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } },
    causes: [['metadata.name', 'FieldValueInvalid', 'Invalid value: "team.a": must not contain dots']],
  },
  {
    title: 'a Service name that starts with a digit (services are DNS-1035 labels)',
    cite: 'core ValidateServiceName = NameIsDNS1035Label; AM V:245-263',
    path: `/api/v1/namespaces/${NS}/services`,
    body: { apiVersion: 'v1', kind: 'Service', metadata: { name: '1fe' }, spec: { ports: [{ port: 80 }] } },
    causes: [['metadata.name', 'FieldValueInvalid', /a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/]],
  },
  {
    title: 'a StatefulSet name longer than 63 characters (StatefulSet names are DNS-1123 labels)',
    cite: 'apps ValidateStatefulSetName (NameIsDNSLabel: a subdomain "can\'t actually create pods"); AM V:183,191-193,495-497',
    path: STS,
    body: sts('s'.repeat(64)),
    causes: [['metadata.name', 'FieldValueInvalid', `Invalid value: "${'s'.repeat(64)}": must be no more than 63 characters`]],
  },
  {
    title: 'a label value with a space',
    cite: 'AM MV:113-122 (ValidateLabels), V:155-175 (IsValidLabelValue)',
    path: CM,
    body: cm('label-space', { metadata: { name: 'label-space', labels: { team: 'data platform' } } }),
    causes: [['metadata.labels', 'FieldValueInvalid', `Invalid value: "data platform": ${LABEL_VALUE_MSG}`]],
  },
  {
    title: 'a 66-character label value',
    cite: 'AM V:159,168-170 (LabelValueMaxLength 63)',
    path: CM,
    body: cm('label-long', { metadata: { name: 'label-long', labels: { v: 'x'.repeat(66) } } }),
    causes: [['metadata.labels', 'FieldValueInvalid', `Invalid value: "${'x'.repeat(66)}": must be no more than 63 characters`]],
  },
  {
    title: 'a label key with an empty prefix',
    cite: 'AM V:42-71 (IsQualifiedName), V:517-519 (EmptyError)',
    path: CM,
    body: cm('label-key', { metadata: { name: 'label-key', labels: { '/app': 'x' } } }),
    causes: [['metadata.labels', 'FieldValueInvalid', 'Invalid value: "/app": prefix part must be non-empty']],
  },
  {
    title: 'annotations over 256 KiB in total',
    cite: 'AM OM:36,44-67 (TotalAnnotationSizeLimitB), F:227-235 (TooLong omits the value)',
    path: CM,
    body: cm('big-annotations', { metadata: { name: 'big-annotations', annotations: { a: 'x'.repeat(256 * 1024) } } }),
    causes: [['metadata.annotations', 'FieldValueTooLong', 'Too long: may not be more than 262144 bytes']],
  },
  {
    title: 'ConfigMap data over 1 MiB',
    cite: 'core ValidateConfigMap (core.MaxConfigMapSize = 1 MiB, reported on the whole object); F:227-235',
    path: CM,
    body: cm('big-data', { data: { a: 'x'.repeat(1024 * 1024), b: 'y' } }),
    causes: [['', 'FieldValueTooLong', 'Too long: may not be more than 1048576 bytes']],
  },
  {
    title: 'Secret data over 1 MiB (decoded size)',
    cite: 'core ValidateSecret (core.MaxSecretSize = 1 MiB, on `data`)',
    path: `/api/v1/namespaces/${NS}/secrets`,
    body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'big-secret' }, data: { k: Buffer.alloc(1024 * 1024 + 1).toString('base64') } },
    causes: [['data', 'FieldValueTooLong', 'Too long: may not be more than 1048576 bytes']],
  },
  {
    title: 'a ConfigMap key with a space',
    cite: 'AM V:475-493 (IsConfigMapKey); core ValidateConfigMap (data[key])',
    path: CM,
    body: cm('bad-key', { data: { 'fe conf': 'x' } }),
    causes: [['data[fe conf]', 'FieldValueInvalid', /^Invalid value: "fe conf": a valid config key must consist of alphanumeric characters/]],
  },
  {
    title: 'a probe with two handlers',
    cite: 'core validateHandler ("may not specify more than 1 handler type", Forbidden on the second handler)',
    path: PODS,
    body: pod('two-handlers', { containers: [container({ ports: [{ containerPort: 8030 }], readinessProbe: { httpGet: { path: '/api/health', port: 8030 }, tcpSocket: { port: 8030 } } })] }),
    causes: [['spec.containers[0].readinessProbe.tcpSocket', 'FieldValueForbidden', 'Forbidden: may not specify more than 1 handler type']],
  },
  {
    title: 'a probe with no handler',
    cite: 'core validateHandler ("must specify a handler type")',
    path: PODS,
    body: pod('no-handler', { containers: [container({ livenessProbe: { periodSeconds: 5 } })] }),
    causes: [['spec.containers[0].livenessProbe', 'FieldValueRequired', 'Required value: must specify a handler type']],
  },
  {
    title: 'a liveness probe with successThreshold 2',
    cite: 'core validateLivenessProbe ("must be 1")',
    path: PODS,
    body: pod('liveness-threshold', { containers: [container({ livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } })] }),
    causes: [['spec.containers[0].livenessProbe.successThreshold', 'FieldValueInvalid', 'Invalid value: 2: must be 1']],
  },
  {
    title: 'two containers with one name',
    cite: 'core validateContainers (field.Duplicate on the name)',
    path: PODS,
    body: pod('dup-containers', { containers: [container(), container()] }),
    causes: [['spec.containers[1].name', 'FieldValueDuplicate', 'Duplicate value: "c"']],
  },
  {
    title: 'a container port out of range',
    cite: 'core validateContainerPorts; AM V:302-307,530-532 (IsValidPortNum, InclusiveRangeError)',
    path: PODS,
    body: pod('port-zero', { containers: [container({ ports: [{ containerPort: 70000 }] })] }),
    causes: [['spec.containers[0].ports[0].containerPort', 'FieldValueInvalid', 'Invalid value: 70000: must be between 1 and 65535, inclusive']],
  },
  {
    title: 'a volume mount naming no volume',
    cite: 'core validateVolumeMounts (field.NotFound)',
    path: PODS,
    body: pod('mount-missing', { containers: [container({ volumeMounts: [{ name: 'conf', mountPath: '/etc/conf' }] })] }),
    causes: [['spec.containers[0].volumeMounts[0].name', 'FieldValueNotFound', 'Not found: "conf"']],
  },
  {
    title: 'a pod without containers',
    cite: 'core validateContainers (Required)',
    path: PODS,
    body: pod('no-containers', { containers: [] }),
    causes: [['spec.containers', 'FieldValueRequired', 'Required value']],
  },
  {
    title: 'a StatefulSet without a selector',
    cite: 'apps ValidateStatefulSetSpec (Required spec.selector)',
    path: STS,
    body: sts('no-selector', (s) => delete s.spec.selector),
    causes: [['spec.selector', 'FieldValueRequired', 'Required value']],
  },
  {
    title: 'a StatefulSet template label with a space (reported on spec.template.labels, as upstream)',
    cite: 'apps ValidatePodTemplateSpecForStatefulSet (ValidateLabels(template.Labels, fldPath.Child("labels"))); AM MV:113-122',
    path: STS,
    body: sts('template-label', (s) => {
      s.spec.template.metadata.labels.tier = 'a b';
    }),
    causes: [['spec.template.labels', 'FieldValueInvalid', `Invalid value: "a b": ${LABEL_VALUE_MSG}`]],
  },
];

describe('sim: a strict API server (422 Invalid with causes, as the real one)', () => {
  const c = withSimulator();

  for (const t of REFUSED) {
    it(`refuses ${t.title} [${t.cite}]`, async () => {
      const r = await http(c.sim, 'POST', t.path, t.body);
      assert.equal(r.status, 422, JSON.stringify(r.body).slice(0, 300));
      // The Status shape of errors.NewInvalid (AM E:283-311).
      assert.equal(r.body.kind, 'Status');
      assert.equal(r.body.apiVersion, 'v1');
      assert.equal(r.body.status, 'Failure');
      assert.equal(r.body.reason, 'Invalid');
      assert.equal(r.body.code, 422);
      assert.equal(r.body.details.name, t.body.metadata.name);
      assert.equal(r.body.details.kind, t.body.kind);
      // StatusDetails.group is omitempty: absent for the core group (kube-apiserver v1.36, test/cluster/sim-vs-real.test.ts).
      assert.equal(r.body.details.group, t.body.apiVersion.includes('/') ? t.body.apiVersion.split('/')[0] : undefined);
      const got = r.body.details.causes.map((c: any) => [c.field, c.reason, c.message]);
      assert.equal(got.length, t.causes.length, JSON.stringify(got).slice(0, 600));
      t.causes.forEach(([field, reason, message], i) => {
        assert.equal(got[i][0], field);
        assert.equal(got[i][1], reason);
        if (message instanceof RegExp) assert.match(got[i][2], message);
        else assert.equal(got[i][2], message);
      });
      // The message aggregates `field: body` after `<Kind>[.group] "<name>" is invalid: `.
      const kindGroup = t.body.apiVersion.includes('/') ? `${t.body.kind}.${t.body.apiVersion.split('/')[0]}` : t.body.kind;
      assert.ok(r.body.message.startsWith(`${kindGroup} "${t.body.metadata.name}" is invalid: ${t.causes[0][0]}: `), r.body.message.slice(0, 200));
      // Nothing was stored.
      assert.equal(c.sim.get(t.body.kind, t.body.kind === 'Namespace' ? undefined : NS, t.body.metadata.name), undefined);
    });
  }

  it('refuses an invalid label on update too (PUT), and keeps the stored object', async () => {
    const created = await http(c.sim, 'POST', CM, cm('update-label'));
    assert.equal(created.status, 201);
    const r = await http(c.sim, 'PUT', `${CM}/update-label`, { ...created.body, metadata: { ...created.body.metadata, labels: { a: 'b c' } } });
    assert.equal(r.status, 422);
    assert.equal(r.body.details.causes[0].field, 'metadata.labels');
    assert.equal(c.sim.get('ConfigMap', NS, 'update-label').metadata.labels, undefined);
  });

  it('accepts duplicate env names on create with the real warning, and refuses them under server-side apply [SMD typed/validate.go:145; AM SM:145-148,79-88]', async () => {
    const env = [{ name: 'X', value: '1' }, { name: 'X', value: '2' }];
    const created = await http(c.sim, 'POST', STS, sts('dup-env-create', (s) => (s.spec.template.spec.containers[0].env = env)));
    assert.equal(created.status, 201);
    // pkg/api/pod/warnings.go: "hides previous definition of ..., which may be dropped when using apply".
    assert.equal(created.headers.get('warning'), '299 - "spec.template.spec.containers[0].env[1]: hides previous definition of \\"X\\", which may be dropped when using apply"');
    const applied = await http(c.sim, 'PATCH', `${STS}/dup-env-apply?fieldManager=test`, { ...sts('dup-env-apply', (s) => (s.spec.template.spec.containers[0].env = env)), metadata: { name: 'dup-env-apply', namespace: NS } }, 'application/apply-patch+yaml');
    // Not a Status error upstream: the apiserver answers 500 with no reason (responsewriters/status.go:60-81 at apiserver v0.32.0).
    assert.equal(applied.status, 500);
    assert.equal(applied.body.reason, undefined);
    assert.equal(applied.body.message, `failed to create typed patch object (${NS}/dup-env-apply; apps/v1, Kind=StatefulSet): .spec.template.spec.containers[name="c"].env: duplicate entries for key [name="X"]`);
    assert.equal(c.sim.get('StatefulSet', NS, 'dup-env-apply'), undefined);
  });

  it('accepts duplicate container ports on create with the real warning [pkg/api/pod/warnings.go: "duplicate port definition with"]', async () => {
    const r = await http(c.sim, 'POST', PODS, pod('dup-port-create', { containers: [container({ ports: [{ containerPort: 80 }] }), container({ name: 'd', ports: [{ containerPort: 80, protocol: 'TCP' }] })] }));
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('warning'), '299 - "spec.containers[1].ports[0]: duplicate port definition with spec.containers[0].ports[0]"');
  });

  it('refuses duplicate container ports under apply, keyed by containerPort and the defaulted protocol', async () => {
    const body = { ...sts('dup-port'), metadata: { name: 'dup-port', namespace: NS } };
    body.spec.template.spec.containers[0].ports = [{ containerPort: 9030 }, { containerPort: 9030, protocol: 'TCP', name: 'query' }];
    const r = await http(c.sim, 'PATCH', `${STS}/dup-port?fieldManager=test`, body, 'application/apply-patch+yaml');
    assert.equal(r.status, 500);
    assert.match(r.body.message, /\.spec\.template\.spec\.containers\[name="c"\]\.ports: duplicate entries for key \[containerPort=9030,protocol="TCP"\]$/);
  });

  it('accepts a StatefulSet whose pods the server refuses; the controller emits FailedCreate and creates no pod (kubernetes#64023)', async () => {
    // 53 characters: valid for the StatefulSet, but `controller-revision-hash: <name>-<10-char hash>` is 64.
    const name = 'a'.repeat(53);
    const created = await http(c.sim, 'POST', STS, sts(name));
    assert.equal(created.status, 201);
    const twoHandlers = await http(c.sim, 'POST', STS, sts('two-handlers-sts', (s) => (s.spec.template.spec.containers[0].readinessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 9030 } })));
    assert.equal(twoHandlers.status, 201, 'the StatefulSet template is not validated as a pod (ValidatePodTemplateSpecForStatefulSet)');
    const failed = (sts: string) => c.sim.list('Event', NS).filter((e) => e.involvedObject.name === sts && e.reason === 'FailedCreate');
    await c.sim.waitFor(() => failed(name).length > 0 && failed('two-handlers-sts').length > 0, 5000);
    const e = failed(name)[0];
    assert.equal(e.type, 'Warning');
    assert.equal(e.source.component, 'statefulset-controller');
    // stateful_pod_control.go recordPodEvent: "<verb> Pod <pod> in StatefulSet <set> failed error: <err>".
    assert.match(e.message, new RegExp(`^create Pod ${name}-0 in StatefulSet ${name} failed error: Pod "${name}-0" is invalid: metadata\\.labels: Invalid value: "${name}-[a-z0-9]{10}": must be no more than 63 characters$`));
    assert.match(failed('two-handlers-sts')[0].message, /spec\.containers\[0\]\.readinessProbe\.tcpSocket: Forbidden: may not specify more than 1 handler type/);
    assert.equal(c.sim.get('Pod', NS, `${name}-0`), undefined);
    assert.equal(c.sim.get('Pod', NS, 'two-handlers-sts-0'), undefined);
  });
});

describe('sim: the reference cluster passes the strict server', () => {
  const c = withSimulator({ timeScale: 0.01, feRestoreSeconds: 2, feStartupSeconds: 1, backendStartupSeconds: 1 });

  for (const form of ['full', 'restore'] as const) {
    it(`${form} form: every object is accepted under server-side apply and every pod its StatefulSets make is created`, async () => {
      const objects = referenceObjects(form);
      assert.ok(objects.some((o) => o.kind === 'StatefulSet'));
      const failures: string[] = [];
      for (const o of objects) {
        const rt = o.apiVersion === 'v1' ? `/api/v1/namespaces/${NS}` : `/apis/${o.apiVersion}/namespaces/${NS}`;
        const plural = resourceType(o.kind)!.plural;
        const r = await http(c.sim, 'PATCH', `${rt}/${plural}/${o.metadata.name}?fieldManager=strict-test&force=true`, o, 'application/apply-patch+yaml');
        if (r.status >= 300) failures.push(`${o.kind}/${o.metadata.name}: ${r.status} ${r.body?.message}`);
        else assert.equal(r.headers.get('warning'), null, `${o.kind}/${o.metadata.name} draws a warning`);
      }
      assert.deepEqual(failures, []);
      const stsNames = objects.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata.name);
      await c.sim.waitFor(() => stsNames.every((n) => c.sim.list('Pod', NS).some((p) => p.metadata.name === `${n}-0`)), 10_000);
      const refused = c.sim.list('Event', NS).filter((e) => e.reason === 'FailedCreate').map((e) => e.message);
      assert.deepEqual(refused, []);
      for (const n of stsNames) await c.apps.deleteNamespacedStatefulSet({ name: n, namespace: NS });
    });
  }
});
