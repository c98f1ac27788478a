/**
 * Port-forward streams over SPDY, what `kubectl port-forward` speaks (directly after `Upgrade: SPDY/3.1`, or tunnelled
 * in WebSocket binary messages as `SPDY/3.1+portforward.k8s.io`, client-go tools/portforward tunneling_dialer.go), as
 * the kubelet serves them: k8s.io/cri-streaming v0.36.1 pkg/streaming/portforward/httpstream.go.
 *
 * - `httpStreamReceived`: each stream needs a `port` header (1-65535) and a `streamType` of `error` or `data`; a
 *   stream without them is refused.
 * - `requestID`: streams pair by their `requestID` header (older clients without it: the error stream's id, the data
 *   stream's id minus 2).
 * - `run` / `add`: a second stream of a type for one request is an error, printed on the pair's error stream.
 * - `portForward`: a complete pair dials the pod's port and copies both ways; a failed dial writes
 *   `error forwarding port <p> to pod <pod>, uid <uid>: <err>` on the error stream and resets both streams; at the
 *   end both streams are closed.
 */
import type { Duplex } from 'node:stream';
import type { PodDialer } from './port-forward';
import { SpdySession, type SpdyStream } from './spdy';

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
}

const portOf = (headers: ReadonlyMap<string, string>): number | undefined => {
  const text = headers.get('port') ?? '';
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  return n >= 1 && n <= 65535 ? n : undefined;
};

/** Serves port-forward streams for `pod` over an upgraded connection `io`. */
export function serveSpdyPortForward(io: Duplex, namespace: string, pod: string, uid: string, dial: PodDialer): void {
  const pairs = new Map<string, Pair>();
  new SpdySession(io, {
    accept: (h) => portOf(h) !== undefined && (h.get('streamtype') === 'error' || h.get('streamtype') === 'data'),
    onStream: (stream) => {
      const type = stream.headers.get('streamtype') as 'error' | 'data';
      const requestID = stream.headers.get('requestid') || String(type === 'error' ? stream.id : stream.id - 2);
      const pair = pairs.get(requestID) ?? {};
      pairs.set(requestID, pair);
      if (pair[type]) {
        pair.error?.write(`error processing stream for request ${requestID}: ${type} stream already assigned`);
        return stream.resetStream();
      }
      pair[type] = stream;
      if (pair.data && pair.error) {
        pairs.delete(requestID);
        forward(pair.data, pair.error, namespace, pod, uid, dial);
      }
    },
  });
}

function forward(data: SpdyStream, error: SpdyStream, namespace: string, pod: string, uid: string, dial: PodDialer): void {
  const port = portOf(data.headers)!;
  dial(namespace, pod, port).then(
    (sock) => {
      sock.on('error', () => undefined);
      data.on('error', () => undefined);
      data.pipe(sock);
      sock.pipe(data);
      sock.on('close', () => error.end());
      data.on('close', () => sock.destroy());
    },
    (err: Error) => {
      // As websocket.go's: the CRI runtime's sandbox id in the pod's place, and an empty uid.
      error.write(`error forwarding port ${port} to pod ${uid.replace(/-/g, '')}, uid : ${err.message}`, () => {
        data.resetStream();
        error.resetStream();
      });
    },
  );
}
