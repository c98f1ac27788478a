/**
 * The data a simulated StarRocks cluster holds: the reference document's table (shared/seeds "Disaster Recovery for
 * shared-data mode Cluster", step 2: `quickstart.source_wiki_edit` and the three rows it inserts). A restored
 * cluster holds what its snapshot held; a cluster that was never restored starts with this, as if step 2 had run.
 */

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** database -> table -> rows. */
export type Catalog = ReadonlyMap<string, ReadonlyMap<string, Table>>;

const WIKI_COLUMNS = ['event_time', 'channel', 'user', 'is_anonymous', 'is_minor', 'is_new', 'is_robot', 'is_unpatrolled', 'delta', 'added', 'deleted'];

const WIKI_ROWS = [
  ['2015-09-12 00:00:00', '#en.wikipedia', 'AustinFF', '0', '0', '0', '0', '0', '21', '5', '0'],
  ['2015-09-12 00:00:00', '#ca.wikipedia', 'helloSR', '0', '1', '0', '1', '0', '3', '23', '0'],
  ['2015-09-12 08:00:00', '#ca.wikipedia', 'helloSR', '0', '1', '0', '1', '0', '3', '23', '0'],
];

export function referenceCatalog(): Catalog {
  return new Map([['quickstart', new Map([['source_wiki_edit', { columns: WIKI_COLUMNS, rows: WIKI_ROWS }]])]]);
}
