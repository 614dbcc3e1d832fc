import { sql, type Kysely, type RawBuilder } from 'kysely';

/** What `keysetPage` needs: the rows to page through and how they are sorted. */
export interface KeysetPageQuery {
  /** A SELECT of every matching row, each with an `id` and the `sortColumn`. */
  filtered: RawBuilder<unknown>;
  /** The column of `filtered` to sort by (ties broken by id). */
  sortColumn: string;
  descending?: boolean;
  /** The (sort value, id) of the row the page starts after, as a typed row value; null: first page. */
  after: RawBuilder<unknown> | null;
  /** Rows to return; one more is read to tell whether a next page exists. */
  limit: number;
}

export interface KeysetPage<R> {
  /** Up to limit + 1 rows. */
  rows: R[];
  /** Matching rows over all pages. */
  totalCount: number;
  /** Whether rows precede the page. */
  hasPreviousPage: boolean;
}

/**
 * One page of a keyset-paginated list, its exact total and whether earlier rows exist, in a
 * single statement whatever the page size (an empty page still returns the total).
 */
export async function keysetPage<R extends { id: string }>(db: Kysely<any>, query: KeysetPageQuery): Promise<KeysetPage<R>> {
  const key = sql.ref(`f.${query.sortColumn}`);
  const direction = sql.raw(query.descending ? 'DESC' : 'ASC');
  const after = query.after;
  const startsAfter = after ? sql`(${key}, f.id) ${sql.raw(query.descending ? '<' : '>')} ${after}` : sql`true`;
  const beforeOrAt = after
    ? sql`EXISTS (SELECT 1 FROM filtered f WHERE (${key}, f.id) ${sql.raw(query.descending ? '>=' : '<=')} ${after})`
    : sql`false`;
  const result = await sql<R & { total_count: number; has_previous: boolean }>`
    WITH filtered AS (${query.filtered})
    SELECT (SELECT count(*) FROM filtered)::int AS total_count, ${beforeOrAt} AS has_previous, page.*
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT f.* FROM filtered f
      WHERE ${startsAfter}
      ORDER BY ${key} ${direction}, f.id ${direction}
      LIMIT ${query.limit + 1}
    ) page ON true`.execute(db);
  const first = result.rows[0];
  return {
    rows: result.rows.filter((row) => row.id !== null).map(({ total_count: _t, has_previous: _h, ...row }) => row as unknown as R),
    totalCount: first?.total_count ?? 0,
    hasPreviousPage: first?.has_previous ?? false,
  };
}
