/**
 * HTTP routing: URL ─▶ (resource, namespace, name, subresource, verb), body decoding, and the reply
 * (JSON, Table, Status errors, watch streams). Semantics live in the registry; this only translates.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { Faults } from '../faults';
import { isPlainObject } from '../json';
import { PatchType, Registry } from '../registry';
import { apiVersionOf, qualifiedName, resourceByPath, ResourceType } from '../resources';
import { parseFieldSelector, parseLabelSelector } from '../selectors';
import { WatchHub } from '../watch';
import { apiGroupDoc, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery';
import { openApiDoc, openApiIndex } from './openapi';
import { ApiStatusError, badRequest } from './status';
import { podSpecWarnings } from '../validation';
import { page } from './paging';
import { decodeProtobuf } from './protobuf';
import { toScale, writeScale } from './scale';
import { toTable, wantsTable } from './table';

export interface RouterDeps {
  readonly registry: Registry;
  readonly watches: WatchHub;
  readonly faults: Faults;
  readonly now: () => number;
  readonly serverAddress: () => string;
  /** `pods/<name>/log`: the container output (text). */
  readonly podLogs: (ns: string, name: string, o: { container?: string; previous?: boolean; tailLines?: number; timestamps?: boolean }) => string;
  /** Holds `req` for `ms` on the simulator's clock (a stalled answer); the request does not keep virtual time still meanwhile. */
  readonly stall: (req: IncomingMessage, ms: number) => Promise<void>;
}

/** The bearer token a request authenticates with, if any. */
function bearerToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
  return m ? m[1].trim() : undefined;
}

/**
 * Carry the request out but never answer it: the connection is destroyed where the answer would be written, as when
 * the API server dies after etcd committed the write (the client sees a reset, not a status).
 */
function loseResponse(res: ServerResponse): void {
  const drop = () => {
    res.socket?.destroy();
    return res;
  };
  res.writeHead = drop as unknown as ServerResponse['writeHead'];
  res.write = (() => (drop(), true)) as unknown as ServerResponse['write'];
  res.end = drop as unknown as ServerResponse['end'];
}

interface ResourceRoute {
  rt: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPrefix: boolean;
}

function parseResourcePath(segs: string[]): ResourceRoute | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 2) {
    group = '';
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 3) {
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  } else return undefined;
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  if (!rest.length) return undefined;
  let namespace: string | undefined;
  // namespaces/<ns>/<plural>/... unless it is the Namespace object itself (namespaces/<name>[/status]).
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const rt = resourceByPath(group, version, rest[0]);
  if (!rt) return undefined;
  if (!rt.namespaced && namespace) return undefined;
  return { rt, namespace, name: rest[1], subresource: rest[2], watchPrefix };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-cache, private', ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, e: unknown, headers: Record<string, string> = {}): void {
  const err = e instanceof ApiStatusError ? e : new ApiStatusError(500, 'InternalError', `Internal error occurred: ${(e as Error)?.message ?? String(e)}`);
  send(res, err.code, err.toStatus(), headers);
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+json': 'apply',
};

const TOP_LEVEL_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status', 'data', 'binaryData', 'stringData', 'type', 'immutable', 'subsets', 'involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'eventTime', 'action', 'related', 'reportingComponent', 'reportingInstance', 'series', 'revision']);
const METADATA_FIELDS = new Set(['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields']);

/** `fieldValidation=Strict`: unknown top-level or metadata fields are a 400 (as the real strict decoder). */
function unknownFields(body: any): string[] {
  if (!isPlainObject(body)) return [];
  const out = Object.keys(body).filter((k) => !TOP_LEVEL_FIELDS.has(k)).map((k) => `unknown field "${k}"`);
  if (isPlainObject(body.metadata)) out.push(...Object.keys(body.metadata).filter((k) => !METADATA_FIELDS.has(k)).map((k) => `unknown field "metadata.${k}"`));
  return out;
}

function decode(text: string, contentType: string): any {
  if (!text.trim()) return undefined;
  try {
    return contentType.startsWith('application/apply-patch+yaml') || contentType === 'application/yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding request body: ${(e as Error).message}`);
  }
}

function verbOf(method: string, route: ResourceRoute | undefined, q: URLSearchParams): string {
  const m = method.toUpperCase();
  if (m === 'GET' && route) {
    if (route.watchPrefix || q.get('watch') === 'true' || q.get('watch') === '1') return 'WATCH';
    if (!route.name) return 'LIST';
  }
  return m;
}

/** Kinds whose DELETE answers with the object rather than a Status (as the real API server does). */
const RETURNS_DELETED_OBJECT = new Set(['Pod', 'Service', 'PersistentVolumeClaim']);

export function createRouter(deps: RouterDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { registry, watches, faults } = deps;

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const q = url.searchParams;
    const segs = url.pathname.split('/').filter(Boolean);
    const route = parseResourcePath(segs);
    const verb = verbOf(req.method ?? 'GET', route, q);
    const resourceKey = route ? route.rt.plural + (route.subresource ? `/${route.subresource}` : '') : url.pathname;
    try {
      const bodyBytes = await readBody(req);
      const bodyText = bodyBytes.toString('utf8');
      const latency = faults.currentLatency();
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      const token = bearerToken(req);
      const stall = faults.takeStall(verb, resourceKey, token);
      if (stall > 0) await deps.stall(req, stall);
      if (verb !== 'WATCH' && faults.takeLostResponse(verb, resourceKey, token)) loseResponse(res);
      const fault = faults.onRequest(verb, resourceKey);
      if (fault) {
        const reason = fault.status === 403 ? 'Forbidden' : fault.status === 429 ? 'TooManyRequests' : fault.status === 503 ? 'ServiceUnavailable' : 'InternalError';
        const msg = fault.status === 403 ? forbiddenMessage(verb, resourceKey) : fault.status === 429 ? 'Too many requests, please try again later.' : fault.status === 503 ? 'the server is currently unable to handle the request' : 'Internal error occurred: injected fault';
        const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
        sendError(res, new ApiStatusError(fault.status, reason, msg, fault.retryAfterSeconds !== undefined ? { retryAfterSeconds: fault.retryAfterSeconds } : undefined), headers);
        return;
      }
      if (!route) return nonResource(segs, url, res, deps);
      await handleResource(route, verb, q, req, res, bodyText, bodyBytes);
    } catch (e) {
      sendError(res, e);
    }
  };

  async function handleResource(route: ResourceRoute, verb: string, q: URLSearchParams, req: IncomingMessage, res: ServerResponse, bodyText: string, bodyBytes: Buffer): Promise<void> {
    const { rt, namespace, name } = route;
    const sub = route.subresource;
    if (sub === 'log' && rt.kind === 'Pod' && verb === 'GET') {
      registry.get(rt, namespace, name!);
      const tail = q.get('tailLines');
      const text = deps.podLogs(namespace!, name!, { container: q.get('container') ?? undefined, previous: q.get('previous') === 'true', tailLines: tail === null ? undefined : Number(tail), timestamps: q.get('timestamps') === 'true' });
      return send(res, 200, text);
    }
    if (sub !== undefined && !(sub === 'status' && rt.hasStatus) && !(sub === 'scale' && rt.hasScale)) {
      throw new ApiStatusError(404, 'NotFound', `the server could not find the requested resource`);
    }
    const contentType = String(req.headers['content-type'] ?? 'application/json').split(';')[0].trim();
    const accept = String(req.headers.accept ?? '');
    // Apply requires an explicit manager; other writes default to the User-Agent's first word.
    const isApply = verb === 'PATCH' && PATCH_TYPES[contentType] === 'apply';
    const fieldManager = q.get('fieldManager') ?? (isApply ? undefined : defaultManager(req));
    const dryRun = q.getAll('dryRun').includes('All');
    const force = q.get('force') === 'true';
    const opts = { fieldManager, dryRun, force, subresource: sub === 'status' ? ('status' as const) : undefined };
    const strict = q.get('fieldValidation') === 'Strict';
    const hasBody = ['POST', 'PUT', 'PATCH'].includes(verb) || (verb === 'DELETE' && bodyText);
    const protobuf = contentType === 'application/vnd.kubernetes.protobuf';
    // JSON and YAML everywhere; protobuf for the kinds kubectl creates with it (kubectl never falls back from a 415).
    if (hasBody && bodyText && !protobuf && !PATCH_TYPES[contentType] && !['application/json', 'application/yaml', '*/*', ''].includes(contentType)) {
      throw new ApiStatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
    }
    const body = !hasBody ? undefined : protobuf && (verb === 'POST' || verb === 'PUT') ? decodeProtobuf(bodyBytes) : decode(bodyText, contentType);
    if (strict && (verb === 'POST' || verb === 'PUT' || (verb === 'PATCH' && PATCH_TYPES[contentType] === 'apply'))) {
      const unknown = unknownFields(body);
      if (unknown.length) throw badRequest(`strict decoding error: ${unknown.join(', ')}`);
    }
    const labelSel = parseLabelSelector(q.get('labelSelector'));
    const fieldSel = parseFieldSelector(q.get('fieldSelector'));
    const matches = (o: any) => labelSel(o.metadata?.labels) && fieldSel(o);

    if (sub === 'scale') {
      if (verb === 'GET') return send(res, 200, toScale(registry.get(rt, namespace, name!)));
      if (verb === 'PUT') return send(res, 200, writeScale(registry, rt, namespace, name!, { put: body }, opts));
      if (verb === 'PATCH') {
        const patchType = PATCH_TYPES[contentType];
        if (!patchType) throw new ApiStatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
        return send(res, 200, writeScale(registry, rt, namespace, name!, { patchType, patch: body }, opts));
      }
      throw new ApiStatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
    switch (verb) {
      case 'WATCH': {
        const timeout = q.get('timeoutSeconds');
        const nameSel = name ? (o: any) => o.metadata?.name === name && matches(o) : matches;
        watches.serve(
          {
            rt,
            namespace,
            matches: nameSel,
            resourceVersion: q.get('resourceVersion') ?? undefined,
            allowBookmarks: q.get('allowWatchBookmarks') === 'true',
            timeoutSeconds: timeout ? Number(timeout) : undefined,
            sendInitialEvents: q.get('sendInitialEvents') === 'true',
            // `kubectl get -w` asks for Table rows: one Table per event (bookmarks and errors stay as they are).
            transform: wantsTable(accept) ? (o: any) => (o?.kind === 'Status' || !o?.metadata?.name ? o : toTable(rt.kind, [o], { resourceVersion: o.metadata.resourceVersion }, deps.now())) : undefined,
          },
          res,
        );
        return;
      }
      case 'LIST': {
        const rv = q.get('resourceVersion');
        if (rv && rv !== '0' && q.get('resourceVersionMatch') === 'Exact' && Number(rv) !== registry.store.currentRv()) {
          const events = registry.store.eventsSince(Number(rv));
          if (events === 'expired') throw new ApiStatusError(410, 'Expired', `too old resource version: ${rv} (${registry.store.oldestWatchableRv() + 1})`);
        }
        const { items, metadata: listMeta } = page(registry.store.list(rt, namespace).filter(matches), q.get('limit'), q.get('continue'), registry.store.currentRv(), registry.store.oldestWatchableRv());
        if (wantsTable(accept)) return send(res, 200, toTable(rt.kind, items, listMeta, deps.now()));
        return send(res, 200, { kind: `${rt.kind}List`, apiVersion: apiVersionOf(rt), metadata: listMeta, items });
      }
      case 'GET': {
        const o = registry.get(rt, namespace, name!);
        if (wantsTable(accept)) return send(res, 200, toTable(rt.kind, [o], { resourceVersion: o.metadata.resourceVersion }, deps.now()));
        return send(res, 200, o);
      }
      case 'POST': {
        if (name) throw new ApiStatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const created = registry.create(rt, namespace, body, opts);
        return send(res, 201, created, warningHeaders(rt, created));
      }
      case 'PUT': {
        const updated = registry.update(rt, namespace, name!, body, opts);
        return send(res, 200, updated, warningHeaders(rt, updated));
      }
      case 'PATCH': {
        const type = PATCH_TYPES[contentType];
        if (!type) throw new ApiStatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
        const existed = registry.store.get(rt, namespace, name!) !== undefined;
        const out = registry.patch(rt, namespace, name!, type, body, opts);
        if (!existed && !dryRun) faults.onCreateByApply(rt.plural);
        return send(res, existed ? 200 : 201, out, warningHeaders(rt, out));
      }
      case 'DELETE': {
        const delOpts = isPlainObject(body) ? body : {};
        const policy = q.get('propagationPolicy') ?? delOpts.propagationPolicy ?? (delOpts.orphanDependents === true ? 'Orphan' : undefined);
        const grace = q.get('gracePeriodSeconds') ?? delOpts.gracePeriodSeconds;
        if (!name) {
          const items = registry.store.list(rt, namespace).filter(matches);
          for (const o of items) registry.delete(rt, o.metadata.namespace, o.metadata.name, { propagationPolicy: policy, gracePeriodSeconds: grace === undefined ? undefined : Number(grace), dryRun });
          return send(res, 200, { kind: `${rt.kind}List`, apiVersion: apiVersionOf(rt), metadata: { resourceVersion: String(registry.store.currentRv()) }, items });
        }
        const { object, removed } = registry.delete(rt, namespace, name, {
          propagationPolicy: policy,
          gracePeriodSeconds: grace === undefined ? undefined : Number(grace),
          preconditions: delOpts.preconditions,
          dryRun,
        });
        if (!removed || RETURNS_DELETED_OBJECT.has(rt.kind)) return send(res, removed ? 200 : 202, object);
        return send(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: rt.group, kind: rt.plural, uid: object.metadata.uid } });
      }
      default:
        throw new ApiStatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${qualifiedName(rt)})`);
    }
  }
}

/** `Warning: 299 - "..."` headers for what the server accepts but warns about (duplicate env names). */
function warningHeaders(rt: ResourceType, obj: any): Record<string, string> {
  const texts = rt.kind === 'Pod' ? podSpecWarnings(obj?.spec, 'spec') : rt.kind === 'StatefulSet' ? podSpecWarnings(obj?.spec?.template?.spec, 'spec.template.spec') : [];
  return texts.length ? { Warning: texts.map((t) => `299 - ${JSON.stringify(t)}`).join(', ') } : {};
}

/** The API server's default field manager: the User-Agent up to its first '/'. */
function defaultManager(req: IncomingMessage): string {
  const ua = String(req.headers['user-agent'] ?? '');
  const m = ua.split('/')[0].trim();
  return m ? m.slice(0, 128) : 'unknown';
}

function nonResource(segs: string[], url: URL, res: ServerResponse, deps: RouterDeps): void {
  const path = '/' + segs.join('/');
  if (path === '/version') return send(res, 200, SERVER_VERSION);
  if (path === '/healthz' || path === '/readyz' || path === '/livez') return send(res, 200, 'ok');
  if (path === '/api') return send(res, 200, apiVersions(deps.serverAddress()));
  if (path === '/apis') return send(res, 200, apiGroupList());
  if (segs[0] === 'api' && segs.length === 2) {
    const doc = apiResourceList('', segs[1]);
    if (doc) return send(res, 200, doc);
  }
  if (segs[0] === 'apis' && segs.length === 2) {
    const doc = apiGroupDoc(segs[1]);
    if (doc) return send(res, 200, doc);
  }
  if (segs[0] === 'apis' && segs.length === 3) {
    const doc = apiResourceList(segs[1], segs[2]);
    if (doc) return send(res, 200, doc);
  }
  if (path === '/openapi/v3') return send(res, 200, openApiIndex());
  if (segs[0] === 'openapi' && segs[1] === 'v3') {
    const gv = segs.slice(2);
    const doc = gv[0] === 'api' && gv.length === 2 ? openApiDoc('', gv[1]) : gv[0] === 'apis' && gv.length === 3 ? openApiDoc(gv[1], gv[2]) : undefined;
    if (doc) return send(res, 200, doc);
  }
  void url;
  sendError(res, new ApiStatusError(404, 'NotFound', 'the server could not find the requested resource'));
}

/**
 * The authorizer's refusal, as kube-apiserver words it (k8s.io/apiserver pkg/endpoints/handlers/responsewriters
 * errors.go `forbiddenMessage`), for an injected 403; the simulator itself authorizes everything.
 */
function forbiddenMessage(verb: string, resource: string): string {
  return `${resource} is forbidden: User "system:anonymous" cannot ${verb.toLowerCase()} resource "${resource}" in API group ""`;
}
