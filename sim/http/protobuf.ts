/**
 * Request bodies in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`), which kubectl's typed
 * clients send for `create secret|configmap|namespace` and never fall back from. Decoded to the JSON shape for the
 * kinds whose generated.proto fields are listed below (k8s.io/api/core/v1/generated.proto); other kinds get 415.
 *
 * Wire format: the 4-byte magic `k8s\0`, then a runtime.Unknown message (1: typeMeta {1: apiVersion, 2: kind},
 * 2: raw bytes of the object, 3: contentEncoding, 4: contentType).
 */
import { ApiStatusError } from './status';

type Fields = Map<number, (Buffer | number)[]>;

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated varint');
    result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [result, pos];
    shift += 7;
  }
}

/** One message's fields by number: length-delimited values as Buffers, varints as numbers. */
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    let value: Buffer | number;
    if (wire === 0) [value, pos] = readVarint(buf, p1);
    else if (wire === 2) {
      const [len, p2] = readVarint(buf, p1);
      value = buf.subarray(p2, p2 + len);
      pos = p2 + len;
    } else if (wire === 1) {
      value = buf.readDoubleLE(p1);
      pos = p1 + 8;
    } else if (wire === 5) {
      value = buf.readFloatLE(p1);
      pos = p1 + 4;
    } else throw new Error(`unsupported wire type ${wire}`);
    if (!out.has(no)) out.set(no, []);
    out.get(no)!.push(value);
  }
  return out;
}

/** A string field; empty reads as absent (generated Go code writes empty strings, JSON omits them). */
const str = (f: Fields, no: number) => (f.get(no)?.[0] as Buffer | undefined)?.toString('utf8') || undefined;
const strs = (f: Fields, no: number) => (f.get(no) ?? []).map((v) => (v as Buffer).toString('utf8'));

/** A proto map<string, string|bytes>: repeated entries {1: key, 2: value}. */
function map(f: Fields, no: number, bytes = false): Record<string, string> | undefined {
  const entries = f.get(no);
  if (!entries?.length) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    const kv = fields(e as Buffer);
    const v = (kv.get(2)?.[0] as Buffer | undefined) ?? Buffer.alloc(0);
    out[str(kv, 1) ?? ''] = bytes ? v.toString('base64') : v.toString('utf8');
  }
  return out;
}

/** ObjectMeta (generated.proto in k8s.io/apimachinery/pkg/apis/meta/v1): the fields a client sets. */
function objectMeta(buf: Buffer | undefined): Record<string, unknown> {
  if (!buf) return {};
  const f = fields(buf);
  const md: Record<string, unknown> = {};
  const set = (k: string, v: unknown) => {
    if (v !== undefined && !(Array.isArray(v) && !v.length)) md[k] = v;
  };
  set('name', str(f, 1));
  set('generateName', str(f, 2));
  set('namespace', str(f, 3));
  set('resourceVersion', str(f, 6));
  set('labels', map(f, 11));
  set('annotations', map(f, 12));
  set('finalizers', strs(f, 14));
  return md;
}

const DECODERS: Record<string, (f: Fields) => Record<string, unknown>> = {
  // Secret: 1 metadata, 2 data (bytes), 3 type, 4 stringData, 5 immutable.
  Secret: (f) => ({ metadata: objectMeta(f.get(1)?.[0] as Buffer), data: map(f, 2, true), type: str(f, 3), stringData: map(f, 4), immutable: f.has(5) ? f.get(5)![0] === 1 : undefined }),
  // ConfigMap: 1 metadata, 2 data, 3 binaryData (bytes), 4 immutable.
  ConfigMap: (f) => ({ metadata: objectMeta(f.get(1)?.[0] as Buffer), data: map(f, 2), binaryData: map(f, 3, true), immutable: f.has(4) ? f.get(4)![0] === 1 : undefined }),
  // Namespace: 1 metadata, 2 spec {1: finalizers}.
  Namespace: (f) => ({ metadata: objectMeta(f.get(1)?.[0] as Buffer) }),
};

const unsupported = () => new ApiStatusError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');

export function decodeProtobuf(body: Buffer): any {
  if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw unsupported();
  let unknown: Fields;
  try {
    unknown = fields(body.subarray(4));
  } catch {
    throw unsupported();
  }
  const typeMeta = fields((unknown.get(1)?.[0] as Buffer) ?? Buffer.alloc(0));
  const apiVersion = str(typeMeta, 1);
  const kind = str(typeMeta, 2) ?? '';
  const decoder = DECODERS[kind];
  if (apiVersion !== 'v1' || !decoder) throw unsupported();
  const obj: Record<string, unknown> = { apiVersion, kind, ...decoder(fields((unknown.get(2)?.[0] as Buffer) ?? Buffer.alloc(0))) };
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  return obj;
}
