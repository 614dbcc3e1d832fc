import { intInRange } from '@academy/service-kit';

/** The loader key of an owner's upcoming sessions, validating the page size. */
export const upcomingKey = (ownerId: string, first: number | null | undefined) =>
  `${ownerId}|${intInRange(first ?? 5, 'first', 1, 50)}`;
