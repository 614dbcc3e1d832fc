// Community posts through the gateway: who reads which visibility, author-only edits and
// moderators' deletions, comments one level deep, exact reaction counts under 200 concurrent
// reactions and switches, a feed whose pages neither repeat nor skip while posts arrive,
// mentions told once, reports, and the figures of chat and posting activity.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrivateKey } from 'node:crypto';
import { mintTestAccessToken } from '@academy/service-kit/testing';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { as, signUpUser, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const POST_FIELDS = 'id content visibility createdAt editedAt author { id } room { id } commentCount reactions { kind count } viewerReaction';
const CREATE = `mutation($content: String!, $visibility: PostVisibility, $roomId: ID, $mentionUserIds: [ID!]) {
  createPost(content: $content, visibility: $visibility, roomId: $roomId, mentionUserIds: $mentionUserIds) { ${POST_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $content: String!, $mentionUserIds: [ID!]) { updatePost(id: $id, content: $content, mentionUserIds: $mentionUserIds) { ${POST_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deletePost(id: $id) }`;
const POST = `query($id: ID!) { post(id: $id) { ${POST_FIELDS} } }`;
const FEED = `query($first: Int, $after: String) { feed(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id visibility } } } }`;
const COMMENT = `mutation($postId: ID!, $content: String!, $parentId: ID, $mentionUserIds: [ID!]) {
  addComment(postId: $postId, content: $content, parentId: $parentId, mentionUserIds: $mentionUserIds) { id content deleted parent { id } post { id } } }`;
const UPDATE_COMMENT = `mutation($id: ID!, $content: String!) { updateComment(id: $id, content: $content) { id content editedAt } }`;
const DELETE_COMMENT = `mutation($id: ID!) { deleteComment(id: $id) }`;
const COMMENTS = `query($id: ID!, $first: Int, $after: String) { post(id: $id) { commentCount comments(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
  edges { node { id content deleted author { id } replies(first: 5) { totalCount edges { node { id content parent { id } } } } } } } } }`;
const REACT = `mutation($postId: ID!, $kind: ReactionKind!) { react(postId: $postId, kind: $kind) { id viewerReaction } }`;
const UNREACT = `mutation($postId: ID!) { removeReaction(postId: $postId) { id viewerReaction } }`;
const NOTIFICATIONS = `{ me { notifications(first: 100) { totalCount edges { node { type actionUrl } } } } }`;
const REPORT = `mutation($kind: ReportedContentKind!, $id: ID!, $reason: String!) {
  reportContent(kind: $kind, id: $id, reason: $reason) { id kind contentId reason excerpt status reporter { id } resolvedAt } }`;
const REPORTS = `query($status: ContentReportStatus, $first: Int, $after: String) { contentReports(status: $status, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id kind contentId status } } } }`;
const RESOLVE = `mutation($id: ID!, $action: ContentReportAction!) { resolveContentReport(id: $id, action: $action) { id status resolvedAt resolvedBy { id } } }`;

let stack: TestStack;
let author: SignedUpUser;
let member: SignedUpUser;
let moderator: SignedUpUser;
let outsider: SignedUpUser;
let admin: SignedUpUser;
let analyst: SignedUpUser;
let groupRoom: string;
const sessionRoom = uuid();

type Body = { data?: Record<string, any>; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
const send = async (user: SignedUpUser | null, query: string, variables: Record<string, unknown> = {}): Promise<Body> =>
  (await stack.query<Record<string, any>>(query, variables, user ? { authorization: `Bearer ${user.accessToken}` } : {})).body;
const codeOf = (body: Body) => body.errors?.[0]?.extensions?.code;
const run = async (user: SignedUpUser, query: string, variables: Record<string, unknown> = {}) => as<Record<string, any>>(stack, user, query, variables);

/** A token for a user who exists only as an id: community needs no more to take their reaction. */
async function tokenFor(userId: string): Promise<SignedUpUser> {
  const accessToken = await mintTestAccessToken({ userId, roles: ['LEARNER'], privateKey: createPrivateKey(stack.signingKey.pem), keyId: stack.signingKey.kid });
  return { id: userId, email: `${userId}@example.test`, displayName: 'Tester', accessToken };
}

async function createPost(user: SignedUpUser, content: string, visibility = 'PUBLIC', roomId: string | null = null, mentionUserIds?: string[]) {
  return (await run(user, CREATE, { content, visibility, roomId, mentionUserIds })).createPost as { id: string; [key: string]: any };
}

const notificationsOf = async (user: SignedUpUser) =>
  ((await run(user, NOTIFICATIONS)).me.notifications.edges as { node: { type: string; actionUrl: string } }[]).map((e) => e.node);

beforeAll(async () => {
  // Each figure here counts one or a few users: a minimum group of 1 shows every bucket as counted
  // (withholding is tested in figures.test.ts).
  stack = await startStack({ minGroupSize: 1 });
  [author, member, moderator, outsider] = await Promise.all([
    signUpUser(stack, 'Author'),
    signUpUser(stack, 'Member'),
    signUpUser(stack, 'Moderator'),
    signUpUser(stack, 'Outsider'),
  ]);
  admin = await signUpWithRoles(stack, 'Admin', ['ADMIN']);
  analyst = await signUpWithRoles(stack, 'Analyst', ['ANALYST']);
  groupRoom = (await run(author, 'mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id } }', {
    input: { name: 'First aiders', kind: 'GROUP', memberIds: [member.id, moderator.id] },
  })).createChatRoom.id;
  await run(author, 'mutation($roomId: ID!, $userId: ID!) { addChatMember(roomId: $roomId, userId: $userId, role: MODERATOR) { id } }', {
    roomId: groupRoom,
    userId: moderator.id,
  });
  // A training session's room, as scheduling's registrations fill it: the trainer and two learners.
  await withAdmin(stack.database.adminUrl, async (db) => {
    await insertRows(db, 'community.chat_rooms', [{ id: sessionRoom, name: 'First Aid at Work · Leeds', kind: 'SESSION', session_id: uuid() }]);
    await insertRows(db, 'community.chat_room_members', [
      { room_id: sessionRoom, user_id: moderator.id, role: 'OWNER' },
      { room_id: sessionRoom, user_id: author.id, role: 'MEMBER' },
      { room_id: sessionRoom, user_id: member.id, role: 'MEMBER' },
    ]);
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('visibility', () => {
  it('shows PUBLIC posts to anyone, MEMBERS and PRIVATE ones to their room, the author and ADMIN', async () => {
    const open = await createPost(author, 'Anyone may read this.');
    const members = await createPost(author, 'Bring your own lunch on Tuesday.', 'MEMBERS', sessionRoom);
    const secret = await createPost(author, '  Group only.  ', 'PRIVATE', groupRoom);
    expect(secret).toMatchObject({ content: 'Group only.', visibility: 'PRIVATE', room: { id: groupRoom }, author: { id: author.id }, editedAt: null });
    expect(open.room).toBeNull();

    const sees = async (viewer: SignedUpUser | null) => {
      const seen: string[] = [];
      for (const post of [open, members, secret]) if ((await send(viewer, POST, { id: post.id })).data?.post) seen.push(post.visibility);
      return seen;
    };
    expect(await sees(null)).toEqual(['PUBLIC']);
    expect(await sees(outsider)).toEqual(['PUBLIC']);
    expect(await sees(member)).toEqual(['PUBLIC', 'MEMBERS', 'PRIVATE']);
    expect(await sees(author)).toEqual(['PUBLIC', 'MEMBERS', 'PRIVATE']);
    expect(await sees(admin)).toEqual(['PUBLIC', 'MEMBERS', 'PRIVATE']);
    // The moderator belongs to both rooms.
    expect(await sees(moderator)).toEqual(['PUBLIC', 'MEMBERS', 'PRIVATE']);

    const feedIds = async (viewer: SignedUpUser | null) =>
      ((await send(viewer, FEED, { first: 100 })).data!.feed.edges as { node: { id: string } }[]).map((e) => e.node.id);
    expect(await feedIds(null)).toEqual(expect.arrayContaining([open.id]));
    expect(await feedIds(null)).not.toEqual(expect.arrayContaining([members.id]));
    expect(await feedIds(outsider)).not.toContain(secret.id);
    expect(await feedIds(member)).toEqual(expect.arrayContaining([open.id, members.id, secret.id]));

    // What the outsider cannot read, they cannot touch either: it does not exist for them.
    expect(codeOf(await send(outsider, COMMENT, { postId: secret.id, content: 'hello?' }))).toBe('NOT_FOUND');
    expect(codeOf(await send(outsider, REACT, { postId: secret.id, kind: 'LIKE' }))).toBe('NOT_FOUND');
    expect(codeOf(await send(outsider, DELETE, { id: secret.id }))).toBe('NOT_FOUND');
    expect(codeOf(await send(null, CREATE, { content: 'anonymous' }))).toBe('UNAUTHENTICATED');
  });

  it('refuses bad input with BAD_USER_INPUT naming the field', async () => {
    const field = (body: Body) => [codeOf(body), body.errors?.[0]?.extensions?.field];
    expect(field(await send(author, CREATE, { content: '   ' }))).toEqual(['BAD_USER_INPUT', 'content']);
    expect(field(await send(author, CREATE, { content: 'x'.repeat(5001) }))).toEqual(['BAD_USER_INPUT', 'content']);
    expect(field(await send(author, CREATE, { content: 'click javascript:alert(1)' }))).toEqual(['BAD_USER_INPUT', 'content']);
    expect(field(await send(author, CREATE, { content: 'see ftp://files.example.org/a' }))).toEqual(['BAD_USER_INPUT', 'content']);
    expect(field(await send(author, CREATE, { content: 'https://user:pw@example.org' }))).toEqual(['BAD_USER_INPUT', 'content']);
    expect(field(await send(author, CREATE, { content: Array.from({ length: 11 }, (_, i) => `https://example.org/${i}`).join(' ') }))).toEqual(['BAD_USER_INPUT', 'content']);
    expect(field(await send(author, CREATE, { content: 'bell \u0007 here' }))).toEqual(['BAD_USER_INPUT', 'content']);
    expect(field(await send(author, CREATE, { content: 'public', roomId: groupRoom }))).toEqual(['BAD_USER_INPUT', 'roomId']);
    expect(field(await send(author, CREATE, { content: 'members', visibility: 'MEMBERS' }))).toEqual(['BAD_USER_INPUT', 'roomId']);
    expect(field(await send(author, CREATE, { content: 'members', visibility: 'MEMBERS', roomId: groupRoom }))).toEqual(['BAD_USER_INPUT', 'roomId']);
    expect(field(await send(author, CREATE, { content: 'private', visibility: 'PRIVATE', roomId: sessionRoom }))).toEqual(['BAD_USER_INPUT', 'roomId']);
    expect(field(await send(author, CREATE, { content: 'x', visibility: 'PRIVATE', roomId: groupRoom, mentionUserIds: [outsider.id] }))).toEqual([
      'BAD_USER_INPUT',
      'mentionUserIds',
    ]);
    expect(field(await send(author, CREATE, { content: 'x', mentionUserIds: ['not-an-id'] }))).toEqual(['BAD_USER_INPUT', 'mentionUserIds']);
    // A room the author is not in is not theirs to post to.
    expect(codeOf(await send(outsider, CREATE, { content: 'in', visibility: 'PRIVATE', roomId: groupRoom }))).toBe('NOT_FOUND');
    const ok = await createPost(author, 'Slides: https://example.org/slides.pdf and http://example.org/notes');
    expect(ok.content).toContain('https://example.org/slides.pdf');
    const refused = await adminRows<{ n: number }>(stack.database.adminUrl, "SELECT count(*)::int AS n FROM community.posts WHERE content IN ('x', 'members', 'private', 'public', 'in')");
    expect(refused[0]!.n).toBe(0);
  });
});

describe('authorship', () => {
  it('lets only the author edit; the author, room moderators and ADMIN delete', async () => {
    const post = await createPost(author, 'Draft wording', 'PRIVATE', groupRoom);
    for (const other of [member, moderator, admin]) {
      expect(codeOf(await send(other, UPDATE, { id: post.id, content: 'changed by someone else' }))).toBe('FORBIDDEN');
    }
    const edited = (await run(author, UPDATE, { id: post.id, content: 'Final wording' })).updatePost;
    expect(edited.content).toBe('Final wording');
    expect(edited.editedAt).not.toBeNull();

    expect(codeOf(await send(member, DELETE, { id: post.id }))).toBe('FORBIDDEN');
    expect((await run(moderator, DELETE, { id: post.id })).deletePost).toBe(true);
    expect((await send(author, POST, { id: post.id })).data!.post).toBeNull();
    expect(codeOf(await send(author, DELETE, { id: post.id }))).toBe('NOT_FOUND');

    const open = await createPost(member, 'Public words');
    expect(codeOf(await send(moderator, DELETE, { id: open.id }))).toBe('FORBIDDEN'); // a room's moderator moderates the room only
    expect((await run(admin, DELETE, { id: open.id })).deletePost).toBe(true);
    const own = await createPost(member, 'Mine to take back');
    expect((await run(member, DELETE, { id: own.id })).deletePost).toBe(true);
  });

  it('threads comments one level deep, keeps removed ones with replies, and counts exactly', async () => {
    const post = await createPost(author, 'Questions about the course?', 'PRIVATE', groupRoom);
    const top = (await run(member, COMMENT, { postId: post.id, content: 'When does it start?' })).addComment;
    const reply = (await run(author, COMMENT, { postId: post.id, content: 'Monday at nine.', parentId: top.id })).addComment;
    expect(reply.parent).toEqual({ id: top.id });
    // A reply to a reply joins the thread of the comment it answers.
    const deeper = (await run(moderator, COMMENT, { postId: post.id, content: 'And ends at five.', parentId: reply.id })).addComment;
    expect(deeper.parent).toEqual({ id: top.id });
    const second = (await run(moderator, COMMENT, { postId: post.id, content: 'Parking is free.' })).addComment;
    const third = (await run(member, COMMENT, { postId: post.id, content: 'Thanks!' })).addComment;
    const other = await createPost(author, 'Another post');
    expect(codeOf(await send(member, COMMENT, { postId: post.id, content: 'x', parentId: (await run(member, COMMENT, { postId: other.id, content: 'y' })).addComment.id }))).toBe(
      'NOT_FOUND',
    );

    expect(codeOf(await send(author, UPDATE_COMMENT, { id: top.id, content: 'hijack' }))).toBe('FORBIDDEN');
    expect(codeOf(await send(moderator, UPDATE_COMMENT, { id: top.id, content: 'moderated' }))).toBe('FORBIDDEN');
    expect((await run(member, UPDATE_COMMENT, { id: top.id, content: 'When does it start, exactly?' })).updateComment.editedAt).not.toBeNull();
    expect(codeOf(await send(member, DELETE_COMMENT, { id: second.id }))).toBe('FORBIDDEN');

    // Pages of two, oldest first, exact totals.
    const first = (await run(member, COMMENTS, { id: post.id, first: 2 })).post;
    expect(first.commentCount).toBe(5);
    expect(first.comments.totalCount).toBe(3);
    expect(first.comments.edges.map((e: any) => e.node.id)).toEqual([top.id, second.id]);
    expect(first.comments.edges[0].node.replies.edges.map((e: any) => e.node.id)).toEqual([reply.id, deeper.id]);
    expect(first.comments.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = (await run(member, COMMENTS, { id: post.id, first: 2, after: first.comments.pageInfo.endCursor })).post.comments;
    expect(next.edges.map((e: any) => e.node.id)).toEqual([third.id]);
    expect(next.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    // The room's moderator removes the top comment: it stays, empty, while replies remain.
    expect((await run(moderator, DELETE_COMMENT, { id: top.id })).deleteComment).toBe(true);
    let read = (await run(member, COMMENTS, { id: post.id, first: 10 })).post;
    expect(read.commentCount).toBe(4);
    expect(read.comments.edges[0].node).toMatchObject({ id: top.id, content: '', deleted: true });
    expect(codeOf(await send(member, UPDATE_COMMENT, { id: top.id, content: 'back' }))).toBe('CONFLICT');
    await run(author, DELETE_COMMENT, { id: reply.id });
    await run(admin, DELETE_COMMENT, { id: deeper.id });
    // Its last reply gone, the removed comment goes too.
    read = (await run(member, COMMENTS, { id: post.id, first: 10 })).post;
    expect(read.comments.edges.map((e: any) => e.node.id)).toEqual([second.id, third.id]);
    expect(read.comments.totalCount).toBe(2);
    expect(read.commentCount).toBe(2);
    expect(codeOf(await send(member, DELETE_COMMENT, { id: top.id }))).toBe('NOT_FOUND');
  });
});

describe('reactions', () => {
  it('counts 200 concurrent reactions exactly, and switches and take-backs move the counts exactly', async () => {
    const post = await createPost(author, 'React to me');
    const kinds = ['LIKE', 'LOVE', 'CELEBRATE', 'INSIGHTFUL'] as const;
    const reactors = await Promise.all(Array.from({ length: 200 }, () => tokenFor(uuid())));
    const results = await Promise.all(reactors.map((user, i) => send(user, REACT, { postId: post.id, kind: kinds[i % 4] })));
    expect(results.filter((r) => r.errors)).toEqual([]);
    const counts = async () => (await send(member, POST, { id: post.id })).data!.post.reactions as { kind: string; count: number }[];
    expect(await counts()).toEqual(expect.arrayContaining(kinds.map((kind) => ({ kind, count: 50 }))));
    expect((await counts()).length).toBe(4);

    // 40 LIKEs become LOVEs, 30 CELEBRATEs are taken back, 10 LOVEs react LOVE again, all at once.
    const likers = reactors.filter((_, i) => i % 4 === 0).slice(0, 40);
    const celebrants = reactors.filter((_, i) => i % 4 === 2).slice(0, 30);
    const lovers = reactors.filter((_, i) => i % 4 === 1).slice(0, 10);
    const changes = await Promise.all([
      ...likers.map((user) => send(user, REACT, { postId: post.id, kind: 'LOVE' })),
      ...celebrants.map((user) => send(user, UNREACT, { postId: post.id })),
      ...lovers.map((user) => send(user, REACT, { postId: post.id, kind: 'LOVE' })),
    ]);
    expect(changes.filter((r) => r.errors)).toEqual([]);
    expect(await counts()).toEqual([
      { kind: 'LOVE', count: 90 },
      { kind: 'INSIGHTFUL', count: 50 },
      { kind: 'CELEBRATE', count: 20 },
      { kind: 'LIKE', count: 10 },
    ]);
    const rows = await adminRows<{ n: number }>(stack.database.adminUrl, 'SELECT count(*)::int AS n FROM community.post_reactions WHERE post_id = $1', [post.id]);
    expect(rows[0]!.n).toBe(170);
    expect((await send(likers[0]!, POST, { id: post.id })).data!.post.viewerReaction).toBe('LOVE');
    expect((await send(celebrants[0]!, POST, { id: post.id })).data!.post.viewerReaction).toBeNull();
    expect((await send(null, POST, { id: post.id })).data!.post.viewerReaction).toBeNull();

    // One user reacting many times at once still holds one reaction.
    const eager = await tokenFor(uuid());
    await Promise.all(kinds.flatMap((kind) => [send(eager, REACT, { postId: post.id, kind }), send(eager, REACT, { postId: post.id, kind })]));
    const total = (await counts()).reduce((sum, r) => sum + r.count, 0);
    expect(total).toBe(171);
  });
});

describe('feed', () => {
  it('pages without repeating or skipping while posts, comments and reactions arrive between pages', async () => {
    const viewer = await signUpUser(stack, 'Reader');
    // Posts of the last days with different engagement, so that ranking is not by age alone.
    const seeded = Array.from({ length: 12 }, (_, i) => ({ id: uuid(), hoursAgo: 2 + i * 7, reactions: (i * 5) % 9 }));
    await withAdmin(stack.database.adminUrl, async (db) => {
      await insertRows(
        db,
        'community.posts',
        seeded.map((p) => ({ id: p.id, author_id: author.id, content: `Post ${p.hoursAgo}h ago`, visibility: 'PUBLIC', created_at: new Date(Date.now() - p.hoursAgo * 3_600_000) })),
      );
      const reactions = seeded.flatMap((p) => Array.from({ length: p.reactions }, () => ({ post_id: p.id, user_id: uuid(), kind: 'LIKE', reacted_at: new Date(Date.now() - 3_600_000) })));
      await insertRows(db, 'community.post_reactions', reactions);
    });
    const once = (await run(viewer, FEED, { first: 100 })).feed;
    const expected = once.edges.map((e: any) => e.node.id) as string[];
    expect(expected).toEqual(expect.arrayContaining(seeded.map((p) => p.id)));
    // A lively old post outranks a quiet newer one.
    expect(expected.indexOf(seeded[5]!.id)).toBeLessThan(expected.indexOf(seeded[4]!.id));

    const paged: string[] = [];
    const arrived: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: any = (await run(viewer, FEED, { first: 4, after })).feed;
      expect(page.totalCount).toBe(once.totalCount);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      paged.push(...page.edges.map((e: any) => e.node.id));
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
      // Between pages: new posts (newest, so ranked first now), and engagement for posts still to come.
      arrived.push((await createPost(outsider, `Arrived after page ${pages}`)).id);
      const upcoming = expected[paged.length + 1];
      if (upcoming) {
        await run(member, COMMENT, { postId: upcoming, content: 'Late comment' });
        await run(member, REACT, { postId: upcoming, kind: 'CELEBRATE' });
      }
    }
    expect(new Set(paged).size).toBe(paged.length);
    expect(paged).toEqual(expected);
    expect(paged.some((id) => arrived.includes(id))).toBe(false);
    // A new first page sees them.
    const fresh = (await run(viewer, FEED, { first: 100 })).feed;
    expect(fresh.totalCount).toBe(once.totalCount + arrived.length);
    expect(fresh.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining(arrived));
    expect(codeOf(await send(viewer, FEED, { first: 4, after: 'bm90IGEgY3Vyc29y' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await send(viewer, FEED, { first: 101 }))).toBe('BAD_USER_INPUT');
  });
});

describe('mentions and replies', () => {
  it('tell each person once, the author never', async () => {
    const listener = await signUpUser(stack, 'Listener');
    const commenter = await signUpUser(stack, 'Commenter');
    const post = await createPost(author, '@Listener and @Member, see this', 'PUBLIC', null, [listener.id, member.id, listener.id, author.id]);
    const mentionsOf = async (user: SignedUpUser, type: string) => (await notificationsOf(user)).filter((n) => n.type === type && n.actionUrl.startsWith(`/posts/${post.id}`));
    expect(await mentionsOf(listener, 'POST_MENTION')).toEqual([{ type: 'POST_MENTION', actionUrl: `/posts/${post.id}` }]);
    expect(await mentionsOf(author, 'POST_MENTION')).toEqual([]);

    // An edit keeping the mentions tells nobody again; a newly mentioned user is told.
    await run(author, UPDATE, { id: post.id, content: '@Listener, @Member and @Commenter, see this', mentionUserIds: [listener.id, member.id, commenter.id] });
    expect(await mentionsOf(listener, 'POST_MENTION')).toHaveLength(1);
    expect(await mentionsOf(member, 'POST_MENTION')).toHaveLength(1);
    expect(await mentionsOf(commenter, 'POST_MENTION')).toHaveLength(1);

    // A comment tells the post's author once, even when it also mentions them.
    const comment = (await run(commenter, COMMENT, { postId: post.id, content: '@Author thanks', mentionUserIds: [author.id] })).addComment;
    expect((await mentionsOf(author, 'COMMENT_MENTION')).length + (await mentionsOf(author, 'POST_COMMENTED')).length).toBe(1);
    // A reply tells the author of the comment answered; answering oneself tells nobody.
    await run(listener, COMMENT, { postId: post.id, content: 'Agreed', parentId: comment.id });
    expect(await mentionsOf(commenter, 'COMMENT_REPLIED')).toHaveLength(1);
    await run(commenter, COMMENT, { postId: post.id, content: 'Me again', parentId: comment.id });
    expect(await mentionsOf(commenter, 'COMMENT_REPLIED')).toHaveLength(1);
    const postAuthorTold = await mentionsOf(author, 'POST_COMMENTED');
    await run(author, COMMENT, { postId: post.id, content: 'My own comment' });
    expect(await mentionsOf(author, 'POST_COMMENTED')).toEqual(postAuthorTold);
  });
});

describe('reports', () => {
  it('stores one open report per reporter and item, lists them to ADMIN, and resolves them', async () => {
    const post = await createPost(author, 'Something rude', 'PRIVATE', groupRoom);
    const reports = await Promise.all(Array.from({ length: 5 }, () => send(member, REPORT, { kind: 'POST', id: post.id, reason: ' Rude ' })));
    expect(reports.filter((r) => r.errors)).toEqual([]);
    const ids = new Set(reports.map((r) => r.data!.reportContent.id));
    expect(ids.size).toBe(1);
    expect(reports[0]!.data!.reportContent).toMatchObject({ kind: 'POST', contentId: post.id, reason: 'Rude', excerpt: 'Something rude', status: 'OPEN', reporter: { id: member.id } });
    expect(codeOf(await send(outsider, REPORT, { kind: 'POST', id: post.id, reason: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(await send(member, REPORT, { kind: 'POST', id: post.id, reason: '  ' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await send(member, REPORTS, {}))).toBe('FORBIDDEN');

    const open = (await run(admin, REPORTS, { status: 'OPEN', first: 100 })).contentReports;
    expect(open.edges.map((e: any) => e.node.id)).toContain([...ids][0]);
    const [reportId] = [...ids] as [string];
    const dismissed = (await run(admin, RESOLVE, { id: reportId, action: 'DISMISS' })).resolveContentReport;
    expect(dismissed).toMatchObject({ status: 'DISMISSED', resolvedBy: { id: admin.id } });
    expect((await run(admin, RESOLVE, { id: reportId, action: 'DISMISS' })).resolveContentReport.resolvedAt).toBe(dismissed.resolvedAt);
    expect(codeOf(await send(admin, RESOLVE, { id: reportId, action: 'REMOVE_CONTENT' }))).toBe('CONFLICT');
    expect(codeOf(await send(moderator, RESOLVE, { id: reportId, action: 'DISMISS' }))).toBe('FORBIDDEN');
    // Dismissed, it may be reported again.
    expect((await run(member, REPORT, { kind: 'POST', id: post.id, reason: 'Still rude' })).reportContent.id).not.toBe(reportId);

    // A comment reported by two people: removing it closes both reports.
    const comment = (await run(moderator, COMMENT, { postId: post.id, content: 'A rude comment' })).addComment;
    const first = (await run(member, REPORT, { kind: 'COMMENT', id: comment.id, reason: 'Rude' })).reportContent;
    const second = (await run(author, REPORT, { kind: 'COMMENT', id: comment.id, reason: 'Offensive' })).reportContent;
    expect((await run(admin, RESOLVE, { id: first.id, action: 'REMOVE_CONTENT' })).resolveContentReport.status).toBe('CONTENT_REMOVED');
    const statuses = await adminRows<{ id: string; status: string }>(stack.database.adminUrl, 'SELECT id, status FROM community.content_reports WHERE content_id = $1', [comment.id]);
    expect(statuses.map((r) => [r.id, r.status]).sort()).toEqual([[first.id, 'CONTENT_REMOVED'], [second.id, 'CONTENT_REMOVED']].sort());
    expect(await adminRows(stack.database.adminUrl, 'SELECT 1 FROM community.post_comments WHERE id = $1', [comment.id])).toEqual([]);

    // A chat message, reported by a member of its room, erased in place by ADMIN's decision.
    const message = (await run(moderator, 'mutation($roomId: ID!) { sendMessage(roomId: $roomId, content: "spam spam") { id } }', { roomId: groupRoom })).sendMessage;
    expect(codeOf(await send(outsider, REPORT, { kind: 'MESSAGE', id: message.id, reason: 'Spam' }))).toBe('NOT_FOUND');
    const report = (await run(member, REPORT, { kind: 'MESSAGE', id: message.id, reason: 'Spam' })).reportContent;
    expect(report.excerpt).toBe('spam spam');
    await run(admin, RESOLVE, { id: report.id, action: 'REMOVE_CONTENT' });
    const [erased] = await adminRows<{ content: string; deleted: boolean }>(
      stack.database.adminUrl,
      'SELECT content, deleted_at IS NOT NULL AS deleted FROM community.chat_messages WHERE id = $1',
      [message.id],
    );
    expect(erased).toEqual({ content: '', deleted: true });

    // Newest first, paged, exact totals.
    const all = (await run(admin, REPORTS, { first: 2 })).contentReports;
    const rest = (await run(admin, REPORTS, { first: 100, after: all.pageInfo.endCursor })).contentReports;
    expect(all.totalCount).toBe(5);
    expect([...all.edges, ...rest.edges].map((e: any) => e.node.id)).toHaveLength(5);
    expect(all.edges[0].node.id).toBe(report.id);
  });

  it('stores reports one after another past the point PostgreSQL switches a prepared statement to its generic plan', async () => {
    // Statements are prepared per connection; after five runs PostgreSQL may plan one generically,
    // and an ON CONFLICT naming a partial index must then match its predicate without the values
    // bound (status = 'OPEN' written as a literal). Sequential requests reuse one connection.
    const posts = [];
    for (let i = 0; i < 12; i++) posts.push(await createPost(author, `Report me ${i}`));
    for (const post of posts) {
      const answer = await send(member, REPORT, { kind: 'POST', id: post.id, reason: 'Repeated' });
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.reportContent).toMatchObject({ contentId: post.id, status: 'OPEN' });
    }
  });
});

describe('figures', () => {
  const range = { from: '2003-03-01T00:00:00Z', to: '2003-03-04T00:00:00Z' };
  const CHAT = `query($range: TimeRange!, $granularity: Granularity!) { chatActivity(range: $range, granularity: $granularity) { metric total points { bucket value } } }`;
  const POSTS = `query($range: TimeRange!, $granularity: Granularity!) { postActivity(range: $range, granularity: $granularity) {
    posts { total points { value } } comments { total points { value } } reactions { total points { value } } } }`;

  it('count messages, posts, comments and reactions per UTC bucket, for ANALYST and ADMIN only', async () => {
    const room = uuid();
    const post = uuid();
    await withAdmin(stack.database.adminUrl, async (db) => {
      await insertRows(db, 'community.chat_rooms', [{ id: room, name: 'Figures', kind: 'GROUP', last_sequence: 3 }]);
      await insertRows(db, 'community.chat_messages', [
        { room_id: room, sequence: 1, sender_id: member.id, content: 'a', sent_at: '2003-02-28T23:59:59Z' },
        { room_id: room, sequence: 2, sender_id: member.id, content: 'b', sent_at: '2003-03-01T00:00:00Z' },
        { room_id: room, sequence: 3, sender_id: member.id, content: 'c', sent_at: '2003-03-03T23:59:59Z' },
      ]);
      await insertRows(db, 'community.posts', [{ id: post, author_id: author.id, content: 'Old news', visibility: 'PUBLIC', created_at: '2003-03-02T10:00:00Z' }]);
      await insertRows(db, 'community.post_comments', [{ post_id: post, author_id: member.id, content: 'Old reply', created_at: '2003-03-02T11:00:00Z' }]);
      await insertRows(db, 'community.post_reactions', [
        { post_id: post, user_id: member.id, kind: 'LIKE', reacted_at: '2003-03-02T12:00:00Z' },
        { post_id: post, user_id: outsider.id, kind: 'LOVE', reacted_at: '2003-03-03T12:00:00Z' },
      ]);
    });
    const chat = (await run(analyst, CHAT, { range, granularity: 'DAY' })).chatActivity;
    expect(chat).toEqual({
      metric: 'messages',
      total: 2,
      points: [
        { bucket: '2003-03-01T00:00:00.000Z', value: 1 },
        { bucket: '2003-03-02T00:00:00.000Z', value: 0 },
        { bucket: '2003-03-03T00:00:00.000Z', value: 1 },
      ],
    });
    const activity = (await run(admin, POSTS, { range, granularity: 'DAY' })).postActivity;
    expect(activity.posts).toEqual({ total: 1, points: [{ value: 0 }, { value: 1 }, { value: 0 }] });
    expect(activity.comments).toEqual({ total: 1, points: [{ value: 0 }, { value: 1 }, { value: 0 }] });
    expect(activity.reactions).toEqual({ total: 2, points: [{ value: 0 }, { value: 1 }, { value: 1 }] });
    expect(codeOf(await send(member, CHAT, { range, granularity: 'DAY' }))).toBe('FORBIDDEN');
    expect(codeOf(await send(analyst, CHAT, { range: { from: range.to, to: range.from }, granularity: 'DAY' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await send(analyst, POSTS, { range: { from: '2001-01-01T00:00:00Z', to: '2003-01-01T00:00:00Z' }, granularity: 'DAY' }))).toBe('BAD_USER_INPUT');
  });
});
