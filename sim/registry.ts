/**
 * The API semantics on top of the store: create / update / patch / apply / delete with metadata
 * (uid, generation, creationTimestamp), defaulting, validation, optimistic concurrency, status
 * subresource separation, managedFields, finalizers, graceful pod deletion and garbage collection.
 * The HTTP layer and the in-process controllers both write through here.
 */
import { randomUUID } from 'node:crypto';
import { serverSideApply } from './apply/server-side-apply';
import { recordUpdate } from './apply/managed-fields';
import { Clock, rfc3339 } from './clock';
import { applyDefaults } from './defaults';
import { alreadyExists, ApiStatusError, badRequest, conflict, invalid, notFound } from './http/status';
import { clone, deepEqual, isPlainObject, specPart } from './json';
import { jsonPatch } from './patch/json-patch';
import { mergePatch } from './patch/merge-patch';
import { strategicMergePatch } from './patch/strategic-merge';
import { apiVersionOf, RESOURCE_TYPES, ResourceType, resourceType } from './resources';
import { qosClassOf } from './pods/qos';
import { Store } from './store';
import { validate } from './validation';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface WriteOptions {
  /** Manager recorded in managedFields. @default 'unknown' (the API server derives it from the User-Agent) */
  readonly fieldManager?: string;
  readonly subresource?: 'status';
  readonly dryRun?: boolean;
  /** Server-side apply only: take ownership of conflicting fields. @default false */
  readonly force?: boolean;
}

export interface DeleteOptions {
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** Pods only: 0 removes at once. @default the pod's terminationGracePeriodSeconds */
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { uid?: string; resourceVersion?: string };
  readonly dryRun?: boolean;
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export class Registry {
  private nextIp = 1;

  constructor(
    readonly store: Store,
    private readonly now: Clock,
  ) {}

  get(rt: ResourceType, ns: string | undefined, name: string): any {
    const o = this.store.get(rt, ns, name);
    if (!o) throw notFound(rt, name);
    return o;
  }

  private ts(): string {
    return rfc3339(this.now());
  }

  private requireNamespace(rt: ResourceType, ns: string | undefined): void {
    if (!rt.namespaced) return;
    if (!ns) throw badRequest('a namespace is required for a namespaced resource');
    const nsRt = resourceType('Namespace')!;
    const live = this.store.get(nsRt, undefined, ns);
    if (!live) throw notFound(nsRt, ns);
    if (live.metadata.deletionTimestamp) {
      throw new ApiStatusError(403, 'Forbidden', `${rt.plural} "${'<new>'}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`);
    }
  }

  create(rt: ResourceType, ns: string | undefined, body: any, opts: WriteOptions = {}): any {
    if (!isPlainObject(body)) throw badRequest('request body must be a JSON object');
    const obj = clone(body);
    this.checkTypeMeta(rt, obj);
    obj.metadata ??= {};
    if (rt.namespaced) {
      if (obj.metadata.namespace && ns && obj.metadata.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = ns ?? obj.metadata.namespace;
    } else delete obj.metadata.namespace;
    if (!obj.metadata.name && obj.metadata.generateName) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
      obj.metadata.name = obj.metadata.generateName + suffix;
    }
    this.requireNamespace(rt, obj.metadata.namespace);
    if (obj.metadata.name && this.store.get(rt, obj.metadata.namespace, obj.metadata.name)) throw alreadyExists(rt, obj.metadata.name);
    return this.commitCreate(rt, obj, opts, undefined);
  }

  private commitCreate(rt: ResourceType, obj: any, opts: WriteOptions, managed: any[] | undefined): any {
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    const md = obj.metadata;
    md.uid = randomUUID();
    md.creationTimestamp = this.ts();
    delete md.resourceVersion;
    delete md.deletionTimestamp;
    delete md.deletionGracePeriodSeconds;
    delete md.selfLink;
    if (rt.hasGeneration) md.generation = 1;
    else delete md.generation;
    if (rt.hasStatus) obj.status = this.initialStatus(rt, obj.spec);
    applyDefaults(rt.kind, obj, this);
    const errs = validate(rt.kind, obj, undefined);
    if (errs.length) throw invalid(rt, md.name ?? '', errs);
    if (managed === undefined) {
      // The status of a kind with a status subresource is one of the strategy's reset fields: the creator does not
      // own it (managedfields' resetFieldsFilter; a StatefulSet controller's new pod shows f:metadata,f:spec only).
      const owned = rt.hasStatus ? { ...obj, status: undefined } : obj;
      const mf = recordUpdate(rt.kind, undefined, owned, opts.fieldManager ?? 'unknown', apiVersionOf(rt), this.ts());
      if (mf) md.managedFields = mf;
      else delete md.managedFields;
    } else md.managedFields = managed;
    if (opts.dryRun) return obj;
    return this.store.put(rt, obj);
  }

  private initialStatus(rt: ResourceType, spec?: any): any {
    switch (rt.kind) {
      case 'Pod':
        return { phase: 'Pending', qosClass: qosClassOf(spec) };
      case 'Namespace':
        return { phase: 'Active' };
      case 'PersistentVolumeClaim':
        return { phase: 'Pending' };
      case 'Service':
        return { loadBalancer: {} };
      case 'StatefulSet':
        return { replicas: 0, availableReplicas: 0 };
      default:
        return {};
    }
  }

  allocateClusterIP(): string {
    const n = this.nextIp++;
    return `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  }

  private checkTypeMeta(rt: ResourceType, obj: any): void {
    if (obj.kind !== undefined && obj.kind !== rt.kind) {
      throw badRequest(`the kind of the object (${obj.kind}) does not match the kind of the resource (${rt.kind})`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(rt)) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(rt)})`);
    }
  }

  /** PUT: replace, with optimistic concurrency when the body carries a resourceVersion. */
  update(rt: ResourceType, ns: string | undefined, name: string, body: any, opts: WriteOptions = {}): any {
    if (!isPlainObject(body)) throw badRequest('request body must be a JSON object');
    this.checkTypeMeta(rt, body);
    if (body.metadata?.name && body.metadata.name !== name) throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    const old = this.get(rt, ns, name);
    const rv = body.metadata?.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) {
      throw conflict(rt, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    return this.commitUpdate(rt, old, clone(body), opts, false);
  }

  patch(rt: ResourceType, ns: string | undefined, name: string, type: PatchType, patch: any, opts: WriteOptions = {}): any {
    const old = this.store.get(rt, ns, name);
    if (type === 'apply') {
      if (!isPlainObject(patch)) throw badRequest('apply body must be an object');
      this.checkTypeMeta(rt, patch);
      if (patch.kind === undefined || patch.apiVersion === undefined) {
        throw badRequest('apiVersion and kind must be set in an apply configuration');
      }
      if (patch.metadata?.name && patch.metadata.name !== name) throw badRequest(`the name of the object (${patch.metadata.name}) does not match the name on the URL (${name})`);
      // PatchOptions validation (apimachinery validation.ValidatePatchOptions), as kube-apiserver v1.36 answers it.
      if (!opts.fieldManager) {
        throw new ApiStatusError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
          group: 'meta.k8s.io',
          kind: 'PatchOptions',
          causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
        });
      }
      const applied = clone(patch);
      applied.metadata = { ...(applied.metadata ?? {}), name };
      if (rt.namespaced) applied.metadata.namespace = ns;
      if (!old) {
        if (opts.subresource) throw notFound(rt, name);
        this.requireNamespace(rt, ns);
        const obj = serverSideApply({ kind: rt.kind, group: rt.group, plural: rt.plural, apiVersion: apiVersionOf(rt), live: undefined, applied, manager: opts.fieldManager, force: !!opts.force, time: this.ts() });
        // Apply owns what it applied; defaults belong to nobody.
        return this.commitCreate(rt, obj, opts, obj.metadata.managedFields);
      }
      const merged = serverSideApply({ kind: rt.kind, group: rt.group, plural: rt.plural, apiVersion: apiVersionOf(rt), live: old, applied, manager: opts.fieldManager, force: !!opts.force, time: this.ts(), subresource: opts.subresource });
      return this.commitUpdate(rt, old, merged, opts, true);
    }
    if (!old) throw notFound(rt, name);
    let next: any;
    if (type === 'json') next = jsonPatch(old, patch);
    else if (type === 'merge') next = mergePatch(old, patch);
    else next = strategicMergePatch(rt.kind, old, patch);
    if (!isPlainObject(next)) throw badRequest('patch produced a non-object');
    if (next.metadata?.resourceVersion && next.metadata.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(rt, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    return this.commitUpdate(rt, old, next, opts, false);
  }

  /** The common tail of every update: keep what the client may not change, default, validate, record, store. */
  private commitUpdate(rt: ResourceType, old: any, next: any, opts: WriteOptions, managedDone: boolean): any {
    next.apiVersion = apiVersionOf(rt);
    next.kind = rt.kind;
    next.metadata = isPlainObject(next.metadata) ? next.metadata : {};
    const md = next.metadata;
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'name', 'namespace'] as const) {
      if (old.metadata[k] === undefined) delete md[k];
      else md[k] = old.metadata[k];
    }
    if (rt.hasStatus) {
      if (opts.subresource === 'status') {
        // The status subresource changes status only (metadata but for managedFields stays as it was).
        const status = next.status;
        const keepMf = md.managedFields;
        Object.assign(next, clone(old), { status });
        next.metadata.managedFields = keepMf;
      } else if (old.status === undefined) delete next.status;
      else next.status = clone(old.status);
    }
    applyDefaults(rt.kind, next, this);
    if (rt.hasGeneration && !deepEqual(specPart(next), specPart(old))) md.generation = (old.metadata.generation ?? 0) + 1;
    const errs = validate(rt.kind, next, old);
    if (errs.length) throw invalid(rt, old.metadata.name, errs);
    if (!managedDone) {
      const mf = recordUpdate(rt.kind, old, next, opts.fieldManager ?? 'unknown', apiVersionOf(rt), this.ts(), opts.subresource);
      if (mf) md.managedFields = mf;
      else delete md.managedFields;
    }
    // A write that changes nothing is a no-op: no new resourceVersion, no event.
    const strip = (o: any) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: (o.metadata.managedFields ?? []).map((e: any) => ({ ...e, time: undefined })) } });
    if (deepEqual(strip(next), strip(old))) return old;
    if (opts.dryRun) return next;
    // The last finalizer removed from an object being deleted: it goes (pods only after they terminated).
    if (md.deletionTimestamp && !md.finalizers?.length && (rt.kind !== 'Pod' || !next.spec?.nodeName)) return this.finishDelete(rt, next);
    return this.store.put(rt, next);
  }

  /**
   * A controller's write (scheduler binding, kubelet status, PV binding): no validation or defaulting,
   * but managedFields and no-op detection as for any other write. Returns the stored object.
   */
  /** A controller's write. `manager` undefined: a write that records no field manager (a pod binding). */
  writeInternal(rt: ResourceType, next: any, manager: string | undefined, subresource?: 'status'): any {
    const old = this.store.get(rt, next.metadata.namespace, next.metadata.name);
    if (!old) throw notFound(rt, next.metadata.name);
    const obj = clone(next);
    if (manager === undefined) obj.metadata.managedFields = old.metadata.managedFields;
    else {
      const mf = recordUpdate(rt.kind, old, obj, manager, apiVersionOf(rt), this.ts(), subresource);
      if (mf) obj.metadata.managedFields = mf;
      else delete obj.metadata.managedFields;
    }
    if (!obj.metadata.managedFields) delete obj.metadata.managedFields;
    const strip = (o: any) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: (o.metadata.managedFields ?? []).map((e: any) => ({ ...e, time: undefined })) } });
    if (deepEqual(strip(obj), strip(old))) return old;
    return this.store.put(rt, obj);
  }

  /** DELETE: finalizers and graceful pod termination delay removal; dependents are garbage-collected. */
  delete(rt: ResourceType, ns: string | undefined, name: string, opts: DeleteOptions = {}): { object: any; removed: boolean } {
    const old = this.get(rt, ns, name);
    if (opts.preconditions?.uid && opts.preconditions.uid !== old.metadata.uid) {
      throw conflict(rt, name, `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (opts.preconditions?.resourceVersion && opts.preconditions.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(rt, name, `Precondition failed: ResourceVersion in precondition: ${opts.preconditions.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
    }
    if (opts.dryRun) return { object: old, removed: false };
    const orphan = opts.propagationPolicy === 'Orphan';
    const graceful = rt.kind === 'Pod' && old.spec?.nodeName && (opts.gracePeriodSeconds ?? old.spec?.terminationGracePeriodSeconds ?? 30) > 0;
    if (old.metadata.finalizers?.length || graceful) {
      if (old.metadata.deletionTimestamp) {
        if (rt.kind === 'Pod' && opts.gracePeriodSeconds === 0 && !old.metadata.finalizers?.length) return { object: this.finishDelete(rt, old, orphan), removed: true };
        return { object: old, removed: false };
      }
      const next = clone(old);
      const grace = rt.kind === 'Pod' ? (opts.gracePeriodSeconds ?? old.spec?.terminationGracePeriodSeconds ?? 30) : 0;
      next.metadata.deletionTimestamp = rfc3339(this.now() + grace * 1000);
      next.metadata.deletionGracePeriodSeconds = grace;
      if (rt.hasGeneration) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
      const stored = this.store.put(rt, next);
      if (!orphan) this.collectDependents(old.metadata.uid);
      return { object: stored, removed: false };
    }
    return { object: this.finishDelete(rt, old, orphan), removed: true };
  }

  /** Removes an object for good (pods: once terminated) and collects its dependents. */
  finishDelete(rt: ResourceType, obj: any, orphan = false): any {
    if (rt.kind === 'Namespace') {
      for (const t of RESOURCE_TYPES) {
        if (!t.namespaced) continue;
        for (const o of this.store.list(t, obj.metadata.name)) this.store.remove(t, o.metadata.namespace, o.metadata.name);
      }
    }
    const removed = this.store.remove(rt, obj.metadata.namespace, obj.metadata.name) ?? obj;
    if (!orphan) this.collectDependents(obj.metadata.uid);
    return removed;
  }

  /** Background garbage collection: delete everything whose ownerReferences name a uid that is gone. */
  collectDependents(ownerUid: string): void {
    for (const t of RESOURCE_TYPES) {
      for (const o of this.store.peekAll(t)) {
        const refs: any[] = o.metadata.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === ownerUid)) continue;
        if (o.metadata.deletionTimestamp) continue;
        try {
          this.delete(t, o.metadata.namespace, o.metadata.name, { propagationPolicy: 'Background' });
        } catch {
          // Already gone: nothing to collect.
        }
      }
    }
  }
}
