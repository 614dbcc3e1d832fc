// The assistant: a question, the catalogue passages that answer it, the model's answer with the
// courses it cites, stored with the conversation and counted against the user's daily quota.
import { DomainError, ErrorCode, hasRole, notFound, parseId, requireViewer, text, type Viewer } from '@academy/service-kit';
import type { AiAnalyticsContext } from '../context.js';
import type { AiConversation, AiMessage } from '../db/database.js';
import type { AssistantSettings } from '../ai/assistant-config.js';
import { ModelProviderError, type ModelMessage, type ModelProvider, type ModelUsage, type Passage } from '../ai/model-provider.js';
import type { MutationAskAssistantArgs } from '../generated/graphql.js';
import { findConversation, findLastMessages, insertConversation, listConversations, insertMessages, lockConversation, nextMessagePosition, touchConversation } from '../repositories/conversation.repository.js';
import { searchCourseDocuments } from '../repositories/course-document.repository.js';
import { addUsage, tokensUsedOn } from '../repositories/usage.repository.js';

/** What the assistant runs on: the configured model and the settings for cost and quotas. */
export interface AssistantRuntime {
  provider: ModelProvider;
  settings: Readonly<AssistantSettings>;
}

/** One event of askAssistantStream: a chunk of the answer, the stored answer, or why it failed. */
export type AssistantReplyEventModel = { chunk: string; message: null } | { chunk: null; message: AiMessage } | { error: Error };

/** Longest question, in characters. */
export const MAX_QUESTION_LENGTH = 4_000;
/** Courses cited at most in one answer. */
const MAX_PASSAGES = 3;
/** Earlier messages of the conversation sent with the question. */
const HISTORY_MESSAGES = 6;
/** Words of a question searched at most. */
const MAX_TERMS = 32;
const TITLE_LENGTH = 80;
/** Conversations aiConversations lists at most. */
const MAX_CONVERSATIONS_LISTED = 100;

const DAY_MS = 24 * 3600 * 1000;

/** A UTC day as YYYY-MM-DD. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** The next UTC midnight after `at`: when a day's quota starts again. */
export const nextUtcMidnight = (at: Date): Date => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS + DAY_MS);

/** The daily token quota of the viewer: the highest of their roles' (LEARNER's when they hold none). */
export function dailyQuotaOf(viewer: Viewer, settings: Readonly<AssistantSettings>): number {
  const quotas = settings.AI_DAILY_TOKEN_QUOTAS;
  return viewer.roles.length === 0 ? quotas.LEARNER : Math.max(...viewer.roles.map((role) => quotas[role] ?? 0));
}

/** Words of a text to search for: letters and digits only (safe inside a tsquery), lower case, once each. */
export function searchTerms(value: string): string[] {
  const words = value.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((w) => w.length >= 2 && w.length <= 40))].slice(0, MAX_TERMS);
}

/** The passages for a question: its own words first; the previous question's too when those find nothing. */
async function retrieve(ctx: AiAnalyticsContext, question: string, history: readonly AiMessage[]): Promise<Passage[]> {
  const toPassage = (d: { course_id: string; slug: string; title: string; excerpt: string; rank: number }): Passage => ({
    courseId: d.course_id,
    slug: d.slug,
    title: d.title,
    excerpt: d.excerpt,
    rank: d.rank,
  });
  const own = await searchCourseDocuments(ctx.db, searchTerms(question), MAX_PASSAGES);
  if (own.length > 0) return own.map(toPassage);
  // A follow-up ("and for children?") leans on the turn before it.
  const previous = [...history].reverse().find((m) => m.role === 'USER');
  if (!previous) return [];
  return (await searchCourseDocuments(ctx.db, searchTerms(`${previous.content} ${question}`), MAX_PASSAGES)).map(toPassage);
}

/** The instructions and the passages, as the system message every provider receives. */
function systemMessage(passages: readonly Passage[]): ModelMessage {
  const context = passages.length
    ? passages.map((p, i) => `[${i + 1}] ${p.title} (/courses/${p.slug}): ${p.excerpt.replace(/\s+/g, ' ')}`).join('\n')
    : '(no course matched the question)';
  return {
    role: 'system',
    content:
      'You help people choose courses of this training catalogue. Answer only from the catalogue passages below; ' +
      'name each course you recommend by its title with a one-line reason. If none fits, say so.\n\nCatalogue passages:\n' +
      context,
  };
}

const modelRole = (role: AiMessage['role']): ModelMessage['role'] => (role === 'ASSISTANT' ? 'assistant' : role === 'SYSTEM' ? 'system' : 'user');

/** A provider's failure as the client sees it: busy (RATE_LIMITED) or unavailable; details stay in the log. */
function clientErrorOf(ctx: AiAnalyticsContext, error: unknown): Error {
  if (!(error instanceof ModelProviderError)) return error as Error;
  ctx.logger.warn('the model could not answer', { kind: error.kind, reason: error.message });
  if (error.kind === 'rate_limited') {
    return new DomainError(ErrorCode.RATE_LIMITED, 'The assistant is busy: try again shortly.', { retryAfterSeconds: error.retryAfterSeconds ?? 30 });
  }
  return new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The assistant cannot answer right now: try again shortly.');
}

/** A question checked and ready for the model: who asks, where, what and with which passages. */
interface PreparedTurn {
  viewer: Viewer;
  conversation: AiConversation | null;
  question: string;
  messages: ModelMessage[];
  passages: Passage[];
}

/**
 * Checks a question before any model is called: signed in, 1 to 4,000 characters, the
 * conversation the viewer's own, the day's quota not used up (RATE_LIMITED with resetsAt).
 * Then gathers the conversation's last turns and the catalogue passages.
 */
async function prepareTurn(ctx: AiAnalyticsContext, args: MutationAskAssistantArgs): Promise<PreparedTurn> {
  const viewer = requireViewer(ctx);
  const question = text(args.message, 'message', { min: 1, max: MAX_QUESTION_LENGTH });
  let conversation: AiConversation | null = null;
  if (args.conversationId != null) {
    const id = parseId(args.conversationId, 'conversationId');
    conversation = (await findConversation(ctx.db, id)) ?? null;
    // Someone else's conversation is as good as unknown: its existence is not revealed.
    if (!conversation || conversation.user_id !== viewer.userId) throw notFound('No such conversation.');
  }
  const now = new Date();
  const quota = dailyQuotaOf(viewer, ctx.assistant.settings);
  const used = await tokensUsedOn(ctx.db, viewer.userId, utcDay(now));
  if (used >= quota) {
    throw new DomainError(ErrorCode.RATE_LIMITED, `Today's assistant quota (${quota} tokens) is used up.`, {
      resetsAt: nextUtcMidnight(now).toISOString(),
      quota,
      used,
    });
  }
  const history = conversation ? await findLastMessages(ctx.db, conversation.id, HISTORY_MESSAGES) : [];
  const passages = await retrieve(ctx, question, history);
  const messages: ModelMessage[] = [
    systemMessage(passages),
    ...history.filter((m) => m.role !== 'SYSTEM').map((m) => ({ role: modelRole(m.role), content: m.content })),
    { role: 'user', content: question },
  ];
  return { viewer, conversation, question, messages, passages };
}

/** A conversation's title: the first question's first line, shortened. */
function titleOf(question: string): string {
  const line = question.split('\n')[0]!.replace(/\s+/g, ' ').trim();
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1).trimEnd()}…` : line;
}

/**
 * Stores the question and the answer in one transaction: the conversation (new, or the
 * existing one locked so turns take consecutive positions), both messages, and the usage.
 */
async function storeTurn(ctx: AiAnalyticsContext, turn: PreparedTurn, answer: string, usage: ModelUsage): Promise<AiMessage> {
  const { settings } = ctx.assistant;
  return ctx.db.transaction().execute(async (trx) => {
    let conversation = turn.conversation;
    if (conversation) {
      conversation = (await lockConversation(trx, conversation.id)) ?? null;
      if (!conversation) throw notFound('No such conversation.');
    } else {
      conversation = await insertConversation(trx, { user_id: turn.viewer.userId, title: titleOf(turn.question) });
    }
    const position = await nextMessagePosition(trx, conversation.id);
    const stored = await insertMessages(trx, [
      { conversation_id: conversation.id, position, role: 'USER', content: turn.question, token_count: usage.promptTokens },
      {
        conversation_id: conversation.id,
        position: position + 1,
        role: 'ASSISTANT',
        content: answer,
        token_count: usage.completionTokens,
        citations: turn.passages.map((p) => p.courseId),
      },
    ]);
    await touchConversation(trx, conversation.id);
    await addUsage(trx, {
      userId: turn.viewer.userId,
      day: utcDay(new Date()),
      tokensIn: usage.promptTokens,
      tokensOut: usage.completionTokens,
      costThousandths: usage.promptTokens * settings.AI_PRICE_INPUT_PER_1K_MINOR + usage.completionTokens * settings.AI_PRICE_OUTPUT_PER_1K_MINOR,
      currency: settings.AI_COST_CURRENCY,
    });
    return stored.find((m) => m.role === 'ASSISTANT')!;
  });
}

/** Runs the model over a prepared turn: each chunk to `onChunk`, then the whole answer and its usage. */
async function runModel(ctx: AiAnalyticsContext, turn: PreparedTurn, stream: boolean, onChunk: (chunk: string) => void, signal?: AbortSignal) {
  let answer = '';
  let usage: ModelUsage | null = null;
  try {
    for await (const chunk of ctx.assistant.provider.complete(turn.messages, { stream, passages: turn.passages, signal })) {
      if (chunk.kind === 'usage') usage = chunk.usage;
      else {
        answer += chunk.text;
        onChunk(chunk.text);
      }
    }
  } catch (error) {
    throw clientErrorOf(ctx, error);
  }
  if (!usage) throw clientErrorOf(ctx, new ModelProviderError('bad_response', 'the provider reported no usage'));
  return { answer: answer.trim(), usage };
}

/** Asks the assistant and returns the stored answer. */
export async function askAssistant(ctx: AiAnalyticsContext, args: MutationAskAssistantArgs): Promise<AiMessage> {
  const turn = await prepareTurn(ctx, args);
  const { answer, usage } = await runModel(ctx, turn, false, () => undefined);
  return storeTurn(ctx, turn, answer, usage);
}

/**
 * askAssistant as a stream. The checks run before the stream starts, so a refused question is
 * refused like a query; afterwards each chunk is an event, the stored answer the last one. A
 * failure of the model is delivered as an event carrying the error (the client sees a GraphQL
 * error), after which the stream ends; nothing is stored then. A subscriber who leaves cancels
 * the model's call.
 */
export async function askAssistantStream(ctx: AiAnalyticsContext, args: MutationAskAssistantArgs): Promise<AsyncIterable<AssistantReplyEventModel>> {
  const turn = await prepareTurn(ctx, args);
  return streamTurn(ctx, turn);
}

async function* streamTurn(ctx: AiAnalyticsContext, turn: PreparedTurn): AsyncGenerator<AssistantReplyEventModel> {
  const controller = new AbortController();
  const queue: string[] = [];
  let wake: (() => void) | null = null;
  let finished = false;
  let outcome: { answer: string; usage: ModelUsage } | { error: Error } | null = null;
  // The model runs on its own; chunks queue up and are yielded as the subscriber takes them.
  void runModel(ctx, turn, true, (chunk) => {
    queue.push(chunk);
    wake?.();
  }, controller.signal)
    .then((result) => (outcome = result), (error: Error) => (outcome = { error }))
    .finally(() => {
      finished = true;
      wake?.();
    });
  try {
    while (true) {
      if (queue.length > 0) {
        yield { chunk: queue.shift()!, message: null };
        continue;
      }
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
    const result = outcome as { answer: string; usage: ModelUsage } | { error: Error } | null;
    if (!result || 'error' in result) {
      yield { error: result?.error ?? new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The assistant cannot answer right now: try again shortly.') };
      return;
    }
    try {
      yield { chunk: null, message: await storeTurn(ctx, turn, result.answer, result.usage) };
    } catch (error) {
      yield { error: error as Error };
    }
  } finally {
    // The subscriber left (or the stream ended): a model still answering is stopped.
    controller.abort();
  }
}

/** The signed-in user's conversations, most recently active first (the latest 100). */
export async function myConversations(ctx: AiAnalyticsContext): Promise<AiConversation[]> {
  const viewer = requireViewer(ctx);
  return listConversations(ctx.db, viewer.userId, MAX_CONVERSATIONS_LISTED);
}

/** A conversation, to its owner and ADMIN; null for anyone else. */
export async function conversationById(ctx: AiAnalyticsContext, id: string): Promise<AiConversation | null> {
  const viewer = requireViewer(ctx);
  const conversation = await findConversation(ctx.db, parseId(id));
  if (!conversation) return null;
  return conversation.user_id === viewer.userId || hasRole(ctx, 'ADMIN') ? conversation : null;
}

/** A conversation's messages, in order (batched over the conversations of a request). */
export const messagesOf = (ctx: AiAnalyticsContext, conversation: AiConversation): Promise<AiMessage[]> => ctx.loaders.messagesOfConversation.load(conversation.id);
