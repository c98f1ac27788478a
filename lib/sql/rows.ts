/**
 * Reading result sets by column name, never by position: StarRocks versions add columns (SHOW FRONTENDS gained
 * `Version`, SHOW COMPUTE NODES gains shared-data columns), so a position that is right today is wrong tomorrow.
 */
import { StarRocksDrError } from '../errors';
import type { ResultSet } from './connection';

export type Row = Readonly<Record<string, string | null>>;

/**
 * The rows as records keyed by column name, after checking that every `required` column is there (exact name, or the
 * same name in another case: information_schema answers upper case, MySQL clients may fold).
 */
export function records(rs: ResultSet, statement: string, required: readonly string[]): Row[] {
  const index = new Map<string, number>();
  rs.columns.forEach((c, i) => {
    if (!index.has(c)) index.set(c, i);
    if (!index.has(c.toLowerCase())) index.set(c.toLowerCase(), i);
  });
  const missing = required.filter((c) => !index.has(c) && !index.has(c.toLowerCase()));
  if (missing.length > 0) {
    throw new StarRocksDrError('ApiError', `${statement} answered without column(s) ${missing.join(', ')} (columns: ${rs.columns.join(', ') || 'none'})`, {
      field: statement,
      fix: 'this StarRocks version answers differently from the 3.4/3.5 sources this tool follows; report it with the StarRocks version',
    });
  }
  return rs.rows.map((values) => {
    const out: Record<string, string | null> = {};
    for (const c of required) out[c] = values[index.get(c) ?? index.get(c.toLowerCase())!] ?? null;
    rs.columns.forEach((c, i) => {
      if (!(c in out)) out[c] = values[i] ?? null;
    });
    return out;
  });
}

/** `true`/`false` as StarRocks prints booleans in SHOW output (`String.valueOf(boolean)`). */
export function isTrue(value: string | null | undefined): boolean {
  return (value ?? '').trim().toLowerCase() === 'true';
}
