import { buildSubgraphService, loadTypeDefs, openServiceResources, type RunningServer, type ServiceOptions } from '@academy/service-kit';
import { identitySettings, type IdentitySettings } from './config.js';
import { createContext, type IdentityServices } from './context.js';
import type { IdentityDatabase } from './db/database.js';
import { createCommunityEventConsumer } from './events/community-events.consumer.js';
import { createMailer, MailWorker, type Mailer } from './mail/index.js';
import { resolvers } from './resolvers/index.js';
import { JWKS_PATH, jwksRoute } from './routes/jwks.route.js';
import { OAUTH_TOKEN_PATH, oauthTokenRoute } from './routes/oauth-token.route.js';
import { SigningKeyStore } from './security/signing-keys.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export { JWKS_PATH } from './routes/jwks.route.js';
export { COMMUNITY_CONSUMER, createCommunityEventConsumer } from './events/community-events.consumer.js';
export { OAUTH_TOKEN_PATH } from './routes/oauth-token.route.js';
export { identitySettings, loadIdentityConfig, type IdentityConfig, type IdentitySettings } from './config.js';

/** How to build identity: the options of every subgraph, and identity's own. */
export interface IdentityServiceOptions extends ServiceOptions {
  /** identity's settings (JWT, mail, throttling); default: every default of `identitySettings()`. */
  identity?: Readonly<IdentitySettings>;
  /** Delivers e-mail instead of the mailer the settings choose (SMTP or local files). */
  mailer?: Mailer;
}

/**
 * Builds the identity subgraph (schema, server, database, signing keys, mail worker, the
 * consumer of community's notification e-mails) without listening. `start` makes sure a signing
 * key exists, listens and starts the mail worker and the consumer; the `stop` it returns stops
 * all of them.
 */
export function buildIdentitySubgraph(options: IdentityServiceOptions) {
  const settings = options.identity ?? identitySettings();
  const resources = openServiceResources<IdentityDatabase>('identity', options);
  const { db, background } = resources.database;
  const { logger } = resources;
  const keys = new SigningKeyStore(db, { configuredPem: settings.JWT_PRIVATE_KEY, configuredKid: settings.JWT_KEY_ID });
  const mailer = options.mailer ?? createMailer(settings);
  const mailWorker = new MailWorker({
    db: background,
    mailer,
    logger: logger.child({ component: 'mail' }),
    pollIntervalMs: settings.MAIL_POLL_INTERVAL_MS,
    maxAttempts: settings.MAIL_MAX_ATTEMPTS,
  });
  const services: IdentityServices = { settings, keys, mail: mailWorker };
  const communityEvents = createCommunityEventConsumer({
    db: background,
    // A connection of its own, so listening never holds one of the request pool's.
    listen: options.databaseUrl,
    logger: logger.child({ component: 'community-events' }),
    onQueued: () => mailWorker.wake(),
  });
  const service = buildSubgraphService(resources, {
    typeDefs,
    resolvers,
    context: (caller, requestLogger) => createContext(db, caller, requestLogger, services),
    routes: { [JWKS_PATH]: jwksRoute(keys), [OAUTH_TOKEN_PATH]: oauthTokenRoute(db, services) },
  });

  return {
    ...service,
    settings,
    keys,
    mailWorker,
    communityEvents,
    async start(port: number, host?: string): Promise<RunningServer> {
      await keys.prepare();
      const running = await service.start(port, host);
      mailWorker.start();
      try {
        await communityEvents.start();
      } catch (error) {
        await mailWorker.stop();
        await running.stop();
        throw error;
      }
      return {
        ...running,
        async stop() {
          await running.stop();
          await communityEvents.stop();
          await mailWorker.stop();
          await mailer.close();
        },
      };
    },
  };
}

export type IdentitySubgraph = ReturnType<typeof buildIdentitySubgraph>;
