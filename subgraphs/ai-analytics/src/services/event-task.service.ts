import { forbidden, hasRole, notFound, parseId, requireViewer, type Viewer } from '@academy/service-kit';
import type { Transaction } from 'kysely';
import type { AiAnalyticsContext } from '../context.js';
import type { AiAnalyticsDatabase, EventTask, ScheduledEvent } from '../db/database.js';
import {
  acceptTask,
  findScheduledEvents,
  insertProposedTasks,
  listTasksOfEvents,
  lockScheduledEvent,
  lockTask,
  upsertScheduledEvent,
} from '../repositories/event-task.repository.js';

/** The event's organizer and ADMIN manage its tasks. */
function requireEventManager(ctx: AiAnalyticsContext, viewer: Viewer, event: ScheduledEvent): void {
  if (event.organizer_id !== viewer.userId && !hasRole(ctx, 'ADMIN')) throw forbidden("Only the event's organizer and ADMIN manage its tasks.");
}

/**
 * Proposes the generator's tasks for an event, in one transaction holding the event's row: each
 * kind once per event (a unique key), so repeated or concurrent calls add nothing twice. Answers
 * every task of the event, proposed or accepted. The event must have reached ai-analytics
 * (scheduling's EventScheduled); until then it is NOT_FOUND.
 */
export async function proposeEventTasks(ctx: AiAnalyticsContext, eventId: string): Promise<EventTask[]> {
  const viewer = requireViewer(ctx);
  const id = parseId(eventId, 'eventId');
  return ctx.db.transaction().execute(async (trx) => {
    const event = await lockScheduledEvent(trx, id);
    if (!event) throw notFound('No such event.');
    requireEventManager(ctx, viewer, event);
    const proposals = await ctx.eventTaskGenerator.propose({ name: event.name, startsAt: event.starts_at, endsAt: event.ends_at });
    await insertProposedTasks(
      trx,
      proposals.map((task) => ({ event_id: id, kind: task.kind, title: task.title, description: task.description, due_at: task.dueAt })),
    );
    return listTasksOfEvents(trx, [id], true);
  });
}

/** Puts a proposed task on its event's list; an accepted one is answered as it is. */
export async function acceptEventTask(ctx: AiAnalyticsContext, taskId: string): Promise<EventTask> {
  const viewer = requireViewer(ctx);
  const id = parseId(taskId, 'id');
  return ctx.db.transaction().execute(async (trx) => {
    const task = await lockTask(trx, id);
    if (!task) throw notFound('No such task.');
    const [event] = await findScheduledEvents(trx, [task.event_id]);
    if (!event) throw new Error(`event ${task.event_id} of task ${task.id} does not exist`);
    requireEventManager(ctx, viewer, event);
    return task.status === 'ACCEPTED' ? task : acceptTask(trx, id, viewer.userId);
  });
}

/** An event's tasks (accepted ones, or all) for its organizer and ADMIN; NOT_FOUND for an event ai-analytics does not know. */
export async function eventTasks(ctx: AiAnalyticsContext, eventId: string, includeProposed: boolean): Promise<EventTask[]> {
  const viewer = requireViewer(ctx);
  const id = parseId(eventId, 'eventId');
  const event = await ctx.loaders.scheduledEventById.load(id);
  if (!event) throw notFound('No such event.');
  requireEventManager(ctx, viewer, event);
  return includeProposed ? listTasksOfEvents(ctx.db, [id], true) : ctx.loaders.acceptedTasksByEvent.load(id);
}

/**
 * `Event.tasks`: the accepted tasks, for the organizer and ADMIN. An event that has not reached
 * ai-analytics yet has none.
 */
export async function eventTaskList(ctx: AiAnalyticsContext, eventId: string): Promise<EventTask[]> {
  const viewer = requireViewer(ctx);
  const event = await ctx.loaders.scheduledEventById.load(eventId);
  if (!event) return [];
  requireEventManager(ctx, viewer, event);
  return ctx.loaders.acceptedTasksByEvent.load(eventId);
}

/** An event as scheduling's EventScheduled describes it, kept so its organizer and dates are known here. */
export const recordScheduledEvent = (trx: Transaction<AiAnalyticsDatabase>, event: ScheduledEvent): Promise<void> => upsertScheduledEvent(trx, event);
