import { badUserInput, conflict, parseId, requireRole, text } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { SchedulingContext } from '../context.js';
import type { Event, SchedulingDatabase } from '../db/database.js';
import type { CreateEventInput, QueryEventArgs, QueryEventsArgs } from '../generated/graphql.js';
import { findEventBySlug, findEventSlugsLike, findEvents, insertEvent } from '../repositories/event.repository.js';
import { publishEventScheduled } from '../events/published.js';
import { isConstraintViolation, optionalText } from './input.js';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SLUG_MAX = 100;
/** How often a slug taken by a concurrent insert is retried with the next suffix. */
const SLUG_ATTEMPTS = 10;
const SLUG_TAKEN = 'events_slug_key';

/** Events soonest first; by default only those not yet over and not cancelled. */
export async function listEvents(ctx: SchedulingContext, args: QueryEventsArgs): Promise<Event[]> {
  const events = await findEvents(ctx.db, args.upcomingOnly ?? true);
  for (const event of events) ctx.loaders.eventById.prime(event.id, event);
  return events;
}

/** One event by slug; null when there is none. */
export async function eventBySlug(ctx: SchedulingContext, args: QueryEventArgs): Promise<Event | null> {
  const slug = args.slug.trim().toLowerCase();
  if (!SLUG.test(slug) || slug.length > SLUG_MAX) return null;
  return (await findEventBySlug(ctx.db, slug)) ?? null;
}

/** A slug made from a name: lowercase ASCII letters and digits separated by single hyphens. */
function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX - 8)
    .replace(/-+$/, '');
  return slug || 'event';
}

/** `base`, or `base-N` with the smallest N above those taken. */
async function freeSlug(db: Kysely<SchedulingDatabase>, base: string): Promise<string> {
  const taken = await findEventSlugsLike(db, base);
  if (!taken.includes(base)) return base;
  const suffixes = taken.map((s) => (s === base ? 1 : Number(s.slice(base.length + 1))));
  return `${base}-${Math.max(...suffixes) + 1}`;
}

/**
 * ADMIN and ORGANIZER announce an event they organise. A slug given is kept (CONFLICT when
 * taken); otherwise one is made from the name, with -2, -3 on a collision, and chosen again if a
 * concurrent insert takes it first.
 */
export async function createEvent(ctx: SchedulingContext, input: CreateEventInput): Promise<Event> {
  const viewer = requireRole(ctx, 'ADMIN', 'ORGANIZER');
  const name = text(input.name, 'input.name', { min: 3, max: 200 });
  let slug: string | null = null;
  if (input.slug != null) {
    slug = input.slug.trim();
    if (slug.length > SLUG_MAX || !SLUG.test(slug)) {
      throw badUserInput('"input.slug" must be lowercase letters and digits separated by hyphens, at most 100 characters.', 'input.slug');
    }
  }
  if (input.startsAt.getTime() <= Date.now()) throw badUserInput('"input.startsAt" must be in the future.', 'input.startsAt');
  if (input.endsAt <= input.startsAt) throw badUserInput('"input.endsAt" must be after "input.startsAt".', 'input.endsAt');
  const venueId = input.venueId == null ? null : parseId(input.venueId, 'input.venueId');
  if (venueId) {
    const venue = await ctx.loaders.venueById.load(venueId);
    if (!venue || !venue.is_active) throw badUserInput('"input.venueId" names no active venue.', 'input.venueId');
  }
  const values = {
    name,
    description: optionalText(input.description, 'input.description', 5000),
    starts_at: input.startsAt,
    ends_at: input.endsAt,
    venue_id: venueId,
    organizer_id: viewer.userId,
  };
  if (slug !== null) {
    try {
      return await insertAndAnnounce(ctx.db, { ...values, slug });
    } catch (error) {
      if (isConstraintViolation(error, '23505', SLUG_TAKEN)) throw conflict(`The slug "${slug}" is taken.`);
      throw error;
    }
  }
  const base = slugify(name);
  for (let attempt = 1; ; attempt++) {
    try {
      return await insertAndAnnounce(ctx.db, { ...values, slug: await freeSlug(ctx.db, base) });
    } catch (error) {
      if (!isConstraintViolation(error, '23505', SLUG_TAKEN) || attempt >= SLUG_ATTEMPTS) throw error;
    }
  }
}

/** Inserts the event and publishes EventScheduled in one transaction (commerce sells its tickets from its copy). */
function insertAndAnnounce(db: Kysely<SchedulingDatabase>, values: Parameters<typeof insertEvent>[1]): Promise<Event> {
  return db.transaction().execute(async (trx) => {
    const event = await insertEvent(trx, values);
    await publishEventScheduled(trx, event);
    return event;
  });
}
