/**
 * Waiting on the cluster by watching it, never by polling: each source is a list+watch (client-node's
 * `ListWatch`, which relists on 410 Gone and resumes from the last resourceVersion when a watch ends); every
 * event re-runs `check` on the cached objects, so a change is seen as soon as the API server sends it.
 * A watch that fails (API restart, network) is restarted with capped backoff until the deadline.
 */
import { CHANGE, CONNECT, ERROR, ListWatch, Watch, type KubernetesListObject } from '@kubernetes/client-node';
import { StarRocksDrError } from '../errors';
import { apiMessage } from './errors';
import { KubeClient, type KnownKind, type KObject } from './client';
import type { ClientActivity } from './timers';

export interface WatchSource {
  readonly kind: KnownKind;
  readonly namespace: string;
  readonly labelSelector?: string;
  /** e.g. `metadata.name=kube-starrocks-fe` */
  readonly fieldSelector?: string;
}

/** What the watches have seen so far, by source index. */
export interface WatchView {
  objects(source: number): readonly KObject[];
}

export type Check<T> = (view: WatchView) => { readonly done: true; readonly value: T } | { readonly done: false; readonly progress: string };

export interface WaitOptions<T> {
  readonly client: KubeClient;
  readonly sources: readonly WatchSource[];
  readonly check: Check<T>;
  readonly timeoutMs: number;
  /** Called with the progress text whenever it changes. */
  readonly onProgress?: (progress: string) => void;
  readonly signal?: AbortSignal;
  /** What is being waited for, for the timeout error. */
  readonly what: string;
  /** The object the wait is about, named in the timeout error (e.g. `StatefulSet/kube-starrocks-fe`). */
  readonly field: string;
  /** What to do about a timeout. @default look at the FE pod, fix the cause, run the same command again */
  readonly fix?: string;
}

export async function waitUntil<T>(opts: WaitOptions<T>): Promise<T> {
  const { client } = opts;
  const { timers } = client;
  const gate = new WatchGate(new Watch(client.kubeConfig), timers.activity);
  // `check` sees a whole view: every source listed at least once (a pod list not back yet is not "no pods").
  const listed = opts.sources.map(() => false);
  const watches = opts.sources.map((s, i) => {
    const listFn = async (): Promise<KubernetesListObject<KObject>> => {
      const list = await client.list(s.kind, s.namespace, s.labelSelector, s.fieldSelector);
      listed[i] = true;
      const items = s.fieldSelector ? list.items.filter(fieldMatcher(s.fieldSelector)) : list.items;
      return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: list.resourceVersion } };
    };
    return new ListWatch<KObject>(KubeClient.collectionPath(s.kind, s.namespace), gate as unknown as Watch, listFn, false, s.labelSelector, s.fieldSelector);
  });
  const view: WatchView = { objects: (i) => watches[i].list() };
  let lastProgress = '';
  let lastError = '';

  return new Promise<T>((resolve, reject) => {
    let finished = false;
    // Aborted when the wait ends, so no retry timer outlives it either.
    const retries = new AbortController();
    // A list that came back empty fires no CHANGE: check once each (re)start has listed and opened its watch.
    const run = (w: ListWatch<KObject>) => w.start().then(() => evaluate(), () => undefined);
    const finish = (err: Error | undefined, value?: T) => {
      if (finished) return;
      finished = true;
      cancelTimer();
      retries.abort();
      opts.signal?.removeEventListener('abort', onAbort);
      for (const w of watches) void w.stop();
      gate.close();
      if (err) reject(err);
      else resolve(value as T);
    };
    // The items of one list arrive as one CHANGE each: check once they are all in the cache, not after the first.
    let queued = false;
    const evaluate = () => {
      if (queued || finished) return;
      queued = true;
      queueMicrotask(evaluateNow);
    };
    const evaluateNow = () => {
      queued = false;
      if (finished || !listed.every(Boolean)) return;
      const result = opts.check(view);
      if (result.done) return finish(undefined, result.value);
      if (result.progress !== lastProgress) {
        lastProgress = result.progress;
        opts.onProgress?.(result.progress);
      }
    };
    const cancelTimer = timers.after(opts.timeoutMs, () => {
      const seen = lastProgress ? `; last seen: ${lastProgress}` : '';
      const api = lastError ? `; last API error: ${lastError}` : '';
      finish(
        new StarRocksDrError('Timeout', `timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for ${opts.what}${seen}${api}`, {
          field: opts.field,
          fix: opts.fix ?? 'look at the FE pod (kubectl describe pod / logs), fix the cause, and run the same command again: it resumes from the recorded status',
        }),
      );
    });
    const onAbort = () => finish(new Error('aborted'));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort);

    watches.forEach((w) => {
      let backoff = 100;
      w.on(CHANGE, evaluate);
      w.on(CONNECT, () => {
        backoff = 100;
      });
      w.on(ERROR, (err: unknown) => {
        if (finished) return;
        lastError = apiMessage(err);
        const wait = backoff;
        backoff = Math.min(backoff * 2, 5_000);
        void timers.sleep(wait, retries.signal).then(() => (finished ? undefined : run(w)));
      });
    });
    watches.forEach((w) => void run(w));
  });
}

/**
 * The watches of one wait, so that none outlives it. client-node 1.4's `ListWatch.doneHandler` checks `stopped`
 * only before its list, then opens the watch whatever happened meanwhile (dist/cache.js, `doneHandler`): a wait that
 * finished inside the list's callbacks (the condition already held) left that watch open, and the process alive on
 * its socket. Every watch request goes through here: once closed, none is opened and every open one is aborted.
 */
class WatchGate {
  private closed = false;
  /** Open watches, and how each ends for the clock's bookkeeping. */
  private readonly open = new Map<AbortController, () => void>();

  /** @param activity a virtual clock's bookkeeping: opening a watch is a request, each event is work until handled. */
  constructor(
    private readonly inner: Watch,
    private readonly activity?: ClientActivity,
  ) {}

  async watch(path: string, params: Record<string, string | number | boolean | undefined>, onEvent: (phase: string, obj: any, watchObj?: any) => void, done: (err: any) => void): Promise<AbortController> {
    if (this.closed) return new AbortController();
    const tracked = this.activity?.openWatch();
    const requested = this.activity?.begin();
    let controller: AbortController | undefined;
    try {
      controller = await this.inner.watch(
        path,
        { ...params, ...tracked?.query },
        (phase, obj, watchObj) => {
          try {
            onEvent(phase, obj, watchObj);
          } finally {
            tracked?.received();
          }
        },
        (err) => {
          tracked?.closed();
          if (controller) this.open.delete(controller);
          if (!this.closed) done(err);
        },
      );
    } catch (err) {
      tracked?.closed();
      throw err;
    } finally {
      requested?.();
    }
    if (this.closed) {
      controller.abort();
      tracked?.closed();
    } else this.open.set(controller, () => tracked?.closed());
    return controller;
  }

  close(): void {
    this.closed = true;
    for (const [c, ended] of this.open) {
      c.abort();
      ended();
    }
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
