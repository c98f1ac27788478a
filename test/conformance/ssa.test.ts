/**
 * Server-side apply, data-driven from kubernetes-sigs/structured-merge-diff v4.4.2 (ccf7a061, the version
 * Kubernetes 1.32 vendors), merge/*_test.go: each case cites the upstream test (file:line of its name) and replays
 * its operations against the simulator's API. Upstream runs them on toy schemas (`list` keyed by `name`,
 * `containerPorts` keyed by port+protocol, plain scalars); here they run on the Kubernetes fields with the same
 * list types: ConfigMap `data` for scalars, a StatefulSet's container `env`, `ports`, `args`, pod `volumes` and
 * `containers`, and `metadata.finalizers` for sets. Objects are compared as field sets (upstream compares typed
 * values, where associative-list order does not matter), ownership as each manager's field set under the list.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http, NS, withSimulator } from '../sim/helpers';

type OpKind = 'apply' | 'force-apply' | 'update';

interface Op {
  readonly op: OpKind;
  readonly manager: string;
  /** The part under the case's root (ConfigMap: `data`; StatefulSet: the container or pod spec field). */
  readonly value: unknown;
  /** Fields (relative to the root) whose owners conflict, with the manager named in the 409. */
  readonly conflicts?: readonly [string, string][];
}

interface SsaCase {
  readonly name: string;
  readonly cite: string;
  readonly root: Root;
  readonly ops: readonly Op[];
  /** The value under the root after the operations (map-list items in any order). */
  readonly expect: unknown;
  /** Each manager's fields under the root; managers with none are absent. */
  readonly managed: Readonly<Record<string, readonly string[]>>;
}

/** Where a case's values sit, how an object carrying one is built, and how an update writes it. */
interface Root {
  readonly kind: 'ConfigMap' | 'StatefulSet';
  readonly prefix: string;
  wrap(value: unknown): any;
  read(obj: any): unknown;
}

const DATA: Root = {
  kind: 'ConfigMap',
  prefix: '.data',
  // Upstream applies an empty object: no `data` at all.
  wrap: (v) => (v && typeof v === 'object' && !Object.keys(v).length ? {} : { data: v }),
  read: (o) => o.data,
};
const FINALIZERS: Root = {
  kind: 'ConfigMap',
  prefix: '.metadata.finalizers',
  wrap: (v) => ({ metadata: { finalizers: v } }),
  read: (o) => o.metadata.finalizers,
};
const containerField = (field: string): Root => ({
  kind: 'StatefulSet',
  prefix: `.spec.template.spec.containers[name="c"].${field}`,
  wrap: (v) => ({ spec: { template: { spec: { containers: [{ name: 'c', [field]: v }] } } } }),
  read: (o) => o.spec.template.spec.containers.find((c: any) => c.name === 'c')?.[field],
});
const podField = (field: string): Root => ({
  kind: 'StatefulSet',
  prefix: `.spec.template.spec.${field}`,
  wrap: (v) => ({ spec: { template: { spec: { [field]: v } } } }),
  read: (o) => o.spec.template.spec[field],
});

/** Containers, read back as the fields the case set (the server defaults others: pull policy, termination log). */
const CONTAINERS: Root = {
  ...podField('containers'),
  read: (o) => o.spec.template.spec.containers.map((c: any) => ({ name: c.name, image: c.image })),
};

const CASES: SsaCase[] = [
  {
    name: 'apply_twice',
    cite: 'merge/leaf_test.go:50',
    root: DATA,
    ops: [
      { op: 'apply', manager: 'default', value: { numeric: '1', string: 'string' } },
      { op: 'apply', manager: 'default', value: { numeric: '2', string: 'string', bool: 'false' } },
    ],
    expect: { numeric: '2', string: 'string', bool: 'false' },
    managed: { default: ['.bool', '.numeric', '.string'] },
  },
  {
    name: 'apply_update_apply_with_conflict (then force)',
    cite: 'merge/leaf_test.go:224',
    root: DATA,
    ops: [
      { op: 'apply', manager: 'default', value: { numeric: '1', string: 'string' } },
      { op: 'update', manager: 'controller', value: { numeric: '1', string: 'controller string', bool: 'true' } },
      { op: 'apply', manager: 'default', value: { numeric: '2', string: 'user string' }, conflicts: [['.string', 'controller']] },
      { op: 'force-apply', manager: 'default', value: { numeric: '2', string: 'user string' } },
    ],
    expect: { numeric: '2', string: 'user string', bool: 'true' },
    managed: { default: ['.numeric', '.string'], controller: ['.bool'] },
  },
  {
    name: 'apply_twice_remove (a field the applier stops applying goes)',
    cite: 'merge/leaf_test.go:348',
    root: DATA,
    ops: [
      { op: 'apply', manager: 'default', value: { numeric: '1', string: 'string', bool: 'false' } },
      { op: 'apply', manager: 'default', value: { string: 'new string' } },
    ],
    expect: { string: 'new string' },
    managed: { default: ['.string'] },
  },
  {
    name: 'update_apply_omits (a field an updater took over stays)',
    cite: 'merge/leaf_test.go:381',
    root: DATA,
    ops: [
      { op: 'apply', manager: 'default', value: { numeric: '2' } },
      { op: 'update', manager: 'controller', value: { numeric: '1' } },
      { op: 'apply', manager: 'default', value: {} },
    ],
    expect: { numeric: '1' },
    managed: { controller: ['.numeric'] },
  },
  {
    name: 'unset_scalar_sole_owner',
    cite: 'merge/multiple_appliers_test.go:352',
    root: DATA,
    ops: [
      { op: 'apply', manager: 'apply-one', value: { name: 'a', scalarField: 'a' } },
      { op: 'apply', manager: 'apply-one', value: { name: 'a' } },
    ],
    expect: { name: 'a' },
    managed: { 'apply-one': ['.name'] },
  },
  {
    name: 'unset_scalar_shared_with_applier',
    cite: 'merge/multiple_appliers_test.go:387',
    root: DATA,
    ops: [
      { op: 'apply', manager: 'apply-one', value: { name: 'a', scalarField: 'a' } },
      { op: 'apply', manager: 'apply-two', value: { scalarField: 'a' } },
      { op: 'apply', manager: 'apply-one', value: { name: 'a' } },
    ],
    expect: { name: 'a', scalarField: 'a' },
    managed: { 'apply-one': ['.name'], 'apply-two': ['.scalarField'] },
  },
  {
    name: 'unset_scalar_shared_with_updater',
    cite: 'merge/multiple_appliers_test.go:438',
    root: DATA,
    ops: [
      { op: 'update', manager: 'updater', value: { name: 'a', scalarField: 'a' } },
      { op: 'apply', manager: 'applier', value: { name: 'a', scalarField: 'a' } },
      { op: 'apply', manager: 'applier', value: { name: 'a' } },
    ],
    expect: { name: 'a', scalarField: 'a' },
    managed: { updater: ['.name', '.scalarField'], applier: ['.name'] },
  },
  {
    name: 'updater_claims_field (updates never conflict; the applier loses the field)',
    cite: 'merge/multiple_appliers_test.go:492',
    root: DATA,
    ops: [
      { op: 'apply', manager: 'applier', value: { name: 'a', scalarField: 'a' } },
      { op: 'update', manager: 'updater', value: { name: 'a', scalarField: 'b' } },
    ],
    expect: { name: 'a', scalarField: 'b' },
    managed: { updater: ['.scalarField'], applier: ['.name'] },
  },
  {
    name: 'removing_obsolete_applied_structs (env, keyed by name)',
    cite: 'merge/key_test.go:60',
    root: containerField('env'),
    ops: [
      { op: 'apply', manager: 'default', value: [{ name: 'a', value: '1' }] },
      { op: 'apply', manager: 'default', value: [{ name: 'b', value: '2' }] },
    ],
    expect: [{ name: 'b', value: '2' }],
    managed: { default: ['[name="b"]', '[name="b"].name', '[name="b"].value'] },
  },
  {
    name: 'remove_one (env: two appliers, one drops an item)',
    cite: 'merge/multiple_appliers_test.go:35',
    root: containerField('env'),
    ops: [
      { op: 'apply', manager: 'apply-one', value: [{ name: 'a' }, { name: 'b' }] },
      { op: 'apply', manager: 'apply-two', value: [{ name: 'c' }] },
      { op: 'apply', manager: 'apply-one', value: [{ name: 'a' }] },
    ],
    expect: [{ name: 'a' }, { name: 'c' }],
    managed: { 'apply-one': ['[name="a"]', '[name="a"].name'], 'apply-two': ['[name="c"]', '[name="c"].name'] },
  },
  {
    name: 'same_value_no_conflict (env)',
    cite: 'merge/multiple_appliers_test.go:88',
    root: containerField('env'),
    ops: [
      { op: 'apply', manager: 'apply-one', value: [{ name: 'a', value: '0' }] },
      { op: 'apply', manager: 'apply-two', value: [{ name: 'a', value: '0' }] },
    ],
    expect: [{ name: 'a', value: '0' }],
    managed: { 'apply-one': ['[name="a"]', '[name="a"].name', '[name="a"].value'], 'apply-two': ['[name="a"]', '[name="a"].name', '[name="a"].value'] },
  },
  {
    name: 'change_value_yes_conflict (env)',
    cite: 'merge/multiple_appliers_test.go:136',
    root: containerField('env'),
    ops: [
      { op: 'apply', manager: 'apply-one', value: [{ name: 'a', value: '0' }] },
      { op: 'apply', manager: 'apply-two', value: [{ name: 'a', value: '1' }], conflicts: [['[name="a"].value', 'apply-one']] },
    ],
    expect: [{ name: 'a', value: '0' }],
    managed: { 'apply-one': ['[name="a"]', '[name="a"].name', '[name="a"].value'] },
  },
  {
    name: 'remove_one_keep_one (volumes, keyed by name)',
    cite: 'merge/multiple_appliers_test.go:178',
    root: podField('volumes'),
    ops: [
      { op: 'apply', manager: 'apply-one', value: ['a', 'b', 'c'].map((name) => ({ name, emptyDir: {} })) },
      { op: 'apply', manager: 'apply-two', value: ['c', 'd'].map((name) => ({ name, emptyDir: {} })) },
      { op: 'apply', manager: 'apply-one', value: [{ name: 'a', emptyDir: {} }] },
    ],
    expect: ['a', 'c', 'd'].map((name) => ({ name, emptyDir: {} })),
    managed: {
      'apply-one': ['[name="a"]', '[name="a"].emptyDir', '[name="a"].name'],
      'apply-two': ['[name="c"]', '[name="c"].emptyDir', '[name="c"].name', '[name="d"]', '[name="d"].emptyDir', '[name="d"].name'],
    },
  },
  {
    name: 'remove_one_keep_one (containers, keyed by name: a sidecar owned by another applier stays)',
    cite: 'merge/multiple_appliers_test.go:178',
    root: CONTAINERS,
    ops: [
      { op: 'apply', manager: 'apply-one', value: [{ name: 'c', image: 'app:1' }, { name: 'log', image: 'log:1' }] },
      { op: 'apply', manager: 'apply-two', value: [{ name: 'proxy', image: 'proxy:1' }] },
      { op: 'apply', manager: 'apply-one', value: [{ name: 'c', image: 'app:1' }] },
    ],
    expect: [{ name: 'c', image: 'app:1' }, { name: 'proxy', image: 'proxy:1' }],
    managed: { 'apply-one': ['[name="c"]', '[name="c"].image', '[name="c"].name'], 'apply-two': ['[name="proxy"]', '[name="proxy"].image', '[name="proxy"].name'] },
  },
  {
    name: 'apply_missing_defaulted_key_A (ports keyed by containerPort + protocol, TCP by default)',
    cite: 'merge/default_keys_test.go:60',
    root: containerField('ports'),
    ops: [{ op: 'apply', manager: 'default', value: [{ containerPort: 80 }] }],
    expect: [{ containerPort: 80, protocol: 'TCP' }],
    managed: { default: ['[containerPort=80,protocol="TCP"]', '[containerPort=80,protocol="TCP"].containerPort'] },
  },
  {
    name: 'apply_missing_defaulted_key_B (TCP by default and UDP are two items)',
    cite: 'merge/default_keys_test.go:87',
    root: containerField('ports'),
    ops: [{ op: 'apply', manager: 'default', value: [{ containerPort: 80 }, { containerPort: 80, protocol: 'UDP' }] }],
    expect: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 80, protocol: 'UDP' }],
    managed: {
      default: ['[containerPort=80,protocol="TCP"]', '[containerPort=80,protocol="TCP"].containerPort', '[containerPort=80,protocol="UDP"]', '[containerPort=80,protocol="UDP"].containerPort', '[containerPort=80,protocol="UDP"].protocol'],
    },
  },
  {
    name: 'apply_missing_defaulted_key_with_conflict',
    cite: 'merge/default_keys_test.go:121',
    root: containerField('ports'),
    ops: [
      { op: 'apply', manager: 'apply-one', value: [{ containerPort: 80, protocol: 'TCP', name: 'foo' }] },
      { op: 'apply', manager: 'apply-two', value: [{ containerPort: 80, name: 'bar' }], conflicts: [['[containerPort=80,protocol="TCP"].name', 'apply-one']] },
    ],
    expect: [{ containerPort: 80, protocol: 'TCP', name: 'foo' }],
    managed: { 'apply-one': ['[containerPort=80,protocol="TCP"]', '[containerPort=80,protocol="TCP"].containerPort', '[containerPort=80,protocol="TCP"].name', '[containerPort=80,protocol="TCP"].protocol'] },
  },
  {
    name: 'atomic list (args): a different list is one conflict on the whole list; force moves it',
    cite: 'merge/multiple_appliers_test.go:1663 (TestMultipleApplierAtomicMaps "force"), list atomicity as merge/field_level_overrides_test.go:22',
    root: containerField('args'),
    ops: [
      { op: 'apply', manager: 'apply-one', value: ['a', 'b'] },
      { op: 'apply', manager: 'apply-two', value: ['c'], conflicts: [['', 'apply-one']] },
      { op: 'force-apply', manager: 'apply-two', value: ['c'] },
    ],
    expect: ['c'],
    managed: { 'apply-two': [''] },
  },
  {
    name: 'apply_twice_reorder (a set: finalizers)',
    cite: 'merge/set_test.go:342',
    root: FINALIZERS,
    ops: [
      { op: 'apply', manager: 'default', value: ['example.com/a', 'example.com/b', 'example.com/c', 'example.com/d'] },
      { op: 'apply', manager: 'default', value: ['example.com/a', 'example.com/d', 'example.com/c', 'example.com/b'] },
    ],
    expect: ['example.com/a', 'example.com/d', 'example.com/c', 'example.com/b'],
    managed: { default: ['["example.com/a"]', '["example.com/b"]', '["example.com/c"]', '["example.com/d"]'] },
  },
];

/** FieldsV1 as flat paths in the API server's conflict notation (`.spec.x[name="a"].value`). */
function flatten(fields: any, path = '', out: string[] = []): string[] {
  for (const [k, v] of Object.entries(fields ?? {})) {
    if (k === '.') {
      out.push(path);
      continue;
    }
    let p: string;
    if (k.startsWith('f:')) p = `${path}.${k.slice(2)}`;
    else if (k.startsWith('k:')) p = `${path}[${Object.entries(JSON.parse(k.slice(2))).map(([a, b]) => `${a}=${JSON.stringify(b)}`).join(',')}]`;
    else p = `${path}[${k.slice(2)}]`;
    if (!v || !Object.keys(v).length) out.push(p);
    else flatten(v, p, out);
  }
  return out;
}

const sortItems = (v: unknown) => (Array.isArray(v) && v.every((x) => x && typeof x === 'object') ? [...v].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) : v);

describe('conformance: server-side apply (structured-merge-diff v4.4.2 merge tests)', () => {
  const c = withSimulator();

  CASES.forEach((t, i) => {
    it(`${t.name} [${t.cite}]`, async () => {
      const name = `ssa-${i}`;
      const isSts = t.root.kind === 'StatefulSet';
      const base = isSts ? `/apis/apps/v1/namespaces/${NS}/statefulsets` : `/api/v1/namespaces/${NS}/configmaps`;
      const typeMeta = isSts ? { apiVersion: 'apps/v1', kind: 'StatefulSet' } : { apiVersion: 'v1', kind: 'ConfigMap' };
      // A setup manager creates what the StatefulSet needs to be valid; the case's managers touch only their field.
      const setup = isSts
        ? { ...typeMeta, metadata: { name }, spec: { replicas: 0, serviceName: name, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'app:1' }] } } } }
        : { ...typeMeta, metadata: { name } };
      assert.equal((await http(c.sim, 'POST', `${base}?fieldManager=setup`, setup)).status, 201);
      for (const op of t.ops) {
        const body = { ...typeMeta, ...t.root.wrap(op.value) };
        body.metadata = { ...(body.metadata ?? {}), name };
        const r = op.op === 'update'
          ? await http(c.sim, 'PATCH', `${base}/${name}?fieldManager=${op.manager}`, t.root.wrap(op.value), isSts ? 'application/strategic-merge-patch+json' : 'application/merge-patch+json')
          : await http(c.sim, 'PATCH', `${base}/${name}?fieldManager=${op.manager}${op.op === 'force-apply' ? '&force=true' : ''}`, body, 'application/apply-patch+yaml');
        if (op.conflicts) {
          assert.equal(r.status, 409, JSON.stringify(r.body));
          assert.equal(r.body.reason, 'Conflict');
          // metav1.StatusCause.Type is `json:"reason"` on the wire (kube-apiserver v1.36 sends `reason`, never `type`).
          const causes = r.body.details.causes.map((c: any) => [c.reason, c.field, c.message]);
          assert.deepEqual(causes, op.conflicts.map(([f, m]) => ['FieldManagerConflict', `${t.root.prefix}${f}`, `conflict with "${m}"${op.op === 'apply' && isUpdater(t, m) ? ' using ' + typeMeta.apiVersion : ''}`]));
        } else assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 400));
      }
      const live = c.sim.get(t.root.kind, NS, name);
      assert.deepEqual(sortItems(t.root.read(live)), sortItems(t.expect));
      const owned: Record<string, string[]> = {};
      for (const e of live.metadata.managedFields ?? []) {
        if (e.manager === 'setup') continue;
        const mine = flatten(e.fieldsV1).filter((p) => p === t.root.prefix || p.startsWith(t.root.prefix + '.') || p.startsWith(t.root.prefix + '[')).map((p) => p.slice(t.root.prefix.length));
        if (mine.length) owned[e.manager] = mine.sort();
      }
      const want = Object.fromEntries(Object.entries(t.managed).map(([m, ps]) => [m, [...ps].sort()]));
      assert.deepEqual(owned, want);
    });
  });
});

/** Conflicts with an Update manager name its API version, as the real message ("conflict with "x" using v1"). */
function isUpdater(t: SsaCase, manager: string): boolean {
  return t.ops.some((o) => o.manager === manager && o.op === 'update');
}

describe('conformance: kubectl taking an object over from client-side apply (lastappliedmanager.go)', () => {
  const c = withSimulator();
  const CMS = `/api/v1/namespaces/${NS}/configmaps`;
  // As `kubectl apply` (client-side) leaves it: the last-applied annotation and a kubectl-client-side-apply Update.
  const clientSideApplied = async (name: string) => {
    const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { a: '1', b: '1' } };
    const body = { ...config, metadata: { ...config.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(config) } } };
    assert.equal((await http(c.sim, 'POST', `${CMS}?fieldManager=kubectl-client-side-apply`, body)).status, 201);
  };
  const apply = (name: string, manager: string, data: Record<string, string>) =>
    http(c.sim, 'PATCH', `${CMS}/${name}?fieldManager=${manager}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data }, 'application/apply-patch+yaml');

  it('kubectl: conflicts on fields whose last-applied value equals the live one are forgiven and ownership moves [apimachinery v0.32.0 lastappliedmanager.go:59-89,91-152]', async () => {
    await clientSideApplied('csa-takeover');
    const r = await apply('csa-takeover', 'kubectl', { a: '2', b: '1' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.data, { a: '2', b: '1' });
    const csa = r.body.metadata.managedFields.find((e: any) => e.manager === 'kubectl-client-side-apply');
    assert.equal(csa?.fieldsV1?.['f:data']?.['f:a'], undefined, 'the client-side manager no longer owns data.a');
  });

  it('another manager gets the conflict (the takeover is for manager kubectl only) [lastappliedmanager.go:61-65]', async () => {
    await clientSideApplied('csa-other');
    const r = await apply('csa-other', 'argocd-controller', { a: '2', b: '1' });
    assert.equal(r.status, 409);
    assert.deepEqual(r.body.details.causes.map((c: any) => c.field), ['.data.a']);
  });

  it('kubectl: a field changed since the last client-side apply still conflicts [lastappliedmanager.go:142-149]', async () => {
    await clientSideApplied('csa-drifted');
    assert.equal((await http(c.sim, 'PATCH', `${CMS}/csa-drifted?fieldManager=kubectl-client-side-apply`, { data: { a: 'edited' } }, 'application/merge-patch+json')).status, 200);
    const r = await apply('csa-drifted', 'kubectl', { a: '2', b: '1' });
    assert.equal(r.status, 409);
    assert.deepEqual(r.body.details.causes.map((c: any) => c.field), ['.data.a']);
  });
});
