/**
 * The few valibot building blocks both declarations use (the typed spec, `spec-schema.ts`, and the values files,
 * `values/values-schema.ts`), and the one way an issue becomes an error.
 *
 * Every message a schema gives is a problem and a fix (`say(problem, fix)`), written with two placeholders the
 * reporter fills from the issue's path: `{path}` (the whole path, `starRocksFeSpec.replicas`) and `{key}` (its last
 * key). Validation stops at the first issue (`abortEarly`), so each input gets exactly one error.
 */
import * as v from 'valibot';
import { describeValue, isPlainObject, suggestKey } from './checks';
import { formatPath, type SpecPath } from './spec-path';

const SEP = '\u001f';

/** A message: what is wrong, and how to fix it. */
export function say(problem: string, fix: string): string {
  return `${problem}${SEP}${fix}`;
}

/** The first problem of `input`, with its path, or undefined when it fits the schema. */
export interface Problem {
  readonly path: SpecPath;
  readonly problem: string;
  readonly fix: string;
}

export function firstProblem(schema: v.GenericSchema, input: unknown, at: SpecPath = []): Problem | undefined {
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (result.success) return undefined;
  const issue = result.issues[0];
  const path = [...at, ...(issue.path ?? []).map((p) => p.key as string | number)];
  const [problem, fix = ''] = issue.message.split(SEP);
  const fill = (text: string) => text.replaceAll('{path}', formatPath(path)).replaceAll('{key}', String(path[path.length - 1] ?? ''));
  return { path, problem: fill(problem!), fix: fill(fix) };
}

/** A value that passes `ok`, typed `T`; `message` gets the value as written. */
export function custom<T>(ok: (value: unknown) => boolean, message: (value: unknown) => string) {
  return v.custom<T>(ok, (issue) => message(issue.input));
}

export interface MapOptions {
  /** The message when the value is not a map. */
  readonly notMap: (value: unknown) => string;
  /** The message for a key the map does not have. */
  readonly unknownKey: (key: string, known: readonly string[]) => string;
  /** The message when a required key is missing. @default - the key's own message for an empty value */
  readonly missing?: Readonly<Record<string, string>>;
  /**
   * `schema`: unknown keys first, then the keys in the order they are declared (a typo is the likeliest cause of
   * whatever else looks wrong in the map). `input`: the keys in the order the input has them, as a reader of the
   * file meets them (values files).
   * @default 'schema'
   */
  readonly order?: 'schema' | 'input';
}

/**
 * A map with exactly these keys (a list, `null` or a scalar is not a map). A missing required key gets the message
 * its own schema gives an empty value, unless `missing` says otherwise.
 */
export function strictMap<const E extends v.ObjectEntries>(entries: E, opts: MapOptions) {
  const known = Object.keys(entries);
  const isMap = v.check((x: unknown) => isPlainObject(x), (issue) => opts.notMap(issue.input));
  const firstUnknown = (input: Record<string, unknown>, addIssue: (info: v.RawCheckIssueInfo<unknown>) => void, checkKnown: boolean): void => {
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(entries, key)) {
        addIssue({ message: opts.unknownKey(key, known), path: [{ type: 'object', origin: 'key', input, key, value: input[key] }] });
        return;
      }
      if (!checkKnown) continue;
      const result = v.safeParse(entries[key]!, input[key], { abortEarly: true });
      if (!result.success) {
        const inner = result.issues[0];
        const here = { type: 'object', origin: 'value', input, key, value: input[key] } as const;
        addIssue({ message: inner.message, path: [here, ...((inner.path ?? []) as v.IssuePathItem[])] });
        return;
      }
    }
  };
  if (opts.order === 'input') {
    // Every key is checked in the walk; the typed schema only carries the output type.
    return v.pipe(
      v.unknown(),
      isMap,
      v.rawCheck(({ dataset, addIssue }) => firstUnknown(dataset.value as Record<string, unknown>, addIssue, true)),
      v.custom<v.InferOutput<v.ObjectSchema<E, undefined>>>(() => true),
      v.readonly(),
    );
  }
  return v.pipe(
    v.unknown(),
    isMap,
    v.rawCheck(({ dataset, addIssue }) => firstUnknown(dataset.value as Record<string, unknown>, addIssue, false)),
    // Unknown keys were reported by the walk above; `object` checks the declared ones without walking them again.
    v.object(entries, (issue) => {
      const key = (issue.path?.[0]?.key as string | undefined) ?? '';
      return opts.missing?.[key] ?? firstMessage(entries[key], undefined) ?? issue.message;
    }),
    v.readonly(),
  );
}

function firstMessage(schema: v.GenericSchema | undefined, input: unknown): string | undefined {
  if (schema === undefined) return undefined;
  const result = v.safeParse(schema, input, { abortEarly: true });
  return result.success ? undefined : result.issues[0].message;
}

/** "unknown key `replica` (did you mean `replicas`?)" with the rename, or the list of valid keys. */
export function unknownKeyParts(key: string, known: readonly string[]): { problem: string; fix: string } {
  const hint = suggestKey(key, known);
  const best = /`(.*)`/.exec(hint)?.[1];
  return { problem: `unknown key \`${key}\`${hint}`, fix: best ? `rename \`${key}\` to \`${best}\`` : `remove \`${key}\`; valid keys here: ${known.join(', ')}` };
}

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const p = unknownKeyParts(key, known);
  return say(p.problem, p.fix);
}

/** A list (`notList` when it is not one) whose items fit `item`. */
export function listOf<S extends v.GenericSchema>(item: S, notList: (value: unknown) => string) {
  return v.pipe(v.unknown(), v.check(Array.isArray, (issue) => notList(issue.input)), v.array(item), v.readonly());
}

/**
 * A map with any keys (`notMap` when it is not one) whose values fit `value`. Every own key is checked, including
 * `constructor` (valibot's `record` skips it).
 */
export function mapOf<S extends v.GenericSchema>(value: S, notMap: (value: unknown) => string) {
  return v.pipe(
    v.custom<Readonly<Record<string, v.InferOutput<S>>>>(isPlainObject, (issue) => notMap(issue.input)),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      for (const [key, item] of Object.entries(dataset.value)) {
        const result = v.safeParse(value, item, { abortEarly: true });
        if (result.success) continue;
        const inner = result.issues[0];
        const here = { type: 'object', origin: 'value', input: dataset.value, key, value: item } as const;
        addIssue({ message: inner.message, input: item, path: [here, ...((inner.path ?? []) as v.IssuePathItem[])] as [v.IssuePathItem, ...v.IssuePathItem[]] });
        return;
      }
    }),
  );
}

/** "expected X, got a string" in the words of `describeValue`, which never shows a value that may be secret. */
export function expected(what: string, value: unknown): string {
  return `expected ${what}, got ${describeValue(value)}`;
}
