/**
 * Watches: a chunked stream of `{"type","object"}` lines. Replays history from a resourceVersion (or
 * synthesizes ADDED events for the current state), filters by namespace and selectors (an object leaving
 * the selector is sent as DELETED, entering as ADDED), sends bookmarks, honours timeoutSeconds, and
 * answers an expired resourceVersion with an in-stream 410 `Expired` error.
 */
import type { ServerResponse } from 'node:http';
import { ResourceType } from './resources';
import { Store, StoreEvent } from './store';

export interface WatchRequest {
  readonly rt: ResourceType;
  readonly namespace?: string;
  readonly matches: (obj: any) => boolean;
  readonly resourceVersion?: string;
  readonly allowBookmarks: boolean;
  readonly timeoutSeconds?: number;
  readonly sendInitialEvents?: boolean;
  /** Converts an object before it is written (e.g. to a Table row); identity by default. */
  readonly transform?: (obj: any) => any;
}

interface OpenWatch {
  readonly res: ServerResponse;
  close(abrupt: boolean): void;
}

export class WatchHub {
  private readonly open = new Set<OpenWatch>();

  constructor(
    private readonly store: Store,
    private readonly bookmarkIntervalMs: number,
  ) {}

  count(): number {
    return this.open.size;
  }

  serve(req: WatchRequest, res: ServerResponse): void {
    const { rt, namespace } = req;
    const inScope = (o: any) => !rt.namespaced || !namespace || o.metadata?.namespace === namespace;
    const write = (type: string, object: any) => {
      if (res.writableEnded || res.destroyed) return;
      res.write(JSON.stringify({ type, object: req.transform ? req.transform(object) : object }) + '\n');
    };
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();

    const rvParam = req.resourceVersion;
    let backlog: StoreEvent[] = [];
    const initial = !rvParam || rvParam === '0' || req.sendInitialEvents === true;
    if (!initial) {
      const from = Number(rvParam);
      const events = Number.isFinite(from) ? this.store.eventsSince(from) : 'expired';
      if (events === 'expired') {
        write('ERROR', {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${rvParam} (${this.store.oldestWatchableRv() + 1})`,
          reason: 'Expired',
          code: 410,
        });
        res.end();
        return;
      }
      backlog = events;
    }

    const deliver = (e: StoreEvent) => {
      if (e.rt !== rt || !inScope(e.object)) return;
      const now = req.matches(e.object);
      const before = e.type === 'MODIFIED' && e.prev ? req.matches(e.prev) : now;
      if (e.type === 'MODIFIED' && before !== now) write(now ? 'ADDED' : 'DELETED', e.object);
      else if (now) write(e.type, e.object);
    };
    // Subscribe before replaying: delivery is synchronous, so nothing can slip in between.
    const unsubscribe = this.store.subscribe(deliver);
    if (initial) {
      for (const o of this.store.list(rt, namespace)) if (req.matches(o)) write('ADDED', o);
      if (req.sendInitialEvents) {
        write('BOOKMARK', { kind: rt.kind, apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version, metadata: { resourceVersion: String(this.store.currentRv()), annotations: { 'k8s.io/initial-events-end': 'true' } } });
      }
    } else for (const e of backlog) deliver(e);

    const timers: NodeJS.Timeout[] = [];
    if (req.allowBookmarks) {
      const t = setInterval(() => {
        write('BOOKMARK', { kind: rt.kind, apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version, metadata: { resourceVersion: String(this.store.currentRv()) } });
      }, this.bookmarkIntervalMs);
      t.unref();
      timers.push(t);
    }
    const entry: OpenWatch = {
      res,
      close: (abrupt) => {
        if (!this.open.delete(entry)) return;
        unsubscribe();
        for (const t of timers) clearInterval(t);
        if (abrupt) res.destroy();
        else if (!res.writableEnded) res.end();
      },
    };
    if (req.timeoutSeconds !== undefined && req.timeoutSeconds > 0) {
      const t = setTimeout(() => entry.close(false), req.timeoutSeconds * 1000);
      t.unref();
      timers.push(t);
    }
    this.open.add(entry);
    res.on('close', () => entry.close(false));
  }

  /** Closes every open watch; `abrupt` resets the connections as a network failure would. */
  closeAll(abrupt: boolean): void {
    for (const w of [...this.open]) w.close(abrupt);
  }
}
