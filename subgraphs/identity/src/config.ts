// The identity subgraph's configuration, read and validated once at start-up. Nothing else in
// this subgraph reads process.env.
import { createPrivateKey } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, subgraphConfigSchema, withoutEmptyValues, z } from '@academy/service-kit';

/** identity listens here unless PORT says otherwise. */
export const IDENTITY_DEFAULT_PORT = 4001;

/** `<repo>/.data/mail`: from src/ and from dist/ alike, the repository is three levels up. */
export const DEFAULT_MAIL_DIR = join(fileURLToPath(new URL('../../../', import.meta.url)), '.data', 'mail');

/** Environment files often carry a PEM on one line with literal "\n"s. */
const unescapeNewlines = (value: string) => value.replaceAll('\\n', '\n').trim();

function isEd25519PrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

const count = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The settings only identity reads, with their defaults. */
export const identitySettingsShape = {
  /** `iss` of the access tokens; the gateway requires the same value. */
  JWT_ISSUER: z.string().min(1).default('academy-supergraph'),
  /** `aud` of the access tokens; the gateway requires the same value. */
  JWT_AUDIENCE: z.string().min(1).default('academy-api'),
  /** An Ed25519 private key (PKCS#8 PEM) to sign access tokens with; unset: one is generated and kept in the database. */
  JWT_PRIVATE_KEY: z
    .string()
    .transform(unescapeNewlines)
    .refine(isEd25519PrivateKey, 'must be an Ed25519 private key in PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----")')
    .optional(),
  /** The `kid` of JWT_PRIVATE_KEY; default: its JWK thumbprint (RFC 7638). */
  JWT_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{1,100}$/, 'must be 1 to 100 letters, digits or . _ ~ -')
    .optional(),
  /** How long an access token is valid. */
  ACCESS_TOKEN_TTL_SECONDS: count(60, 86_400, 900),
  /** How long a partner client's access token (POST /oauth/token) is valid. */
  PARTNER_TOKEN_TTL_SECONDS: count(60, 3_600, 600),
  /** How long a refresh token is valid (each refresh issues a new one). */
  REFRESH_TOKEN_TTL_DAYS: count(1, 365, 30),
  /** The web app, for links in e-mails (the reset link is `${APP_URL}/reset-password?token=…`). */
  APP_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('http://localhost:3000')
    .transform((value) => value.replace(/\/+$/, '')),
  /** SMTP server for outgoing mail, e.g. smtp://user:pass@host:587 (smtps:// for TLS from the start); unset: local delivery to MAIL_DIR. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  /** The From of outgoing mail. */
  MAIL_FROM: z.string().min(3).default('Academy <no-reply@academy.local>'),
  /** Where local delivery writes each message as a JSON file. */
  MAIL_DIR: z
    .string()
    .min(1)
    .default(DEFAULT_MAIL_DIR)
    .transform((value) => resolve(value)),
  /** How often the mail worker looks for due messages (it is also woken when this process queues one). */
  MAIL_POLL_INTERVAL_MS: count(50, 600_000, 2_000),
  /** Deliveries tried per message before it is marked failed. */
  MAIL_MAX_ATTEMPTS: count(1, 50, 8),
  /** The window in which failed logIns are counted, and how long a lockout lasts. */
  LOGIN_FAILURE_WINDOW_SECONDS: count(60, 86_400, 900),
  /** Failed logIns for one e-mail address within the window before it is locked. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: count(1, 1_000, 5),
  /** Failed logIns from one client address within the window before it is locked. */
  LOGIN_MAX_FAILURES_PER_ADDRESS: count(1, 100_000, 20),
};

function checkKeySettings(config: { JWT_PRIVATE_KEY?: string | undefined; JWT_KEY_ID?: string | undefined }, ctx: z.RefinementCtx) {
  if (config.JWT_KEY_ID !== undefined && config.JWT_PRIVATE_KEY === undefined) {
    ctx.addIssue({ code: 'custom', path: ['JWT_KEY_ID'], message: 'is only used together with JWT_PRIVATE_KEY' });
  }
}

/** identity's own settings, without the ones every subgraph reads. */
export const identitySettingsSchema = z.object(identitySettingsShape).superRefine(checkKeySettings);
export type IdentitySettings = z.output<typeof identitySettingsSchema>;

/** Everything the identity process reads: the common subgraph settings and identity's own. */
export const identityConfigSchema = subgraphConfigSchema(IDENTITY_DEFAULT_PORT).extend(identitySettingsShape).superRefine(checkKeySettings);
export type IdentityConfig = z.output<typeof identityConfigSchema>;

/** Reads the identity process's configuration; a ConfigError lists every problem. */
export function loadIdentityConfig(env: Record<string, string | undefined> = process.env): Readonly<IdentityConfig> {
  return loadConfig(identityConfigSchema, withoutEmptyValues(env));
}

/** identity's own settings from environment-like values, defaults for the rest (tests, embedding). */
export function identitySettings(env: Record<string, string | undefined> = {}): Readonly<IdentitySettings> {
  return loadConfig(identitySettingsSchema, withoutEmptyValues(env));
}
