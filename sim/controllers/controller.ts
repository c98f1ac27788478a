/**
 * Base of the in-process controllers: watch the store, collect the keys that changed, reconcile them on
 * the next turn of the event loop (so a burst of events costs one pass per key).
 */
import { Registry } from '../registry';
import { StoreEvent } from '../store';

export interface Controller {
  start(): void;
  stop(): void;
  /** Work is queued that needs no time to pass (virtual time waits for it). */
  busy(): boolean;
}

export abstract class QueueController implements Controller {
  private readonly dirty = new Set<string>();
  private scheduled?: NodeJS.Immediate;
  private unsubscribe?: () => void;
  protected stopped = false;

  constructor(protected readonly registry: Registry) {}

  /** Keys (e.g. `ns/name`) to reconcile because of this event; empty to ignore it. */
  protected abstract keysFor(e: StoreEvent): string[];
  protected abstract reconcile(key: string): void;

  start(): void {
    this.unsubscribe = this.registry.store.subscribe((e) => {
      for (const k of this.keysFor(e)) this.enqueue(k);
    });
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.scheduled) clearImmediate(this.scheduled);
  }

  /** Keys are queued for the next pass. */
  busy(): boolean {
    return this.dirty.size > 0;
  }

  enqueue(key: string): void {
    if (this.stopped) return;
    this.dirty.add(key);
    if (!this.scheduled) {
      this.scheduled = setImmediate(() => this.drain());
      this.scheduled.unref();
    }
  }

  private drain(): void {
    this.scheduled = undefined;
    const keys = [...this.dirty];
    this.dirty.clear();
    for (const k of keys) {
      if (this.stopped) return;
      try {
        this.reconcile(k);
      } catch (e) {
        // A failed pass is retried on the next event, as a real controller requeues.
        if (process.env.SIM_DEBUG) console.error(`[sim] ${this.constructor.name} ${k}:`, e);
      }
    }
  }
}
