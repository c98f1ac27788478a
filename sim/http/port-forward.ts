/**
 * `GET /api/v1/namespaces/<ns>/pods/<name>/portforward?ports=<p>[,<p>...]` over WebSocket, as the API server passes
 * it to the kubelet and the kubelet serves it (k8s.io/kubelet v0.32.0, pkg/cri/streaming/portforward):
 *
 * - portforward.go `ServePortForward`: a WebSocket request goes to `handleWebSocketStreams`; SPDY, which `kubectl
 *   port-forward` speaks (`Upgrade: SPDY/3.1` with `X-Stream-Protocol-Version: portforward.k8s.io`, or tunnelled in
 *   WebSocket binary messages as `SPDY/3.1+portforward.k8s.io`, which the API server unwraps: apiserver
 *   pkg/util/proxy/streamtunnel.go), goes to spdy-port-forward.ts.
 * - websocket.go `NewV4Options`: the `ports` query parameter is required, comma-separated, each 1-65535.
 * - websocket.go `handleWebSocketStreams`: protocols `v4.channel.k8s.io` (binary: one leading channel byte),
 *   `v4.base64.channel.k8s.io` (text: the channel as an ASCII digit, then base64) or none (binary); two channels per
 *   port, data `2i` and error `2i+1`; the port is written first on both, as two bytes little-endian
 *   (`binary.LittleEndian.PutUint16`), then the port is dialled.
 * - websocket.go `portForward`: a failed dial writes `error forwarding port <p> to pod <id>, uid <uid>: <err>` on the
 *   error channel; when the forwards end the connection is closed (`defer conn.Close()`).
 * The API server's part: the pod must exist (404 NotFound) and be bound to a node (400, "pod <name> does not have a
 * host assigned", pkg/registry/core/pod/strategy.go `streamLocation`).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { createWebSocketStream, WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { Faults } from '../faults';
import type { Store } from '../store';
import { resourceType } from '../resources';
import { ApiStatusError } from './status';
import { serveSpdyPortForward } from './spdy-port-forward';

/** Connects to a port inside a pod, or rejects with the runtime's reason (the text after `uid <uid>: `). */
export type PodDialer = (namespace: string, pod: string, port: number) => Promise<Socket>;

const BINARY = 'v4.channel.k8s.io';
const BASE64 = 'v4.base64.channel.k8s.io';
/** The port-forward protocol over SPDY (k8s.io/api core/v1 `PortForwardProtocolV1Name`). */
const PORT_FORWARD_V1 = 'portforward.k8s.io';
/** kubectl 1.31+'s default: SPDY in WebSocket binary messages (client-go `WebsocketsSPDYTunnelingPrefix`). */
const SPDY_TUNNEL = `SPDY/3.1+${PORT_FORWARD_V1}`;
const PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/;

function writeStatus(socket: Duplex, err: ApiStatusError): void {
  const body = JSON.stringify(err.toStatus());
  const text = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' }[err.code] ?? 'Error';
  socket.end(`HTTP/1.1 ${err.code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The `ports` parameter as the kubelet's NewV4Options reads it. */
export function parsePorts(q: URLSearchParams): number[] {
  const values = q.getAll('ports');
  if (values.length === 0) throw new ApiStatusError(400, 'BadRequest', 'query parameter "port" is required');
  const ports: number[] = [];
  for (const v of values) {
    if (v === '') throw new ApiStatusError(400, 'BadRequest', 'query parameter "port" cannot be empty');
    for (const p of v.split(',')) {
      const n = /^\d+$/.test(p) ? Number(p) : NaN;
      if (!(n <= 65535)) throw new ApiStatusError(400, 'BadRequest', `unable to parse "${v}" as a port: strconv.ParseUint: parsing "${p}": invalid syntax`);
      if (n < 1) throw new ApiStatusError(400, 'BadRequest', `port "${v}" must be > 0`);
      ports.push(n);
    }
  }
  return ports;
}

export interface PortForwardDeps {
  readonly store: Store;
  readonly faults: Faults;
  readonly dial: PodDialer;
}

/** The HTTP server's `upgrade` handler for port-forward. */
export function portForwardHandler(deps: PortForwardDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has(BINARY) ? BINARY : offered.has(BASE64) ? BASE64 : offered.has(SPDY_TUNNEL) ? SPDY_TUNNEL : false) });
  return (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const m = PATH.exec(url.pathname);
    try {
      if (!m) throw new ApiStatusError(404, 'NotFound', 'the server could not find the requested resource');
      const fault = deps.faults.onRequest((req.method ?? 'GET').toUpperCase(), 'pods/portforward');
      if (fault) throw new ApiStatusError(fault.status, fault.status === 403 ? 'Forbidden' : fault.status === 429 ? 'TooManyRequests' : 'InternalError', fault.status === 403 ? `pods "${decodeURIComponent(m[2])}" is forbidden: User "system:anonymous" cannot create resource "pods/portforward" in API group "" in the namespace "${decodeURIComponent(m[1])}"` : 'injected fault');
      const [, ns, name] = m;
      const pod = deps.store.get(resourceType('Pod')!, decodeURIComponent(ns), decodeURIComponent(name));
      if (!pod) throw new ApiStatusError(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
      if (!pod.spec?.nodeName) throw new ApiStatusError(400, 'BadRequest', `pod ${name} does not have a host assigned`);
      const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
      if (upgrade === 'spdy/3.1') return upgradeSpdy(req, socket, head, () => serveSpdyPortForward(socket, ns, name, pod.metadata.uid, deps.dial));
      if (upgrade !== 'websocket') throw new ApiStatusError(400, 'BadRequest', `unable to upgrade: unsupported protocol ${JSON.stringify(req.headers.upgrade ?? '')}`);
      const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
      if (offered.includes(SPDY_TUNNEL) && !offered.includes(BINARY) && !offered.includes(BASE64)) {
        return wss.handleUpgrade(req, socket, head, (ws) => serveSpdyPortForward(createWebSocketStream(ws), ns, name, pod.metadata.uid, deps.dial));
      }
      if (offered.length > 0 && !offered.includes(BINARY) && !offered.includes(BASE64)) {
        throw new ApiStatusError(400, 'BadRequest', `unable to upgrade websocket connection: requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${BINARY} ${BASE64} ${SPDY_TUNNEL}]`);
      }
      const ports = parsePorts(url.searchParams);
      wss.handleUpgrade(req, socket, head, (ws) => forward(ws, ports, ns, name, pod.metadata.uid, deps.dial));
    } catch (e) {
      writeStatus(socket, e instanceof ApiStatusError ? e : new ApiStatusError(500, 'InternalError', String((e as Error)?.message ?? e)));
    }
  };
}

/**
 * `Upgrade: SPDY/3.1` as apimachinery's httpstream does it: `Handshake` negotiates `X-Stream-Protocol-Version`
 * (403 when the client offers only others; none offered: the legacy protocol), then `spdy.NewResponseUpgrader`
 * answers 101 with `Connection: Upgrade` and `Upgrade: SPDY/3.1`.
 */
function upgradeSpdy(req: IncomingMessage, socket: Duplex, head: Buffer, serve: () => void): void {
  const offered = ([] as string[]).concat(req.headers['x-stream-protocol-version'] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (offered.length > 0 && !offered.includes(PORT_FORWARD_V1)) {
    throw new ApiStatusError(403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(offered)}, server supports ["${PORT_FORWARD_V1}"]`);
  }
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${offered.length > 0 ? `X-Stream-Protocol-Version: ${PORT_FORWARD_V1}\r\n` : ''}\r\n`);
  if (head.length > 0) socket.unshift(head);
  serve();
}

function forward(ws: WebSocket, ports: number[], namespace: string, pod: string, uid: string, dial: PodDialer): void {
  const base64 = ws.protocol === BASE64;
  const frame = (channel: number, data: Buffer): Buffer | string => (base64 ? `${channel}${data.toString('base64')}` : Buffer.concat([Buffer.from([channel]), data]));
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(frame(channel, data));
  };
  const sockets: (Socket | undefined)[] = ports.map(() => undefined);
  const pending: Buffer[][] = ports.map(() => []);
  let open = ports.length;
  const ended = () => {
    if (--open === 0) ws.close();
  };
  ports.forEach((port, i) => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    send(2 * i, portBytes);
    send(2 * i + 1, portBytes);
    dial(namespace, pod, port).then(
      (sock) => {
        if (ws.readyState !== ws.OPEN) return void sock.destroy();
        sockets[i] = sock;
        for (const chunk of pending[i]) sock.write(chunk);
        pending[i] = [];
        sock.on('data', (d: Buffer) => send(2 * i, d));
        sock.on('error', () => undefined);
        sock.on('close', ended);
      },
      (err: Error) => {
        // The sandbox id stands in the pod's place, and the uid is empty, as a CRI runtime reports it.
        send(2 * i + 1, Buffer.from(`error forwarding port ${port} to pod ${uid.replace(/-/g, '')}, uid : ${err.message}`));
        ended();
      },
    );
  });
  ws.on('message', (raw: RawData, isBinary: boolean) => {
    const buf = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
    let channel: number;
    let data: Buffer;
    if (isBinary) {
      channel = buf[0];
      data = buf.subarray(1);
    } else {
      const text = buf.toString('utf8');
      channel = Number(text[0]);
      data = Buffer.from(text.slice(1), 'base64');
    }
    const i = channel / 2;
    if (!Number.isInteger(i) || i >= ports.length || data.length === 0) return;
    if (sockets[i]) sockets[i]!.write(data);
    else pending[i].push(data);
  });
  ws.on('close', () => {
    for (const s of sockets) s?.end();
  });
  ws.on('error', () => undefined);
}
