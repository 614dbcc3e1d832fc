// Which model the assistant uses, what its tokens cost and how many each role may use a day.
// Read once at start-up (AI_* variables); every problem is listed together.
import { loadConfig, ROLES, withoutEmptyValues, z, type Logger, type Role } from '@academy/service-kit';
import { LocalModelProvider } from './local-provider.js';
import type { ModelProvider } from './model-provider.js';
import { OpenAiCompatibleProvider } from './openai-compatible-provider.js';

/** The providers AI_PROVIDER may name. */
export const AI_PROVIDERS = ['local', 'openai-compatible'] as const;

/** Daily token quotas by role unless AI_DAILY_TOKEN_QUOTAS says otherwise. */
export const DEFAULT_DAILY_TOKEN_QUOTAS: Readonly<Record<Role, number>> = {
  LEARNER: 20_000,
  TRAINER: 50_000,
  CONTENT_AUTHOR: 50_000,
  ORGANIZER: 50_000,
  ANALYST: 50_000,
  PARTNER: 0,
  ADMIN: 200_000,
};

/** `LEARNER=20000,ADMIN=200000`: the roles named replace their defaults. */
const quotaList = z
  .string()
  .transform((value, ctx) => {
    const quotas: Record<string, number> = { ...DEFAULT_DAILY_TOKEN_QUOTAS };
    for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
      const [role, tokens] = entry.split('=').map((p) => p.trim());
      if (!role || !(ROLES as readonly string[]).includes(role) || !/^\d{1,10}$/.test(tokens ?? '')) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not ROLE=tokens with a role of ${ROLES.join(', ')}` });
        return z.NEVER;
      }
      quotas[role] = Number(tokens);
    }
    return quotas as Record<Role, number>;
  });

/** The assistant's settings, with their defaults. */
export const assistantSettingsShape = {
  /** `local` (default: retrieval composes the answer, no network) or `openai-compatible`. */
  AI_PROVIDER: z.enum(AI_PROVIDERS).default('local'),
  /** The chat-completions API's base URL, e.g. https://api.openai.com/v1; required for openai-compatible. */
  AI_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** The API key, sent as a Bearer token; required for openai-compatible. Never logged. */
  AI_API_KEY: z.string().min(8, 'must be at least 8 characters').optional(),
  /** The model to ask for; required for openai-compatible. */
  AI_MODEL: z.string().min(1).max(200).optional(),
  /** Longest wait for the model's first answer, and between two streamed chunks, in milliseconds. */
  AI_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  /** Most tokens one answer may have. */
  AI_MAX_TOKENS: z.coerce.number().int().min(16).max(32_000).default(800),
  /** What 1,000 prompt tokens cost, in minor units of AI_COST_CURRENCY. */
  AI_PRICE_INPUT_PER_1K_MINOR: z.coerce.number().int().min(0).max(1_000_000).default(1),
  /** What 1,000 answer tokens cost, in minor units of AI_COST_CURRENCY. */
  AI_PRICE_OUTPUT_PER_1K_MINOR: z.coerce.number().int().min(0).max(1_000_000).default(3),
  /** ISO 4217 code of the prices. */
  AI_COST_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').default('USD'),
  /** Tokens (prompt and answer) a user may use per UTC day, by role; a user's highest role quota applies. */
  AI_DAILY_TOKEN_QUOTAS: quotaList.default({ ...DEFAULT_DAILY_TOKEN_QUOTAS }),
};

/** openai-compatible needs its URL, key and model: each missing one is its own problem. */
export function checkAssistantSettings(
  settings: { AI_PROVIDER: string; AI_API_URL?: string | undefined; AI_API_KEY?: string | undefined; AI_MODEL?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (settings.AI_PROVIDER !== 'openai-compatible') return;
  for (const name of ['AI_API_URL', 'AI_API_KEY', 'AI_MODEL'] as const) {
    if (settings[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when AI_PROVIDER=openai-compatible' });
  }
}

export const assistantSettingsSchema = z.object(assistantSettingsShape).superRefine(checkAssistantSettings);
export type AssistantSettings = z.output<typeof assistantSettingsSchema>;

/** Assistant settings from environment-like values, defaults for the rest (tests, embedding). */
export function assistantSettings(env: Record<string, string | undefined> = {}): Readonly<AssistantSettings> {
  return loadConfig(assistantSettingsSchema, withoutEmptyValues(env));
}

/** The model the settings choose. */
export function createModelProvider(settings: Readonly<AssistantSettings>, context: { logger: Logger }): ModelProvider {
  if (settings.AI_PROVIDER === 'local') return new LocalModelProvider();
  return new OpenAiCompatibleProvider({
    baseUrl: settings.AI_API_URL!,
    apiKey: settings.AI_API_KEY!,
    model: settings.AI_MODEL!,
    timeoutMs: settings.AI_TIMEOUT_MS,
    maxTokens: settings.AI_MAX_TOKENS,
    logger: context.logger.child({ component: 'model' }),
  });
}
