/**
 * Waiting on the cluster by watching it, never by polling, in two halves (as pulumi-kubernetes' awaiters are built,
 * provider/pkg/await/statefulset.go: `Await` connects, `await` takes event channels):
 *
 * - `watchViews` connects: each source is a list+watch (client-node's `ListWatch`, which relists on 410 Gone and
 *   resumes from the last resourceVersion when a watch ends); every change yields a new view of what the watches
 *   have cached. A watch that fails (API restart, network) is restarted with capped backoff.
 * - `awaitView` takes any stream of views (the live one, or a recorded one in tests), runs `check` on each and ends
 *   when it holds, at the timeout (on the injected clock) or on abort.
 */
import { CHANGE, CONNECT, ERROR, ListWatch, Watch, type KubernetesListObject } from '@kubernetes/client-node';
import { StarRocksDrError } from '../errors';
import { apiMessage } from './errors';
import { KubeClient, type KnownKind, type KObject } from './client';
import type { Timers } from './timers';

export interface WatchSource {
  readonly kind: KnownKind;
  readonly namespace: string;
  readonly labelSelector?: string;
  /** e.g. `metadata.name=kube-starrocks-fe` */
  readonly fieldSelector?: string;
}

/** What the watches have seen, by source index. */
export interface WatchView {
  objects(source: number): readonly KObject[];
}

/** A stream of views that can say what went wrong last (for a timeout message). */
export interface ViewStream<V> extends AsyncIterable<V> {
  /** The last error the stream met and recovered from (an API error), or ''. */
  lastError?(): string;
}

export type Verdict<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly progress: string };

export interface AwaitOptions {
  readonly timers: Timers;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** What is being waited for, for the timeout error. */
  readonly what: string;
  /** The object the wait is about, named in the timeout error (e.g. `StatefulSet/kube-starrocks-fe`). */
  readonly field: string;
  /** What to do about a timeout. @default look at the FE pod, fix the cause, run the same command again */
  readonly fix?: string;
  /** Called with the progress text whenever it changes. */
  readonly onProgress?: (progress: string) => void;
}

/** The error of a wait that ran out of time: what it waited for, what it saw last, the last API error. */
export function timeoutError(opts: Pick<AwaitOptions, 'what' | 'field' | 'fix' | 'timeoutMs'>, lastProgress: string, lastError = ''): StarRocksDrError {
  const seen = lastProgress ? `; last seen: ${lastProgress}` : '';
  const api = lastError ? `; last API error: ${lastError}` : '';
  return new StarRocksDrError('Timeout', `timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for ${opts.what}${seen}${api}`, {
    field: opts.field,
    fix: opts.fix ?? 'look at the FE pod (kubectl describe pod / logs), fix the cause, and run the same command again: it resumes from the recorded status',
  });
}

/** What `nextView` got: a view, or why there is none. */
export type Next<V> = { readonly view: V } | 'timeout' | 'aborted';

/**
 * The next view of `it` within `timeoutMs` (on `timers`), or `'timeout'`, or `'aborted'`. A stream that ended (a
 * recording played to its end) has nothing more to say: the call waits for its timeout.
 */
export async function nextView<V>(it: AsyncIterator<V>, timers: Timers, timeoutMs: number, signal?: AbortSignal): Promise<Next<V>> {
  if (signal?.aborted) return 'aborted';
  let cancelTimer = () => {};
  let onAbort = () => {};
  const stop = new Promise<'timeout' | 'aborted'>((resolve) => {
    cancelTimer = timers.after(Math.max(0, timeoutMs), () => resolve('timeout'));
    onAbort = () => resolve('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const next = await Promise.race([it.next(), stop]);
    if (typeof next === 'string') return next;
    return next.done ? await stop : { view: next.value };
  } finally {
    cancelTimer();
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Reads `views` until `check` holds; throws `timeoutError` after `timeoutMs`, or `Error('aborted')` on abort. The
 * stream is closed (`return()`) when the wait ends, whatever ended it.
 */
export async function awaitView<V, T>(views: ViewStream<V>, check: (view: V) => Verdict<T>, opts: AwaitOptions): Promise<T> {
  const it = views[Symbol.asyncIterator]();
  const deadline = opts.timers.now() + opts.timeoutMs;
  let lastProgress = '';
  try {
    for (;;) {
      const next = await nextView(it, opts.timers, deadline - opts.timers.now(), opts.signal);
      if (next === 'aborted') throw new Error('aborted');
      if (next === 'timeout') throw timeoutError(opts, lastProgress, views.lastError?.());
      const verdict = check(next.view);
      if (verdict.done) return verdict.value;
      if (verdict.progress !== lastProgress) {
        lastProgress = verdict.progress;
        opts.onProgress?.(verdict.progress);
      }
    }
  } finally {
    await it.return?.();
  }
}

/**
 * The live views of `sources`: one per change (coalesced: a consumer slower than the changes gets the newest view,
 * never a backlog), each once every source has been listed (a pod list not back yet is not "no pods"). The watches
 * start on the first `next()` and stop on `return()`.
 */
export function watchViews(client: KubeClient, sources: readonly WatchSource[]): ViewStream<WatchView> {
  let lastError = '';
  return {
    lastError: () => lastError,
    [Symbol.asyncIterator](): AsyncIterator<WatchView> {
      const { timers } = client;
      const gate = new WatchGate(new Watch(client.kubeConfig));
      const listed = sources.map(() => false);
      const watches = sources.map((s, i) => {
        const listFn = async (): Promise<KubernetesListObject<KObject>> => {
          const list = await client.list(s.kind, s.namespace, s.labelSelector, s.fieldSelector);
          listed[i] = true;
          const items = s.fieldSelector ? list.items.filter(fieldMatcher(s.fieldSelector)) : list.items;
          return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: list.resourceVersion } };
        };
        return new ListWatch<KObject>(KubeClient.collectionPath(s.kind, s.namespace), gate as unknown as Watch, listFn, false, s.labelSelector, s.fieldSelector);
      });
      const snapshot = (): WatchView => {
        const lists = watches.map((w) => [...w.list()]);
        return { objects: (i) => lists[i] };
      };
      let closed = false;
      let dirty = false;
      let waiting: ((r: IteratorResult<WatchView>) => void) | undefined;
      // The items of one list arrive as one CHANGE each: a view once they are all in the cache, not after the first.
      let queued = false;
      const publish = () => {
        queued = false;
        if (closed || !listed.every(Boolean)) return;
        if (waiting) {
          const resolve = waiting;
          waiting = undefined;
          resolve({ done: false, value: snapshot() });
        } else dirty = true;
      };
      const changed = () => {
        if (queued || closed) return;
        queued = true;
        queueMicrotask(publish);
      };
      // Aborted when the stream closes, so no retry timer outlives it.
      const retries = new AbortController();
      // A list that came back empty fires no CHANGE: a view once each (re)start has listed and opened its watch.
      const run = (w: ListWatch<KObject>) => w.start().then(changed, () => undefined);
      watches.forEach((w) => {
        let backoff = 100;
        w.on(CHANGE, changed);
        w.on(CONNECT, () => {
          backoff = 100;
        });
        w.on(ERROR, (err: unknown) => {
          if (closed) return;
          lastError = apiMessage(err);
          const wait = backoff;
          backoff = Math.min(backoff * 2, 5_000);
          void timers.sleep(wait, retries.signal).then(() => (closed ? undefined : run(w)));
        });
      });
      let started = false;
      return {
        next: () =>
          new Promise<IteratorResult<WatchView>>((resolve) => {
            if (closed) return resolve({ done: true, value: undefined });
            if (!started) {
              started = true;
              watches.forEach((w) => void run(w));
            }
            if (dirty) {
              dirty = false;
              resolve({ done: false, value: snapshot() });
            } else waiting = resolve;
          }),
        return: async () => {
          closed = true;
          retries.abort();
          for (const w of watches) void w.stop();
          gate.close();
          waiting?.({ done: true, value: undefined });
          waiting = undefined;
          return { done: true, value: undefined };
        },
      };
    },
  };
}

export interface WaitOptions<T> extends Omit<AwaitOptions, 'timers'> {
  readonly client: KubeClient;
  readonly sources: readonly WatchSource[];
  readonly check: (view: WatchView) => Verdict<T>;
}

/** `awaitView` over the live views of `sources`, on the client's clock. */
export function waitUntil<T>(opts: WaitOptions<T>): Promise<T> {
  return awaitView(watchViews(opts.client, opts.sources), opts.check, { ...opts, timers: opts.client.timers });
}

/**
 * The watches of one stream, so that none outlives it. client-node 1.4's `ListWatch.doneHandler` checks `stopped`
 * only before its list, then opens the watch whatever happened meanwhile (dist/cache.js, `doneHandler`): a stream
 * closed inside the list's callbacks left that watch open, and the process alive on its socket. Every watch request
 * goes through here: once closed, none is opened and every open one is aborted.
 */
class WatchGate {
  private closed = false;
  private readonly open = new Set<AbortController>();

  constructor(private readonly inner: Watch) {}

  async watch(path: string, params: Record<string, string | number | boolean | undefined>, onEvent: (phase: string, obj: any, watchObj?: any) => void, done: (err: any) => void): Promise<AbortController> {
    if (this.closed) return new AbortController();
    let controller: AbortController | undefined;
    controller = await this.inner.watch(path, params, onEvent, (err) => {
      if (controller) this.open.delete(controller);
      if (!this.closed) done(err);
    });
    if (this.closed) controller.abort();
    else this.open.add(controller);
    return controller;
  }

  close(): void {
    this.closed = true;
    for (const c of this.open) c.abort();
    this.open.clear();
  }
}

/** Client-side filter for the simple `a.b=value` field selectors we use (the server filters too). */
function fieldMatcher(selector: string): (o: KObject) => boolean {
  const clauses = selector.split(',').map((c) => c.split('='));
  return (o) =>
    clauses.every(([path, value]) => {
      let cur: unknown = o;
      for (const part of path.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[part];
      return cur === value;
    });
}
