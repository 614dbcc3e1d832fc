// How tasks for an event are proposed. The service asks an EventTaskGenerator and stores what it
// answers; the local one below uses a fixed checklist, so it needs no network and answers the
// same every time. A generator calling a model provider implements the same interface.

/** The event to plan for, as ai-analytics knows it from scheduling's EventScheduled. */
export interface EventTaskRequest {
  name: string;
  startsAt: Date;
  endsAt: Date;
}

/** One proposed task. */
export interface GeneratedEventTask {
  /** Identifies the task within the event (lowercase, digits and _): one task of each kind per event. */
  kind: string;
  title: string;
  description: string;
  dueAt: Date;
}

/** Proposes tasks for an event. */
export interface EventTaskGenerator {
  propose(request: EventTaskRequest): Promise<GeneratedEventTask[]>;
}

const DAY_MS = 24 * 3600 * 1000;

/** A checklist item: due `days` before the start (negative: after the end). */
interface ChecklistItem {
  kind: string;
  title: string;
  description: string;
  days: number;
}

const CHECKLIST: readonly ChecklistItem[] = [
  { kind: 'book_venue', title: 'Book the venue', description: 'Confirm the room, its capacity and access times in writing.', days: 30 },
  { kind: 'confirm_speakers', title: 'Confirm speakers and trainers', description: 'Agree topics, timings and travel with everyone presenting.', days: 21 },
  { kind: 'announce', title: 'Announce the event', description: 'Publish the event page and tell past attendees and partners.', days: 21 },
  { kind: 'order_catering', title: 'Order catering', description: 'Order food and drinks for the expected numbers, with dietary needs.', days: 10 },
  { kind: 'prepare_materials', title: 'Prepare materials', description: 'Print handouts and badges; test slides and equipment.', days: 3 },
  { kind: 'send_reminder', title: 'Send a reminder', description: 'Remind registered attendees of the time, place and what to bring.', days: 1 },
  { kind: 'send_follow_up', title: 'Send thanks and a feedback survey', description: 'Thank attendees, share materials and ask for feedback.', days: -1 },
];

/** The local generator: the fixed checklist, each item due relative to the event's start (or end, for follow-ups). */
export function createLocalEventTaskGenerator(): EventTaskGenerator {
  return {
    async propose(event) {
      return CHECKLIST.map((item) => ({
        kind: item.kind,
        title: item.title,
        description: item.description,
        dueAt: item.days >= 0 ? new Date(event.startsAt.getTime() - item.days * DAY_MS) : new Date(event.endsAt.getTime() - item.days * DAY_MS),
      }));
    },
  };
}
