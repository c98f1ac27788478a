/**
 * One probe's state machine, as the kubelet runs it: the first check `initialDelaySeconds` after the
 * container started, then every `periodSeconds`; the result flips after `successThreshold` consecutive
 * successes or `failureThreshold` consecutive failures. Times are real milliseconds (already scaled).
 */
import { ProcessModel } from './process-models';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

export class ProbeRunner {
  private nextAt: number;
  private successes = 0;
  failures = 0;
  /** The probe's current verdict. Readiness and startup start false, liveness starts true. */
  result: boolean;
  lastFailure = '';

  constructor(
    readonly kind: ProbeKind,
    private readonly probe: any,
    private readonly container: any,
    startedAt: number,
    private readonly scale: number,
  ) {
    this.nextAt = startedAt + (probe.initialDelaySeconds ?? 0) * 1000 * scale;
    this.result = kind === 'liveness';
  }

  private resolvePort(port: unknown): number | undefined {
    if (typeof port === 'number') return port;
    if (typeof port === 'string' && /^\d+$/.test(port)) return Number(port);
    const p = (this.container.ports ?? []).find((x: any) => x.name === port);
    return typeof p?.containerPort === 'number' ? p.containerPort : undefined;
  }

  /** One check against the process; a description of the failure, or '' on success. */
  private check(model: ProcessModel, elapsed: number, passes: boolean): string {
    if (!passes) return 'injected fault: never ready';
    const p = this.probe;
    if (p.httpGet) {
      const port = this.resolvePort(p.httpGet.port);
      if (port === undefined) return `port ${JSON.stringify(p.httpGet.port)} is not a declared container port`;
      const code = model.httpGet(port, p.httpGet.path ?? '/', elapsed);
      if (code === undefined) return `Get "http://${p.httpGet.host ?? 'pod'}:${port}${p.httpGet.path ?? '/'}": dial tcp :${port}: connect: connection refused`;
      return code >= 200 && code < 400 ? '' : `HTTP probe failed with statuscode: ${code}`;
    }
    if (p.tcpSocket) {
      const port = this.resolvePort(p.tcpSocket.port);
      if (port === undefined) return `port ${JSON.stringify(p.tcpSocket.port)} is not a declared container port`;
      return model.listening(port, elapsed) ? '' : `dial tcp :${port}: connect: connection refused`;
    }
    if (p.grpc) return model.listening(p.grpc.port, elapsed) ? '' : `timeout: failed to connect service ":${p.grpc.port}"`;
    // exec: the simulator cannot run commands; the process answers once it has started anything.
    return '';
  }

  /** Runs the probe if due; returns true when the verdict changed. */
  tick(now: number, startedAt: number, model: ProcessModel, passes = true): boolean {
    if (now < this.nextAt) return false;
    const period = (this.probe.periodSeconds ?? 10) * 1000 * this.scale;
    this.nextAt = Math.max(this.nextAt + period, now - period / 2);
    const failure = this.check(model, now - startedAt, passes);
    const before = this.result;
    if (!failure) {
      this.successes++;
      this.failures = 0;
      this.lastFailure = '';
      if (this.successes >= (this.kind === 'readiness' ? this.probe.successThreshold ?? 1 : 1)) this.result = true;
    } else {
      this.failures++;
      this.successes = 0;
      this.lastFailure = failure;
      if (this.failures >= (this.probe.failureThreshold ?? 3)) this.result = false;
    }
    return before !== this.result;
  }
}

export function failureThreshold(probe: any): number {
  return probe?.failureThreshold ?? 3;
}
