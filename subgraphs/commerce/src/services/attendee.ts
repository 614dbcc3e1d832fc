// Validation of the attendees a buyer names for tickets at checkout.
import { badUserInput } from '@academy/service-kit';
import type { AttendeeInput } from '../generated/graphql.js';

/** Longest attendee name, once trimmed. */
export const MAX_ATTENDEE_NAME_LENGTH = 200;
const MAX_EMAIL_LENGTH = 254;
// A dot-atom local part and a domain of LDH labels with at least one dot: what mail servers
// accept in practice (identity checks sign-up addresses the same way).
const EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const CONTROL_CHARACTERS = /\p{Cc}/u;

/** An attendee as stored: the name trimmed, the e-mail address trimmed and lower-cased. */
export interface Attendee {
  name: string;
  email: string;
}

/**
 * Checks a ticket line's attendees: exactly `quantity` of them, each a name of 1–200 characters
 * without control characters and a valid e-mail address. BAD_USER_INPUT names the field.
 */
export function parseAttendees(attendees: readonly AttendeeInput[], quantity: number, field: string): Attendee[] {
  if (attendees.length !== quantity) throw badUserInput(`"${field}" must name one attendee per ticket (${quantity}).`, field);
  return attendees.map((attendee, i) => {
    const name = attendee.name.trim();
    if (name.length < 1 || name.length > MAX_ATTENDEE_NAME_LENGTH || CONTROL_CHARACTERS.test(name)) {
      throw badUserInput(`"${field}.${i}.name" must be 1 to ${MAX_ATTENDEE_NAME_LENGTH} characters without control characters.`, `${field}.${i}.name`);
    }
    const email = attendee.email.trim().toLowerCase();
    const local = email.split('@')[0] ?? '';
    if (email.length > MAX_EMAIL_LENGTH || local.length > 64 || !EMAIL.test(email)) {
      throw badUserInput(`"${field}.${i}.email" is not a valid e-mail address.`, `${field}.${i}.email`);
    }
    return { name, email };
  });
}
