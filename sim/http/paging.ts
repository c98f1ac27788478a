/**
 * `limit` / `continue` on lists, as the API server does it over etcd: at most `limit` items in key order, a
 * `continue` token (base64 JSON {v, rv, start}) naming the resourceVersion of the first page and where the next
 * page starts, `remainingItemCount` while more remain. A token older than the watch history is a 410 Expired.
 * Unlike etcd, later pages read the current state, not a snapshot at the first page's resourceVersion.
 */
import { ApiStatusError, badRequest } from './status';

export interface ListPage {
  readonly items: any[];
  readonly metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
}

interface Token {
  readonly v: string;
  readonly rv: number;
  readonly start: string;
}

const keyOf = (o: any) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

function decodeToken(s: string): Token {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64').toString('utf8'));
    if (t?.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad token');
    return t;
  } catch {
    throw badRequest(`continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`);
  }
}

const encodeToken = (t: Token) => Buffer.from(JSON.stringify(t)).toString('base64');

/** `items` sorted in key order (namespace/name) and already filtered by the selectors. */
export function page(items: any[], limitParam: string | null, continueParam: string | null, currentRv: number, oldestRv: number): ListPage {
  let rv = currentRv;
  let rest = items;
  if (continueParam) {
    const t = decodeToken(continueParam);
    if (t.rv < oldestRv) {
      throw new ApiStatusError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
    }
    rv = t.rv;
    const start = t.start.replace(/\0$/, '');
    rest = items.filter((o) => keyOf(o) > start);
  }
  const limit = Number(limitParam ?? 0);
  if (!(limit > 0) || rest.length <= limit) return { items: rest, metadata: { resourceVersion: String(rv) } };
  const shown = rest.slice(0, limit);
  return {
    items: shown,
    metadata: { resourceVersion: String(rv), continue: encodeToken({ v: 'meta.k8s.io/v1', rv, start: `${keyOf(shown[shown.length - 1])}\0` }), remainingItemCount: rest.length - limit },
  };
}
