import type { ApolloServerPlugin } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { DomainError, ErrorCode, type Logger } from '@academy/service-kit';
import {
  getArgumentValues,
  getVariableValues,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { Redis } from 'ioredis';
import ipaddr from 'ipaddr.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { GatewayContext } from '../context.js';

/** How many calls one key may make in a fixed window. */
export interface ThrottleLimit {
  perAddress: number;
  /** Null: not counted per e-mail address. */
  perEmail: number | null;
  windowSeconds: number;
}

/** The throttled mutations' limits, from the configuration. */
export interface ThrottleSettings {
  signUp: ThrottleLimit;
  logIn: ThrottleLimit;
  passwordReset: ThrottleLimit;
  /** Analytics events sent by callers who are not signed in. */
  anonymousEvents: ThrottleLimit;
  /** Partner clients' token requests (POST /oauth/token), per client address and per client id. */
  partnerToken: { perAddress: number; perClient: number; windowSeconds: number };
  /** Share the counters between gateway processes through this Redis; unset: in memory. */
  redisUrl?: string | undefined;
}

type ThrottleName = Exclude<keyof ThrottleSettings, 'redisUrl' | 'partnerToken'>;

/** What one root field of a mutation costs, and under which throttle. */
interface ThrottledField {
  throttle: ThrottleName;
  what: string;
  /** The e-mail address it is about, if the throttle counts per address. */
  email?: (args: Record<string, unknown>) => unknown;
  /** Calls it counts as (default one). */
  points?: (args: Record<string, unknown>) => number;
  anonymousOnly?: boolean;
}

/**
 * The mutations that are cheap to send and costly or sensitive to serve: each creates work
 * (an Argon2 hash, an e-mail, rows) and, answered freely, tells which e-mail addresses have
 * accounts. Counted at the gateway, per root field (so aliases count one by one), before
 * the operation is planned: a refused operation reaches no subgraph and changes nothing.
 */
const THROTTLED_FIELDS: Record<string, ThrottledField> = {
  signUp: { throttle: 'signUp', what: 'sign-ups', email: (args) => (args.input as { email?: unknown } | undefined)?.email },
  logIn: { throttle: 'logIn', what: 'sign-in attempts', email: (args) => args.email },
  requestPasswordReset: { throttle: 'passwordReset', what: 'password reset requests', email: (args) => args.email },
  trackEvents: {
    throttle: 'anonymousEvents',
    what: 'analytics events',
    points: (args) => (Array.isArray(args.events) ? Math.max(1, args.events.length) : 1),
    anonymousOnly: true,
  },
};

/** Longer than any e-mail address identity accepts: longer input is refused there anyway. */
const MAX_EMAIL_KEY_LENGTH = 320;

/**
 * The key a client address is counted under: an IPv4 address as it is (an IPv4-mapped IPv6
 * one too), an IPv6 address by its /64, the smallest network a site or a device is given:
 * otherwise each of its 2^64 addresses would count apart.
 */
export function addressKeyOf(address: string | null): string {
  if (address === null) return 'unknown';
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${network.join(':')}::/64`;
}

/** One count to make: `points` calls against `key` of one limiter. */
interface Hit {
  limiter: RateLimiterAbstract;
  key: string;
  points: number;
  what: string;
}

/** The counters of every throttle, in memory or shared through Redis. */
export interface Throttles {
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Counts one token request; the seconds to wait when the address or the client id is over its limit, else null. */
  consumeTokenRequest(clientAddress: string | null, clientId: string | null): Promise<number | null>;
  /** Waits (a bounded time) for the shared counters, so that a new process counts with the others from its first request. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** How long a starting gateway waits for Redis before it counts in memory. */
const REDIS_READY_TIMEOUT_MS = 3_000;

function rateLimited(what: string, res: RateLimiterRes): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  const headers = new HeaderMap([['retry-after', String(retryAfterSeconds)]]);
  return new DomainError(ErrorCode.RATE_LIMITED, `Too many ${what}: try again in ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
    http: { status: 429, headers },
  });
}

/**
 * The root fields an operation selects, through inline and named fragments (each named one
 * once). Fields under @skip or @include count as well: counting a field that will not run is
 * cheaper than evaluating directives twice, and errs on the safe side.
 */
function rootFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...rootFields(selection.selectionSet, fragments, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) fields.push(...rootFields(fragment.selectionSet, fragments, seen));
    }
  }
  return fields;
}

/** Builds the throttles; with a Redis URL the counts are shared, with an in-memory fallback while it is unreachable. */
export function createThrottles(settings: ThrottleSettings, logger: Logger): Throttles {
  const redis = settings.redisUrl ? connectRedis(settings.redisUrl, logger) : null;
  const limiterOf = (name: string, points: number, duration: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix: name, points, duration });
    if (!redis) return memory;
    return new RateLimiterRedis({ storeClient: redis, keyPrefix: `academy:throttle:${name}`, points, duration, insuranceLimiter: memory });
  };
  const limiters = new Map<ThrottleName, { perAddress: RateLimiterAbstract; perEmail: RateLimiterAbstract | null }>();
  for (const name of ['signUp', 'logIn', 'passwordReset', 'anonymousEvents'] as const) {
    const limit = settings[name];
    limiters.set(name, {
      perAddress: limiterOf(`${name}:address`, limit.perAddress, limit.windowSeconds),
      perEmail: limit.perEmail === null ? null : limiterOf(`${name}:email`, limit.perEmail, limit.windowSeconds),
    });
  }

  const tokenLimits = settings.partnerToken;
  const tokenByAddress = limiterOf('partnerToken:address', tokenLimits.perAddress, tokenLimits.windowSeconds);
  const tokenByClient = limiterOf('partnerToken:client', tokenLimits.perClient, tokenLimits.windowSeconds);

  /** The counts an operation makes: one per throttled root field (points add up per key). */
  function hitsOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, rawVariables: Record<string, unknown>, context: GatewayContext): Hit[] {
    const mutationType = schema.getMutationType();
    if (!mutationType) return [];
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    let variables: Record<string, unknown> | null | undefined;
    const hits = new Map<string, Hit>();
    const count = (limiter: RateLimiterAbstract, key: string, points: number, what: string) => {
      const id = `${limiter.keyPrefix}\0${key}`;
      const hit = hits.get(id);
      if (hit) hit.points += points;
      else hits.set(id, { limiter, key, points, what });
    };
    for (const field of rootFields(operation.selectionSet, fragments)) {
      const throttled = THROTTLED_FIELDS[field.name.value];
      const definition = mutationType.getFields()[field.name.value];
      if (!throttled || !definition) continue;
      if (throttled.anonymousOnly && context.caller.viewer !== null) continue;
      if (variables === undefined) {
        // Variables that do not coerce fail the whole operation before anything runs.
        const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
        variables = coerced.errors ? null : coerced.coerced;
      }
      if (variables === null) return [];
      let args: Record<string, unknown>;
      try {
        args = getArgumentValues(definition, field, variables);
      } catch {
        continue; // refused by execution with its own error, before it runs
      }
      const points = throttled.points?.(args) ?? 1;
      const { perAddress, perEmail } = limiters.get(throttled.throttle)!;
      count(perAddress, addressKeyOf(context.caller.clientAddress), points, throttled.what);
      const email = throttled.email?.(args);
      if (perEmail && typeof email === 'string') {
        count(perEmail, email.trim().toLowerCase().slice(0, MAX_EMAIL_KEY_LENGTH), points, throttled.what);
      }
    }
    return [...hits.values()];
  }

  async function consume(hits: Hit[]): Promise<void> {
    for (const hit of hits) {
      try {
        await hit.limiter.consume(hit.key, hit.points);
      } catch (outcome) {
        if (outcome instanceof RateLimiterRes) throw rateLimited(hit.what, outcome);
        // The store failed and so did its fallback: better to serve than to refuse everyone.
        logger.warn('throttle unavailable', { err: outcome });
      }
    }
  }

  return {
    plugin: {
      async requestDidStart() {
        return {
          async didResolveOperation({ schema, document, operation, request, contextValue }) {
            if (operation?.operation !== 'mutation') return;
            const hits = hitsOf(schema, document, operation, request.variables ?? {}, contextValue);
            if (hits.length > 0) await consume(hits);
          },
        };
      },
    },
    async consumeTokenRequest(clientAddress, clientId) {
      const hits: Hit[] = [{ limiter: tokenByAddress, key: addressKeyOf(clientAddress), points: 1, what: 'token requests' }];
      // A client id is at most a UUID: longer text is refused by identity and counted by address alone.
      if (clientId && clientId.length <= 36) hits.push({ limiter: tokenByClient, key: clientId.toLowerCase(), points: 1, what: 'token requests' });
      try {
        await consume(hits);
        return null;
      } catch (error) {
        if (error instanceof DomainError && typeof error.extensions.retryAfterSeconds === 'number') return error.extensions.retryAfterSeconds;
        throw error;
      }
    },
    async ready() {
      if (!redis || redis.status === 'ready') return;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        redis.once('ready', resolve);
        timer = setTimeout(resolve, REDIS_READY_TIMEOUT_MS);
      });
      clearTimeout(timer);
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** A Redis connection for counters: commands fail at once while it is down (the fallback counts). */
function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { connectionName: 'gateway:throttles', enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  let down = false;
  // Reported once per outage, not once per reconnection attempt.
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn('redis for throttles unreachable: counting in memory until it is back', { err: error });
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('redis for throttles reachable again');
  });
  return redis;
}
