/**
 * Fault injection for the HTTP layer: latency on every request, bursts of 429/500/503 (optionally only
 * for one verb and/or resource), lost responses (the write commits, the connection drops before the answer: what a
 * client sees when the API server restarts mid-request), stalled answers (a slow server, or a slow link to one
 * client, on the simulator's clock), and a request counter keyed `${VERB} ${resource}`.
 * VERB is one of GET, LIST, WATCH, POST, PUT, PATCH, DELETE; resource is the plural, with `/status` for the
 * status subresource (e.g. `PATCH statefulsets`, `PUT pods/status`); non-resource paths count as `GET /version`.
 */
export interface FailNextOptions {
  /** 403: the authorizer's refusal (a Role without the rule), as kube-apiserver words it. */
  readonly status: 403 | 429 | 500 | 503;
  /** Sent as the `Retry-After` header (and in the Status details). @default 1 for 429, none otherwise */
  readonly retryAfterSeconds?: number;
  /** Only requests with this verb (GET, LIST, WATCH, POST/create, PUT/update, PATCH, DELETE). @default any */
  readonly verb?: string;
  /** Only requests for this resource (plural, e.g. `statefulsets`). @default any */
  readonly resource?: string;
}

/** Which requests a lost response or a stall hits. */
export interface RequestMatch {
  /** Only requests with this verb (as in `FailNextOptions.verb`). @default any */
  readonly verb?: string;
  /** Only requests for this resource (plural, e.g. `leases`). @default any */
  readonly resource?: string;
  /** Only requests of the client that authenticates with this bearer token (its kubeconfig user's `token`). @default any */
  readonly token?: string;
}

export interface StallOptions extends RequestMatch {
  /** How many requests to stall. @default every matching request until `clear()` */
  readonly n?: number;
}

interface Pending<T> {
  remaining: number;
  readonly match: RequestMatch;
  readonly value: T;
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
  private lost: Pending<true>[] = [];
  private stalls: Pending<number>[] = [];

  latency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  currentLatency(): number {
    return this.latencyMs;
  }

  failNext(n: number, opts: FailNextOptions): void {
    this.bursts.push({ remaining: n, opts });
  }

  /** The next `n` matching requests are carried out, then their connection is closed before any byte of the answer. */
  loseResponses(n: number, match: RequestMatch = {}): void {
    this.lost.push({ remaining: n, match, value: true });
  }

  /** Matching requests wait `ms` (on the simulator's clock) before the server handles them; the returned function ends it. */
  stall(ms: number, opts: StallOptions = {}): () => void {
    const stall: Pending<number> = { remaining: opts.n ?? Number.POSITIVE_INFINITY, match: opts, value: Math.max(0, ms) };
    this.stalls.push(stall);
    return () => {
      stall.remaining = 0;
      this.stalls = this.stalls.filter((s) => s !== stall);
    };
  }

  clear(): void {
    this.latencyMs = 0;
    this.bursts = [];
    this.lost = [];
    this.stalls = [];
  }

  /** Injected failures and lost responses not served yet: 0 once every `failNext` and `loseResponses` has hit. */
  unserved(): number {
    return this.bursts.reduce((n, b) => n + b.remaining, 0) + this.lost.reduce((n, b) => n + b.remaining, 0);
  }

  /** Whether to drop the connection of this request once it is carried out. */
  takeLostResponse(verb: string, resource: string, token: string | undefined): boolean {
    return take(this.lost, verb, resource, token) !== undefined;
  }

  /** How long to hold this request before handling it (0: not at all). */
  takeStall(verb: string, resource: string, token: string | undefined): number {
    return take(this.stalls, verb, resource, token) ?? 0;
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

function matches(m: RequestMatch, verb: string, resource: string, token: string | undefined): boolean {
  const want = m.verb?.toUpperCase();
  if (want && (VERB_ALIASES[want] ?? want) !== verb) return false;
  if (m.resource && m.resource !== resource.split('/')[0] && m.resource !== resource) return false;
  return m.token === undefined || m.token === token;
}

/** Takes one use of the first pending fault that matches, and returns its value. */
function take<T>(pending: Pending<T>[], verb: string, resource: string, token: string | undefined): T | undefined {
  const hit = pending.find((p) => p.remaining > 0 && matches(p.match, verb, resource, token));
  if (!hit) return undefined;
  hit.remaining--;
  if (hit.remaining <= 0) pending.splice(pending.indexOf(hit), 1);
  return hit.value;
}
