// Runs generated operations against a whole stack over HTTP and reports every server fault:
// an HTTP 5xx, an INTERNAL_SERVER_ERROR, a stack trace or SQL text in an answer, or a valid
// operation the gateway could not parse or validate (a fault of the generator itself).
import { buildSchema } from 'graphql';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { ErrorCode, RequestErrorCode } from '@academy/service-kit';
import { mintTestAccessToken } from '@academy/service-kit/testing';
import { seed } from '../../db/src/seed/index.js';
import type { TestStack } from '../support/stack.js';
import { OperationGenerator, type FuzzOperation, type FuzzPools, type IdKind } from './generator.js';

export interface FuzzOptions {
  count: number;
  seed: string;
  /** Operations in flight at once (default 1); more find races, at the cost of reproducibility. */
  concurrency?: number;
  /** Called after each answer, e.g. to show progress. */
  onAnswer?: (done: number) => void;
}

export interface FuzzFault {
  operation: FuzzOperation;
  status: number;
  reasons: string[];
  answer: string;
}

export interface FuzzReport {
  seed: string;
  count: number;
  valid: number;
  invalid: number;
  /** Answers by `status code[,code…]`, e.g. `200 ok`, `400 GRAPHQL_PARSE_FAILED`. */
  outcomes: Record<string, number>;
  faults: FuzzFault[];
  /** Lines the stack logged at warn or error while it answered: a client's mistake is at most info. */
  serverLogs: string[];
}

const STACK_TRACE = /\n\s+at |\bat [\w$.<>]+ \([^)]*:\d+:\d+\)|\.[cm]?[jt]s:\d+:\d+|node_modules/;
const SQL_TEXT =
  /\b(select|insert|update|delete)\b[\s\S]{0,200}\b(from|into|set|where)\b|syntax error at or near|violates [\w-]+ (key )?constraint|relation "|column "|duplicate key|invalid input syntax for type|invalid byte sequence/i;
/** Refusals of the gateway's operation limits, which a generated valid operation may meet. */
const LIMIT_REFUSAL = /depth|alias|directive|token|cost|complex|limit|recursive/i;

const ID_TABLES: Record<IdKind, string> = {
  Course: 'learning.courses',
  TrainingSession: 'scheduling.training_sessions',
  Venue: 'scheduling.venues',
  Trainer: 'scheduling.trainers',
  Topic: 'learning.topics',
  User: 'identity.users',
  ChatRoom: 'community.chat_rooms',
  ChatMessage: 'community.chat_messages',
  Notification: 'community.notifications',
  Registration: 'scheduling.registrations',
  CoachingSession: 'scheduling.coaching_sessions',
  Event: 'scheduling.events',
  Post: 'community.posts',
  Comment: 'community.post_comments',
  Order: 'commerce.orders',
  TicketType: 'commerce.ticket_types',
};

/** Loads a small demo data set into the stack's database and reads what operations may name. */
export async function prepareFuzzData(stack: TestStack): Promise<FuzzPools> {
  await seed({ adminUrl: stack.database.adminUrl, scale: 0.02 });
  const client = new pg.Client({ connectionString: stack.database.adminUrl });
  await client.connect();
  try {
    const ids = {} as Record<IdKind, string[]>;
    for (const [kind, table] of Object.entries(ID_TABLES) as [IdKind, string][]) {
      ids[kind] = (await client.query<{ id: string }>(`SELECT id FROM ${table} ORDER BY id LIMIT 200`)).rows.map((r) => r.id);
    }
    const slugs = (await client.query<{ slug: string }>('SELECT slug FROM learning.courses ORDER BY slug')).rows.map((r) => r.slug);
    const emails = (await client.query<{ email: string }>('SELECT email FROM identity.users ORDER BY email LIMIT 50')).rows.map((r) => r.email);
    const memberships = (await client.query<{ room_id: string; user_id: string }>('SELECT room_id, user_id FROM community.chat_room_members ORDER BY room_id, user_id LIMIT 500')).rows.map(
      (r) => [r.room_id, r.user_id] as [string, string],
    );
    const usersByRole: Record<string, string[]> = {};
    for (const row of (await client.query<{ role: string; user_id: string }>('SELECT role, user_id FROM identity.user_roles ORDER BY role, user_id')).rows) {
      (usersByRole[row.role] ??= []).push(row.user_id);
    }
    return { ids, slugs, emails, memberships, usersByRole, cursors: [] };
  } finally {
    await client.end();
  }
}

function accessToken(key: KeyObject, kid: string, userId: string, role: string): Promise<string> {
  return mintTestAccessToken({ userId, roles: role === 'LEARNER' ? ['LEARNER'] : ['LEARNER', role], privateKey: key, keyId: kid });
}

/** What is wrong with one answer; empty when nothing is. */
export function faultsOf(operation: FuzzOperation, status: number, text: string): string[] {
  const reasons: string[] = [];
  if (status >= 500) reasons.push(`HTTP ${status}`);
  let errors: { message?: unknown; extensions?: { code?: unknown } }[] = [];
  try {
    const body = JSON.parse(text) as { errors?: typeof errors };
    errors = Array.isArray(body.errors) ? body.errors : [];
  } catch {
    reasons.push('an answer that is not JSON');
  }
  if (errors.some((e) => e.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR)) reasons.push(ErrorCode.INTERNAL_SERVER_ERROR);
  if (STACK_TRACE.test(text)) reasons.push('a stack trace');
  if (errors.some((e) => SQL_TEXT.test(String(e.message)))) reasons.push('SQL text');
  if (operation.valid) {
    const refused = errors.find(
      (e) => e.extensions?.code === RequestErrorCode.GRAPHQL_PARSE_FAILED || (e.extensions?.code === RequestErrorCode.GRAPHQL_VALIDATION_FAILED && !LIMIT_REFUSAL.test(String(e.message))),
    );
    if (refused) reasons.push(`a generated valid operation refused: ${String(refused.message)}`);
  }
  return reasons;
}

const CURSOR_FIELD = /"(?:cursor|startCursor|endCursor)":"([A-Za-z0-9_-]{1,500})"/g;
const MAX_CURSORS = 200;

/** Keeps the cursors of an answer for later operations (the oldest make room for new ones). */
function collectCursors(pools: FuzzPools, text: string): void {
  for (const [, cursor] of text.matchAll(CURSOR_FIELD)) {
    if (pools.cursors.includes(cursor!)) continue;
    pools.cursors.push(cursor!);
    if (pools.cursors.length > MAX_CURSORS) pools.cursors.shift();
  }
}

function outcomeOf(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[] };
    const codes = [...new Set((body.errors ?? []).map((e) => String(e.extensions?.code)))].sort();
    return `${status} ${codes.length ? codes.join(',') : 'ok'}`;
  } catch {
    return `${status} (not JSON)`;
  }
}

/**
 * Sends `options.count` generated operations, one after another, to the stack's gateway. An
 * operation depends on the seed, its index and the cursors of the answers before it.
 */
export async function runFuzz(stack: TestStack, pools: FuzzPools, options: FuzzOptions): Promise<FuzzReport> {
  const schema = buildSchema(readFileSync(new URL('../../schema/api.graphql', import.meta.url), 'utf8'));
  const generator = new OperationGenerator(schema, pools, options.seed);
  const key = createPrivateKey(stack.signingKey.pem);
  const tokens = new Map<string, string>();
  const report: FuzzReport = { seed: options.seed, count: options.count, valid: 0, invalid: 0, outcomes: {}, faults: [], serverLogs: [] };
  let next = 0;
  let done = 0;
  const send = async (index: number) => {
    const operation = generator.generate(index);
    if (operation.valid) report.valid += 1;
    else report.invalid += 1;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (operation.role && operation.viewerId) {
      const cacheKey = `${operation.viewerId}/${operation.role}`;
      if (!tokens.has(cacheKey)) tokens.set(cacheKey, await accessToken(key, stack.signingKey.kid, operation.viewerId, operation.role));
      headers.authorization = `Bearer ${tokens.get(cacheKey)}`;
    }
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers,
      body: typeof operation.body === 'string' ? operation.body : JSON.stringify(operation.body),
    });
    const text = await response.text();
    collectCursors(pools, text);
    const outcome = outcomeOf(response.status, text);
    report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
    const reasons = faultsOf(operation, response.status, text);
    if (reasons.length) report.faults.push({ operation, status: response.status, reasons, answer: text.slice(0, 2000) });
    done += 1;
    options.onAnswer?.(done);
  };
  const worker = async () => {
    while (next < options.count) await send(next++);
  };
  // The services of the stack run in this process and log to its stderr.
  const write = process.stderr.write;
  process.stderr.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    const text = String(chunk);
    if (/"level":"(warn|error)"/.test(text)) report.serverLogs.push(text.slice(0, 2000));
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stderr.write;
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 1 }, worker));
  } finally {
    process.stderr.write = write;
  }
  report.faults.sort((a, b) => a.operation.index - b.operation.index);
  return report;
}

/** A summary to print: counts by outcome, then each fault with what reproduces it. */
export function formatReport(report: FuzzReport): string {
  const lines = [
    `fuzz: seed ${report.seed}, ${report.count} operations (${report.valid} valid, ${report.invalid} invalid), ${report.faults.length} faults, ${report.serverLogs.length} warnings or errors logged`,
    ...Object.entries(report.outcomes)
      .sort(([, a], [, b]) => b - a)
      .map(([outcome, count]) => `  ${String(count).padStart(6)}  ${outcome}`),
  ];
  for (const fault of report.faults) {
    lines.push(
      '',
      `fault: operation ${fault.operation.index} of seed ${report.seed} (${fault.operation.kind}, ${fault.operation.role ?? 'anonymous'}): ${fault.reasons.join('; ')}`,
      `  request: ${typeof fault.operation.body === 'string' ? fault.operation.body : JSON.stringify(fault.operation.body)}`,
      `  answer (HTTP ${fault.status}): ${fault.answer}`,
    );
  }
  for (const line of report.serverLogs) lines.push('', `logged: ${line.trimEnd()}`);
  return lines.join('\n');
}
