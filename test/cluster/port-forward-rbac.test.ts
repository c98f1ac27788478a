/**
 * The database checks' port-forward against a real kube-apiserver v1.36 and its RBAC authorizer (issue 20: "No
 * port-forward permission (exit 2, naming the RBAC rule to add, or `--verify none`)"). client-node's port-forward is
 * a WebSocket GET; examples/rbac/role.yaml grants `pods/portforward` get and create because the API server checks
 * both since 1.35 (AuthorizePodWebsocketUpgradeCreatePermission): this file proves it by taking each verb away.
 * With the Role as shipped the authorizer lets the request through and the API server passes it to the kubelet of
 * the pod's node, which kwok does not serve (README.md): a 5xx, reported as the node's, never as RBAC's.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCli } from '../e2e/bin';
import type { RoleRule } from './control-plane';
import { assertExit, CLUSTER, drCli, eventually, FE, finishRestore, readRecord, readStatefulSet, startCluster, VALUES, type Cluster } from './support';

let c: Cluster;
before(async () => {
  c = await startCluster();
});
after(async () => {
  await c?.cp.stop();
});

/** The Role with `pods/portforward` granted only `verbs` (none: the rule removed). */
const withPortForwardVerbs = (verbs: string[]) => (rules: RoleRule[]) =>
  rules.flatMap((r) => (r.resources.includes('pods/portforward') ? (verbs.length > 0 ? [{ ...r, verbs }] : []) : [r]));

/** A namespace with a Ready FE pod (kwok makes it Ready) and the user holding the Role, optionally narrowed. */
async function namespaceWithFe(ns: string, rules?: (rules: RoleRule[]) => RoleRule[]): Promise<string> {
  const kubeconfig = await c.cp.leastPrivilegeUser(ns, rules ? { rules } : {});
  await c.core.createNamespacedPod({
    namespace: ns,
    body: {
      metadata: { name: `${FE}-0`, labels: { 'app.kubernetes.io/component': 'fe', 'app.starrocks.ownerreference/name': FE } },
      spec: { containers: [{ name: 'fe', image: 'starrocks/fe-ubuntu:3.4.1' }] },
    },
  });
  await eventually(`pod ${ns}/${FE}-0 Ready`, async () => {
    const p = await c.core.readNamespacedPod({ name: `${FE}-0`, namespace: ns });
    return (p.status?.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
  });
  return kubeconfig;
}

const verify = (ns: string, kubeconfig: string) => startCli(['dr', 'verify', ...VALUES.flatMap((f) => ['-f', f]), '-n', ns, '--kubeconfig', kubeconfig, '-o', 'json'], 60_000).done;

describe('pods/portforward on a real authorizer (kube-apiserver v1.36)', () => {
  for (const verbs of [['get'], ['create'], []]) {
    it(`a Role with pods/portforward ${verbs.length ? `${verbs.join(', ')} only` : 'removed'}: refused by RBAC, exit 2 naming the rule and --verify none`, async () => {
      const ns = `pf-${verbs.join('-') || 'none'}`;
      const kubeconfig = await namespaceWithFe(ns, withPortForwardVerbs(verbs));
      const r = await verify(ns, kubeconfig);
      assertExit(r, 2, 'dr verify');
      const error = JSON.parse(r.stdout.trim().split('\n').at(-1)!).error;
      assert.equal(error.field, 'pods/portforward');
      assert.match(error.message, /the API server answered 403: the Kubernetes identity may not open a port-forward/);
      assert.match(error.fix, /grant `pods\/portforward` verbs get and create .*examples\/rbac\/role\.yaml.*--verify none/);
    });
  }

  it('the Role as shipped (get, create): the authorizer lets it through; the node serves no port-forward, which is said as the node\'s, not RBAC\'s', async () => {
    const kubeconfig = await namespaceWithFe('pf-shipped');
    const r = await verify('pf-shipped', kubeconfig);
    assertExit(r, 4, 'dr verify whose FE cannot be reached (exit 4: unreachable, not a failed check)');
    assert.doesNotMatch(r.stdout + r.stderr, /403|forbidden/i);
    assert.match(r.stdout + r.stderr, /the API server answered 5\d\d: the API server could not open the forward through the kubelet of the pod's node/);
  });
});

describe('dr run with its database checks where the FE cannot be reached', () => {
  it('done is recorded when the FE is Ready, the checks cannot ask it: exit 4, Verified False FeNotAsked, the full topology not applied', async () => {
    const ns = 'pf-run';
    const kubeconfig = await c.cp.leastPrivilegeUser(ns);
    // With `--verify checks`, drCli does not add the `--verify none` the other cluster suites run with.
    const run = drCli(['dr', 'run', '--timeout', '25s', '--verify', 'checks'], ns, kubeconfig);
    await finishRestore(c, ns);
    const exit = await run.done;
    assertExit(exit, 4, 'dr run whose FE cannot be asked');
    assert.match(exit.stderr, /could not open the forward through the kubelet of the pod's node.*--verify none/s);
    const record = (await readRecord(c, ns))!;
    assert.equal(record.phase, 'done');
    const verified = (JSON.parse(record.conditions) as { type: string; status: string; reason: string }[]).find((x) => x.type === 'Verified');
    assert.deepEqual([verified?.status, verified?.reason], ['False', 'FeNotAsked']);
    assert.equal(await readStatefulSet(c, ns, `${CLUSTER}-cn`), undefined, 'CN held back: the restore was not confirmed');
  });
});
