/**
 * Byte-exact reproductions of the few Go behaviours whose output ends up in the rendered objects:
 * - Helm's `toJson` of a string (Go `encoding/json`), hashed by the chart into `app.starrocks.io/<c>-config-hash`;
 * - the operator's `hash.HashObject`: FNV-32a over go-spew's `%#v` text (SortKeys, DisableMethods), used for
 *   ConfigMap/Secret volume names and the external Service's `app.starrocks.components/hash` annotation.
 * Only the shapes the operator actually hashes are covered; each is checked against the operator's own test vectors.
 */
import { createHash } from 'node:crypto';

const HEX = '0123456789abcdef';

/** Go `json.Marshal(string)`: escapes `<`, `>`, `&`, U+2028, U+2029 and control characters like Go does. */
export function goJsonString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
    }
    if (code < 0x20 || ch === '<' || ch === '>' || ch === '&' || code === 0x2028 || code === 0x2029) {
      out += '\\u' + [12, 8, 4, 0].map((s) => HEX[(code >> s) & 0xf]).join('');
      continue;
    }
    out += ch;
  }
  return out + '"';
}

/** Sprig `sha256sum`: lowercase hex SHA-256 of the UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** FNV-32a of the UTF-8 bytes, as Go's `hash/fnv.New32a`. */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** go-spew `%#v` of a `map[string]string` that is not the top value (no type prefix): keys sorted bytewise. */
export function spewStringMap(map: Readonly<Record<string, string>> | undefined): string {
  if (map === undefined) return '<nil>';
  const keys = Object.keys(map).sort(compareGoStrings);
  return 'map[' + keys.map((k) => `${k}:${map[k]}`).join(' ') + ']';
}

/** go-spew `%#v` of a `[]string` field value. */
export function spewStringSlice(list: readonly string[] | undefined): string {
  return list === undefined ? '<nil>' : '[' + list.join(' ') + ']';
}

/** Go compares strings bytewise (UTF-8); for the ASCII keys Kubernetes allows this equals UTF-16 order. */
export function compareGoStrings(a: string, b: string): number {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ba, bb);
}
