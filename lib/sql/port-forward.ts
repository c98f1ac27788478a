/**
 * A byte stream to a port of a pod, through the API server's `pods/portforward` over WebSocket, as
 * `@kubernetes/client-node` 1.4's PortForward speaks it (`v4.channel.k8s.io`: channel 0 carries the data, channel 1
 * the errors; the first frame on each is the port, two bytes little-endian, which PortForward strips). No local TCP
 * listener: the MySQL client reads and writes the returned Duplex directly.
 *
 * What the kubelet does on the other end (k8s.io/kubelet pkg/cri/streaming/portforward/websocket.go, v0.32.0,
 * `handleWebSocketStreams` and `websocketStreamHandler.portForward`): it writes the port on both channels, dials the
 * port inside the pod, copies bytes both ways, writes `error forwarding port <p> to pod <id>, uid <uid>: <cause>` on
 * the error channel when the dial fails, and closes the WebSocket when the forward ends. PortForward does not report
 * that close, so it is watched here and ends the stream.
 */
import { Duplex, PassThrough, Writable } from 'node:stream';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';

/** An error of the forward itself (refused upgrade, a dial failure in the pod), as opposed to one of the protocol on top. */
export class PortForwardError extends Error {
  readonly code = 'PORT_FORWARD';
  constructor(
    message: string,
    /** HTTP status of a refused upgrade (403: RBAC, 404: no such pod), when there was one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PortForwardError';
  }
}

interface ClosableSocket {
  close(): void;
  on?(event: 'close', listener: () => void): unknown;
  addEventListener?(event: 'close', listener: () => void): unknown;
}

/** The HTTP status in the `ws` client's "Unexpected server response: 403". */
function upgradeStatus(err: unknown): number | undefined {
  const text = String((err as { message?: unknown })?.message ?? (err as { error?: { message?: unknown } })?.error?.message ?? err);
  const m = /Unexpected server response: (\d{3})/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Opens a forward to `port` of `namespace/pod`. Resolves once the WebSocket is open; bytes written to the stream go
 * to the pod's port, bytes from it are read from the stream. Text on the error channel destroys the stream with a
 * PortForwardError; the WebSocket closing ends it.
 */
export async function openPortForward(kubeConfig: KubeConfig, namespace: string, pod: string, port: number): Promise<Duplex> {
  const toPod = new PassThrough();
  const fromPod = new PassThrough();
  let errorText = '';
  const errors = new Writable({
    write(chunk: Buffer, _enc, done) {
      errorText += chunk.toString('utf8');
      done();
    },
  });
  let socket: ClosableSocket;
  try {
    socket = (await new PortForward(kubeConfig).portForward(namespace, pod, [port], fromPod, errors, toPod)) as unknown as ClosableSocket;
  } catch (err) {
    const status = upgradeStatus(err);
    throw new PortForwardError(`port-forward to pod ${namespace}/${pod} port ${port} failed: ${status ? `the API server answered ${status}` : String((err as Error)?.message ?? err)}`, status);
  }
  const stream = Duplex.from({ readable: fromPod, writable: toPod });
  let ended = false;
  const onClose = () => {
    if (ended) return;
    ended = true;
    if (errorText) stream.destroy(new PortForwardError(`port-forward to pod ${namespace}/${pod} port ${port}: ${errorText.trim()}`));
    else fromPod.end();
  };
  if (socket.on) socket.on('close', onClose);
  else socket.addEventListener?.('close', onClose);
  // Our side closing (the client ended or destroyed the stream): close the WebSocket too.
  stream.on('close', () => {
    ended = true;
    socket.close();
  });
  return stream;
}
