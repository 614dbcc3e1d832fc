// What a new password must be: long enough, not one of the passwords attackers try first, and
// not the account's own address.
import { badUserInput } from '@academy/service-kit';
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 12;
/** Long enough for any passphrase, short enough that hashing it costs nothing extra. */
export const MAX_PASSWORD_LENGTH = 256;

// zxcvbn-ts's list of the most common leaked passwords (MIT), kept in memory as a set.
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/** Whether `password` is on the list of common passwords, ignoring case. */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}

/**
 * Checks a password chosen for the account `email` (normalised); BAD_USER_INPUT saying what is
 * wrong. Length counts Unicode code points, so an emoji is one character.
 */
export function assertAcceptablePassword(password: string, email: string, field = 'password'): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) throw badUserInput(`The password must have at least ${MIN_PASSWORD_LENGTH} characters.`, field);
  if (length > MAX_PASSWORD_LENGTH) throw badUserInput(`The password must have at most ${MAX_PASSWORD_LENGTH} characters.`, field);
  if (isCommonPassword(password)) throw badUserInput('This password is too common; choose another.', field);
  const lowered = password.toLowerCase();
  const local = email.split('@')[0] ?? '';
  if (lowered === email || lowered === local) throw badUserInput('The password must not be your e-mail address.', field);
}
