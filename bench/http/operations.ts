// The operations the HTTP benchmark sends, exactly as a client would, and the mix of them.
// The floor server (floor/server.ts) recognises each by its query text, so this module stays
// free of anything but the operations themselves.

/** The operations of the benchmark, by the name they are reported under. */
export type OperationName = 'catalogue' | 'course' | 'me' | 'chatRoom';

export interface Operation {
  name: OperationName;
  /** What the report calls it. */
  title: string;
  query: string;
}

/** The catalogue page: the foundation's slice query (as tests/catalogue-slice.test.ts sends it). */
export const CATALOGUE = /* GraphQL */ `
  query Catalogue($first: Int) {
    courses(first: $first) {
      totalCount
      edges { node { title author { displayName } price { formatted } upcomingSessions { startsAt venue { name } } } }
    }
  }
`;

/** A course page: the course, its author, price, modules with their lessons and next sessions. */
export const COURSE_DETAIL = /* GraphQL */ `
  query CourseDetail($id: ID!) {
    course(id: $id) {
      id title summary level durationMinutes
      author { displayName }
      price { amountMinor currency formatted }
      modules { title position lessons { title kind position durationMinutes } }
      upcomingSessions { id startsAt endsAt seatsAvailable venue { name city } }
    }
  }
`;

/** The signed-in user's own profile, as an app asks for it when it starts. */
export const ME = /* GraphQL */ `
  query Me {
    me { id email firstName lastName displayName avatarUrl bio timezone language roles createdAt }
  }
`;

/** A chat room opened by one of its members: its last 50 messages with their senders. */
export const CHAT_ROOM = /* GraphQL */ `
  query ChatRoom($id: ID!) {
    chatRoom(id: $id) {
      id name kind
      messages(last: 50) {
        edges { node { id sequence content sentAt sender { displayName } } }
        pageInfo { hasPreviousPage startCursor }
      }
    }
  }
`;

/** Messages the chat room operation asks for (`messages(last: 50)` above). */
export const CHAT_PAGE_SIZE = 50;
/** Courses the catalogue operation asks for. */
export const CATALOGUE_PAGE_SIZE = 20;

export const OPERATIONS: Record<OperationName, Operation> = {
  catalogue: { name: 'catalogue', title: 'catalogue page', query: CATALOGUE },
  course: { name: 'course', title: 'course detail', query: COURSE_DETAIL },
  me: { name: 'me', title: 'me', query: ME },
  chatRoom: { name: 'chatRoom', title: 'chat room (last 50)', query: CHAT_ROOM },
};

/**
 * The mix, in requests per round: browsing (catalogue and course pages) is most of the traffic,
 * `me` comes with every app start and a chat room with every room opened.
 */
export const MIX_WEIGHTS: Record<OperationName, number> = { catalogue: 3, course: 3, me: 2, chatRoom: 2 };

/**
 * The order of a mix of `length` requests: smooth weighted round-robin, so that each
 * operation's share holds over any stretch of the sequence, not only over a whole round.
 */
export function mixOrder(weights: Record<OperationName, number>, length: number): OperationName[] {
  const names = Object.keys(weights) as OperationName[];
  const total = names.reduce((sum, name) => sum + weights[name], 0);
  const current = new Map(names.map((name) => [name, 0]));
  const order: OperationName[] = [];
  for (let i = 0; i < length; i++) {
    for (const name of names) current.set(name, current.get(name)! + weights[name]);
    const next = names.reduce((best, name) => (current.get(name)! > current.get(best)! ? name : best));
    current.set(next, current.get(next)! - total);
    order.push(next);
  }
  return order;
}
