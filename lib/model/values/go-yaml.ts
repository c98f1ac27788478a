/**
 * Plain YAML scalars read as Helm reads values files, so the values we render are the values Helm would render.
 *
 * Helm reads values with sigs.k8s.io/yaml: go-yaml v2 (`gopkg.in/yaml.v2`) resolves each plain scalar, the result is
 * marshalled to JSON and unmarshalled into `map[string]interface{}`, so every number ends up a float64, and NaN or
 * ±Inf make the JSON step fail ("error converting YAML to JSON: json: unsupported value: NaN").
 * The rules below follow go-yaml v2 `resolve.go` (branch v2, commit 7649d4548cb5, lines 20-57 and 84-197):
 * - the first character picks a hint: `+`/`-` sign, a digit, one of `yYnNtTfFoO~`, `.`; any other first character
 *   (for instance `E` in `E12`) makes the scalar a string without looking further;
 * - a fixed table maps `y/yes/true/on` (three casings) to true, `n/no/false/off` to false, `~/null` and the empty
 *   scalar to null, `.nan`, `.inf`, `+.inf`, `-.inf` (three casings) to NaN and ±Inf;
 * - `.` then `strconv.ParseFloat`;
 * - sign or digit: a timestamp (`2001-12-14`) resolves to !!timestamp, which decode.go (line 474) keeps as the
 *   string when decoding into interface{}; else, with `_` removed, `strconv.ParseInt(s, 0, 64)` (Go's base prefixes
 *   `0x`, `0o`, `0b` and a leading `0` for octal), then `ParseUint`, then `yamlStyleFloat` + `ParseFloat`
 *   (an overflowing float such as `1e400` is an error there, so it stays a string).
 */

/** What a plain scalar resolves to; `nonFinite` marks NaN/±Inf, which Helm refuses. */
export type GoYamlScalar =
  | { readonly kind: 'null'; readonly value: null }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int' | 'float'; readonly value: number }
  | { readonly kind: 'nonFinite'; readonly value: number }
  | { readonly kind: 'str'; readonly value: string };

const BOOL_AND_NULL: ReadonlyMap<string, boolean | null> = new Map<string, boolean | null>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, false] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, null] as const),
]);

const NON_FINITE: ReadonlyMap<string, number> = new Map<string, number>([
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, Number.NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Number.POSITIVE_INFINITY] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, Number.NEGATIVE_INFINITY] as const),
]);

/** resolve.go line 84. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** What `strconv.ParseFloat` accepts after a leading `.` (no sign, no hex, no underscores without a base prefix). */
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
/** resolve.go parseTimestamp: four digits then `-` is the quick check; the formats are dates and date-times. */
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]| )[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})?)?$/;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** `strconv.ParseInt(s, 0, 64)` / `ParseUint`: the exact integer, or undefined when Go returns an error. */
function parseGoInteger(s: string, signed: boolean): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const sign = m[1]!;
  if (sign !== '' && !signed) return undefined;
  let body = m[2]!;
  // Go's leading-zero octal (`017`); BigInt reads `0o17`, not `017`.
  if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`;
  const magnitude = BigInt(body.toLowerCase());
  const n = sign === '-' ? -magnitude : magnitude;
  if (signed ? n < INT64_MIN || n > INT64_MAX : n > UINT64_MAX) return undefined;
  return n;
}

/** Resolves a plain (unquoted, untagged) scalar as go-yaml v2 does. */
export function resolveGoYamlScalar(text: string): GoYamlScalar {
  const first = text[0];
  const hint = first === undefined ? 'N' : first === '+' || first === '-' ? 'S' : /[0-9]/.test(first) ? 'D' : 'yYnNtTfFoO~'.includes(first) ? 'M' : first === '.' ? '.' : '';
  if (hint === '') return { kind: 'str', value: text };
  const mapped = BOOL_AND_NULL.get(text);
  if (mapped !== undefined) return mapped === null ? { kind: 'null', value: null } : { kind: 'bool', value: mapped };
  const special = NON_FINITE.get(text);
  if (special !== undefined) return { kind: 'nonFinite', value: special };
  if (hint === '.') {
    if (DOT_FLOAT.test(text)) return finiteFloat(text) ?? { kind: 'str', value: text };
    return { kind: 'str', value: text };
  }
  if (hint === 'S' || hint === 'D') {
    if (TIMESTAMP.test(text)) return { kind: 'str', value: text };
    const plain = text.replace(/_/g, '');
    const int = parseGoInteger(plain, true) ?? parseGoInteger(plain, false);
    // Helm turns every number into a float64 through JSON: Number() rounds exactly as that does.
    if (int !== undefined) return { kind: 'int', value: Number(int) === 0 ? 0 : Number(int) };
    if (YAML_STYLE_FLOAT.test(plain)) return finiteFloat(plain) ?? { kind: 'str', value: text };
  }
  return { kind: 'str', value: text };
}

/** `strconv.ParseFloat`: an overflow is an error (the scalar stays a string); an underflow is 0. */
function finiteFloat(text: string): GoYamlScalar | undefined {
  const v = Number(text);
  return Number.isFinite(v) ? { kind: 'float', value: v } : undefined;
}

/**
 * A number as a Helm template prints it (`{{ .Values.x }}`: Go's `%v` of a float64 is `strconv.FormatFloat(v, 'g',
 * -1, 64)`, whose shortest form switches to the exponent when exp < -4 || exp >= 6, strconv/ftoa.go):
 * `1e+06` for a million, `1e-05`, `31`, `0.5`.
 */
export function helmPrintNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // Shortest digits that round-trip, as Go's 'g' with precision -1.
  const [mantissa, expText] = v.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 6) {
    const e = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    return `${mantissa}e${e}`;
  }
  const sign = v < 0 ? '-' : '';
  if (exp >= digits.length - 1) return sign + digits + '0'.repeat(exp - digits.length + 1);
  if (exp >= 0) return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}
