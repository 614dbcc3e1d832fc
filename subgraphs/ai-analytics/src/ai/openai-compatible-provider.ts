// A model behind the OpenAI-compatible chat-completions HTTP API (OpenAI, and the many servers
// that speak it: vLLM, llama.cpp's server, Ollama, LiteLLM...). POST {base}/chat/completions
// with a Bearer key; streamed answers are server-sent events, `data: {json}` per chunk, until
// `data: [DONE]`. The key goes in the Authorization header only: never in a log or an error.
import type { Logger } from '@academy/service-kit';
import { estimatePromptTokens, estimateTokens, ModelProviderError, type CompletionOptions, type ModelChunk, type ModelMessage, type ModelProvider, type ModelUsage } from './model-provider.js';

/** How the adapter reaches the API. */
export interface OpenAiCompatibleOptions {
  /** Base URL up to the version, e.g. https://api.openai.com/v1. */
  baseUrl: string;
  apiKey: string;
  model: string;
  /** Longest wait for the answer to begin, and between two chunks of a stream, in milliseconds. */
  timeoutMs: number;
  /** Most tokens the answer may have. */
  maxTokens: number;
  logger: Logger;
}

interface UsageBody {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
}

interface CompletionBody {
  choices?: { message?: { content?: unknown }; delta?: { content?: unknown } }[];
  usage?: UsageBody | null;
}

const count = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null);

function usageOf(body: UsageBody | null | undefined): ModelUsage | null {
  const promptTokens = count(body?.prompt_tokens);
  const completionTokens = count(body?.completion_tokens);
  return promptTokens === null || completionTokens === null ? null : { promptTokens, completionTokens };
}

/** A provider's HTTP status as the kind of failure it is. */
function failureOf(status: number, retryAfter: string | null): ModelProviderError {
  if (status === 401 || status === 403) return new ModelProviderError('unauthorized', `the model API refused the key (HTTP ${status})`);
  if (status === 429) {
    const seconds = Number(retryAfter);
    return new ModelProviderError('rate_limited', 'the model API is rate limiting us (HTTP 429)', Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined);
  }
  if (status >= 400 && status < 500) return new ModelProviderError('bad_request', `the model API refused the request (HTTP ${status})`);
  return new ModelProviderError('unavailable', `the model API failed (HTTP ${status})`);
}

/** A timer that aborts when nothing happened for `ms`; `touch` restarts it. */
function idleTimeout(ms: number, outer?: AbortSignal) {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, ms);
  };
  const onOuter = () => controller.abort();
  outer?.addEventListener('abort', onOuter, { once: true });
  touch();
  return {
    signal: controller.signal,
    touch,
    timedOut: () => timedOut,
    clear() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

/** The OpenAI-compatible chat-completions adapter. */
export class OpenAiCompatibleProvider implements ModelProvider {
  readonly name = 'openai-compatible';
  readonly #endpoint: string;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    this.#endpoint = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  }

  async *complete(messages: readonly ModelMessage[], options: CompletionOptions): AsyncIterable<ModelChunk> {
    const timer = idleTimeout(this.options.timeoutMs, options.signal);
    try {
      const response = await this.#post(messages, options.stream, timer.signal).catch((error: unknown) => {
        throw this.#networkFailure(error, timer.timedOut());
      });
      timer.touch();
      if (!response.ok) {
        // The body may echo the request; only the status is kept.
        await response.body?.cancel().catch(() => undefined);
        const failure = failureOf(response.status, response.headers.get('retry-after'));
        this.options.logger.warn('model API call failed', { status: response.status, kind: failure.kind });
        throw failure;
      }
      if (options.stream) {
        yield* this.#streamed(response, messages, timer);
      } else {
        const body = (await response.json().catch(() => null)) as CompletionBody | null;
        const text = body?.choices?.[0]?.message?.content;
        if (typeof text !== 'string') throw new ModelProviderError('bad_response', 'the model API answered without a message');
        yield { kind: 'text', text };
        yield { kind: 'usage', usage: usageOf(body?.usage) ?? { promptTokens: estimatePromptTokens(messages), completionTokens: estimateTokens(text) } };
      }
    } catch (error) {
      if (error instanceof ModelProviderError) throw error;
      throw this.#networkFailure(error, timer.timedOut());
    } finally {
      timer.clear();
    }
  }

  #post(messages: readonly ModelMessage[], stream: boolean, signal: AbortSignal): Promise<Response> {
    return fetch(this.#endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', authorization: `Bearer ${this.options.apiKey}` },
      body: JSON.stringify({
        model: this.options.model,
        messages,
        max_tokens: this.options.maxTokens,
        stream,
        // Servers that know it send the usage in a last chunk; others are estimated.
        ...(stream ? { stream_options: { include_usage: true } } : {}),
      }),
      signal,
    });
  }

  async *#streamed(response: Response, messages: readonly ModelMessage[], timer: ReturnType<typeof idleTimeout>): AsyncIterable<ModelChunk> {
    if (!response.body) throw new ModelProviderError('bad_response', 'the model API answered without a body');
    const decoder = new TextDecoder();
    let buffered = '';
    let text = '';
    let usage: ModelUsage | null = null;
    let done = false;
    const reader = response.body.getReader();
    try {
      while (!done) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        timer.touch();
        buffered += decoder.decode(value, { stream: true });
        // Events are separated by a blank line; a line may end in \r\n.
        let boundary: number;
        while ((boundary = buffered.search(/\r?\n\r?\n/)) >= 0) {
          const event = buffered.slice(0, boundary);
          buffered = buffered.slice(boundary).replace(/^\r?\n\r?\n/, '');
          const data = event
            .split(/\r?\n/)
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).replace(/^ /, ''))
            .join('\n');
          if (!data) continue;
          if (data === '[DONE]') {
            done = true;
            break;
          }
          let chunk: CompletionBody;
          try {
            chunk = JSON.parse(data) as CompletionBody;
          } catch {
            throw new ModelProviderError('bad_response', 'the model API sent a chunk that is not JSON');
          }
          usage = usageOf(chunk.usage) ?? usage;
          const piece = chunk.choices?.[0]?.delta?.content;
          if (typeof piece === 'string' && piece.length > 0) {
            text += piece;
            yield { kind: 'text', text: piece };
          }
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    if (!done) throw new ModelProviderError('bad_response', 'the model API ended the stream before [DONE]');
    yield { kind: 'usage', usage: usage ?? { promptTokens: estimatePromptTokens(messages), completionTokens: estimateTokens(text) } };
  }

  #networkFailure(error: unknown, timedOut: boolean): ModelProviderError {
    if (timedOut) return new ModelProviderError('timeout', `the model API did not answer within ${this.options.timeoutMs} ms`);
    if ((error as { name?: unknown })?.name === 'AbortError') return new ModelProviderError('unavailable', 'the call was cancelled');
    // fetch's errors carry the URL at most, never the headers.
    this.options.logger.warn('model API unreachable', { reason: (error as Error)?.message });
    return new ModelProviderError('unavailable', 'the model API cannot be reached');
  }
}
