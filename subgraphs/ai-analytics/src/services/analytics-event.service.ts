import { badUserInput } from '@academy/service-kit';
import type { Transaction } from 'kysely';
import type { AiAnalyticsContext } from '../context.js';
import type { AiAnalyticsDatabase, NewAnalyticsEvent } from '../db/database.js';
import type { AnalyticsEventInput, MutationTrackEventsArgs } from '../generated/graphql.js';
import { insertAnalyticsEvents } from '../repositories/analytics-event.repository.js';

/** The most events one trackEvents call may carry. */
export const MAX_EVENTS_PER_CALL = 1000;
const MAX_PROPERTIES_BYTES = 4096;
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;
const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** What an event name looks like (the table checks the same). */
export const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;
/** A visitor's id as a client makes it: long enough not to be shared by accident. */
const ANONYMOUS_ID = /^[A-Za-z0-9_-]{8,100}$/;
/** A client's id for one event: printable ASCII without spaces. */
const CLIENT_EVENT_ID = /^[\x21-\x7E]{1,100}$/;

/** The row for the client event at `index`, or BAD_USER_INPUT naming its field. */
function clientEventRow(ctx: AiAnalyticsContext, event: AnalyticsEventInput, index: number, now: number): NewAnalyticsEvent {
  const at = `events[${index}]`;
  if (!EVENT_NAME.test(event.name)) {
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
  const anonymousId = event.anonymousId ?? null;
  if (anonymousId !== null && !ANONYMOUS_ID.test(anonymousId)) {
    throw badUserInput(`${at}.anonymousId must be 8 to 100 letters, digits, _ or -.`, `${at}.anonymousId`);
  }
  if (!ctx.viewer && !anonymousId) {
    throw badUserInput(`${at}.anonymousId is needed when nobody is signed in.`, `${at}.anonymousId`);
  }
  const clientEventId = event.clientEventId ?? null;
  if (clientEventId !== null && !CLIENT_EVENT_ID.test(clientEventId)) {
    throw badUserInput(`${at}.clientEventId must be 1 to 100 printable characters without spaces.`, `${at}.clientEventId`);
  }
  return {
    name: event.name,
    occurred_at: occurredAt,
    properties: json,
    user_id: ctx.viewer?.userId ?? null,
    anonymous_id: anonymousId,
    client_event_id: clientEventId,
  };
}

/**
 * Records what a client saw: every event validated first, then all stored in one statement
 * (all or none). An event whose clientEventId this user (or anonymous id) sent before is
 * skipped, so a retried batch records nothing twice; returns how many were newly recorded.
 */
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

/** A domain event of another subgraph, as the analytics event it becomes. */
export interface DomainEventRecord {
  /** The domain event's id: it is recorded once, however often it is delivered. */
  sourceEventId: string;
  /** The analytics name, e.g. enrollment.created. */
  name: string;
  /** The user it is about; null when it is about no one (a course published). */
  userId: string | null;
  occurredAt: Date;
  /** The ids and facts of the payload the consumer checked. */
  properties: Record<string, unknown>;
}

/**
 * Records a domain event as an analytics event, in the consumer's transaction (which also marks
 * it processed). The unique source event id makes a second delivery add nothing even so.
 */
export async function recordDomainEvent(trx: Transaction<AiAnalyticsDatabase>, record: DomainEventRecord): Promise<void> {
  await insertAnalyticsEvents(trx, [
    {
      name: record.name,
      user_id: record.userId,
      occurred_at: record.occurredAt,
      properties: JSON.stringify(record.properties),
      source_event_id: record.sourceEventId,
    },
  ]);
}

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
      source_event_id: registration.eventId,
    },
  ]);
}
