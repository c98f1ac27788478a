/**
 * The simulator's virtual clock, handed to clients under test (`sim.timers`, passed as `KubeClient`'s `timers`), and
 * what keeps it honest: the clock may move only when the clients are idle too. The product's client knows nothing of
 * this. The accounting sits in the transport a test hands it: `sim.kubeConfig()` (or `sim.track(kc)`) is a
 * KubeConfig whose HTTP agents (every request, watch and port-forward WebSocket of client-node goes through one:
 * `applySecurityAuthentication` for the API calls, `applyToHTTPSOptions` for watches and WebSockets) report to the
 * `ClientBook`:
 *
 * - a request is named to the server by a header (`CLIENT_REQUEST_HEADER`; a real API server ignores it) and counts
 *   as work until the server has read its headers;
 * - from then on the connection counts bytes: what one end wrote and the other has not read yet is in transit, and
 *   work. The client handles what it read before the clock's next turn (a socket's data is handled in the same turn
 *   of the event loop, in callbacks and microtasks), so "read" is "handled". A slow network between the two ends (a
 *   proxy) delays the reads, and the clock waits for them.
 * - connections inside the simulator (a port-forward to a pod's MySQL server) are tracked the same way (`link`).
 *
 * What the server is busy with between reading a request and answering it is the simulator's own count. Clients that
 * are not tracked (kubectl, a test's own Watch, a plain KubeConfig) are not waited for.
 */
import type { Agent, ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { Timers } from '../lib/kube/timers';
import type { Scheduler } from './scheduler';

/** The request header that names a tracked client's request to the simulator. */
export const CLIENT_REQUEST_HEADER = 'x-starrocks-dr-sim-request';

/** Anything with byte counters: a net.Socket. */
type Counted = Pick<Socket, 'bytesRead' | 'bytesWritten' | 'destroyed'>;

export class ClientBook {
  private nextId = 0;
  /** Tracked requests the server has not read yet, by id. */
  private readonly pending = new Map<string, ClientRequest>();
  /** Connections of tracked clients: the client's socket and the server's end, once the server read a request on it. */
  private readonly links = new Map<Counted, Counted>();
  /** Connections being opened inside the simulator (a port-forward dialling a pod). */
  private dialing = 0;

  /** A KubeConfig like `kc` whose every connection this book tracks. */
  track(kc: KubeConfig): KubeConfig {
    if (kc instanceof TrackedKubeConfig && kc.book === this) return kc;
    const tracked = new TrackedKubeConfig(this);
    tracked.loadFromString(kc.exportConfig());
    tracked.setCurrentContext(kc.getCurrentContext());
    return tracked;
  }

  /** Wraps an HTTP agent so that its requests are named and their connections tracked. */
  wrapAgent<A extends Agent>(agent: A): A {
    const addRequest = (agent as unknown as { addRequest(req: ClientRequest, options: unknown): void }).addRequest.bind(agent);
    (agent as unknown as { addRequest(req: ClientRequest, options: unknown): void }).addRequest = (req, options) => {
      const id = String(++this.nextId);
      try {
        req.setHeader(CLIENT_REQUEST_HEADER, id);
        this.pending.set(id, req);
        const forget = () => void this.pending.delete(id);
        req.once('error', forget);
        req.once('close', forget);
      } catch {
        // Headers already written (a caller that sent them itself): this request is not tracked.
      }
      addRequest(req, options);
    };
    return agent;
  }

  /** The server read the headers of a request on `socket`: its connection is tracked by bytes from now on. */
  serverRead(headers: Record<string, string | string[] | undefined>, socket: Counted): void {
    const id = headers[CLIENT_REQUEST_HEADER];
    if (typeof id !== 'string') return;
    const req = this.pending.get(id);
    this.pending.delete(id);
    if (req?.socket) this.links.set(req.socket, socket);
  }

  /** The two ends of a connection inside the simulator: tracked by bytes from now on. */
  link(a: Counted, b: Counted): void {
    this.links.set(a, b);
  }

  /** A dial inside the simulator is under way (work) until the returned function is called, once it is `link`ed. */
  dial(): () => void {
    this.dialing++;
    let ended = false;
    return () => {
      if (!ended) this.dialing--;
      ended = true;
    };
  }

  idle(): boolean {
    if (this.pending.size > 0 || this.dialing > 0) return false;
    for (const [a, b] of this.links) {
      // Both ends closed: nothing more can arrive.
      if (a.destroyed && b.destroyed) {
        this.links.delete(a);
        continue;
      }
      // What one end wrote and the other has not read (a closed reader reads nothing more: not in transit).
      if ((!b.destroyed && a.bytesWritten > b.bytesRead) || (!a.destroyed && b.bytesWritten > a.bytesRead)) return false;
    }
    return true;
  }
}

/** A KubeConfig whose HTTP agents report to a `ClientBook` (public hooks of client-node 1.4's KubeConfig only). */
class TrackedKubeConfig extends KubeConfig {
  constructor(readonly book: ClientBook) {
    super();
  }

  override async applySecurityAuthentication(context: Parameters<KubeConfig['applySecurityAuthentication']>[0]): Promise<void> {
    await super.applySecurityAuthentication(context);
    const agent = context.getAgent();
    if (agent) context.setAgent(this.book.wrapAgent(agent as Agent));
  }

  override async applyToHTTPSOptions(opts: Parameters<KubeConfig['applyToHTTPSOptions']>[0]): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    const withAgent = opts as { agent?: Agent };
    if (withAgent.agent) withAgent.agent = this.book.wrapAgent(withAgent.agent);
  }
}

/** `Timers` on the scheduler's clock, as unix milliseconds from `epoch`. */
export function schedulerTimers(scheduler: Scheduler, epoch: number): Timers {
  return {
    now: () => epoch + scheduler.now(),
    after: (ms, fn) => scheduler.after(ms, fn),
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const done = () => {
          cancel();
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const cancel = scheduler.after(ms, done);
        signal?.addEventListener('abort', done, { once: true });
      }),
  };
}
