import { badUserInput } from './errors.js';
import { isUuid } from './validate.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Forward pagination arguments as the contract defines them. */
export interface ForwardPageArgs {
  first?: number | null;
  after?: string | null;
}

export interface ForwardPage<C> {
  /** Rows to return. */
  limit: number;
  /** The decoded position after which the page starts, or null for the first page. */
  after: C | null;
}

/** Encodes a cursor: an opaque base64url string of JSON. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`, validating its shape; BAD_USER_INPUT otherwise. */
export function decodeCursor<C>(cursor: string, isValid: (value: unknown) => value is C, field = 'after'): C {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badUserInput(`"${field}" is not a cursor this API issued.`, field);
  }
  if (!isValid(value)) throw badUserInput(`"${field}" is not a cursor this API issued.`, field);
  return value;
}

/** Validates `first` (0 to 100, default 20) and decodes `after`. */
export function forwardPage<C>(args: ForwardPageArgs, isValid: (value: unknown) => value is C): ForwardPage<C> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`"first" must be between 0 and ${MAX_PAGE_SIZE}.`, 'first');
  }
  return { limit: first, after: args.after ? decodeCursor(args.after, isValid) : null };
}

export interface Connection<N> {
  edges: { cursor: string; node: N }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/**
 * Builds a Relay connection from rows fetched with `limit + 1` (the extra row only tells that
 * a next page exists).
 */
export function toConnection<R, N>(options: {
  rows: R[];
  limit: number;
  totalCount: number;
  hasPreviousPage: boolean;
  cursorOf: (row: R) => unknown;
  nodeOf: (row: R) => N;
}): Connection<N> {
  const page = options.rows.slice(0, options.limit);
  const edges = page.map((row) => ({ cursor: encodeCursor(options.cursorOf(row)), node: options.nodeOf(row) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: options.rows.length > options.limit,
      hasPreviousPage: options.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: options.totalCount,
  };
}

/**
 * A timestamp as PostgreSQL prints it (`timestamptz::text`), keeping microseconds that a
 * JavaScript Date would drop: cursors over timestamps must carry it to page exactly.
 */
export const isTimestampText = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/.test(value);

/** A cursor of a list sorted by a timestamp then id: [timestamp as PostgreSQL prints it, UUID]. */
export type TimestampCursor = [string, string];

export const isTimestampCursor = (value: unknown): value is TimestampCursor =>
  Array.isArray(value) && value.length === 2 && isTimestampText(value[0]) && isUuid(value[1]);
