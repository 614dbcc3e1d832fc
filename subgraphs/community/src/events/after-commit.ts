// What a consumed event's transaction leaves to announce: new notifications to their users'
// live feeds, removed members to the rooms' feeds. Announced only after the commit (the kit's
// onHandled), never from inside the transaction, so nobody is told of a change that rolled back.
import type { DomainEvent, EventHandler } from '@academy/service-kit/events';
import type { Transaction } from 'kysely';
import type { CommunityDatabase } from '../db/database.js';
import type { LiveEvents } from '../live/live-events.js';
import type { EventOutcome } from '../services/event-notifications.service.js';

/** Collects each handled event's outcome until its transaction committed. */
export class AfterCommit {
  readonly #pending = new Map<string, EventOutcome>();
  readonly #live: LiveEvents | null;

  constructor(live: LiveEvents | null) {
    this.#live = live;
  }

  /** A kit handler that runs `apply` and keeps its outcome for `announce`. */
  handler(apply: (event: DomainEvent, trx: Transaction<CommunityDatabase>) => Promise<EventOutcome>): EventHandler<CommunityDatabase> {
    return async (event, trx) => {
      this.#pending.delete(event.eventId);
      try {
        this.#pending.set(event.eventId, await apply(event, trx));
      } catch (error) {
        this.#pending.delete(event.eventId);
        throw error;
      }
    };
  }

  /** Announces what the event's committed transaction changed (nothing when it had been processed before). */
  announce = async (event: DomainEvent): Promise<void> => {
    const outcome = this.#pending.get(event.eventId);
    this.#pending.delete(event.eventId);
    if (!outcome || !this.#live) return;
    await announceOutcome(this.#live, outcome);
  };
}

/** Announces an outcome's notifications shown in the app and its removed members. */
export async function announceOutcome(live: LiveEvents, outcome: EventOutcome): Promise<void> {
  await live.notificationsCreated(outcome.notifications.filter((n) => n.in_app));
  for (const removed of outcome.removedMembers) await live.memberRemoved(removed.roomId, removed.userId);
}
