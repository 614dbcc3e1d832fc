import type { Row } from './bulk-insert.js';
import { DAY, HOUR, MINUTE, iso, truncate, type ChatRoomEntity, type TableRows, type UserEntity } from './model.js';
import { at, type Prng } from './prng.js';
import { TOPICS, type TopicSeed } from './reference-data.js';
import { CHAT_COACHING_LINES, CHAT_DIRECT_LINES, CHAT_HOST_LINES, CHAT_REPLIES, CHAT_SESSION_LINES, CHAT_TOPIC_LINES } from './word-lists.js';

/** Messages are spread over the last six weeks. */
const WINDOW = 42 * DAY;
const SECOND = 1000;

/** The notification type the community subgraph writes when someone is added to a room. */
const MEMBER_ADDED = 'CHAT_ROOM_MEMBER_ADDED';

/** How chatty each kind of room is, before its size and age are counted. */
const KIND_ACTIVITY = { SESSION: 1, GROUP: 2.5, DIRECT: 1.5, COACHING: 1.2 } as const;

/** How likely a conversation starts in each UTC hour: most members live in the UK. */
const HOURLY_ACTIVITY = [0.12, 0.06, 0.04, 0.03, 0.03, 0.05, 0.15, 0.4, 0.7, 0.9, 1, 1, 1, 1, 1, 0.95, 0.9, 0.85, 0.9, 1, 1, 0.8, 0.5, 0.25];

export interface ChatInput {
  anchor: number;
  users: readonly UserEntity[];
  rooms: readonly ChatRoomEntity[];
  /** Messages to spread over the rooms. */
  messages: number;
}

/**
 * The rows of the chat: rooms, members, their messages and the notifications of being added.
 * How many messages each room holds is planned first, because the rooms carry their last
 * sequence and the members their read pointers; the messages themselves (a million at the
 * benchmark scale) and the notifications are generated lazily, room by room.
 */
export function generateChat(rng: Prng, input: ChatInput): TableRows[] {
  const { anchor, users, rooms } = input;
  const end = anchor - MINUTE;
  const starts = new Float64Array(rooms.length);
  const weights = new Float64Array(rooms.length);
  let weightSum = 0;
  rooms.forEach((room, r) => {
    // Nobody can write before the first member joined.
    let firstJoin = Infinity;
    for (const member of room.members) firstJoin = Math.min(firstJoin, member.joinedAt);
    const start = Math.max(anchor - WINDOW, room.createdAt, firstJoin);
    starts[r] = start;
    const span = end - start;
    // Some rooms are silent: a direct chat opened and never used, a group nobody took to.
    if (!(span >= 10 * MINUTE) || rng.chance(0.05)) return;
    let weight = Math.exp(rng.normal()) * KIND_ACTIVITY[room.kind] * Math.sqrt(room.members.length) * (span / WINDOW);
    // Session rooms talk most around their session: those of sessions long past are quieter.
    if (room.sessionStartsAt !== null && room.sessionStartsAt < anchor - WINDOW - 14 * DAY) weight *= 0.3;
    // A few rooms are far busier than their size suggests.
    if (rng.chance(0.03)) weight *= 8;
    weights[r] = weight;
    weightSum += weight;
  });

  // Shares of the total by weight; rounding the running sum makes the counts add up exactly.
  const counts = new Int32Array(rooms.length);
  let running = 0;
  let assigned = 0;
  let total = 0;
  for (let r = 0; r < rooms.length; r++) {
    if (weights[r] === 0) continue;
    running += (weights[r]! * input.messages) / weightSum;
    const upTo = Math.round(running);
    // At most one message a second: the times below need a distinct millisecond each.
    counts[r] = Math.min(upTo - assigned, Math.floor((end - starts[r]!) / SECOND));
    assigned = upTo;
    total += counts[r]!;
  }

  const roomRows: Row[] = [];
  const memberRows: Row[] = [];
  let notifications = 0;
  rooms.forEach((room, r) => {
    const last = counts[r]!;
    roomRows.push([
      room.id, room.name, room.kind, room.sessionId, at(users, room.creator).id, iso(room.createdAt), last,
      room.directPair?.[0] ?? null, room.directPair?.[1] ?? null,
    ]);
    for (const member of room.members) {
      // Most members are up to date; the others stopped somewhere.
      const read = last === 0 || rng.chance(0.6) ? last : rng.int(0, last);
      memberRows.push([room.id, at(users, member.user).id, member.role, iso(member.joinedAt), read]);
      if (member.user !== room.creator) notifications++;
    }
  });

  return [
    { table: 'community.chat_rooms', total: roomRows.length, rows: roomRows },
    { table: 'community.chat_room_members', total: memberRows.length, rows: memberRows },
    muteRows(rng.fork('mutes'), input),
    { table: 'community.chat_messages', total, rows: messageRows(rng.fork('messages'), input, starts, counts) },
    { table: 'community.notifications', total: notifications, rows: notificationRows(rng.fork('notifications'), input) },
  ];
}

/**
 * Fills `times[0..n)` with strictly increasing whole milliseconds in [start, end): bursts of
 * a few lines seconds to minutes apart, starting at hours people are awake.
 */
function fillTimes(rng: Prng, times: Float64Array, n: number, start: number, end: number): void {
  const span = end - start;
  const meanBurst = Math.min(12, 2 + Math.sqrt(n) / 4);
  const bursts = new Float64Array(Math.max(1, Math.ceil(n / meanBurst)));
  for (let b = 0; b < bursts.length; b++) {
    let t = start + rng.next() * span;
    for (let tries = 0; tries < 8 && !rng.chance(at(HOURLY_ACTIVITY, Math.floor((t % DAY) / HOUR))); tries++) t = start + rng.next() * span;
    bursts[b] = t;
  }
  bursts.sort();
  // Lines go into bursts in order; a burst that runs into the next just pushes it later.
  let t = start;
  let b = 0;
  let left = 0;
  for (let i = 0; i < n; i++) {
    if (left === 0 && b < bursts.length) {
      t = Math.max(t, bursts[b++]!);
      left = 1 + Math.floor(rng.exponential(meanBurst - 1));
    } else {
      t += 5 * SECOND + rng.exponential(70 * SECOND);
    }
    left = Math.max(0, left - 1);
    times[i] = t;
  }
  const overrun = times[n - 1]! - start;
  const squeeze = overrun > span ? span / overrun : 1;
  // Whole milliseconds, one apart at least: squeezed by n ms, then shifted by the index.
  for (let i = 0; i < n; i++) times[i] = start + Math.floor(((times[i]! - start) * squeeze * (span - n)) / span) + i;
}

/** A line of the room's topic (or of any topic, for rooms without one). */
function fill(rng: Prng, template: string, topic: TopicSeed): string {
  if (!template.includes('{')) return template;
  return template.replace('{c}', () => rng.pick(topic.concepts)).replace('{s}', () => rng.pick(topic.subjects));
}

function compose(rng: Prng, room: ChatRoomEntity, host: boolean): string {
  const topic = room.topic ?? rng.pick(TOPICS);
  const u = rng.next();
  let pool: readonly string[];
  if (room.kind === 'DIRECT') pool = u < 0.45 ? CHAT_REPLIES : CHAT_DIRECT_LINES;
  else if (room.kind === 'COACHING') pool = u < 0.35 ? CHAT_REPLIES : CHAT_COACHING_LINES;
  else if (host && u < 0.35) pool = CHAT_HOST_LINES;
  else if (room.kind === 'SESSION') pool = u < 0.6 ? CHAT_SESSION_LINES : u < 0.8 ? CHAT_TOPIC_LINES : CHAT_REPLIES;
  else pool = u < 0.6 ? CHAT_TOPIC_LINES : CHAT_REPLIES;
  let text = fill(rng, rng.pick(pool), topic);
  // Now and then a second sentence, rarely a long message.
  const more = rng.chance(0.15) ? 1 : rng.chance(0.02) ? rng.int(2, 4) : 0;
  for (let k = 0; k < more; k++) {
    const next = fill(rng, rng.pick(rng.chance(0.5) ? CHAT_TOPIC_LINES : CHAT_REPLIES), topic);
    text = `${text}${/[\p{L}\p{N}]$/u.test(text) ? '.' : ''} ${next}`;
  }
  return text;
}

function* messageRows(rng: Prng, input: ChatInput, starts: Float64Array, counts: Int32Array): Generator<Row> {
  const { anchor, users, rooms } = input;
  const end = anchor - MINUTE;
  let times = new Float64Array(1024);
  for (let r = 0; r < rooms.length; r++) {
    const n = counts[r]!;
    if (n === 0) continue;
    const room = at(rooms, r);
    if (times.length < n) times = new Float64Array(n);
    fillTimes(rng, times, n, starts[r]!, end);

    // Members in the order they joined, each with a talkativeness; hosts talk more. Only
    // those who have joined by a message's time may have sent it.
    const members = room.members.slice().sort((a, b) => a.joinedAt - b.joinedAt);
    const ids = members.map((m) => at(users, m.user).id);
    // Who moderates the room (the first OWNER or MODERATOR to join), for deletions by a moderator.
    const moderator = members.find((m) => m.role !== 'MEMBER');
    let deletions = 0;
    const cumulative = new Float64Array(members.length);
    let sum = 0;
    members.forEach((member, i) => {
      sum += Math.exp(1.2 * rng.normal()) * (member.role === 'MEMBER' ? 1 : 3);
      cumulative[i] = sum;
    });

    let joined = 0;
    let previous = -1;
    for (let i = 0; i < n; i++) {
      const sentAt = times[i]!;
      while (joined < members.length && members[joined]!.joinedAt <= sentAt) joined++;
      let sender = previous;
      // Often the same person writes several lines in a row.
      if (sender < 0 || !rng.chance(0.3)) {
        // Weighted draw among the first `joined` members (at least the first: see `starts`).
        const point = rng.next() * cumulative[joined - 1]!;
        let low = 0;
        let high = joined - 1;
        while (low < high) {
          const mid = (low + high) >>> 1;
          if (cumulative[mid]! <= point) low = mid + 1;
          else high = mid;
        }
        sender = low;
      }
      previous = sender;

      const id = rng.uuid();
      const content = compose(rng, room, members[sender]!.role !== 'MEMBER');
      // The apps send an idempotency key; older clients and integrations do not.
      const clientMessageId = rng.chance(0.85) ? rng.uuid() : null;
      const fate = rng.next();
      if (fate < 0.004) {
        // Deleting erases the text and stamps both times, as markMessageDeleted does.
        const deletedAt = iso(Math.min(sentAt + SECOND + Math.floor(rng.exponential(20 * MINUTE)), anchor - SECOND));
        // Most by their sender; every third of a room with a moderator, by the moderator.
        const byModerator = moderator !== undefined && moderator !== members[sender] && deletions++ % 3 === 0;
        const deletedBy = byModerator ? at(users, moderator.user).id : ids[sender]!;
        yield [id, room.id, i + 1, ids[sender]!, '', clientMessageId, iso(sentAt), deletedAt, deletedAt, deletedBy];
      } else if (fate < 0.034) {
        const editedAt = iso(Math.min(sentAt + 5 * SECOND + Math.floor(rng.exponential(2 * MINUTE)), anchor - SECOND));
        yield [id, room.id, i + 1, ids[sender]!, content, clientMessageId, iso(sentAt), editedAt, null, null];
      } else {
        yield [id, room.id, i + 1, ids[sender]!, content, clientMessageId, iso(sentAt), null, null, null];
      }
    }
  }
}

/**
 * Members muted by their room's moderator: in a few GROUP and SESSION rooms, one MEMBER, some
 * mutes over, most still running (at least one at every scale).
 */
function muteRows(rng: Prng, input: ChatInput): TableRows {
  const { anchor, users, rooms } = input;
  const rows: Row[] = [];
  let fallback: Row | null = null;
  for (const room of rooms) {
    if (room.kind !== 'GROUP' && room.kind !== 'SESSION') continue;
    const moderator = room.members.find((m) => m.role !== 'MEMBER');
    const muted = room.members.filter((m) => m.role === 'MEMBER' && m.joinedAt < anchor - HOUR);
    if (!moderator || muted.length === 0) continue;
    const pick = (member: (typeof muted)[number], mutedAt: number, until: number): Row => [
      room.id, at(users, member.user).id, iso(until), at(users, moderator.user).id, iso(mutedAt),
    ];
    fallback ??= pick(muted[0]!, anchor - HOUR, anchor + DAY);
    if (!rng.chance(0.06)) continue;
    const member = rng.pick(muted);
    const mutedAt = Math.max(member.joinedAt, anchor - Math.floor(rng.next() * 3 * DAY)) + MINUTE;
    const until = mutedAt + HOUR + Math.floor(rng.exponential(2 * DAY));
    rows.push(pick(member, Math.min(mutedAt, anchor - MINUTE), until));
  }
  const running = rows.some((row) => (row[2] as string) > iso(anchor));
  const kept = running || !fallback ? rows : [...rows.filter((row) => row[0] !== fallback[0] || row[1] !== fallback[1]), fallback];
  return { table: 'community.chat_room_mutes', total: kept.length, rows: kept };
}

/** "You were added" for every member but the room's creator, as the community subgraph writes it. */
function* notificationRows(rng: Prng, input: ChatInput): Generator<Row> {
  const { anchor, users, rooms } = input;
  for (const room of rooms) {
    const creatorId = at(users, room.creator).id;
    const title = room.kind === 'DIRECT' ? 'You have a new direct chat' : truncate(`You were added to ${room.name ?? 'a chat room'}`, 200);
    const actionUrl = `/chat/${room.id}`;
    const data = JSON.stringify({ roomId: room.id, addedBy: creatorId });
    for (const member of room.members) {
      if (member.user === room.creator) continue;
      // Older ones are mostly read; recent ones often not yet, the last minute's never.
      const read = member.joinedAt < anchor - MINUTE && rng.chance(anchor - member.joinedAt > 7 * DAY ? 0.85 : 0.4);
      const readAt = read ? iso(Math.min(member.joinedAt + MINUTE + Math.floor(rng.exponential(DAY)), anchor - SECOND)) : null;
      yield [rng.uuid(), at(users, member.user).id, MEMBER_ADDED, title, null, 'MEDIUM', actionUrl, data, iso(member.joinedAt), readAt, null, true];
    }
  }
}
