// Correctness inside the benchmark: every response is compared with the expected answer to its
// request. The expected answer is our gateway's (checked for sense: no errors, the course, user
// or room asked for), fetched before each measurement; each server's own bytes for it are
// sampled then too, so that under load a response is checked by one string comparison. A
// response with other bytes is parsed and compared in canonical form (object keys sorted:
// servers may order keys differently; lists are compared in order, since every list of the
// operations has a defined order: by title, position, start time, sequence or role name).
import type { Variant } from './variants.js';

/** What a response to one request must be. */
export interface ExpectedAnswer {
  /** Bodies known to be right, byte for byte (the server's own, then any other seen right). */
  accepted: string[];
  /** The reference answer in canonical form. */
  canonical: string;
}

/** Bodies kept per request beyond the first: enough for servers that vary bytes, bounded. */
const MAX_ACCEPTED = 4;

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** A JSON body in canonical form; null when it is not JSON. */
export function canonical(body: string): string | null {
  try {
    return JSON.stringify(sortKeys(JSON.parse(body)));
  } catch {
    return null;
  }
}

/** Where two JSON values first differ, for messages. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (a === b) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return `${path}: ${JSON.stringify(a)?.slice(0, 120)} ≠ ${JSON.stringify(b)?.slice(0, 120)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

/** Whether `body` (with `status`) is the expected answer; remembers other right bytes it sees. */
export function isExpected(expected: ExpectedAnswer, status: number, body: string): boolean {
  if (status !== 200) return false;
  if (expected.accepted.includes(body)) return true;
  if (canonical(body) !== expected.canonical) return false;
  if (expected.accepted.length < MAX_ACCEPTED) expected.accepted.push(body);
  return true;
}

async function post(url: string, variant: Variant): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: 'POST', headers: variant.headers, body: variant.body, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, body: await response.text() };
}

/** The reference answer to `variant` (our gateway's), in canonical form; throws when it makes no sense. */
export async function referenceAnswer(referenceUrl: string, variant: Variant): Promise<string> {
  const { status, body } = await post(referenceUrl, variant);
  const parsed = status === 200 ? (JSON.parse(body) as { data?: unknown; errors?: unknown }) : null;
  const problem = !parsed ? `status ${status}` : parsed.errors ? `errors ${JSON.stringify(parsed.errors).slice(0, 300)}` : variant.problem(parsed.data);
  if (problem) throw new Error(`the reference answer to ${variant.label} is wrong (${problem}): ${body.slice(0, 300)}`);
  return canonical(body)!;
}

/**
 * The expected answers to `variants` for the server at `serverUrl`, and what was wrong with
 * that server's answers (each wrong answer is also an error of the measurement that follows).
 */
export async function expectedAnswers(referenceUrl: string, serverUrl: string, variants: Variant[]): Promise<{ expected: ExpectedAnswer[]; wrong: string[] }> {
  const expected: ExpectedAnswer[] = [];
  const wrong: string[] = [];
  for (const variant of variants) {
    const reference = await referenceAnswer(referenceUrl, variant);
    const answer = await post(serverUrl, variant);
    const right = answer.status === 200 && canonical(answer.body) === reference;
    expected.push({ accepted: right ? [answer.body] : [], canonical: reference });
    if (!right) {
      const got = canonical(answer.body);
      const where = got ? firstDifference(JSON.parse(reference), JSON.parse(got)) : `not JSON: ${answer.body.slice(0, 200)}`;
      wrong.push(`${variant.label}: status ${answer.status}, ${where}`);
    }
  }
  return { expected, wrong };
}
