/**
 * Pulumi's wire form for secrets and unknowns inside a `google.protobuf.Struct`, and the two rules the engine applies
 * to a provider that does not accept secrets (the Node.js dynamic provider answers `acceptSecrets: false` to
 * Configure): secrets are stripped before a request is sent, and the "secretness" of the inputs is copied onto the
 * outputs afterwards (`annotateSecrets` in pulumi's `sdk/go/common/resource/plugin/provider_plugin.go`).
 */

/** The key that marks a special object (secret, asset, resource reference) in a Struct. */
export const SPECIAL_SIG_KEY = '4dabf18193072939515e22adb298388d';
/** The value of {@link SPECIAL_SIG_KEY} for a secret: `{[SPECIAL_SIG_KEY]: SECRET_SIG, value}`. */
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
/** The string the engine sends for a value not known yet (during preview). */
export const UNKNOWN_VALUE = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** A property bag as the engine sees it: plain JSON values, secrets as {@link SecretValue}. */
export type Props = Record<string, unknown>;

/** A secret in wire form. */
export interface SecretValue {
  readonly [SPECIAL_SIG_KEY]: typeof SECRET_SIG;
  readonly value: unknown;
}

/** Marks `value` secret, as the engine does for `pulumi.secret(...)` inputs and secret config. */
export function secret(value: unknown): SecretValue {
  return { [SPECIAL_SIG_KEY]: SECRET_SIG, value };
}

export function isSecret(v: unknown): v is SecretValue {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG;
}

/** True when `v` is a secret or holds one anywhere inside (Go: `PropertyValue.ContainsSecrets`). */
export function containsSecrets(v: unknown): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecrets);
  if (typeof v === 'object' && v !== null) return Object.values(v).some(containsSecrets);
  return false;
}

/** Deep copy with every secret replaced by its plain value: what a provider that refuses secrets receives. */
export function stripSecrets<T>(v: T): T {
  if (isSecret(v)) return stripSecrets(v.value) as T;
  if (Array.isArray(v)) return v.map(stripSecrets) as T;
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = stripSecrets(x);
    return out as T;
  }
  return v;
}

/**
 * Copies secretness from `ins` onto `outs` (in place and returned), key by key: objects on both sides recurse;
 * otherwise an output whose input counterpart contains a secret becomes secret as a whole.
 */
export function annotateSecrets(outs: Props, ins: Props): Props {
  for (const [key, inValue] of Object.entries(ins)) {
    if (!(key in outs)) continue;
    const outValue = outs[key];
    if (isPlainObject(outValue) && isPlainObject(inValue)) {
      annotateSecrets(outValue, inValue);
    } else if (!isSecret(outValue) && containsSecrets(inValue)) {
      outs[key] = secret(outValue);
    }
  }
  return outs;
}

/** Dotted paths (`a.b`, `list[0]`) of every secret in `v`, sorted, for assertions. */
export function secretPaths(v: unknown, prefix = ''): string[] {
  const found: string[] = [];
  const walk = (x: unknown, path: string): void => {
    if (isSecret(x)) {
      found.push(path);
      return;
    }
    if (Array.isArray(x)) x.forEach((e, i) => walk(e, `${path}[${i}]`));
    else if (typeof x === 'object' && x !== null) {
      for (const [k, e] of Object.entries(x)) walk(e, path ? `${path}.${k}` : k);
    }
  };
  walk(v, prefix);
  return found.sort();
}

function isPlainObject(v: unknown): v is Props {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isSecret(v);
}
