/** `meta.k8s.io/v1 Table` rendering, the columns `kubectl get` prints for each kind. */
const col = (name: string, type = 'string', priority = 0) => ({ name, type, format: name === 'Name' ? 'name' : '', description: name, priority });

function age(ts: string | undefined, nowMs: number): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((nowMs - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function podStatus(p: any): string {
  if (p.metadata?.deletionTimestamp) return 'Terminating';
  for (const c of p.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason) return c.state.terminated.reason;
  }
  return p.status?.phase ?? 'Pending';
}

function servicePorts(s: any): string {
  const ps = (s.spec?.ports ?? []).map((p: any) => `${p.port}/${p.protocol ?? 'TCP'}`);
  return ps.length ? ps.join(',') : '<none>';
}

interface Columns {
  defs: ReturnType<typeof col>[];
  cells(o: any, now: number): unknown[];
}

function columnsFor(kind: string): Columns {
  switch (kind) {
    case 'Pod':
      return {
        defs: [col('Name'), col('Ready'), col('Status'), col('Restarts', 'string'), col('Age'), col('IP', 'string', 1), col('Node', 'string', 1)],
        cells: (p, now) => {
          const cs: any[] = p.status?.containerStatuses ?? [];
          const total = p.spec?.containers?.length ?? 0;
          const restarts = cs.reduce((a, c) => a + (c.restartCount ?? 0), 0);
          return [p.metadata.name, `${cs.filter((c) => c.ready).length}/${total}`, podStatus(p), String(restarts), age(p.metadata.creationTimestamp, now), p.status?.podIP ?? '<none>', p.spec?.nodeName ?? '<none>'];
        },
      };
    case 'StatefulSet':
      return {
        defs: [col('Name'), col('Ready'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1)],
        cells: (s, now) => [
          s.metadata.name,
          `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}`,
          age(s.metadata.creationTimestamp, now),
          (s.spec?.template?.spec?.containers ?? []).map((c: any) => c.name).join(','),
          (s.spec?.template?.spec?.containers ?? []).map((c: any) => c.image).join(','),
        ],
      };
    case 'Service':
      return {
        defs: [col('Name'), col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age'), col('Selector', 'string', 1)],
        cells: (s, now) => [
          s.metadata.name,
          s.spec?.type ?? 'ClusterIP',
          s.spec?.clusterIP ?? '<none>',
          '<none>',
          servicePorts(s),
          age(s.metadata.creationTimestamp, now),
          Object.entries(s.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>',
        ],
      };
    case 'PersistentVolumeClaim':
      return {
        defs: [col('Name'), col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('Age')],
        cells: (c, now) => [
          c.metadata.name,
          c.status?.phase ?? 'Pending',
          c.spec?.volumeName ?? '',
          c.status?.capacity?.storage ?? '',
          (c.status?.accessModes ?? c.spec?.accessModes ?? []).map((m: string) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' } as Record<string, string>)[m] ?? m).join(','),
          c.spec?.storageClassName ?? '<unset>',
          age(c.metadata.creationTimestamp, now),
        ],
      };
    case 'ConfigMap':
    case 'Secret':
      return {
        defs: kind === 'Secret' ? [col('Name'), col('Type'), col('Data', 'integer'), col('Age')] : [col('Name'), col('Data', 'integer'), col('Age')],
        cells: (o, now) => {
          const n = Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length;
          return kind === 'Secret' ? [o.metadata.name, o.type ?? 'Opaque', n, age(o.metadata.creationTimestamp, now)] : [o.metadata.name, n, age(o.metadata.creationTimestamp, now)];
        },
      };
    case 'Namespace':
      return { defs: [col('Name'), col('Status'), col('Age')], cells: (o, now) => [o.metadata.name, o.status?.phase ?? 'Active', age(o.metadata.creationTimestamp, now)] };
    case 'Endpoints':
      return {
        defs: [col('Name'), col('Endpoints'), col('Age')],
        cells: (o, now) => {
          const eps = (o.subsets ?? []).flatMap((s: any) => (s.addresses ?? []).flatMap((a: any) => (s.ports ?? []).map((p: any) => `${a.ip}:${p.port}`)));
          return [o.metadata.name, eps.length ? eps.slice(0, 3).join(',') + (eps.length > 3 ? ` + ${eps.length - 3} more...` : '') : '<none>', age(o.metadata.creationTimestamp, now)];
        },
      };
    case 'Event':
      // kubectl's event columns (pkg/printers/internalversion printEvent): LAST SEEN, TYPE, REASON, OBJECT, MESSAGE.
      return {
        defs: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message'), col('Name', 'string', 1)],
        cells: (o, now) => [age(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now), o.type ?? '', o.reason ?? '', `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`, String(o.message ?? '').trim(), o.metadata.name],
      };
    default:
      return { defs: [col('Name'), col('Age')], cells: (o, now) => [o.metadata.name, age(o.metadata.creationTimestamp, now)] };
  }
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function toTable(kind: string, objects: any[], listMeta: Record<string, unknown>, nowMs: number): object {
  const c = columnsFor(kind);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: c.defs,
    rows: objects.map((o) => ({
      cells: c.cells(o, nowMs),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
