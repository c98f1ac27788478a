/**
 * The server side of a SPDY/3.1 connection, as far as `kubectl port-forward` uses it (github.com/moby/spdystream
 * v0.5.1, which client-go's `httpstream/spdy` runs; frame layouts from its spdy/types.go, read.go, write.go):
 *
 * - control frames: 0x8000|version (3), type, flags<<24|length; SYN_STREAM (1: stream id, associated id, priority<<5,
 *   slot, header block), SYN_REPLY (2: stream id, header block), RST_STREAM (3: stream id, status), SETTINGS (4),
 *   PING (6: id, echoed), GOAWAY (7), HEADERS (8), WINDOW_UPDATE (9, which spdystream does not act on either);
 * - data frames: stream id, flags<<24|length; FLAG_FIN (1) half-closes the sender's side;
 * - header blocks: a count, then length-prefixed lower-case names and values (SPDY/3, 32-bit lengths), compressed
 *   with zlib and the SPDY/3 dictionary (spdy/dictionary.go), one compression context per direction for the whole
 *   connection, each block sync-flushed.
 *
 * Streams are opened by the client only (as kubectl's are); each is a Node Duplex, replied to at once with no
 * headers unless `accept` refuses it (then RST_STREAM REFUSED_STREAM), as client-go's spdy connection does
 * (apimachinery pkg/util/httpstream/spdy/connection.go `newSpdyStream`: the handler, then `SendReply`).
 */
import { Duplex } from 'node:stream';
import { constants as zc, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary';

const VERSION = 3;
const TYPE = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9 } as const;
const FLAG_FIN = 0x01;
/** RST_STREAM status codes (spdy/types.go). */
const REFUSED_STREAM = 3;
const CANCEL = 5;
/** The largest data frame sent; spdystream reads up to MaxDataLength (1<<24 - 1). */
const MAX_DATA = 64 * 1024;

/** A stream the client opened: its headers, and its data as a Duplex. */
export class SpdyStream extends Duplex {
  private remoteEnded = false;
  private reset = false;

  constructor(
    readonly id: number,
    readonly headers: ReadonlyMap<string, string>,
    private readonly session: SpdySession,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.reset) return cb();
    for (let at = 0; at < chunk.length; at += MAX_DATA) this.session.sendData(this.id, chunk.subarray(at, at + MAX_DATA), false);
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.reset) this.session.sendData(this.id, Buffer.alloc(0), true);
    cb();
  }

  /** RST_STREAM CANCEL: the stream is over on both sides (kubelet's `Reset()` after a failed forward). */
  resetStream(): void {
    if (this.reset) return;
    this.reset = true;
    this.session.sendRst(this.id, CANCEL);
    this.destroy();
  }

  /** @internal data or FIN from the client. */
  receive(data: Buffer, fin: boolean): void {
    if (this.remoteEnded) return;
    if (data.length > 0) this.push(data);
    if (fin) {
      this.remoteEnded = true;
      this.push(null);
    }
  }

  /** @internal RST_STREAM from the client, or the connection gone. */
  abort(): void {
    this.reset = true;
    if (!this.remoteEnded) this.push(null);
    this.destroy();
  }
}

export interface SpdySessionOptions {
  /** Whether to take a new stream; a refusal is RST_STREAM REFUSED_STREAM, as a handler's error is in client-go. */
  accept(headers: ReadonlyMap<string, string>): boolean;
  /** A stream that was accepted and replied to. */
  onStream(stream: SpdyStream): void;
  /** The connection ended (the client closed it, GOAWAY, or a frame it could not read). */
  onClose?(): void;
}

/** One SPDY/3.1 server connection over `io` (a socket after `Upgrade: SPDY/3.1`, or a WebSocket tunnel). */
export class SpdySession {
  private buffered = Buffer.alloc(0);
  private readonly streams = new Map<number, SpdyStream>();
  private readonly inflate: Inflate = createInflate({ dictionary: SPDY3_DICTIONARY });
  private readonly deflate: Deflate = createDeflate({ dictionary: SPDY3_DICTIONARY });
  /** Frames are handled one at a time: header blocks go through one inflate context, in order. */
  private reading: Promise<void> = Promise.resolve();
  /** Frames are written in order: a SYN_REPLY waits for its header block, data after it waits too. */
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly io: Duplex,
    private readonly opts: SpdySessionOptions,
  ) {
    io.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.reading = this.reading.then(() => this.drain()).catch(() => this.close());
    });
    io.on('close', () => this.close());
    io.on('end', () => this.close());
    io.on('error', () => this.close());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.abort();
    this.streams.clear();
    this.inflate.destroy();
    this.deflate.destroy();
    this.io.destroy();
    this.opts.onClose?.();
  }

  /** Every whole frame in the buffer, in order. */
  private async drain(): Promise<void> {
    while (!this.closed && this.buffered.length >= 8) {
      const length = this.buffered.readUInt32BE(4) & 0xffffff;
      if (this.buffered.length < 8 + length) return;
      const frame = this.buffered.subarray(0, 8 + length);
      this.buffered = this.buffered.subarray(8 + length);
      await this.handle(frame);
    }
  }

  private async handle(frame: Buffer): Promise<void> {
    const flags = frame[4];
    const body = frame.subarray(8);
    if ((frame[0] & 0x80) === 0) {
      // A data frame.
      const stream = this.streams.get(frame.readUInt32BE(0) & 0x7fffffff);
      stream?.receive(Buffer.from(body), (flags & FLAG_FIN) !== 0);
      return;
    }
    const type = frame.readUInt16BE(2);
    switch (type) {
      case TYPE.SYN_STREAM: {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        const headers = parseHeaderBlock(await this.inflateBlock(body.subarray(10)));
        if (!this.opts.accept(headers)) return this.sendRst(id, REFUSED_STREAM);
        const stream = new SpdyStream(id, headers, this);
        this.streams.set(id, stream);
        stream.on('close', () => this.streams.delete(id));
        this.sendReply(id);
        if ((flags & FLAG_FIN) !== 0) stream.receive(Buffer.alloc(0), true);
        this.opts.onStream(stream);
        return;
      }
      case TYPE.HEADERS:
        // Keeps the inflate context in step; port-forward sends none after SYN_STREAM.
        await this.inflateBlock(body.subarray(4));
        return;
      case TYPE.RST_STREAM:
        this.streams.get(body.readUInt32BE(0) & 0x7fffffff)?.abort();
        return;
      case TYPE.PING:
        this.queue(async () => Buffer.from(frame));
        return;
      case TYPE.GOAWAY:
        this.close();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, and anything newer: nothing to do (spdystream sends no flow control it enforces).
        return;
    }
  }

  sendData(id: number, data: Buffer, fin: boolean): void {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(id & 0x7fffffff, 0);
    head.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4);
    this.queue(async () => Buffer.concat([head, data]));
  }

  sendRst(id: number, status: number): void {
    const body = Buffer.alloc(8);
    body.writeUInt32BE(id & 0x7fffffff, 0);
    body.writeUInt32BE(status, 4);
    this.queue(async () => controlFrame(TYPE.RST_STREAM, 0, body));
  }

  private sendReply(id: number): void {
    const streamId = Buffer.alloc(4);
    streamId.writeUInt32BE(id & 0x7fffffff, 0);
    // No headers: a count of 0, compressed in this direction's context.
    this.queue(async () => controlFrame(TYPE.SYN_REPLY, 0, Buffer.concat([streamId, await this.deflateBlock(Buffer.alloc(4))])));
  }

  private queue(frame: () => Promise<Buffer>): void {
    this.writing = this.writing.then(async () => {
      const bytes = await frame();
      if (!this.closed && this.io.writable) this.io.write(bytes);
    }).catch(() => this.close());
  }

  private inflateBlock(block: Buffer): Promise<Buffer> {
    return flushThrough(this.inflate, block);
  }

  private deflateBlock(block: Buffer): Promise<Buffer> {
    return flushThrough(this.deflate, block);
  }
}

function controlFrame(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags << 24) | body.length) >>> 0, 4);
  return Buffer.concat([head, body]);
}

/** Everything `z` gives for `input`, sync-flushed: one header block through a context kept for the connection. */
function flushThrough(z: Inflate | Deflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const onData = (d: Buffer) => out.push(d);
    const onError = (e: Error) => {
      z.off('data', onData);
      reject(e);
    };
    z.on('data', onData);
    z.once('error', onError);
    z.write(input);
    z.flush(zc.Z_SYNC_FLUSH, () => {
      z.off('data', onData);
      z.off('error', onError);
      resolve(Buffer.concat(out));
    });
  });
}

/** A SPDY/3 header block: names are lower case on the wire; several values join with NUL (the first one is kept). */
function parseHeaderBlock(block: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  let at = 0;
  const next = (): string => {
    const n = block.readUInt32BE(at);
    const s = block.subarray(at + 4, at + 4 + n).toString('utf8');
    at += 4 + n;
    return s;
  };
  const count = block.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = next().toLowerCase();
    headers.set(name, next().split('\0')[0]);
  }
  return headers;
}
