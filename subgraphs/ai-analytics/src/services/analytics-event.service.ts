import { badUserInput } from '@academy/service-kit';
import type { Transaction } from 'kysely';
import type { AiAnalyticsContext } from '../context.js';
import type { AiAnalyticsDatabase, NewAnalyticsEvent } from '../db/database.js';
import type { AnalyticsEventInput, MutationTrackEventsArgs } from '../generated/graphql.js';
import { insertAnalyticsEvents } from '../repositories/analytics-event.repository.js';

export const MAX_EVENTS_PER_CALL = 100;
const MAX_PROPERTIES_BYTES = 4096;
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;

/** The row for the client event at `index`, or BAD_USER_INPUT naming its field. */
function clientEventRow(ctx: AiAnalyticsContext, event: AnalyticsEventInput, index: number, now: number): NewAnalyticsEvent {
  const at = `events[${index}]`;
  if (!NAME.test(event.name)) {
    throw badUserInput(`${at}.name must start with a letter and hold only letters, digits, _ . : or - (100 at most).`, `${at}.name`);
  }
  const occurredAt = event.occurredAt ?? new Date(now);
  if (occurredAt.getTime() > now + CLOCK_SKEW_MS) throw badUserInput(`${at}.occurredAt is in the future.`, `${at}.occurredAt`);
  if (occurredAt.getTime() < now - MAX_AGE_MS) throw badUserInput(`${at}.occurredAt is more than 30 days ago.`, `${at}.occurredAt`);
  const properties = event.properties ?? {};
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw badUserInput(`${at}.properties must be a JSON object.`, `${at}.properties`);
  }
  const json = JSON.stringify(properties);
  if (Buffer.byteLength(json) > MAX_PROPERTIES_BYTES) {
    throw badUserInput(`${at}.properties must be at most ${MAX_PROPERTIES_BYTES} bytes of JSON.`, `${at}.properties`);
  }
  const anonymousId = event.anonymousId?.trim() || null;
  if (anonymousId !== null && anonymousId.length > 100) {
    throw badUserInput(`${at}.anonymousId must be at most 100 characters.`, `${at}.anonymousId`);
  }
  if (!ctx.viewer && !anonymousId) {
    throw badUserInput(`${at}.anonymousId is needed when nobody is signed in.`, `${at}.anonymousId`);
  }
  return { name: event.name, occurred_at: occurredAt, properties: json, user_id: ctx.viewer?.userId ?? null, anonymous_id: anonymousId };
}

/** Records what a client saw: every event validated first, then all stored in one statement (all or none). */
export async function trackEvents(ctx: AiAnalyticsContext, args: MutationTrackEventsArgs): Promise<number> {
  if (args.events.length > MAX_EVENTS_PER_CALL) {
    throw badUserInput(`At most ${MAX_EVENTS_PER_CALL} events per call.`, 'events');
  }
  const now = Date.now();
  const rows = args.events.map((event, index) => clientEventRow(ctx, event, index, now));
  return insertAnalyticsEvents(ctx.db, rows);
}

/** The analytics event a new account becomes. */
export const USER_REGISTERED_EVENT = 'user.registered';

/** A registration as identity announced it: no e-mail or names, those stay in identity. */
export interface UserRegistration {
  /** The domain event's id, kept with the row so it can be traced back to identity's outbox. */
  eventId: string;
  userId: string;
  roles: string[];
  registeredAt: Date;
}

/**
 * Records a new account as a `user.registered` analytics event, in the consumer's transaction:
 * the consumer marks the domain event processed in that same transaction, so a replay never
 * stores it twice.
 */
export async function recordUserRegistration(trx: Transaction<AiAnalyticsDatabase>, registration: UserRegistration): Promise<void> {
  await insertAnalyticsEvents(trx, [
    {
      name: USER_REGISTERED_EVENT,
      user_id: registration.userId,
      occurred_at: registration.registeredAt,
      properties: JSON.stringify({ roles: registration.roles, eventId: registration.eventId }),
    },
  ]);
}
