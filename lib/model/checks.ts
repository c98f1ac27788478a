/**
 * Small predicates shared by the values loader and the typed-spec validator, so both routes reject the same
 * impossible values with the same words.
 */

/**
 * A Kubernetes quantity (`"2"`, `"500m"`, `"4Gi"`, `"1e3"`), as `resource.ParseQuantity` accepts it.
 * Signs are refused: a negative size or CPU is never meant.
 */
const QUANTITY = /^(?:\d+(?:\.\d*)?|\.\d+)(?:Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][-+]?\d+)?$/;

export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

/** True for a quantity whose value is zero (`0`, `0Gi`, `0.0Mi`): the chart's way to say "no such volume". */
export function isZeroQuantity(value: string): boolean {
  return isQuantity(value) && /^[0.]+(?:[A-Za-z]+|[eE][-+]?\d+)?$/.test(value);
}

/** Object names that must be DNS-1123 labels (Services, volume names): apimachinery validation.go DNS1123LabelMaxLength. */
export const DNS1123_LABEL_MAX = 63;
/**
 * The longest StatefulSet name whose pods get created: the controller labels each revision
 * `controller-revision-hash: <statefulset>-<hash of up to 10 characters>`, a label value (at most 63), so a longer
 * name makes every pod creation fail (kubernetes/kubernetes#64023).
 */
export const STATEFULSET_NAME_MAX = DNS1123_LABEL_MAX - 11;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** An RFC 1123 label: what object names that become host names (Services, StatefulSets) must be. */
export function isDns1123Label(value: string, maxLength = 63): boolean {
  return value.length <= maxLength && DNS1123_LABEL.test(value);
}

/** An RFC 1123 subdomain: ConfigMap, Secret and volume names. */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((part) => DNS1123_LABEL.test(part));
}

/** Container and Service ports. */
export function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** A Kubernetes environment variable name (`[-._a-zA-Z][-._a-zA-Z0-9]*`). */
export function isEnvVarName(value: string): boolean {
  return /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(value);
}

/** An absolute container path without `..` parts (what a volume mount path must be). */
export function isMountPath(value: string): boolean {
  return value.startsWith('/') && !value.split('/').includes('..');
}

/** A plain object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `did you mean `x`?` for a typo, or '' when nothing is close enough to be a likely typo. */
export function suggestKey(key: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  // Loaded only for a typo: the common run never needs it.
  const { closest, distance } = require('fastest-levenshtein') as typeof import('fastest-levenshtein');
  const lower = candidates.find((c) => c.toLowerCase() === key.toLowerCase());
  const best = lower ?? closest(key, [...candidates]);
  const limit = Math.max(2, Math.floor(key.length / 3));
  return lower !== undefined || distance(key, best) <= limit ? ` (did you mean \`${best}\`?)` : '';
}

/**
 * Describes a value's type for error messages (`a list`, `a string`, `a whole number`), never the value itself: the same
 * words serve keys that may hold a password. Messages about keys that are never secret may add `show(value)`.
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number with a fraction';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

/**
 * A value as the user wrote it, for "X is not valid" messages about keys that never hold secrets (names, images,
 * paths, policies): strings quoted, empty for null.
 */
export function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? describeValue(value) : String(value);
}

/**
 * True when a key reads like a key someone wrote on purpose (letters, digits, `_ . / -`, at most 253 characters).
 * Anything else (a line of a password file given with -f by mistake) is never echoed in messages.
 */
export function looksLikeKey(key: string): boolean {
  return /^[A-Za-z0-9_./-]{1,253}$/.test(key);
}

/** A key as messages may show it: itself, or a placeholder when it does not look like a key. */
export function showKey(key: string | number): string | number {
  return typeof key === 'number' || looksLikeKey(key) ? key : '(a key that is not a values key)';
}
