/**
 * OpenAPI v3 just deep enough for `kubectl apply --server-side` with strict validation: an index at
 * /openapi/v3 and one document per group-version whose PATCH operations declare the `fieldValidation`
 * query parameter, with permissive schemas tagged by group-version-kind.
 */
import { createHash } from 'node:crypto';
import { RESOURCE_TYPES, ResourceType } from '../resources';
import { groupVersions } from './discovery';

const gvPath = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

function schemaName(r: ResourceType): string {
  return `io.k8s.api.${r.group || 'core'}.${r.version}.${r.kind}`;
}

export function openApiDoc(group: string, version: string): object | undefined {
  const rs = RESOURCE_TYPES.filter((r) => r.group === group && r.version === version);
  if (!rs.length) return undefined;
  const q = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
  const paths: Record<string, object> = {};
  const schemas: Record<string, object> = {};
  for (const r of rs) {
    const ref = { $ref: `#/components/schemas/${schemaName(r)}` };
    const body = { content: { '*/*': { schema: ref } } };
    const ok = { responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } } };
    const gvk = [{ group: r.group, version: r.version, kind: r.kind }];
    const item = `/${gvPath(group, version)}/${r.namespaced ? 'namespaces/{namespace}/' : ''}${r.plural}/{name}`;
    const params = [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }];
    if (r.namespaced) params.push({ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } });
    paths[item] = {
      parameters: params,
      get: { operationId: `read${r.kind}`, 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk[0], ...ok },
      put: { operationId: `replace${r.kind}`, 'x-kubernetes-action': 'put', 'x-kubernetes-group-version-kind': gvk[0], parameters: [q('dryRun'), q('fieldManager'), q('fieldValidation')], requestBody: body, ...ok },
      patch: {
        operationId: `patch${r.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk[0],
        parameters: [q('dryRun'), q('fieldManager'), q('fieldValidation'), { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } }],
        requestBody: { content: { 'application/apply-patch+yaml': { schema: { type: 'object' } }, 'application/json-patch+json': { schema: { type: 'object' } }, 'application/merge-patch+json': { schema: { type: 'object' } }, 'application/strategic-merge-patch+json': { schema: { type: 'object' } } }, required: true },
        ...ok,
      },
      delete: { operationId: `delete${r.kind}`, 'x-kubernetes-action': 'delete', 'x-kubernetes-group-version-kind': gvk[0], ...ok },
    };
    const coll = `/${gvPath(group, version)}/${r.namespaced ? 'namespaces/{namespace}/' : ''}${r.plural}`;
    paths[coll] = {
      get: { operationId: `list${r.kind}`, 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': gvk[0], responses: { '200': { description: 'OK' } } },
      post: { operationId: `create${r.kind}`, 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': gvk[0], parameters: [q('dryRun'), q('fieldManager'), q('fieldValidation')], requestBody: body, ...ok },
    };
    schemas[schemaName(r)] = { type: 'object', 'x-kubernetes-group-version-kind': gvk, 'x-kubernetes-preserve-unknown-fields': true };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}

export function openApiIndex(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, version } of groupVersions()) {
    const doc = JSON.stringify(openApiDoc(group, version));
    const hash = createHash('sha512').update(doc).digest('hex').slice(0, 64).toUpperCase();
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}
