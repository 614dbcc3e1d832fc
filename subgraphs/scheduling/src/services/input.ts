// Checks of input fields shared by scheduling's services; each failure is BAD_USER_INPUT naming the field.
import { badUserInput, parseId, text } from '@academy/service-kit';

/** An optional text: trimmed, empty as null, at most `max` characters. */
export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (trimmed.length > max) throw badUserInput(`"${field}" must be at most ${max} characters long.`, field);
  return trimmed || null;
}

/** A list of short texts, trimmed and without repeats (case-insensitive), at most `maxItems`. */
export function textList(values: readonly string[] | null | undefined, field: string, maxItems: number, maxLength: number): string[] {
  if (values == null) return [];
  if (values.length > maxItems) throw badUserInput(`"${field}" may hold at most ${maxItems} entries.`, field);
  const seen = new Set<string>();
  const result: string[] = [];
  for (const value of values) {
    const item = text(value, field, { max: maxLength });
    if (seen.has(item.toLowerCase())) continue;
    seen.add(item.toLowerCase());
    result.push(item);
  }
  return result;
}

/** A list of ids, without repeats, at most `maxItems`. */
export function idList(values: readonly string[] | null | undefined, field: string, maxItems: number): string[] {
  if (values == null) return [];
  if (values.length > maxItems) throw badUserInput(`"${field}" may hold at most ${maxItems} entries.`, field);
  return [...new Set(values.map((id) => parseId(id, field)))];
}

/** An https (or, for local meetings, http) URL of at most 2000 characters. */
export function webUrl(value: string, field: string): string {
  const trimmed = text(value, field, { max: 2000 });
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw badUserInput(`"${field}" must be a web address starting with https://.`, field);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badUserInput(`"${field}" must be a web address starting with https://.`, field);
  return trimmed;
}

/** Whether `error` is PostgreSQL's refusal `code` (23505 unique, 23P01 exclusion) of `constraint`. */
export const isConstraintViolation = (error: unknown, code: '23505' | '23P01', constraint: string): boolean =>
  (error as { code?: unknown })?.code === code && (error as { constraint?: unknown }).constraint === constraint;
