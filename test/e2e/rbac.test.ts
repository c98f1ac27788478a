/**
 * examples/rbac/role.yaml is the least privilege a recovery needs: every request that `dr run`, `dr wait`,
 * `dr status`, `dr verify` and `synth --dr-phase auto` send during a real recovery on the simulator is granted by it,
 * and every verb it grants is used. HTTP requests map to RBAC verbs as the API server's request-info resolver maps them
 * (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go, v0.32: GET one -> get, GET collection -> list,
 * ?watch -> watch, POST -> create, PUT -> update, PATCH -> patch, DELETE -> delete), and a server-side apply that
 * creates its object needs `create` as well (k8s.io/apiserver v0.36.3 pkg/endpoints/handlers/patch.go:203-232:
 * the create is checked by `withAuthorization`, update.go:258). The same Role is checked against the real
 * kube-apiserver's RBAC authorizer in test/cluster/recovery.test.ts. A WebSocket port-forward (a GET
 * of pods/portforward) is also authorized as create since Kubernetes 1.35 (kubernetes/website, feature gate
 * AuthorizePodWebsocketUpgradeCreatePermission: beta, on by default from 1.35, "a synthetic RBAC check ... to ensure
 * WebSocket upgrades strictly enforce the create permission").
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { BUILTIN_EXAMPLE_DR_OVERRIDE, BUILTIN_EXAMPLE_VALUES } from '../../lib/model/values';
import { runCli } from './bin';
import { startSim } from './support';

/** Grants the reference cluster does not exercise: it keeps no Secret (its snapshot file is in a ConfigMap). */
const ONLY_WITH_SECRETS = new Set(['get secrets', 'patch secrets', 'create secrets']);

const RBAC_VERB: Record<string, string> = { GET: 'get', LIST: 'list', WATCH: 'watch', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

describe('the least-privilege Role (examples/rbac/role.yaml)', () => {
  it('grants every request of a recovery, and nothing a recovery does not use', async () => {
    const docs = parseAllDocuments(readFileSync(join(__dirname, '../../examples/rbac/role.yaml'), 'utf8')).map((d) => d.toJS());
    const role = docs.find((d) => d.kind === 'Role');
    const granted = new Set<string>();
    for (const rule of role.rules as Rule[]) for (const r of rule.resources) for (const v of rule.verbs) granted.add(`${v} ${r}`);

    const sim = await startSim('real');
    try {
      const dir = mkdtempSync(join(tmpdir(), 'srdr-rbac-'));
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, sim.kubeConfigYaml());
      const values = ['-f', BUILTIN_EXAMPLE_VALUES, '-f', BUILTIN_EXAMPLE_DR_OVERRIDE, '--kubeconfig', kubeconfig];
      for (const args of [
        ['synth', ...values, '--dr-phase', 'auto', '-o', join(dir, 'out')],
        ['dr', 'run', ...values, '--timeout', '60s'],
        ['dr', 'wait', ...values, '--timeout', '60s'],
        ['dr', 'status', ...values],
        ['dr', 'verify', ...values],
      ]) {
        const run = await runCli(args);
        assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
      }
      const used = new Set(
        Object.keys(sim.requestCounts())
          .filter((k) => !k.includes(' /'))
          .flatMap((k) => {
            const [verb, resource] = k.split(' ');
            return resource === 'pods/portforward' ? [`get ${resource}`, `create ${resource}`] : [`${RBAC_VERB[verb]} ${resource}`];
          }),
      );
      for (const resource of Object.keys(sim.createByApplyCounts())) used.add(`create ${resource}`);
      const denied = [...used].filter((u) => !granted.has(u));
      assert.deepEqual(denied, [], 'requests the Role does not grant');
      const unused = [...granted].filter((g) => !used.has(g) && !ONLY_WITH_SECRETS.has(g));
      assert.deepEqual(unused, [], 'grants no recovery used');
    } finally {
      await sim.stop();
    }
  });
});
