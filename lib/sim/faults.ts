/**
 * Fault injection for the HTTP layer: latency on every request, bursts of 429/500/503 (optionally only
 * for one verb and/or resource), and a request counter keyed `${VERB} ${resource}`.
 * VERB is one of GET, LIST, WATCH, POST, PUT, PATCH, DELETE; resource is the plural, with `/status` for the
 * status subresource (e.g. `PATCH statefulsets`, `PUT pods/status`); non-resource paths count as `GET /version`.
 */
export interface FailNextOptions {
  readonly status: 429 | 500 | 503;
  /** Sent as the `Retry-After` header (and in the Status details). @default 1 for 429, none otherwise */
  readonly retryAfterSeconds?: number;
  /** Only requests with this verb (GET, LIST, WATCH, POST/create, PUT/update, PATCH, DELETE). @default any */
  readonly verb?: string;
  /** Only requests for this resource (plural, e.g. `statefulsets`). @default any */
  readonly resource?: string;
}

const VERB_ALIASES: Record<string, string> = { CREATE: 'POST', UPDATE: 'PUT', APPLY: 'PATCH' };

interface Burst {
  remaining: number;
  readonly opts: FailNextOptions;
}

export class Faults {
  private latencyMs = 0;
  private bursts: Burst[] = [];
  private counts: Record<string, number> = {};

  latency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  currentLatency(): number {
    return this.latencyMs;
  }

  failNext(n: number, opts: FailNextOptions): void {
    this.bursts.push({ remaining: n, opts });
  }

  clear(): void {
    this.latencyMs = 0;
    this.bursts = [];
  }

  /** Injected failures not answered yet: 0 once every `failNext` burst has hit. */
  unserved(): number {
    return this.bursts.reduce((n, b) => n + b.remaining, 0);
  }

  /** Counts the request and returns the failure to answer it with, if a burst matches. */
  onRequest(verb: string, resource: string): { status: number; retryAfterSeconds?: number } | undefined {
    const key = `${verb} ${resource}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    for (const b of this.bursts) {
      if (b.remaining <= 0) continue;
      const want = b.opts.verb?.toUpperCase();
      if (want && (VERB_ALIASES[want] ?? want) !== verb) continue;
      if (b.opts.resource && b.opts.resource !== resource.split('/')[0] && b.opts.resource !== resource) continue;
      b.remaining--;
      this.bursts = this.bursts.filter((x) => x.remaining > 0);
      const retry = b.opts.retryAfterSeconds ?? (b.opts.status === 429 ? 1 : undefined);
      return { status: b.opts.status, retryAfterSeconds: retry };
    }
    return undefined;
  }

  requestCounts(): Record<string, number> {
    return { ...this.counts };
  }

  private createsByApply: Record<string, number> = {};

  /**
   * A server-side apply that created its object: the API server authorizes it as `create` as well as `patch`
   * (k8s.io/apiserver v0.36.3 pkg/endpoints/handlers/patch.go:203-232, `withAuthorization` in update.go:258).
   */
  onCreateByApply(resource: string): void {
    this.createsByApply[resource] = (this.createsByApply[resource] ?? 0) + 1;
  }

  createByApplyCounts(): Record<string, number> {
    return { ...this.createsByApply };
  }

  resetRequestCounts(): void {
    this.counts = {};
    this.createsByApply = {};
  }
}
