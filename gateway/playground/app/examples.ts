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
    audience: 'Learners',
    title: 'My enrollment and progress in a course',
    query: `# The signed-in learner's enrollment in one course, with progress per lesson
# (sign in as the LEARNER demo account; first-aid-at-work is half done).
query MyEnrollment($slug: String!) {
  course(slug: $slug) {
    title
    lessonCount
    viewerEnrollment {
      status progressPercent enrolledAt completedAt
      lessonProgress { progressPercent completedAt lesson { id title } }
    }
  }
}
`,
    variables: { slug: 'first-aid-at-work' },
  },
  {
    audience: 'Learners',
    title: 'A course with its materials',
    query: `# A course's materials: every one is listed; an ENROLLED one has its url only for
# enrolled learners, the author and ADMIN (locked: true shows a padlock).
query CourseMaterials($slug: String!) {
  course(slug: $slug) {
    title
    materials { position title kind visibility locked url sizeBytes mediaType version }
    modules { title lessons { title kind body viewerProgress { progressPercent } } }
  }
}
`,
    variables: { slug: 'first-aid-at-work' },
  },
  {
    audience: 'Learners',
    title: 'Sync lesson progress',
    query: `# Progress recorded on a device, possibly offline; per lesson the latest recordedAt wins.
# Take a lesson id from "A course with its materials" (a course you are enrolled in).
mutation SyncProgress($entries: [LessonProgressInput!]!) {
  syncLessonProgress(entries: $entries) {
    progressPercent completedAt updatedAt
    lesson { title }
  }
}
`,
    variables: { entries: [{ lessonId: 'a-lesson-id', progressPercent: 100, recordedAt: '2026-01-01T09:00:00Z' }] },
  },
  {
    audience: 'Learners',
    title: 'My certificates',
    query: `# The signed-in user's certificates, newest first (ACTIVE, EXPIRED or REVOKED).
query MyCertificates {
  me {
    certificates { number status issuedAt expiresAt verificationCode course { title } }
  }
}
`,
  },
  {
    audience: 'Anyone',
    title: 'Verify a certificate',
    query: `# Anyone may check a certificate by its code, without signing in (take one from My certificates).
query VerifyCertificate($code: String!) {
  verifyCertificate(code: $code) {
    number status issuedAt expiresAt
    user { displayName }
    course { title }
  }
}
`,
    variables: { code: 'a-verification-code' },
  },
  {
    audience: 'Content authors',
    title: 'Create a course',
    query: `# A new draft course, authored by the signed-in CONTENT_AUTHOR.
mutation CreateCourse($input: CreateCourseInput!) {
  createCourse(input: $input) { id slug status }
}
`,
    variables: { input: { title: 'Fire Marshal Training', level: 'BEGINNER', language: 'en-GB', durationMinutes: 180, certificateValidityMonths: 36 } },
  },
  {
    audience: 'Content authors',
    title: 'Add a module',
    query: `# A module at the end of a course (take the course id from Create a course).
mutation AddModule($courseId: ID!, $title: String!) {
  addModule(courseId: $courseId, title: $title) { id position }
}
`,
    variables: { courseId: 'a-course-id', title: 'Preventing fires' },
  },
  {
    audience: 'Content authors',
    title: 'Add a lesson',
    query: `# A lesson at the end of a module (take the module id from Add a module).
mutation AddLesson($moduleId: ID!, $input: AddLessonInput!) {
  addLesson(moduleId: $moduleId, input: $input) { id position }
}
`,
    variables: { moduleId: 'a-module-id', input: { title: 'Fire triangle', kind: 'TEXT', durationMinutes: 10, body: 'Heat, fuel and oxygen.' } },
  },
  {
    audience: 'Content authors',
    title: 'Add a course material',
    query: `# A file or link for the course, at the end of its materials (https URLs only).
mutation AddCourseMaterial($courseId: ID!, $input: AddCourseMaterialInput!) {
  addCourseMaterial(courseId: $courseId, input: $input) { id position version visibility url }
}
`,
    variables: {
      courseId: 'a-course-id',
      input: { title: 'Fire marshal checklist', kind: 'PDF', url: 'https://files.example.com/checklist.pdf', mediaType: 'application/pdf', visibility: 'ENROLLED' },
    },
  },
  {
    audience: 'Content authors',
    title: 'Publish a course',
    query: `# Puts the draft in the catalogue; it needs at least one lesson.
mutation PublishCourse($id: ID!) {
  publishCourse(id: $id) { id status publishedAt }
}
`,
    variables: { id: 'a-course-id' },
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
  {
    audience: 'Analysts',
    title: 'Saved analytics reports',
    query: `# Reports saved by you and shared ones, newest first, with their last snapshot and CSV
# (the ANALYST demo account has three; refreshAnalyticsReport(id) runs one again).
query SavedReports($first: Int = 10) {
  analyticsReports(first: $first) {
    totalCount
    edges {
      node {
        id name reportType shared
        parameters { window { last unit } granularity eventName steps }
        result {
          computedAt
          range { from to }
          series { total points { bucket value withheld } }
          funnelSteps { name users conversionFromPrevious withheld }
        }
        csv
      }
    }
  }
}
`,
  },
  {
    audience: 'Analysts',
    title: 'Save a report',
    query: `# Orders paid per day over the last 30 days, saved and run at once (its snapshot comes back).
mutation SaveReport($input: CreateAnalyticsReportInput!) {
  createAnalyticsReport(input: $input) {
    id name
    result { range { from to } series { total points { bucket value withheld } } }
    csv
  }
}
`,
    variables: { input: { name: 'Orders paid per day', reportType: 'EVENT_COUNTS', eventName: 'order.paid', window: { last: 30, unit: 'DAY' }, granularity: 'DAY', shared: true } },
  },
];

/** The example's variables as the variables editor shows them. */
export const variablesOf = (example: Example) => (example.variables ? JSON.stringify(example.variables, null, 2) : '');
