import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import { ErrorsAreMissesCache, InMemoryLRUCache, PrefixingKeyValueCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { RequestErrorCode, type Logger } from '@academy/service-kit';
import KeyvRedis from '@keyv/redis';
import { GraphQLError } from 'graphql';
import Keyv from 'keyv';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * `off`: automatic persisted queries only. `allow`: the manifest's operations run by hash too,
 * and any document still runs. `require`: only the manifest's operations run.
 */
export type PersistedOperationsMode = 'off' | 'allow' | 'require';

/** Hash (lowercase hex SHA-256 of the document's text) → the document's text. */
export type PersistedManifest = ReadonlyMap<string, string>;

/** How the gateway treats operations sent by hash. */
export interface PersistedOperationSettings {
  mode: PersistedOperationsMode;
  /** Empty when the mode is `off`. */
  manifest: PersistedManifest;
  /** Largest size, in bytes, of the documents registered by automatic persisted queries (in memory). */
  cacheBytes: number;
  /** Keep registered documents in Redis instead, shared by every gateway process. */
  redisUrl?: string | undefined;
}

// Redis has no byte bound of its own here: registered documents expire instead (clients resend them).
const SHARED_TTL_SECONDS = 24 * 3600;

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

// A manifest with thousands of wrong entries is one mistake: name the first few.
const PROBLEMS_NAMED = 5;

/**
 * Reads a manifest in the format graphql-codegen's client preset writes with
 * `persistedDocuments: { hashAlgorithm: 'sha256' }` (persisted-documents.json: an object of
 * hash → document). Every key must be the SHA-256 of its document: the problems name the entries.
 */
export function readManifest(path: string): { manifest: PersistedManifest } | { problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { problems: [`cannot read ${path} as JSON: ${(error as Error).message}`] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { problems: [`${path} must be a JSON object of hash → document (graphql-codegen's persisted-documents.json)`] };
  }
  const manifest = new Map<string, string>();
  const problems: string[] = [];
  for (const [hash, document] of Object.entries(parsed)) {
    if (typeof document !== 'string') problems.push(`entry "${hash}": the document must be a string`);
    else if (sha256Hex(document) !== hash) {
      problems.push(`entry "${hash}": the key is not the SHA-256 of its document (generate the manifest with persistedDocuments: { hashAlgorithm: 'sha256' })`);
    } else manifest.set(hash, document);
  }
  if (problems.length > PROBLEMS_NAMED) problems.splice(PROBLEMS_NAMED, Infinity, `and ${problems.length - PROBLEMS_NAMED} more entries alike`);
  return problems.length > 0 ? { problems: problems.map((problem) => `${path}: ${problem}`) } : { manifest };
}

/** Where registered documents are kept: Redis (errors are misses) or this process's memory. */
function registry(settings: PersistedOperationSettings, logger: Logger): { cache: KeyValueCache<string>; close(): Promise<void> } {
  if (!settings.redisUrl) {
    return { cache: new InMemoryLRUCache<string>({ maxSize: settings.cacheBytes, sizeCalculation: InMemoryLRUCache.sizeCalculation }), close: async () => {} };
  }
  // No reconnection loop and no offline queue: while Redis is down each command fails at once
  // (a miss), and the next one connects again.
  const store = new KeyvRedis<string>(
    { url: settings.redisUrl, socket: { reconnectStrategy: false }, disableOfflineQueue: true },
    { namespace: 'academy:apq', throwOnConnectError: false, throwOnErrors: false },
  );
  const keyv = new Keyv<string>(store, { useKeyPrefix: false, throwOnErrors: false });
  // Once a minute at most: while Redis is down every request fails anew (the client reconnects per command).
  let warnedAt = -Infinity;
  keyv.on('error', (error: unknown) => {
    if (Date.now() - warnedAt < 60_000) return;
    warnedAt = Date.now();
    logger.warn('redis for persisted queries unreachable: hashes sent alone are answered PERSISTED_QUERY_NOT_FOUND', { err: error });
  });
  // The adapter is typed against keyv's CommonJS declarations, @keyv/redis against its ES ones: the same class.
  const shared = new ErrorsAreMissesCache(new KeyvAdapter<string>(keyv as unknown as ConstructorParameters<typeof KeyvAdapter<string>>[0]));
  return {
    cache: {
      get: (hash) => shared.get(hash),
      set: (hash, document) => shared.set(hash, document, { ttl: SHARED_TTL_SECONDS }),
      delete: (hash) => shared.delete(hash),
    },
    close: () => keyv.disconnect(),
  };
}

/**
 * Apollo Server's store of persisted queries: the manifest's documents first (never evicted),
 * then those clients registered, in Redis when REDIS_URL is set, else in a cache bounded in
 * bytes (least recently used go first).
 */
export function persistedQueryStore(settings: PersistedOperationSettings, logger: Logger): PersistedQueryStore {
  const registered = registry(settings, logger);
  const { manifest } = settings;
  const writes = new Set<Promise<void>>();
  // Keys are the hashes themselves: the manifest is looked up without Apollo's "apq:" prefix.
  const cache = PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation<string>({
    get: async (hash) => manifest.get(hash) ?? registered.cache.get(hash),
    set: async (hash, document, options) => {
      if (manifest.has(hash)) return;
      const write = registered.cache.set(hash, document, options).finally(() => writes.delete(write));
      writes.add(write);
      await write;
    },
    delete: (hash) => registered.cache.delete(hash),
  });
  return { cache, written: async () => void (await Promise.allSettled(writes)), close: registered.close };
}

/** The persisted queries' store, as Apollo Server and the gateway use it. */
export interface PersistedQueryStore {
  cache: KeyValueCache<string>;
  /**
   * Resolves once the registrations under way are stored. Apollo Server does not wait for them
   * before answering: the gateway does, so that a client's next request by hash finds its
   * document on any gateway process.
   */
  written(): Promise<void>;
  close(): Promise<void>;
}

/** A refusal of an operation the mode does not run (over HTTP, a 400 before anything is parsed). */
const persistedRefusal = (code: string, message: string) => new GraphQLError(message, { extensions: { code } });

/**
 * Whether the mode admits an operation named by `hash`, or sent as `text` alone; the refusal
 * otherwise. In `require` mode the text alone passes only when it is a manifest document as it
 * stands (a client that sends the text it was built with).
 */
function admission(settings: PersistedOperationSettings, sent: { hash?: string; text?: string }): GraphQLError | null {
  // Apollo Server refuses these too, but without a code (which would show as a server fault).
  if (sent.hash !== undefined && sent.text !== undefined && sha256Hex(sent.text) !== sent.hash) {
    return persistedRefusal(RequestErrorCode.BAD_REQUEST, 'The hash in extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent with it.');
  }
  if (settings.mode !== 'require') return null;
  if (sent.hash === undefined) {
    if (sent.text !== undefined && settings.manifest.has(sha256Hex(sent.text))) return null;
    return persistedRefusal(
      RequestErrorCode.PERSISTED_OPERATION_REQUIRED,
      "This API runs only the operations of its manifest: send the operation's hash (extensions.persistedQuery.sha256Hash, or documentId) instead of a document.",
    );
  }
  if (!settings.manifest.has(sent.hash)) {
    return persistedRefusal(RequestErrorCode.PERSISTED_OPERATION_NOT_FOUND, `No operation of this API's manifest has the hash "${sent.hash}".`);
  }
  return null;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The hash an `extensions` object names (Apollo's persistedQuery extension). */
function hashIn(extensions: unknown): string | undefined {
  const persisted = isRecord(extensions) ? extensions.persistedQuery : undefined;
  return isRecord(persisted) && typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
}

/** What is wrong with a persistedQuery extension, if there is one and it is not `{ version: 1, sha256Hash }`. */
function extensionProblem(extensions: unknown): GraphQLError | null {
  if (!isRecord(extensions) || extensions.persistedQuery === undefined) return null;
  const persisted = extensions.persistedQuery;
  if (isRecord(persisted) && persisted.version === 1 && typeof persisted.sha256Hash === 'string') return null;
  return persistedRefusal(RequestErrorCode.BAD_REQUEST, 'extensions.persistedQuery must be { "version": 1, "sha256Hash": "<hex SHA-256 of the document>" }.');
}

/**
 * The request with a `documentId` (GraphQL over HTTP's persisted documents: `sha256:<hex>` or
 * the bare hash) or `id` turned into Apollo's persistedQuery extension, which Apollo Server
 * reads; and the hash it names. Null when the request is not a single GraphQL request
 * (Apollo Server refuses those itself).
 */
function identify(request: HTTPGraphQLRequest): { request: HTTPGraphQLRequest; hash?: string; text?: string; extensions?: unknown } | null {
  const textOf = (query: unknown) => (typeof query === 'string' && query !== '' ? query : undefined);
  const asExtension = (extensions: unknown, documentId: unknown) => {
    if (typeof documentId !== 'string') return { extensions, hash: hashIn(extensions) };
    const hash = documentId.replace(/^sha256:/, '');
    return { extensions: { ...(isRecord(extensions) ? extensions : {}), persistedQuery: { version: 1, sha256Hash: hash } }, hash };
  };
  if (request.method === 'GET') {
    const params = new URLSearchParams(request.search);
    let extensions: unknown;
    try {
      extensions = JSON.parse(params.get('extensions') ?? 'null');
    } catch {
      return null;
    }
    const documentId = params.get('documentId') ?? params.get('id');
    const named = asExtension(extensions, documentId ?? undefined);
    const text = textOf(params.get('query'));
    if (documentId === null) return { request, hash: named.hash, text, extensions };
    params.delete('documentId');
    params.delete('id');
    params.set('extensions', JSON.stringify(named.extensions));
    return { request: { ...request, search: `?${params}` }, hash: named.hash, text };
  }
  if (!isRecord(request.body)) return null;
  const { documentId, id, ...body } = request.body;
  const given = documentId ?? id;
  const named = asExtension(body.extensions, given);
  const text = textOf(body.query);
  if (given === undefined) return { request, hash: named.hash, text, extensions: body.extensions };
  return { request: { ...request, body: { ...body, extensions: named.extensions } }, hash: named.hash, text };
}

function refusalResponse(error: GraphQLError): HTTPGraphQLResponse {
  const { extensions } = error;
  return {
    status: 400,
    headers: new HeaderMap([['content-type', 'application/json; charset=utf-8']]),
    body: { kind: 'complete', string: JSON.stringify({ errors: [{ message: error.message, extensions }] }) },
  };
}

/**
 * Apollo Server behind the persisted-operations mode: operations named by `documentId` reach it
 * as persisted queries, and in `require` mode only the manifest's operations reach it at all
 * (the rest are refused here, before anything is parsed).
 */
export function persistedOperationsGate<C extends BaseContext>(
  apollo: ApolloServer<C>,
  settings: PersistedOperationSettings,
  store: PersistedQueryStore,
): Pick<ApolloServer<C>, 'executeHTTPGraphQLRequest'> {
  return {
    executeHTTPGraphQLRequest: async (options) => {
      const identified = identify(options.httpGraphQLRequest);
      if (!identified) return apollo.executeHTTPGraphQLRequest(options);
      const refused = extensionProblem(identified.extensions) ?? admission(settings, identified);
      if (refused) return refusalResponse(refused);
      const response = await apollo.executeHTTPGraphQLRequest({ ...options, httpGraphQLRequest: identified.request });
      // A registration (hash and text): answered once the document is stored.
      if (identified.hash !== undefined && identified.text !== undefined) await store.written();
      return response;
    },
  };
}

/**
 * The text a graphql-ws subscribe message runs: the manifest's document when the message names
 * one by hash (extensions.persistedQuery.sha256Hash, with `query` empty or the same text),
 * else its `query`; in `require` mode only a manifest document. The refusal otherwise.
 */
export function subscriptionDocument(
  settings: PersistedOperationSettings,
  payload: { query: string; extensions?: Record<string, unknown> | null },
): { query: string } | { refused: GraphQLError } {
  const hash = hashIn(payload.extensions);
  const text = payload.query === '' ? undefined : payload.query;
  const refused = extensionProblem(payload.extensions) ?? admission(settings, { hash, text });
  if (refused) return { refused };
  if (hash === undefined) return { query: payload.query };
  const stored = settings.manifest.get(hash);
  if (stored === undefined) {
    // Sockets keep no registry of their own: the text is needed unless the manifest has it.
    if (text !== undefined) return { query: text };
    return { refused: persistedRefusal(RequestErrorCode.PERSISTED_QUERY_NOT_FOUND, 'PersistedQueryNotFound: send the subscription with its text.') };
  }
  return { query: stored };
}
