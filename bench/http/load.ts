// Load at fixed concurrency with autocannon: `connections` keep-alive connections, each sending
// the next request as soon as the previous is answered, cycling through the requests given.
// Every response is checked (answers.ts) and its latency kept. At the end each connection waits
// for its last answer instead of being cut: every request sent is answered and counted, so
// that the statements PostgreSQL ran can be divided by the requests that caused them. A write
// flow's steps (writes.ts) are built when sent, from what the connection kept of the answers
// before, and checked by the step; a connection whose time is up finishes the flow it is in.
import autocannon from 'autocannon';
import { StringDecoder } from 'node:string_decoder';
import { canonical, firstDifference, isExpected, type ExpectedAnswer } from './answers.js';
import type { Variant } from './variants.js';

export interface LoadRequest {
  variant: Variant;
  /** The expected answer; none for a write's step, which checks its answer itself. */
  expected: ExpectedAnswer | null;
}

/** What a connection keeps between requests (autocannon's per-client context). */
interface ConnectionContext {
  /** The state of the write flow the connection is in. */
  flow?: Record<string, unknown>;
  /** Steps of that flow after the one last sent. */
  stepsLeft?: number;
}

export interface LoadResult {
  seconds: number;
  /** Responses received, right or wrong. */
  responses: number;
  /** Responses that were the expected answer. */
  correct: number;
  /** Responses that were not (another status, other data). */
  wrong: number;
  /** Requests that got no response: connection errors and timeouts. */
  failed: number;
  /** Latency of every response in ms, ascending. */
  latencies: Float64Array;
  /** The first few wrong answers, described. */
  wrongExamples: string[];
}

/** Longest wait for the last answers once the measurement's time is up (requests time out after 10 s). */
const DRAIN_LIMIT_SECONDS = 30;

/**
 * The parts of autocannon's client (9.0.0, pinned) this module uses. `pipelinedRequests.addBody`
 * is replaced: autocannon appends each body chunk to a string as it arrives, which splits a
 * multi-byte UTF-8 character that straddles two chunks into two replacement characters;
 * decoding through a StringDecoder keeps it whole, so that a right answer (names, "£") is never
 * taken for a wrong one. `responseMax` ends a connection once `reqsMade` requests are answered.
 */
interface ClientInternals {
  pipelinedRequests: {
    peek(): { body: string; decoder?: StringDecoder } | undefined;
    addBody(data: Buffer): void;
  };
  reqsMade: number;
  responseMax: number | undefined;
  requestIterator: { context: ConnectionContext };
}

function decodeBodiesWhole(client: ClientInternals): void {
  const queue = client.pipelinedRequests;
  queue.addBody = (data) => {
    const pending = queue.peek();
    if (!pending) return;
    pending.decoder ??= new StringDecoder('utf8');
    pending.body += pending.decoder.write(data);
  };
}

export function runLoad(options: { urls: string[]; connections: number; seconds: number; requests: LoadRequest[] }): Promise<LoadResult> {
  const latencies: number[] = [];
  let correct = 0;
  let wrong = 0;
  const wrongExamples: string[] = [];
  const clients: ClientInternals[] = [];
  const started = performance.now();
  let lastResponse = started;

  const wrongAnswer = (variant: Variant, status: number, where: string) => {
    wrong += 1;
    if (wrongExamples.length < 3) wrongExamples.push(`${variant.label}: status ${status}, ${where}`);
  };
  const requests: autocannon.Request[] = options.requests.map(({ variant, expected }) => {
    const step = variant.step;
    if (step) {
      return {
        method: 'POST',
        path: '/graphql',
        setupRequest: (request: autocannon.Request, context: ConnectionContext) => {
          const built = step.build((context.flow ??= {}));
          context.stepsLeft = step.count - 1 - step.index;
          return { ...request, body: built.body, headers: { ...request.headers, ...built.headers } };
        },
        onResponse: (status: number, body: string, context: ConnectionContext) => {
          const problem = step.check(status, body, (context.flow ??= {}));
          if (problem === null) correct += 1;
          else wrongAnswer(variant, status, problem);
        },
      } as autocannon.Request;
    }
    if (!expected) throw new Error(`no expected answer to ${variant.label}`);
    return {
      method: 'POST',
      path: '/graphql',
      headers: variant.headers,
      body: variant.body,
      onResponse: (status: number, body: string) => {
        if (isExpected(expected, status, body)) {
          correct += 1;
          return;
        }
        const got = canonical(body);
        wrongAnswer(variant, status, got ? firstDifference(JSON.parse(expected.canonical), JSON.parse(got))! : body.slice(0, 200));
      },
    };
  });
  // A connection starts at the first step of a flow, never in the middle of one.
  const startsHere = (i: number) => (options.requests[i]!.variant.step?.index ?? 0) === 0;

  return new Promise((resolve, reject) => {
    let drain: NodeJS.Timeout | undefined;
    const instance = autocannon(
      {
        // autocannon spreads the connections over several URLs (one per gateway process); its
        // type declarations predate that and allow one.
        url: options.urls as unknown as string,
        connections: options.connections,
        // The measurement ends at `drain` below; this only bounds the wait for the last answers.
        duration: options.seconds + DRAIN_LIMIT_SECONDS,
        requests,
        setupClient: (client) => {
          // Each connection starts at its own place in the requests: in lockstep, all would send
          // the same request at once, and a short run would use only the first few. (Copies:
          // autocannon keeps each connection's encoded request on the request object.)
          let offset = Math.floor((clients.length * requests.length) / options.connections) % requests.length;
          while (!startsHere(offset)) offset = (offset + 1) % requests.length;
          client.setRequests([...requests.slice(offset), ...requests.slice(0, offset)].map((request) => ({ ...request })));
          const internals = client as unknown as ClientInternals;
          // Setting the requests built the first one: a flow's first step counted its steps, anything else has none.
          if (!options.requests[offset]!.variant.step) internals.requestIterator.context.stepsLeft = 0;
          decodeBodiesWhole(internals);
          clients.push(internals);
        },
      },
      (error, result) => {
        clearTimeout(drain);
        if (error) return reject(error);
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          // From the start to the last answer: autocannon's own duration runs on to its next tick.
          seconds: (lastResponse - started) / 1000,
          responses: latencies.length,
          correct,
          wrong,
          failed: result.errors,
          latencies: sorted,
          wrongExamples,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
      lastResponse = performance.now();
    });
    // Time is up: no new requests; each connection ends once its request in flight is answered,
    // or once the flow it is in is done.
    drain = setTimeout(() => {
      for (const client of clients) client.responseMax = Math.max(1, client.reqsMade + (client.requestIterator.context.stepsLeft ?? 0));
    }, options.seconds * 1000);
  });
}

/** The `p`th percentile of ascending `sorted` (nearest rank); NaN when empty. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
