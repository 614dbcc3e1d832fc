import type { Row } from './bulk-insert.js';
import { DAY, HOUR, MINUTE, iso, truncate, type ChatRoomEntity, type TableRows, type UserEntity } from './model.js';
import { at, type Prng } from './prng.js';
import { TOPICS, type TopicSeed } from './reference-data.js';

/** Posts are spread over the last four weeks. */
const WINDOW = 28 * DAY;
const SECOND = 1000;

/** The notification types and titles the community subgraph writes for posts (see post.service.ts). */
const MENTIONED = { type: 'POST_MENTION', title: 'You were mentioned in a post' } as const;
const COMMENTED = { type: 'POST_COMMENTED', title: 'Someone commented on your post' } as const;
const REPLIED = { type: 'COMMENT_REPLIED', title: 'Someone replied to your comment' } as const;

const KINDS: readonly (readonly ['LIKE' | 'LOVE' | 'CELEBRATE' | 'INSIGHTFUL', number])[] = [
  ['LIKE', 55],
  ['LOVE', 20],
  ['CELEBRATE', 15],
  ['INSIGHTFUL', 10],
];

const POST_LINES = [
  'Just passed my {s} assessment. The practical on {c} was the hardest part!',
  'Does anyone have good tips for remembering the steps of {c}?',
  'Reminder: bring comfortable clothes for the {s} practical, there is a lot of kneeling.',
  'Great session today on {c}. Slides are at https://academy.example/slides/{n}',
  'Who else is booked on {s} next month? Happy to share notes afterwards.',
  'Quick question on {c}: is the guidance different for children?',
  'Used what I learned about {c} at work this week. Glad I took {s}.',
  'Our team renewed {s} together, highly recommend doing it as a group.',
  'Looking for a study partner for {s}.',
  'The trainer’s explanation of {c} finally made it click for me.',
] as const;
const COMMENT_LINES = [
  'Congratulations!',
  'Thanks for sharing this.',
  'Same question here, following.',
  'I found the practice scenarios on {c} really helped.',
  'See you there!',
  'Good point, I had not thought of that.',
  'The handbook has a section on {c} that covers it.',
  'Agreed, {s} was worth it.',
  'Happy to help, send me a message.',
  'Yes, the guidance is a little different, the trainer covers it on day two.',
] as const;
const REPORT_REASONS = ['Spam', 'Off-topic advertising', 'Unkind to another member', 'Medical advice that looks wrong'] as const;

export interface PostsInput {
  anchor: number;
  users: readonly UserEntity[];
  /** Indexes of the synthetic users (those without an account). */
  learners: readonly number[];
  rooms: readonly ChatRoomEntity[];
  admin: number;
  demoLearner: number;
  /** Posts to write. */
  posts: number;
}

/** A user who may read a post from `since` on (a room's member from joining, anyone else from signing up). */
interface Reader {
  user: number;
  since: number;
}

/** The community's posts with their comments, reactions, mentions, the notifications they caused and a few reports. */
export interface PostsOutput {
  tables: TableRows[];
  /** Rows for community.notifications, in its column order. */
  notifications: Row[];
}

function fill(rng: Prng, template: string, topic: TopicSeed): string {
  return template
    .replace('{c}', () => rng.pick(topic.concepts))
    .replace('{s}', () => rng.pick(topic.subjects))
    .replace('{n}', () => String(rng.int(100, 999)));
}

/**
 * Posts of every visibility: PUBLIC ones by anyone, MEMBERS ones in session rooms and PRIVATE
 * ones in group, coaching and direct rooms, each by a member. Comments and replies (one level
 * deep, some removed while their replies stay), one reaction per user and post, mentions of
 * people who may read the post, and the notifications the community subgraph writes for them:
 * every row keeps the rules the subgraph enforces, so the demo shows what the API would produce.
 */
export function generatePosts(rng: Prng, input: PostsInput): PostsOutput {
  const { anchor, users, learners } = input;
  const end = anchor - MINUTE;
  const postRows: Row[] = [];
  const commentRows: Row[] = [];
  const reactionRows: Row[] = [];
  const mentionRows: Row[] = [];
  const reportRows: Row[] = [];
  const notifications: Row[] = [];

  const roomsOf = (kinds: readonly string[]) => input.rooms.filter((r) => kinds.includes(r.kind) && r.members.length >= 2);
  const sessionRooms = roomsOf(['SESSION']);
  const privateRooms = roomsOf(['GROUP', 'COACHING', 'DIRECT']);
  const everyone: Reader[] = [input.demoLearner, ...learners].map((user) => ({ user, since: at(users, user).createdAt }));

  const notify = (userId: number, kind: { type: string; title: string }, about: { postId: string; commentId: string | null; by: number; content: string }, time: number) => {
    const read = time < anchor - MINUTE && rng.chance(anchor - time > 7 * DAY ? 0.85 : 0.4);
    const readAt = read ? iso(Math.min(time + MINUTE + Math.floor(rng.exponential(DAY)), anchor - SECOND)) : null;
    const actionUrl = about.commentId ? `/posts/${about.postId}#comment-${about.commentId}` : `/posts/${about.postId}`;
    const data = JSON.stringify({ postId: about.postId, commentId: about.commentId, by: at(users, about.by).id });
    notifications.push([rng.uuid(), at(users, userId).id, kind.type, kind.title, truncate(about.content, 280), 'MEDIUM', actionUrl, data, iso(time), readAt, null, true]);
  };
  /** A reader who could act at `time`, or null after a few tries. */
  const readerAt = (readers: readonly Reader[], time: number, not: number | null = null): Reader | null => {
    for (let tries = 0; tries < 12; tries++) {
      const reader = rng.pick(readers);
      if (reader.since <= time && reader.user !== not) return reader;
    }
    return null;
  };

  let reported = 0;
  for (let p = 0; p < input.posts; p++) {
    // The first three posts show each visibility at every scale.
    const choice = p < 3 ? (['PUBLIC', 'MEMBERS', 'PRIVATE'] as const)[p]! : rng.weighted([['PUBLIC', 6], ['MEMBERS', 2], ['PRIVATE', 2]] as const);
    const rooms = choice === 'MEMBERS' ? sessionRooms : choice === 'PRIVATE' ? privateRooms : [];
    const visibility = rooms.length === 0 ? 'PUBLIC' : choice;
    const room = visibility === 'PUBLIC' ? null : rng.pick(rooms);
    const readers: readonly Reader[] = room ? room.members.map((m) => ({ user: m.user, since: Math.max(m.joinedAt, room.createdAt) })) : everyone;
    const author = rng.pick(readers);
    const start = Math.max(anchor - WINDOW, author.since);
    if (start >= end - HOUR) continue;
    const createdAt = start + Math.floor(rng.next() * (end - HOUR - start));
    const topic = room?.topic ?? rng.pick(TOPICS);
    let content = fill(rng, rng.pick(POST_LINES), topic);

    const postId = rng.uuid();
    // Mentions name people who may read the post, never its author.
    const mentioned: number[] = [];
    if (p === 0 || rng.chance(0.2)) {
      for (let m = rng.int(1, 2); m > 0; m--) {
        const reader = readerAt(readers, createdAt, author.user);
        if (reader && !mentioned.includes(reader.user)) mentioned.push(reader.user);
      }
      if (mentioned.length > 0) content = `${mentioned.map((u) => `@${at(users, u).displayName}`).join(' ')} ${content}`;
    }
    content = truncate(content, 5000);
    const editedAt = rng.chance(0.05) ? Math.min(createdAt + MINUTE + Math.floor(rng.exponential(HOUR)), end) : null;
    postRows.push([postId, at(users, author.user).id, content, visibility, room?.id ?? null, iso(createdAt), editedAt === null ? null : iso(editedAt)]);
    for (const user of mentioned) {
      mentionRows.push([postId, null, at(users, user).id, iso(createdAt)]);
      notify(user, MENTIONED, { postId, commentId: null, by: author.user, content }, createdAt);
    }

    // Comments follow the post over hours; about a third answer an earlier comment.
    const tops: { id: string; author: number; lastReply: number; row: number }[] = [];
    let t = createdAt;
    for (let c = Math.min(30, Math.floor(rng.exponential(2))); c > 0; c--) {
      t += SECOND + Math.floor(rng.exponential(6 * HOUR));
      if (t >= end) break;
      const commenter = readerAt(readers, t);
      if (!commenter) continue;
      const id = rng.uuid();
      const text = fill(rng, rng.pick(COMMENT_LINES), topic);
      const parent = tops.length > 0 && rng.chance(0.35) ? rng.pick(tops) : null;
      const edited = rng.chance(0.04) ? iso(Math.min(t + SECOND + Math.floor(rng.exponential(10 * MINUTE)), end)) : null;
      commentRows.push([id, postId, parent?.id ?? null, at(users, commenter.user).id, text, iso(t), edited, null]);
      const target = parent ? parent.author : author.user;
      if (target !== commenter.user) notify(target, parent ? REPLIED : COMMENTED, { postId, commentId: id, by: commenter.user, content: text }, t);
      if (parent) parent.lastReply = t;
      else tops.push({ id, author: commenter.user, lastReply: 0, row: commentRows.length - 1 });
    }
    // Now and then a comment with replies is removed: it stays, without its text.
    for (const top of tops) {
      if (top.lastReply === 0 || !rng.chance(0.08)) continue;
      const removedAt = Math.min(top.lastReply + SECOND + Math.floor(rng.exponential(HOUR)), end);
      const row = commentRows[top.row]!;
      commentRows[top.row] = [row[0]!, row[1]!, row[2]!, row[3]!, '', row[5]!, row[6]!, iso(removedAt)];
    }

    // One reaction per user: a few posts draw many.
    const reactors = new Set<number>();
    const wanted = Math.min(readers.length - 1, Math.floor(rng.exponential(rng.chance(0.1) ? 25 : 3)));
    for (let tries = 0; reactors.size < wanted && tries < wanted * 4; tries++) {
      const reactedAt = createdAt + SECOND + Math.floor(rng.exponential(12 * HOUR));
      if (reactedAt >= end) continue;
      const reader = readerAt(readers, reactedAt, author.user);
      if (!reader || reactors.has(reader.user)) continue;
      reactors.add(reader.user);
      const kind = rng.weighted(KINDS);
      reactionRows.push([postId, at(users, reader.user).id, kind, iso(reactedAt), iso(reactedAt)]);
    }

    // A few PUBLIC posts were reported: most wait for the admin, one was dismissed.
    if (visibility === 'PUBLIC' && reported < 4 && (reported === 0 || rng.chance(0.2))) {
      const reporter = readerAt(readers, createdAt + HOUR, author.user);
      if (reporter && createdAt + HOUR < end) {
        const reportedAt = createdAt + HOUR;
        const dismissed = reported === 0;
        reportRows.push([
          rng.uuid(), 'POST', postId, at(users, reporter.user).id, rng.pick(REPORT_REASONS), truncate(content, 500),
          dismissed ? 'DISMISSED' : 'OPEN', iso(reportedAt), dismissed ? iso(Math.min(reportedAt + DAY, end)) : null,
          dismissed ? at(users, input.admin).id : null,
        ]);
        reported++;
      }
    }
  }

  return {
    tables: [
      { table: 'community.posts', total: postRows.length, rows: postRows },
      { table: 'community.post_comments', total: commentRows.length, rows: commentRows },
      { table: 'community.post_reactions', total: reactionRows.length, rows: reactionRows },
      { table: 'community.post_mentions', total: mentionRows.length, rows: mentionRows },
      { table: 'community.content_reports', total: reportRows.length, rows: reportRows },
    ],
    notifications,
  };
}
