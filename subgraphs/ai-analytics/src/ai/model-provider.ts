// What the assistant asks of a language model, whichever one is configured: a chat completion
// over messages, streamed or whole, and the tokens it counted. Retrieval happens before the
// call (src/services/assistant.service.ts): every provider gets the same passages, and the
// answer cites the courses they came from.

/** One message of the conversation sent to the model. */
export interface ModelMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A passage of a course document that retrieval found for the question. */
export interface Passage {
  courseId: string;
  slug: string;
  title: string;
  /** The course document's best-matching words, as one line. */
  excerpt: string;
  /** ts_rank of the course document for the question (higher: better). */
  rank: number;
}

/** Tokens the model counted for one completion. */
export interface ModelUsage {
  promptTokens: number;
  completionTokens: number;
}

/** A piece of the answer's text, or (once, last) what the completion counted. */
export type ModelChunk = { kind: 'text'; text: string } | { kind: 'usage'; usage: ModelUsage };

/** What one completion is asked for. */
export interface CompletionOptions {
  /** Stream: chunks as the model produces them; otherwise the whole text as one chunk. */
  stream: boolean;
  /** The passages already rendered into the system message (providers without a model compose from them). */
  passages: readonly Passage[];
  /** Ends the call early (the client went away). */
  signal?: AbortSignal;
}

/** Why a provider could not answer. */
export type ModelErrorKind = 'timeout' | 'unauthorized' | 'rate_limited' | 'unavailable' | 'bad_request' | 'bad_response';

/** A provider's failure, with what went wrong; never carries the API key. */
export class ModelProviderError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    /** For rate_limited: seconds the provider asked us to wait, when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ModelProviderError';
  }
}

/** A language model behind a chat-completions interface. */
export interface ModelProvider {
  /** For logs and metrics: `local` or `openai-compatible`. */
  readonly name: string;
  /** The text chunks of the answer in order, then one `usage` chunk. Throws ModelProviderError. */
  complete(messages: readonly ModelMessage[], options: CompletionOptions): AsyncIterable<ModelChunk>;
}

/**
 * Tokens of a text when no model counts them: about four characters per token, the usual rule
 * of thumb for English text with BPE tokenizers. Deterministic, so quotas behave the same offline.
 */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** Estimated prompt tokens of a list of messages (each message costs a few tokens of framing). */
export function estimatePromptTokens(messages: readonly ModelMessage[]): number {
  return messages.reduce((sum, m) => sum + 4 + estimateTokens(m.content), 0);
}
