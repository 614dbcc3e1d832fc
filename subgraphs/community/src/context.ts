import type { AuthContext, Logger, RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommunityDatabase } from './db/database.js';
import type { LiveEvents } from './live/live-events.js';
import { createLoaders, type Loaders } from './loaders/index.js';

/** What every resolver of this subgraph receives, built anew for each request or subscription. */
export interface CommunityContext extends AuthContext {
  db: Kysely<CommunityDatabase>;
  /** The analyst figures' reads (read-only): the analytics read replica when one is set, else `db`. */
  figuresDb: Kysely<CommunityDatabase>;
  /** Per request; a subscription gets fresh ones for each event (see `renewLoaders`). */
  loaders: Loaders;
  logger: Logger;
  /** Announces committed changes to subscribers in every process, and opens their feeds. */
  live: LiveEvents;
  /** Below this many distinct users a bucket of a figure is withheld (MIN_GROUP_SIZE). */
  minGroupSize: number;
}

/** A context for one request (or one subscription) of `caller`; `databases.figures` serves the analyst figures (see `Database.figures`). */
export function createContext(
  databases: { db: Kysely<CommunityDatabase>; figures: Kysely<CommunityDatabase> },
  caller: RequestCaller,
  logger: Logger,
  live: LiveEvents,
  minGroupSize: number,
): CommunityContext {
  const { db } = databases;
  return { db, figuresDb: databases.figures, viewer: caller.viewer, caller, loaders: createLoaders(db, caller.viewer), logger, live, minGroupSize };
}

/**
 * Replaces the context's DataLoaders: a subscription's context lives as long as it does, and
 * each event must read the database as it is then, not as it was at the first event.
 */
export function renewLoaders(ctx: CommunityContext): void {
  ctx.loaders = createLoaders(ctx.db, ctx.viewer);
}

/** A subscription's event, resolved with fresh DataLoaders (see `renewLoaders`). */
export function freshForEvent<T>(ctx: CommunityContext, event: T): T {
  renewLoaders(ctx);
  return event;
}
