// Validation of what users type into identity's operations. Each function returns the value to
// store (trimmed, normalised) or throws BAD_USER_INPUT naming the field.
import { badUserInput } from '@academy/service-kit';

export const MAX_EMAIL_LENGTH = 254;
export const MAX_NAME_LENGTH = 100;
export const MAX_AVATAR_URL_LENGTH = 2048;
export const MAX_BIO_LENGTH = 2000;
/** RFC 5646 asks implementations to handle tags of at least 35 characters; longer ones are not real. */
const MAX_LANGUAGE_TAG_LENGTH = 35;

// A dot-atom local part and a domain of LDH labels with at least one dot: what mail servers
// accept in practice, without quoted local parts or address literals.
const EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const CONTROL_CHARACTERS = /\p{Cc}/u;

/** Trimmed and lower-cased: how e-mail addresses are stored and compared. */
export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** A normalised e-mail address of valid syntax, at most 254 characters. */
export function parseEmail(value: string, field = 'email'): string {
  const email = normalizeEmail(value);
  const local = email.split('@')[0] ?? '';
  if (email.length > MAX_EMAIL_LENGTH || local.length > 64 || !EMAIL.test(email)) {
    throw badUserInput(`"${field}" is not a valid e-mail address.`, field);
  }
  return email;
}

/** A first or last name: 1 to 100 characters once trimmed, no control characters. */
export function parseName(value: string, field: string): string {
  const name = value.trim();
  if (name.length < 1 || name.length > MAX_NAME_LENGTH) throw badUserInput(`"${field}" must be 1 to ${MAX_NAME_LENGTH} characters long.`, field);
  if (CONTROL_CHARACTERS.test(name)) throw badUserInput(`"${field}" must not contain control characters.`, field);
  return name;
}

/** An https URL of at most 2048 characters, without credentials in it. */
export function parseAvatarUrl(value: string, field = 'avatarUrl'): string {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badUserInput(`"${field}" must be an https URL.`, field);
  }
  if (url.protocol !== 'https:' || !url.hostname || url.username || url.password) {
    throw badUserInput(`"${field}" must be an https URL.`, field);
  }
  if (text.length > MAX_AVATAR_URL_LENGTH) throw badUserInput(`"${field}" must be at most ${MAX_AVATAR_URL_LENGTH} characters long.`, field);
  return text;
}

/** Free text of at most 2000 characters once trimmed. */
export function parseBio(value: string, field = 'bio'): string {
  const bio = value.trim();
  if (bio.length > MAX_BIO_LENGTH) throw badUserInput(`"${field}" must be at most ${MAX_BIO_LENGTH} characters long.`, field);
  return bio;
}

/** An IANA time zone name such as Europe/London, in its canonical spelling. */
export function parseTimezone(value: string, field = 'timezone'): string {
  const name = value.trim();
  // Intl also accepts offsets like "+01:00", which are not zone names.
  if (/^[A-Za-z]/.test(name) && name.length <= 64) {
    try {
      return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      // Not a zone this runtime knows: refused below.
    }
  }
  throw badUserInput(`"${field}" must be an IANA time zone such as Europe/London.`, field);
}

/** A BCP 47 language tag such as en-GB, in its canonical form. */
export function parseLanguage(value: string, field = 'language'): string {
  const tag = value.trim();
  if (tag.length > 0 && tag.length <= MAX_LANGUAGE_TAG_LENGTH) {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical) return canonical;
    } catch {
      // Not a well-formed tag: refused below.
    }
  }
  throw badUserInput(`"${field}" must be a BCP 47 language tag such as en-GB.`, field);
}

/** What people see as the user's name: "First Last", within the column's 120 characters. */
export function displayNameOf(firstName: string, lastName: string): string {
  return `${firstName} ${lastName}`.slice(0, 120).trim();
}
