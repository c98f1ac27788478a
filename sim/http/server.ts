/**
 * The listening HTTP server, with the lifecycle faults need: stop (closing every connection, watches
 * included) and listen again on the same port.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Handles a request that asks to switch protocols (WebSocket: port-forward). */
export type UpgradeListener = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

export class HttpServer {
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(
    private readonly handler: http.RequestListener,
    private readonly upgrade?: UpgradeListener,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  async listen(port: number): Promise<number> {
    const server = http.createServer({ keepAliveTimeout: 5000 }, this.handler);
    if (this.upgrade) server.on('upgrade', this.upgrade);
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as { port: number }).port;
    return this.boundPort;
  }

  /** Closes the server and destroys every open connection (clients see resets, as on a crash). */
  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    const closed = new Promise<void>((r) => s.close(() => r()));
    for (const sock of this.sockets) sock.destroy();
    this.sockets.clear();
    await closed;
  }
}
