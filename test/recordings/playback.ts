/**
 * A recorded event stream played back to the executor, with no API server: the streams of lib/dr/watch.ts
 * (`ClusterWatch`) and the effects of lib/dr/executor.ts (`RecoveryEffects`) over one recording, in the way
 * pulumi-kubernetes tests its awaiters by feeding recorded events to `await` (provider/pkg/await/statefulset_test.go).
 *
 * One cursor runs through the recording: every stream's `next()` moves it to the next event of its sources and
 * returns the view after it (the first `next()` of a stream returns the view where the cursor stands, as a list would).
 * The recording ends: the streams end (nothing more happens), and a wait runs into its timeout on `clock`.
 * An apply answers as the API server did: the next recorded version of that object (or the object, one generation
 * up, when the recording has none). Record writes are kept, in order, and compared with the recorded ones by tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreV1Event, V1PersistentVolumeClaim, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { KObject } from '../../lib/kube/client';
import type { Timers } from '../../lib/kube/timers';
import type { ViewStream } from '../../lib/kube/wait';
import type { RecoveryEffects } from '../../lib/dr/executor';
import type { Observation } from '../../lib/dr/observe';
import type { RecordIdentity } from '../../lib/dr/record-identity';
import type { DisasterRecoveryStatus } from '../../lib/dr/status';
import type { RecoveryRecord } from '../../lib/dr/status-record';
import type { ClusterWatch, FeView } from '../../lib/dr/watch';
import { componentResourceName } from '../../lib/render/names';

export const CONTROL_PLANE_RECORDINGS = join(__dirname, '..', 'data', 'recordings', 'control-plane');

export type Source = 'StatefulSet' | 'Pod' | 'Event' | 'PersistentVolumeClaim' | 'ConfigMap';

export interface RecordedEvent {
  readonly atMs: number;
  readonly source: Source;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: any;
}

export interface Recording {
  readonly scenario: string;
  readonly namespace: string;
  readonly cluster: string;
  readonly events: readonly RecordedEvent[];
}

/** A recording of test/cluster/record-streams.ts (test/data/recordings/control-plane/<name>.json). */
export function loadRecording(name: string): Recording {
  return JSON.parse(readFileSync(join(CONTROL_PLANE_RECORDINGS, `${name}.json`), 'utf8')) as Recording;
}

type Objects = Map<string, any>;

/** Objects by source, as the events up to a position left them. */
export interface State {
  readonly objects: Readonly<Record<Source, Objects>>;
}

function fold(events: readonly RecordedEvent[], upTo: number): State {
  const objects: Record<Source, Objects> = { StatefulSet: new Map(), Pod: new Map(), Event: new Map(), PersistentVolumeClaim: new Map(), ConfigMap: new Map() };
  for (const e of events.slice(0, upTo)) {
    const key = e.object.metadata?.uid ?? e.object.metadata?.name;
    if (e.type === 'DELETED') objects[e.source].delete(key);
    else objects[e.source].set(key, e.object);
  }
  return { objects };
}

/** A clock for playback: its timers fire on the next turn of the event loop, whatever their delay (a recording never waits). */
export function playbackClock(start = Date.parse('2026-01-01T00:00:00Z')): Timers & { advanced: number } {
  let now = start;
  const clock = {
    advanced: 0,
    now: () => now,
    after(ms: number, fn: () => void) {
      const t = setImmediate(() => {
        now += ms;
        clock.advanced += ms;
        fn();
      });
      return () => clearImmediate(t);
    },
    sleep(ms: number, signal?: AbortSignal) {
      return new Promise<void>((resolve) => {
        const cancel = clock.after(ms, resolve);
        signal?.addEventListener('abort', () => (cancel(), resolve()), { once: true });
      });
    },
  };
  return clock;
}

export class Playback {
  /** How many events the cluster has shown so far. */
  cursor = 0;
  /** What the run wrote to the record, in order, with the cursor when it wrote it. */
  readonly written: Array<{ status: DisasterRecoveryStatus; identity: RecordIdentity; at: number }> = [];
  /** What the run applied, in order, with the cursor when it applied it. */
  readonly applied: Array<{ kind: string; name: string; form: 'restore' | 'full'; at: number }> = [];
  private readonly feName: string;

  constructor(readonly recording: { readonly namespace: string; readonly cluster: string; readonly events: readonly RecordedEvent[] }) {
    this.feName = componentResourceName(recording.cluster, 'fe');
  }

  /** The cluster before the run: what the recording's first events up to `cursor` show (none: an empty namespace). */
  start(): Observation {
    const s = fold(this.recording.events, this.cursor);
    return {
      cluster: this.recording.cluster,
      namespace: this.recording.namespace,
      feStatefulSet: [...s.objects.StatefulSet.values()].find((o) => o.metadata.name === this.feName),
      fePods: [...s.objects.Pod.values()],
      pvcs: [...s.objects.PersistentVolumeClaim.values()],
      pvcsRead: true,
    };
  }

  /** The FE view at a position. */
  feView(at = this.cursor): FeView {
    const s = fold(this.recording.events, at);
    return {
      feStatefulSet: [...s.objects.StatefulSet.values()].find((o) => o.metadata.name === this.feName) as V1StatefulSet | undefined,
      fePods: [...s.objects.Pod.values()] as V1Pod[],
      events: [...s.objects.Event.values()] as CoreV1Event[],
    };
  }

  private stream<V>(sources: readonly Source[], view: (at: number) => V): ViewStream<V> {
    return {
      [Symbol.asyncIterator]: () => {
        let first = true;
        return {
          next: async (): Promise<IteratorResult<V>> => {
            if (!first) {
              const next = this.recording.events.findIndex((e, i) => i >= this.cursor && sources.includes(e.source));
              if (next < 0) {
                this.cursor = this.recording.events.length;
                return { done: true, value: undefined };
              }
              this.cursor = next + 1;
            }
            first = false;
            return { done: false, value: view(this.cursor) };
          },
          return: async (): Promise<IteratorResult<V>> => ({ done: true, value: undefined }),
        };
      },
    };
  }

  /** What the executor watches, played back. */
  watch(): ClusterWatch {
    return {
      fe: () => this.stream(['StatefulSet', 'Pod', 'Event'], (at) => this.feView(at)),
      statefulSets: () => this.stream(['StatefulSet'], (at) => [...fold(this.recording.events, at).objects.StatefulSet.values()] as V1StatefulSet[]),
    };
  }

  /** Effects that answer from the recording and keep what the run did. `form` says which form an apply belongs to. */
  effects(form: (obj: KObject) => 'restore' | 'full'): RecoveryEffects {
    let record: RecoveryRecord | undefined;
    let version = 0;
    return {
      confirmLease: async () => undefined,
      apply: async (obj) => {
        this.applied.push({ kind: obj.kind!, name: obj.metadata!.name!, form: form(obj), at: this.cursor });
        return this.answerTo(obj);
      },
      readRecord: async () => record,
      writeRecord: async (status, identity) => {
        this.written.push({ status, identity, at: this.cursor });
        record = { status, identity, resourceVersion: String(++version) };
        return record;
      },
      listPvcs: async () => [...fold(this.recording.events, this.cursor).objects.PersistentVolumeClaim.values()] as V1PersistentVolumeClaim[],
    };
  }

  /**
   * What the API server answered to an apply of `obj` at the cursor, as recorded: the object's next version with a
   * higher `metadata.generation` (the apply changed its spec), its first version (the apply created it), or its
   * version now (the apply changed nothing). Objects the recording does not hold answer as given.
   */
  private answerTo(obj: KObject): KObject {
    const source = obj.kind as Source;
    const byName = (e: RecordedEvent) => e.source === source && e.type !== 'DELETED' && e.object.metadata?.name === obj.metadata?.name;
    const later = this.recording.events.filter((e, i) => i >= this.cursor && byName(e)).map((e) => e.object);
    if (!(source in fold(this.recording.events, 0).objects)) return obj;
    const now = [...fold(this.recording.events, this.cursor).objects[source].values()].find((o) => o.metadata?.name === obj.metadata?.name);
    if (!now) return (later[0] as KObject | undefined) ?? obj;
    return (later.find((o) => (o.metadata?.generation ?? 0) > (now.metadata?.generation ?? 0)) as KObject | undefined) ?? now;
  }

  /** The record's phase and reason as the real run wrote them (the recorded ConfigMap's versions, repeats folded). */
  recordedPhases(): string[] {
    return fold1(this.recording.events.filter((e) => e.source === 'ConfigMap' && e.type !== 'DELETED').map((e) => `${e.object.data.phase}: ${e.object.data.reason}`));
  }

  /** The index of the first event after which `holds` is true of the FE view, or -1. */
  firstWhere(holds: (view: FeView) => boolean): number {
    for (let i = 1; i <= this.recording.events.length; i++) if (holds(this.feView(i))) return i;
    return -1;
  }
}

/** Consecutive repeats folded. */
export function fold1<T>(xs: readonly T[]): T[] {
  return xs.filter((x, i) => i === 0 || xs[i - 1] !== x);
}
