/**
 * The object store: objects by resource type, one resourceVersion counter for everything (like etcd's
 * revision), and a bounded history of change events that watches replay from. Reads return copies.
 */
import { clone } from './json';
import { ResourceType } from './resources';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: EventType;
  readonly rt: ResourceType;
  /** A snapshot taken when the event happened; do not mutate. */
  readonly object: any;
  readonly rv: number;
  /** MODIFIED only: the object before the change (watch filters need it to turn leaving a selector into DELETED). */
  readonly prev?: any;
}

export type StoreListener = (e: StoreEvent) => void;

const keyOf = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

export class Store {
  private readonly objects = new Map<string, Map<string, any>>();
  private rv: number;
  private history: StoreEvent[] = [];
  /** Events with rv <= compactedRv are gone from history. */
  private compactedRv: number;
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly historySize: number, startRv = 1000) {
    this.rv = startRv;
    this.compactedRv = startRv;
  }

  currentRv(): number {
    return this.rv;
  }

  get(rt: ResourceType, ns: string | undefined, name: string): any | undefined {
    return clone(this.objects.get(rt.plural)?.get(keyOf(rt.namespaced ? ns : undefined, name)));
  }

  /**
   * The stored object itself, not a copy: for readers that only look (the kubelet's pass over every pod, garbage
   * collection). Never mutate it; write through `put`. A copy per read was most of the simulator's CPU time with a
   * few hundred pods (bench/README.md, "Detection latency").
   */
  peek(rt: ResourceType, ns: string | undefined, name: string): any | undefined {
    return this.objects.get(rt.plural)?.get(keyOf(rt.namespaced ? ns : undefined, name));
  }

  /** The stored objects of a type, not copies, in no order (see `peek`). */
  peekAll(rt: ResourceType): readonly any[] {
    return [...(this.objects.get(rt.plural)?.values() ?? [])];
  }

  /** Objects sorted by namespace then name, as the API server lists them. */
  list(rt: ResourceType, ns?: string): any[] {
    const m = this.objects.get(rt.plural);
    if (!m) return [];
    return [...m.entries()]
      .filter(([, o]) => !ns || !rt.namespaced || o.metadata?.namespace === ns)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => clone(o));
  }

  /** Stores an object (already complete but for resourceVersion) and emits ADDED or MODIFIED. */
  put(rt: ResourceType, obj: any): any {
    const ns = rt.namespaced ? obj.metadata.namespace : undefined;
    let m = this.objects.get(rt.plural);
    if (!m) this.objects.set(rt.plural, (m = new Map()));
    const key = keyOf(ns, obj.metadata.name);
    const prev = m.get(key);
    const type: EventType = prev ? 'MODIFIED' : 'ADDED';
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    m.set(key, stored);
    this.emit({ type, rt, object: clone(stored), rv: this.rv, prev });
    return clone(stored);
  }

  remove(rt: ResourceType, ns: string | undefined, name: string): any | undefined {
    const m = this.objects.get(rt.plural);
    const key = keyOf(rt.namespaced ? ns : undefined, name);
    const obj = m?.get(key);
    if (!obj) return undefined;
    m!.delete(key);
    obj.metadata.resourceVersion = String(++this.rv);
    this.emit({ type: 'DELETED', rt, object: clone(obj), rv: this.rv });
    return clone(obj);
  }

  /** Events after `rv`, or 'expired' when some of them were compacted away. */
  eventsSince(rv: number): StoreEvent[] | 'expired' {
    if (rv < this.compactedRv) return 'expired';
    return this.history.filter((e) => e.rv > rv);
  }

  /** Drops the whole history: every resourceVersion older than now becomes too old to watch from. */
  compact(): void {
    this.history = [];
    this.compactedRv = this.rv;
  }

  oldestWatchableRv(): number {
    return this.compactedRv;
  }

  subscribe(l: StoreListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > this.historySize) {
      const dropped = this.history.splice(0, this.history.length - this.historySize);
      this.compactedRv = dropped[dropped.length - 1].rv;
    }
    for (const l of [...this.listeners]) l(e);
  }
}
