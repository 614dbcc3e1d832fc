// Random operations from the client-facing schema: valid ones (fields, nested selections,
// fragments, arguments of every type as literals and variables) and invalid ones (syntax,
// unknown fields, wrong types, bad variables, NUL characters, impossible dates, huge numbers).
// Everything is drawn from a seeded generator: the same seed and index give the same operation.
import {
  getNamedType,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { Prng } from '../../db/src/seed/prng.js';

/** Rows of the stack's database that operations may name. */
export interface FuzzPools {
  ids: Record<IdKind, string[]>;
  slugs: string[];
  emails: string[];
  /** [room id, member's user id]: a viewer who may read the room. */
  memberships: [string, string][];
  /** Users holding each role. */
  usersByRole: Record<string, string[]>;
  /**
   * Cursors the API has handed out so far in the run, of any list: paging with a real cursor,
   * or with one of another list, reaches the cursor checks a random string does not.
   */
  cursors: string[];
}

export type IdKind =
  | 'Course'
  | 'TrainingSession'
  | 'Venue'
  | 'Trainer'
  | 'Topic'
  | 'User'
  | 'ChatRoom'
  | 'ChatMessage'
  | 'Notification'
  | 'Registration'
  | 'CoachingSession'
  | 'Event'
  | 'Post'
  | 'Comment'
  | 'Order'
  | 'TicketType';

/** The roles a fuzzed request may be signed in with; null: anonymous. */
export const FUZZ_ROLES = [null, 'LEARNER', 'TRAINER', 'CONTENT_AUTHOR', 'ORGANIZER', 'ANALYST', 'PARTNER', 'ADMIN'] as const;
export type FuzzRole = (typeof FUZZ_ROLES)[number];

/** One request to send: a GraphQL body (or a raw one), as whom, and what it is meant to be. */
export interface FuzzOperation {
  index: number;
  valid: boolean;
  /** What kind of mistake an invalid operation makes (or `valid`). */
  kind: string;
  role: FuzzRole;
  /** The viewer's user id, when signed in. */
  viewerId: string | null;
  body: { query?: unknown; variables?: unknown; operationName?: unknown } | string;
}

/** Keeps generated operations well inside the gateway's operation limits. */
const MAX_DEPTH = 6;
const MAX_ALIASES = 10;
const MAX_LIST_FACTOR = 100;

/** Values at the edges of what a type holds, drawn now and then instead of ordinary ones. */
const EDGE_STRINGS = ['', ' ', 'x'.repeat(5000), "'; DROP TABLE users; --", '&|!():*<->', 'a & b | !c', '\u202e\u200b', '%_\\', '$1', '{}', 'null'];
const EDGE_INTS = [2147483647, -2147483648, 0, -1, 101];
const EDGE_DATES = ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '1970-01-01T00:00:00Z', '2024-02-29T23:59:59+14:00', '2026-06-01T00:00:00-12:00'];
const EDGE_IDS = ['00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];

const WORDS = ['data', 'safety', 'python', 'leadership', 'first aid', 'excel', 'a', 'zz', 'é', '日本', "o'neil", '%', '_', '\\', 'Ünïcödé 🎓'];
const EVENT_NAMES = ['course_viewed', 'lesson_started', 'search.performed', 'x', 'a-b:c'];
const TIMEZONES = ['Europe/London', 'UTC', 'America/New_York', 'Mars/Olympus'];
const LANGUAGES = ['en-GB', 'fr', 'de-DE', 'x', 'en-gb-oed'];

interface Variable {
  name: string;
  type: string;
  value: unknown;
}

/** Builds one operation's text as it is drawn. */
class Builder {
  readonly variables: Variable[] = [];
  readonly fragments: string[] = [];
  aliases = 0;

  constructor(
    readonly rng: Prng,
    readonly schema: GraphQLSchema,
    readonly pools: FuzzPools,
    readonly viewer: { id: string | null; room: string | null },
    readonly now: number,
  ) {}

  id(kind: IdKind): string {
    const rng = this.rng;
    if (rng.chance(0.05)) return rng.pick(EDGE_IDS);
    if (kind === 'ChatRoom' && this.viewer.room && rng.chance(0.6)) return this.viewer.room;
    if (kind === 'User' && this.viewer.id && rng.chance(0.3)) return this.viewer.id;
    const pool = this.pools.ids[kind];
    if (pool.length && rng.chance(0.8)) return rng.pick(pool);
    if (rng.chance(0.5)) return rng.uuid();
    return rng.pick(this.pools.ids[rng.pick(Object.keys(this.pools.ids) as IdKind[])].concat(rng.uuid()));
  }

  idKindOf(field: string, arg: string): IdKind {
    const byName: Record<string, IdKind> = {
      roomId: 'ChatRoom',
      userId: 'User',
      memberIds: 'User',
      courseId: 'Course',
      venueId: 'Venue',
      trainerId: 'Trainer',
      topicId: 'Topic',
      ids: 'Notification',
      sessionId: 'TrainingSession',
      registrationId: 'Registration',
      eventId: 'Event',
      postId: 'Post',
      parentId: 'Comment',
      orderId: 'Order',
      ticketTypeId: 'TicketType',
    };
    if (byName[arg]) return byName[arg]!;
    const byField: Record<string, IdKind> = {
      chatRoom: 'ChatRoom',
      user: 'User',
      course: 'Course',
      venue: 'Venue',
      trainer: 'Trainer',
      trainingSession: 'TrainingSession',
      editMessage: 'ChatMessage',
      deleteMessage: 'ChatMessage',
      cancelRegistration: 'Registration',
      cancelTrainingSession: 'TrainingSession',
      cancelCoachingSession: 'CoachingSession',
      markCoachingNoShow: 'CoachingSession',
      post: 'Post',
      updatePost: 'Post',
      deletePost: 'Post',
      updateComment: 'Comment',
      deleteComment: 'Comment',
      order: 'Order',
      cancelOrder: 'Order',
    };
    return byField[field] ?? 'Course';
  }

  date(name: string): string {
    const rng = this.rng;
    if (rng.chance(0.05)) return rng.pick(EDGE_DATES);
    const day = 86_400_000;
    const instant = name === 'occurredAt' ? this.now - rng.int(0, 29) * day - rng.int(0, day) : this.now + rng.int(-400, 400) * day + rng.int(0, day);
    const iso = new Date(instant).toISOString();
    return rng.chance(0.3) ? iso.replace(/\.\d{3}Z$/, '+00:00') : iso;
  }

  string(field: string, name: string): string {
    const rng = this.rng;
    if (rng.chance(0.08)) return rng.pick(EDGE_STRINGS);
    switch (name) {
      case 'email':
        return rng.chance(0.5) && this.pools.emails.length ? rng.pick(this.pools.emails) : `fuzz.${rng.hex(8)}@example.test`;
      case 'password':
      case 'newPassword':
        return rng.pick(['a long enough passphrase 1', 'short', 'password1234', `${rng.hex(16)} words`]);
      case 'slug':
        return rng.chance(0.7) && this.pools.slugs.length ? rng.pick(this.pools.slugs) : rng.pick(WORDS);
      case 'search':
        return rng.pick(WORDS);
      case 'content':
        return rng.pick(['hello', '  spaced  ', 'a'.repeat(rng.int(1, 200)), rng.pick(WORDS)]);
      case 'name':
        return field === 'AnalyticsEventInput' ? rng.pick(EVENT_NAMES) : rng.pick(['Study group', rng.pick(WORDS)]);
      case 'anonymousId':
      case 'clientMessageId':
      case 'refreshToken':
      case 'token':
      case 'inviteCode':
        return rng.hex(rng.int(1, 40));
      case 'after':
      case 'before':
        if (this.pools.cursors.length && rng.chance(0.4)) return rng.pick(this.pools.cursors);
        return rng.pick([
          rng.hex(12),
          Buffer.from(JSON.stringify([new Date(this.now).toISOString(), rng.uuid()])).toString('base64url'),
          Buffer.from(JSON.stringify(rng.pick([['x', 1], { a: 1 }, 'title', [1, 2, 3], null]))).toString('base64url'),
          Buffer.from(JSON.stringify([rng.pick(WORDS), rng.uuid()])).toString('base64url'),
        ]);
      case 'avatarUrl':
        return rng.pick(['https://example.test/a.png', 'http://example.test/a.png', 'javascript:alert(1)', '']);
      case 'timezone':
        return rng.pick(TIMEZONES);
      case 'language':
        return rng.pick(LANGUAGES);
      case 'firstName':
      case 'lastName':
        return rng.pick(['Ada', 'Grace', ' ', 'x'.repeat(101), 'Ünïcödé']);
      default:
        return rng.pick(WORDS);
    }
  }

  int(name: string, listFactor: number): number {
    const rng = this.rng;
    if (listFactor === 1 && rng.chance(0.05)) return rng.pick(EDGE_INTS);
    if (name === 'first' || name === 'last') return listFactor > 1 ? rng.int(0, 3) : rng.pick([0, 1, 2, 3, 5, 10]);
    if (name === 'upToSequence' || name === 'afterSequence') return rng.int(0, 30);
    return rng.int(-5, 100);
  }

  /** A value of `type` for argument or input field `name` of `owner`. */
  value(type: GraphQLInputType, owner: string, name: string, listFactor: number): unknown {
    const rng = this.rng;
    if (isNonNullType(type)) return this.value(type.ofType, owner, name, listFactor);
    if (isListType(type)) {
      const count = name === 'events' || name === 'ids' || name === 'memberIds' ? rng.int(1, 3) : rng.int(0, 3);
      return Array.from({ length: count }, () => this.value(type.ofType, owner, name, listFactor));
    }
    if (isEnumType(type)) return rng.pick(type.getValues()).name;
    if (isInputObjectType(type)) {
      const object: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        if (isNonNullType(field.type) || rng.chance(0.4)) object[field.name] = this.value(field.type, type.name, field.name, listFactor);
      }
      return object;
    }
    switch ((type as GraphQLScalarType).name) {
      case 'ID':
        return this.id(this.idKindOf(owner, name));
      case 'String':
        return this.string(owner, name);
      case 'Int':
        return this.int(name, listFactor);
      case 'Float':
        return rng.next() * 10;
      case 'Boolean':
        return rng.chance(0.5);
      case 'DateTime':
        return this.date(name);
      case 'JSON':
        return rng.pick([
          { page: '/courses', n: rng.int(0, 9) },
          { nested: { list: [1, 'two', null] } },
          {},
          'text',
          42,
          [1, 2],
          { big: 'x'.repeat(rng.int(1000, 6000)) },
          JSON.parse(`${'{"a":'.repeat(60)}1${'}'.repeat(60)}`),
          { _key: true, e: 1.5e300, none: null },
        ]);
      default:
        return null;
    }
  }

  /** `value` written as a GraphQL literal of `type`. */
  literal(type: GraphQLInputType, value: unknown): string {
    if (value === null || value === undefined) return 'null';
    if (isNonNullType(type)) return this.literal(type.ofType, value);
    if (isListType(type)) return `[${(value as unknown[]).map((item) => this.literal(type.ofType, item)).join(', ')}]`;
    if (isEnumType(type)) return String(value);
    if (isInputObjectType(type)) {
      const fields = type.getFields();
      return `{ ${Object.entries(value as Record<string, unknown>)
        .map(([key, item]) => `${key}: ${this.literal(fields[key]!.type, item)}`)
        .join(', ')} }`;
    }
    if ((type as GraphQLScalarType).name === 'JSON') return jsonLiteral(value);
    return JSON.stringify(value);
  }

  arguments(field: GraphQLField<unknown, unknown>, listFactor: number): { text: string; values: Record<string, unknown> } {
    const rng = this.rng;
    const parts: string[] = [];
    const values: Record<string, unknown> = {};
    for (const arg of field.args as readonly GraphQLArgument[]) {
      if (!isNonNullType(arg.type) && !rng.chance(0.5)) continue;
      const value = this.value(arg.type, field.name, arg.name, listFactor);
      values[arg.name] = value;
      if (rng.chance(0.5)) {
        const name = `v${this.variables.length}`;
        this.variables.push({ name, type: String(arg.type), value });
        parts.push(`${arg.name}: $${name}`);
      } else {
        parts.push(`${arg.name}: ${this.literal(arg.type, value)}`);
      }
    }
    return { text: parts.length ? `(${parts.join(', ')})` : '', values };
  }

  /** A selection of 1 to 4 fields of `type` (plus fragments now and then), `depth` levels down. */
  selection(type: GraphQLObjectType, depth: number, listFactor: number): string {
    const rng = this.rng;
    const fields = Object.values(type.getFields());
    const chosen = rng.sample(fields, rng.int(1, 4));
    const parts: string[] = [];
    for (const field of chosen) {
      const named = getNamedType(field.type);
      if (isObjectType(named) && depth >= MAX_DEPTH) continue;
      const declared = this.variables.length;
      const { text, values } = this.arguments(field, listFactor);
      let alias = '';
      if (this.aliases < MAX_ALIASES && rng.chance(0.1)) {
        this.aliases += 1;
        alias = `a${this.aliases}: `;
      }
      if (isObjectType(named)) {
        const size = isListType(unwrapNonNull(field.type)) ? listSize(field, values) : 1;
        if (listFactor * size > MAX_LIST_FACTOR) {
          // Too many items under the lists above: the field is left out, with its variables.
          this.variables.length = declared;
          continue;
        }
        parts.push(`${alias}${field.name}${text} { ${this.selection(named, depth + 1, listFactor * size)} }`);
      } else {
        parts.push(`${alias}${field.name}${text}`);
      }
    }
    if (parts.length === 0) parts.push('__typename');
    if (rng.chance(0.1)) return `... on ${type.name} { ${parts.join(' ')} }`;
    if (rng.chance(0.05)) {
      const name = `F${this.fragments.length}`;
      this.fragments.push(`fragment ${name} on ${type.name} { ${parts.join(' ')} }`);
      return rng.chance(0.5) ? `...${name} __typename` : `...${name}`;
    }
    return parts.join(' ');
  }

  operation(kind: 'query' | 'mutation'): { query: string; variables: Record<string, unknown> } {
    const rng = this.rng;
    const root = kind === 'query' ? this.schema.getQueryType()! : this.schema.getMutationType()!;
    // One or two root fields: with a field of every domain, three in one operation mostly meet one the viewer's role may not read.
    const fields = rng.sample(Object.values(root.getFields()), rng.int(1, 2));
    const parts = fields.map((field, index) => {
      const { text, values } = this.arguments(field, 1);
      const named = getNamedType(field.type);
      const alias = index > 0 && rng.chance(0.3) ? `r${index}: ` : '';
      const size = isListType(unwrapNonNull(field.type)) ? listSize(field, values) : 1;
      return isObjectType(named) ? `${alias}${field.name}${text} { ${this.selection(named, 2, size)} }` : `${alias}${field.name}${text}`;
    });
    const declared = this.variables.map((v) => `$${v.name}: ${v.type}`).join(', ');
    const name = rng.chance(0.3) ? ` Fuzz${rng.int(0, 999)}` : '';
    const header = declared ? `${kind}${name}(${declared})` : name ? `${kind}${name}` : kind === 'query' && rng.chance(0.5) ? '' : kind;
    const query = [`${header} { ${parts.join(' ')} }`.trim(), ...this.fragments].join('\n');
    return { query, variables: Object.fromEntries(this.variables.map((v) => [v.name, v.value])) };
  }
}

function unwrapNonNull<T>(type: T): T {
  return (type instanceof GraphQLNonNull ? type.ofType : type) as T;
}

/** Items a list field returns at most, as its arguments (or their defaults) say. */
function listSize(field: GraphQLField<unknown, unknown>, values: Record<string, unknown>): number {
  const arg = field.args.find((a) => a.name === 'first' || a.name === 'last');
  const given = values[arg?.name ?? ''];
  if (typeof given === 'number') return Math.max(1, given);
  if (typeof arg?.defaultValue === 'number') return arg.defaultValue;
  return 20;
}

function jsonLiteral(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(jsonLiteral).join(', ')}]`;
  if (typeof value === 'object') return `{ ${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${jsonLiteral(v)}`).join(', ')} }`;
  return JSON.stringify(value);
}

/** Ways to get a request wrong, each drawn with its weight. */
const MISTAKES = [
  ['syntax', 3],
  ['unknown-field', 2],
  ['wrong-argument-type', 2],
  ['bad-variable', 3],
  ['missing-variable', 1],
  ['nul-character', 2],
  ['impossible-date', 2],
  ['huge-number', 2],
  ['operation-name', 1],
  ['subscription-over-http', 1],
  ['malformed-body', 1],
] as const;

type Mistake = (typeof MISTAKES)[number][0];

function spoil(rng: Prng, mistake: Mistake, valid: { query: string; variables: Record<string, unknown> }): FuzzOperation['body'] {
  const { query, variables } = valid;
  const names = Object.keys(variables);
  switch (mistake) {
    case 'syntax': {
      const at = rng.int(0, query.length - 1);
      return rng.pick([
        { query: query.slice(0, at), variables },
        { query: `${query.slice(0, at)}${rng.pick(['{', '}', '(', ')', '@', '#', '"', '$', ':', '...', '!'])}${query.slice(at)}`, variables },
        { query: query.replace(/[{}]/, ''), variables },
      ]);
    }
    case 'unknown-field':
      return { query: query.replace('{ ', `{ ${rng.pick(['nope', 'password', 'passwordHash', '__schema'])} `), variables };
    case 'wrong-argument-type':
      return rng.pick([
        { query: '{ courses(first: "ten") { totalCount } }' },
        { query: '{ course(id: 12) { id } }' },
        { query: '{ trainingSessions(filter: { hasSeats: "yes" }) { totalCount } }' },
        { query: '{ courses(orderBy: { field: NAME, direction: UP }) { totalCount } }' },
        { query: `{ courses(filter: { level: ${rng.pick(['"BEGINNER"', 'beginner', '1', 'null'])} }) { totalCount } }` },
        { query: 'mutation { trackEvents(events: { name: 1 }) }' },
        { query: '{ venues(first: 1) { id } }' },
      ]);
    case 'bad-variable': {
      if (names.length === 0) return { query: 'query($n: Int) { courses(first: $n) { totalCount } }', variables: { n: rng.pick(['10', 1.5, true, { n: 1 }, [1]]) } };
      const name = rng.pick(names);
      return { query, variables: { ...variables, [name]: rng.pick([null, 'text', 12345678901234, -1, 1.5, true, { deep: ['x'] }, [], ['a', 'b'], '']) } };
    }
    case 'missing-variable':
      if (names.length === 0) return { query: 'query($id: ID!) { course(id: $id) { id } }', variables: {} };
      return { query, variables: Object.fromEntries(Object.entries(variables).filter(([n]) => n !== rng.pick(names))) };
    case 'nul-character':
      return rng.pick([
        { query: 'query($s: String) { courses(filter: { search: $s }) { totalCount } }', variables: { s: `a${'\u0000'}b` } },
        { query: '{ course(slug: "x\\u0000") { id } }' },
        { query: 'mutation($c: String!) { sendMessage(roomId: "00000000-0000-4000-8000-000000000000", content: $c) { id } }', variables: { c: '\u0000' } },
        { query: 'mutation { logIn(email: "a\\u0000@example.test", password: "x") { accessToken } }' },
        { query, variables: Object.fromEntries(Object.entries(variables).map(([n, v]) => [n, typeof v === 'string' ? `${v}\u0000` : v])) },
      ]);
    case 'impossible-date': {
      const date = rng.pick(['2026-02-30T00:00:00Z', '2025-02-29T12:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '0000-01-01T00:00:00Z', '2026-01-01', 'tomorrow', '+275760-09-13T00:00:00Z']);
      return rng.pick([
        { query: `{ trainingSessions(filter: { from: "${date}" }) { totalCount } }` },
        { query: 'query($to: DateTime) { trainingSessions(filter: { to: $to }) { totalCount } }', variables: { to: date } },
        { query: 'mutation($e: [AnalyticsEventInput!]!) { trackEvents(events: $e) }', variables: { e: [{ name: 'course_viewed', anonymousId: 'a', occurredAt: date }] } },
      ]);
    }
    case 'huge-number': {
      const big = rng.pick(['2147483648', '-2147483649', '1e30', '99999999999999999999', '1.5', 'NaN', '-0']);
      return rng.pick([
        { query: `{ courses(first: ${big}) { totalCount } }` },
        { query: `{ venues { upcomingSessions(first: ${big}) { id } } }` },
        { query: 'query($n: Int) { trainingSessions(first: $n) { totalCount } }', variables: { n: rng.pick([2 ** 31, -(2 ** 31) - 1, 1e300, -1, 101, 1e-9]) } },
        { query: `mutation { markRoomRead(roomId: "00000000-0000-4000-8000-000000000000", upToSequence: ${rng.pick(['-1', '2147483647', '0'])}) { id } }` },
        { query: `{ courses(first: 1) { edges { node { upcomingSessions(first: ${rng.pick(['0', '-3', '51', '1000'])}) { id } } } } }` },
      ]);
    }
    case 'operation-name':
      return rng.pick([
        { query: `query A { topics { id } } query B { venues { id } }` },
        { query, operationName: 'NoSuchOperation', variables },
        { query, operationName: 42, variables },
        { query: 'fragment F on Query { topics { id } }' },
      ]);
    case 'subscription-over-http':
      return rng.pick([{ query: 'subscription { notificationAdded { id } }' }, { query: `subscription { messageAdded(roomId: "${rng.uuid()}") { id content } }` }]);
    case 'malformed-body':
      return rng.pick(['{"query": ', 'not json at all', '[]', '{"query": 5}', '{"query": "{ topics { id } }", "variables": [1]}', '{}', '{"query": ""}', '{"query": null}']);
  }
}

/** Draws operations from `schema` for a fuzz run with `seed`; the i-th operation depends only on the seed and i. */
export class OperationGenerator {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly pools: FuzzPools,
    private readonly seed: string,
    private readonly now = Date.now(),
  ) {}

  generate(index: number): FuzzOperation {
    const rng = new Prng(`${this.seed}/${index}`);
    const role = rng.pick(FUZZ_ROLES);
    let viewerId: string | null = null;
    let room: string | null = null;
    if (role) {
      const membership = this.pools.memberships.length && rng.chance(0.4) ? rng.pick(this.pools.memberships) : null;
      [room, viewerId] = membership ?? [null, rng.pick(this.pools.usersByRole[role] ?? [rng.uuid()])];
    }
    const builder = new Builder(rng, this.schema, this.pools, { id: viewerId, room }, this.now);
    const valid = builder.operation(rng.chance(0.7) ? 'query' : 'mutation');
    if (rng.chance(0.7)) return { index, valid: true, kind: 'valid', role, viewerId, body: valid };
    const mistake = rng.weighted(MISTAKES);
    return { index, valid: false, kind: mistake, role, viewerId, body: spoil(rng, mistake, valid) };
  }
}

