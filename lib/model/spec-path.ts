/**
 * Where a problem sits in a spec, and how it is reported: the typed route throws, the values route maps the path
 * back to the file, key and line that set it (values/load.ts). Every check of the model reports through a `FailFn`.
 */

/** A path inside the spec: keys and list indices. */
export type SpecPath = readonly (string | number)[];

/** Reports one problem; never returns. */
export type FailFn = (path: SpecPath, problem: string, fix: string) => never;

/** `starRocksFeSpec.storageVolumes[0].name`. */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out || '(spec)';
}
