/**
 * Records the OpenAPI v3 documents the simulator serves (sim/data/openapi-v3/*.json) from a real kube-apiserver:
 * for each group-version the simulator serves, the real document cut down to the paths of the kinds it serves and the
 * schemas they reach, so `kubectl explain` and strict client-side validation see the real schemas.
 *
 *   npx tsx test/cluster/record-openapi.ts      # starts a control plane (npm run components first), rewrites the files
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RESOURCE_TYPES } from '../../sim/resources';
import { apiFor } from './api-probes';
import { startControlPlane } from './control-plane';

const OUT = path.resolve(__dirname, '../../sim/data/openapi-v3');

/** Every `#/components/schemas/X` reachable from `value`. */
function refs(value: unknown, into: Set<string>, schemas: Record<string, unknown>): void {
  if (Array.isArray(value)) for (const v of value) refs(v, into, schemas);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length);
        if (!into.has(name)) {
          into.add(name);
          refs(schemas[name], into, schemas);
        }
      } else refs(v, into, schemas);
    }
  }
}

async function main(): Promise<void> {
  const cp = await startControlPlane();
  try {
    const api = apiFor(cp.admin);
    const index = (await api.request('GET', '/openapi/v3')).body as { paths: Record<string, { serverRelativeURL: string }> };
    fs.mkdirSync(OUT, { recursive: true });
    const versions = new Set(RESOURCE_TYPES.map((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`)));
    for (const gv of [...versions].sort()) {
      const doc = (await api.request('GET', index.paths[gv].serverRelativeURL)).body as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> }; [k: string]: unknown };
      const served = RESOURCE_TYPES.filter((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`) === gv);
      const keep = (p: string) => served.some((r) => new RegExp(`^/${gv}/(namespaces/\\{namespace\\}/)?${r.plural}(/|$)`).test(p) || p === `/${gv}/${r.plural}`);
      const paths = Object.fromEntries(Object.entries(doc.paths).filter(([p]) => keep(p)));
      const reached = new Set<string>();
      refs(paths, reached, doc.components.schemas);
      const schemas = Object.fromEntries([...reached].sort().map((n) => [n, doc.components.schemas[n]]));
      const out = { ...doc, paths, components: { ...doc.components, schemas } };
      const file = path.join(OUT, `${gv.replace(/\//g, '_')}.json`);
      fs.writeFileSync(file, `${JSON.stringify(out)}\n`);
      console.log(`${gv}: ${Object.keys(paths).length} paths, ${Object.keys(schemas).length} schemas, ${(fs.statSync(file).size / 1024).toFixed(0)} KiB`);
    }
    fs.writeFileSync(path.join(OUT, 'SOURCE.md'), `Recorded by test/cluster/record-openapi.ts from kube-apiserver ${cp.kubernetesVersion} (built from k8s.io/kubernetes ${cp.kubernetesVersion}): the /openapi/v3 documents of the group-versions the simulator serves, cut to the kinds it serves and the schemas they reach.\n`);
  } finally {
    await cp.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
