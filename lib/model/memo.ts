/**
 * Keeps the results of a pure function of one text argument (a config file, a snapshot file) for the next call with
 * the same text: every synth of a cluster parses and hashes the same few texts several times. Bounded: the oldest
 * result goes when `size` are kept. Only for results that are never changed by their callers (readonly types).
 */
export function memoByText<T>(fn: (text: string) => T, size = 32): (text: string) => T {
  const kept = new Map<string, T>();
  return (text) => {
    const known = kept.get(text);
    if (known !== undefined) return known;
    const result = fn(text);
    if (kept.size >= size) kept.delete(kept.keys().next().value!);
    kept.set(text, result);
    return result;
  };
}
