/** One example operation of the playground, for one kind of user. */
export interface Example {
  /** Who it is for: shown as the group heading. */
  audience: string;
  title: string;
  query: string;
  variables?: Record<string, unknown>;
}

/**
 * Operations of schema/api.graphql worth starting from, by kind of user. The first of each
 * kind opens as a tab on a first visit; the Examples panel loads any of them.
 */
export const EXAMPLES: Example[] = [
  {
    audience: 'Anyone',
    title: 'The catalogue page',
    query: `# The catalogue: published courses, 10 at a time (pass pageInfo.endCursor as "after" for the next page).
query CataloguePage($first: Int = 10, $after: String) {
  courses(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node { id slug title level language durationMinutes price { formatted } topics { name } }
    }
  }
}
`,
  },
  {
    audience: 'Anyone',
    title: 'A course, its upcoming sessions and price',
    query: `# One course by slug (take one from the catalogue page) with its next sessions.
query CourseWithSessions($slug: String!) {
  course(slug: $slug) {
    title
    summary
    price { amountMinor currency formatted }
    upcomingSessions(first: 5) {
      id startsAt endsAt status seatsAvailable
      venue { name }
      trainer { user { displayName } }
    }
  }
}
`,
    variables: { slug: 'a-course-slug' },
  },
  {
    audience: 'Signed-in users',
    title: 'Who am I',
    query: `# The signed-in user (sign in first: the Sign in panel on the left).
query Me {
  me { id email displayName roles unreadNotificationCount }
}
`,
  },
  {
    audience: 'Signed-in users',
    title: 'My chat rooms',
    query: `# The rooms the signed-in user belongs to, with their last message.
query MyChatRooms {
  me {
    chatRooms {
      id name kind unreadCount
      lastMessage { sequence content sentAt sender { displayName } }
    }
  }
}
`,
  },
  {
    audience: 'Signed-in users',
    title: 'New messages in a room (subscription)',
    query: `# Live messages of one room (take its id from My chat rooms); runs over WebSocket.
# With afterSequence, the messages after that one come first (0: the whole history).
subscription MessageAdded($roomId: ID!, $afterSequence: Int) {
  messageAdded(roomId: $roomId, afterSequence: $afterSequence) {
    sequence content sentAt
    sender { displayName }
  }
}
`,
    variables: { roomId: 'a-room-id' },
  },
  {
    audience: 'Signed-in users',
    title: 'Send a message',
    query: `mutation SendMessage($roomId: ID!, $content: String!) {
  sendMessage(roomId: $roomId, content: $content) { id sequence sentAt }
}
`,
    variables: { roomId: 'a-room-id', content: 'Hello from the playground' },
  },
  {
    audience: 'Analysts',
    title: 'Course figures',
    query: `# Enrollments and completion rate per course (completionRate: ANALYST or ADMIN).
query CourseFigures($first: Int = 20) {
  courses(first: $first) {
    edges { node { title enrollmentCount completionRate } }
  }
}
`,
  },
  {
    audience: 'Analysts',
    title: 'Session fill rates',
    query: `# How full the next sessions are (fillRate: ANALYST, ADMIN or ORGANIZER).
query SessionFillRates($slug: String!) {
  course(slug: $slug) {
    title
    upcomingSessions(first: 20) { startsAt capacity seatsTaken fillRate }
  }
}
`,
    variables: { slug: 'a-course-slug' },
  },
];

/** The example's variables as the variables editor shows them. */
export const variablesOf = (example: Example) => (example.variables ? JSON.stringify(example.variables, null, 2) : '');
