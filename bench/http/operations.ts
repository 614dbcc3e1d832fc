// The operations the HTTP benchmark sends, exactly as a client would, and the mix of them.
// The floor server (floor/server.ts) recognises each by its query text, so this module stays
// free of anything but the operations themselves.

/** The operations of the benchmark, by the name they are reported under. */
export type OperationName =
  | 'catalogue'
  | 'course'
  | 'me'
  | 'chatRoom'
  | 'search'
  | 'sessions'
  | 'myEnrollments'
  | 'myRegistrations'
  | 'myOrders'
  | 'revenue'
  | 'booking'
  | 'sendMessage';

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

/** A catalogue search: learning's ranked full-text search (best match first), with commerce's prices. */
export const CATALOGUE_SEARCH = /* GraphQL */ `
  query CatalogueSearch($search: String!) {
    courses(first: 10, filter: { search: $search }) {
      totalCount
      edges { node { id title level price { formatted } } }
    }
  }
`;

/** A course's sessions with free seats, each with what a seat costs (scheduling, commerce's price). */
export const SESSIONS = /* GraphQL */ `
  query Sessions($courseId: ID!) {
    trainingSessions(first: 10, filter: { courseId: $courseId, hasSeats: true }) {
      totalCount
      edges { node { id startsAt status capacity seatsAvailable price { amountMinor currency formatted } venue { name } } }
    }
  }
`;

/** The signed-in learner's enrollments, newest first, with their progress and courses. */
export const MY_ENROLLMENTS = /* GraphQL */ `
  query MyEnrollments {
    me {
      id
      enrollments(first: 10) {
        totalCount
        edges { node { id status progressPercent enrolledAt completedAt course { id title } } }
      }
    }
  }
`;

/** The signed-in user's session registrations, by session start, with their sessions and courses. */
export const MY_REGISTRATIONS = /* GraphQL */ `
  query MyRegistrations {
    me {
      id
      registrations { id status createdAt session { id startsAt course { title } } }
    }
  }
`;

/** The signed-in user's orders, newest first, with their totals and items. */
export const MY_ORDERS = /* GraphQL */ `
  query MyOrders {
    me {
      id
      orders(first: 10) {
        totalCount
        edges { node { id reference status createdAt paidAt total { amountMinor currency formatted } items { kind description quantity } } }
      }
    }
  }
`;

/** An analyst's figure: revenue net of refunds per UTC day over a span (ANALYST). */
export const REVENUE = /* GraphQL */ `
  query Revenue($range: TimeRange!, $currency: String!) {
    revenueStats(range: $range, granularity: DAY, currency: $currency) { metric total points { bucket value } }
  }
`;

/** A booking, step 1: the signed-in learner registers for a priced session (the seat is held). */
export const REGISTER = /* GraphQL */ `
  mutation Register($sessionId: ID!) {
    registerForSession(sessionId: $sessionId) { id status holdExpiresAt session { id } }
  }
`;

/** A booking, step 2: the held seat checked out (a PENDING order). */
export const CHECKOUT = /* GraphQL */ `
  mutation Checkout($input: CheckoutInput!) {
    checkout(input: $input) {
      id reference status
      total { amountMinor currency formatted }
      items { kind description quantity unitPrice { amountMinor currency } registration { id } }
    }
  }
`;

/** A booking, step 3: the order paid with the local provider's tok_ok (PAID, with its invoice). */
export const PAY = /* GraphQL */ `
  mutation Pay($orderId: ID!) {
    payOrder(orderId: $orderId, paymentToken: "tok_ok") {
      id status paidAt
      total { amountMinor currency }
      payments { status provider amount { amountMinor currency } }
      invoice { number total { amountMinor currency } }
    }
  }
`;

/** A chat message sent by a member of the room. */
export const SEND_MESSAGE = /* GraphQL */ `
  mutation SendMessage($roomId: ID!, $content: String!) {
    sendMessage(roomId: $roomId, content: $content) { id sequence content sentAt sender { displayName } }
  }
`;

/** Courses the catalogue search asks for (`courses(first: 10, …)` above). */
export const SEARCH_PAGE_SIZE = 10;
/** Sessions the sessions operation asks for. */
export const SESSIONS_PAGE_SIZE = 10;
/** Enrollments and orders the signed-in lists ask for. */
export const MY_PAGE_SIZE = 10;

/** Messages the chat room operation asks for (`messages(last: 50)` above). */
export const CHAT_PAGE_SIZE = 50;
/** Courses the catalogue operation asks for. */
export const CATALOGUE_PAGE_SIZE = 20;

export const OPERATIONS: Record<OperationName, Operation> = {
  catalogue: { name: 'catalogue', title: 'catalogue page', query: CATALOGUE },
  course: { name: 'course', title: 'course detail', query: COURSE_DETAIL },
  me: { name: 'me', title: 'me', query: ME },
  chatRoom: { name: 'chatRoom', title: 'chat room (last 50)', query: CHAT_ROOM },
  search: { name: 'search', title: 'catalogue search', query: CATALOGUE_SEARCH },
  sessions: { name: 'sessions', title: 'sessions with seats and price', query: SESSIONS },
  myEnrollments: { name: 'myEnrollments', title: 'my enrollments', query: MY_ENROLLMENTS },
  myRegistrations: { name: 'myRegistrations', title: 'my registrations', query: MY_REGISTRATIONS },
  myOrders: { name: 'myOrders', title: 'my orders', query: MY_ORDERS },
  revenue: { name: 'revenue', title: 'revenue per day (analyst)', query: REVENUE },
  booking: { name: 'booking', title: 'booking: register, checkout, pay', query: REGISTER },
  sendMessage: { name: 'sendMessage', title: 'send a chat message', query: SEND_MESSAGE },
};

/**
 * The mix, in requests per round: browsing (catalogue and course pages, search, a course's
 * sessions) is most of the traffic, `me` comes with every app start and a chat room with every
 * room opened; each signed-in list, the analyst's figure and a chat message are one in 22. A
 * booking's weight counts bookings, each three requests (register, checkout, pay), sent one
 * after the other on one connection.
 */
export const MIX_WEIGHTS: Record<OperationName, number> = {
  catalogue: 3,
  course: 3,
  me: 2,
  chatRoom: 2,
  search: 2,
  sessions: 2,
  myEnrollments: 1,
  myRegistrations: 1,
  myOrders: 1,
  revenue: 1,
  booking: 1,
  sendMessage: 1,
};

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
