/**
 * OpenAPI v3 as kube-apiserver v1.36 serves it: an index at /openapi/v3 and, per group-version, the real document
 * recorded from a real kube-apiserver (sim/data/openapi-v3, test/cluster/record-openapi.ts) cut to the kinds the
 * simulator serves. `kubectl explain statefulset.spec` and `kubectl apply --server-side` with strict validation read
 * these; the PATCH operations declare `fieldValidation` as the real ones do.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../lib/project-root';
import { groupVersions } from './discovery';

const gvPath = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

const loaded = new Map<string, { doc: object; hash: string } | undefined>();

function recorded(group: string, version: string): { doc: object; hash: string } | undefined {
  const gv = gvPath(group, version);
  if (!loaded.has(gv)) {
    let entry: { doc: object; hash: string } | undefined;
    try {
      const text = readFileSync(join(projectRoot(__dirname), 'sim/data/openapi-v3', `${gv.replace(/\//g, '_')}.json`), 'utf8');
      entry = { doc: JSON.parse(text) as object, hash: createHash('sha512').update(text).digest('hex').slice(0, 64).toUpperCase() };
    } catch {
      entry = undefined;
    }
    loaded.set(gv, entry);
  }
  return loaded.get(gv);
}

export function openApiDoc(group: string, version: string): object | undefined {
  return recorded(group, version)?.doc;
}

export function openApiIndex(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, version } of groupVersions()) {
    const r = recorded(group, version);
    if (r) paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${r.hash}` };
  }
  return { paths };
}
