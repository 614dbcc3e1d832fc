import { badUserInput } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An ID argument: a UUID, lower-cased; BAD_USER_INPUT otherwise. */
export function parseId(value: string, field = 'id'): string {
  if (!UUID.test(value)) throw badUserInput(`"${field}" is not a valid ID.`, field);
  return value.toLowerCase();
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Trims a string and checks its length; BAD_USER_INPUT otherwise. */
export function text(value: string, field: string, options: { min?: number; max: number }): string {
  const trimmed = value.trim();
  const min = options.min ?? 1;
  if (trimmed.length < min || trimmed.length > options.max) {
    throw badUserInput(`"${field}" must be ${min} to ${options.max} characters long.`, field);
  }
  return trimmed;
}

/** An integer within bounds; BAD_USER_INPUT otherwise. */
export function intInRange(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badUserInput(`"${field}" must be a whole number from ${min} to ${max}.`, field);
  }
  return value;
}
