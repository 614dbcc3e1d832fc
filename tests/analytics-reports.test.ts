// Saved analytics reports through the gateway: a report's snapshot is what the live figure
// answers (withheld buckets and steps included), refresh re-runs it, the CSV export is exact,
// input is checked field by field, and analysts see their own reports and the shared ones only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { as, signUpUser, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { adminRows } from './support/fixtures.js';
import { startStack, type TestStack } from './support/stack.js';

const TRACK = /* GraphQL */ `mutation Track($events: [AnalyticsEventInput!]!) { trackEvents(events: $events) }`;
const SERIES = 'metric total points { bucket value withheld }';
const STEPS = 'name users conversionFromPrevious withheld';
const REPORT_FIELDS = /* GraphQL */ `
  id name reportType shared createdAt updatedAt
  createdBy { id }
  parameters { range { from to } window { last unit } granularity timeZone eventName steps }
  result { computedAt range { from to } series { ${SERIES} } funnelSteps { ${STEPS} } }
  csv
`;
const CREATE = /* GraphQL */ `
  mutation Create($input: CreateAnalyticsReportInput!) { createAnalyticsReport(input: $input) { ${REPORT_FIELDS} } }
`;
const REFRESH = /* GraphQL */ `mutation Refresh($id: ID!) { refreshAnalyticsReport(id: $id) { ${REPORT_FIELDS} } }`;
const DELETE = /* GraphQL */ `mutation Delete($id: ID!) { deleteAnalyticsReport(id: $id) }`;
const ONE = /* GraphQL */ `query One($id: ID!) { analyticsReport(id: $id) { ${REPORT_FIELDS} } }`;
const LIST = /* GraphQL */ `
  query List($first: Int, $after: String) {
    analyticsReports(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id name shared createdBy { id } } }
    }
  }
`;
const ACTIVE = /* GraphQL */ `
  query Active($range: TimeRange!, $granularity: Granularity!, $timeZone: String) {
    activeUsers(range: $range, granularity: $granularity, timeZone: $timeZone) { ${SERIES} }
  }
`;
const COUNTS = /* GraphQL */ `
  query Counts($name: String!, $range: TimeRange!, $granularity: Granularity!) {
    eventCounts(name: $name, range: $range, granularity: $granularity) { ${SERIES} }
  }
`;
const FUNNEL = /* GraphQL */ `query Funnel($steps: [String!]!, $range: TimeRange!) { funnel(steps: $steps, range: $range) { ${STEPS} } }`;

const DAY = 86_400_000;
/** A UTC midnight ten days ago: every event lies within trackEvents' 30 days. */
const day0 = Math.floor((Date.now() - 10 * DAY) / DAY) * DAY;
const at = (days: number, hours = 0) => new Date(day0 + days * DAY + hours * 3_600_000).toISOString();

interface Series {
  metric: string;
  total: number;
  points: { bucket: string; value: number; withheld: boolean | null }[];
}
interface Step {
  name: string;
  users: number;
  conversionFromPrevious: number | null;
  withheld: boolean;
}
interface Report {
  id: string;
  name: string;
  reportType: string;
  shared: boolean;
  createdAt: string;
  updatedAt: string;
  createdBy: { id: string };
  parameters: { range: { from: string; to: string } | null; window: { last: number; unit: string } | null; granularity: string | null; timeZone: string; eventName: string | null; steps: string[] | null };
  result: { computedAt: string; range: { from: string; to: string }; series: Series | null; funnelSteps: Step[] | null };
  csv: string;
}

let stack: TestStack;
let analyst: SignedUpUser;
let colleague: SignedUpUser;
let admin: SignedUpUser;
let learner: SignedUpUser;
let people: SignedUpUser[];
/** Every report this file has created and not deleted, oldest first: what each list must show. */
const saved: { id: string; owner: string; shared: boolean }[] = [];

const track = (user: SignedUpUser, events: Record<string, unknown>[]) => as<{ trackEvents: number }>(stack, user, TRACK, { events });
const request = (user: SignedUpUser | null, query: string, variables: Record<string, unknown>) =>
  stack.query<Record<string, unknown>>(query, variables, user ? { authorization: `Bearer ${user.accessToken}` } : {});

async function create(user: SignedUpUser, input: Record<string, unknown>): Promise<Report> {
  const report = (await as<{ createAnalyticsReport: Report }>(stack, user, CREATE, { input })).createAnalyticsReport;
  saved.push({ id: report.id, owner: user.id, shared: report.shared });
  return report;
}

/** The error a request gets: its code and the field it names. */
async function refusal(user: SignedUpUser | null, query: string, variables: Record<string, unknown>) {
  const { body } = await request(user, query, variables);
  const error = body.errors?.[0];
  return { code: error?.extensions?.code, field: (error?.extensions as { field?: string } | undefined)?.field };
}

const storedReports = () => adminRows<{ n: number }>(stack.database.adminUrl, 'SELECT count(*)::int AS n FROM ai_analytics.analytics_reports').then((r) => r[0]!.n);

beforeAll(async () => {
  stack = await startStack();
  [analyst, colleague, admin, learner] = await Promise.all([
    signUpWithRoles(stack, 'Analyst', ['ANALYST']),
    signUpWithRoles(stack, 'Colleague', ['ANALYST']),
    signUpWithRoles(stack, 'Admin', ['ADMIN']),
    signUpUser(stack, 'Learner'),
  ]);
  people = [];
  for (let i = 0; i < 6; i++) people.push(await signUpUser(stack, `Person${i}`));
  // Day 0: six people view twice, five start after viewing (one started before), three pay.
  // Day 1: three of them view again (fewer than five users: withheld).
  await Promise.all(
    people.map((person, i) =>
      track(person, [
        { name: 'rp_viewed', occurredAt: at(0, 10), clientEventId: 'v1' },
        { name: 'rp_viewed', occurredAt: at(0, 10.5), clientEventId: 'v2' },
        { name: 'rp_started', occurredAt: i === 5 ? at(0, 9) : at(0, 11), clientEventId: 's' },
        ...(i < 3 ? [{ name: 'rp_paid', occurredAt: at(0, 12), clientEventId: 'p' }, { name: 'rp_viewed', occurredAt: at(1, 8), clientEventId: 'v3' }] : []),
      ]),
    ),
  );
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('saved analytics reports', () => {
  it('refuses anyone but ANALYST and ADMIN', async () => {
    const input = { name: 'Views', reportType: 'ACTIVE_USERS', range: { from: at(0), to: at(1) }, granularity: 'DAY' };
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [query, variables] of [
      [CREATE, { input }],
      [REFRESH, { id }],
      [DELETE, { id }],
      [ONE, { id }],
      [LIST, {}],
    ] as const) {
      expect((await refusal(learner, query, variables)).code).toBe('FORBIDDEN');
      expect((await refusal(null, query, variables)).code).toBe('UNAUTHENTICATED');
    }
    expect(await storedReports()).toBe(0);
  });

  it('keeps exactly what eventCounts answers, withheld day included, and exports it as CSV', async () => {
    const range = { from: at(0), to: at(4) };
    const report = await create(analyst, { name: 'Views per day', reportType: 'EVENT_COUNTS', range, granularity: 'DAY', eventName: 'rp_viewed' });
    const live = await as<{ eventCounts: Series }>(stack, analyst, COUNTS, { name: 'rp_viewed', range, granularity: 'DAY' });
    expect(report.result.series).toEqual(live.eventCounts);
    expect(report.result.series).toEqual({
      metric: 'rp_viewed',
      total: 12,
      points: [
        { bucket: at(0), value: 12, withheld: false },
        { bucket: at(1), value: 0, withheld: true },
        { bucket: at(2), value: 0, withheld: false },
        { bucket: at(3), value: 0, withheld: false },
      ],
    });
    expect(report.result.funnelSteps).toBeNull();
    expect(report.result.range).toEqual(range);
    expect(report).toMatchObject({
      name: 'Views per day',
      reportType: 'EVENT_COUNTS',
      shared: false,
      createdBy: { id: analyst.id },
      parameters: { range, window: null, granularity: 'DAY', timeZone: 'UTC', eventName: 'rp_viewed', steps: null },
    });
    expect(report.csv).toBe(
      `bucket,value,withheld\r\n${at(0)},12,false\r\n${at(1)},0,true\r\n${at(2)},0,false\r\n${at(3)},0,false\r\n`,
    );
    // Read back, it is the same snapshot.
    const again = (await as<{ analyticsReport: Report }>(stack, analyst, ONE, { id: report.id })).analyticsReport;
    expect(again).toEqual(report);
  });

  it('keeps exactly what funnel answers, a withheld step included, and exports the steps as CSV', async () => {
    const range = { from: at(0), to: at(1) };
    const steps = ['rp_viewed', 'rp_started', 'rp_paid'];
    const report = await create(analyst, { name: 'View, start, pay', reportType: 'FUNNEL', range, steps, shared: true });
    const live = await as<{ funnel: Step[] }>(stack, analyst, FUNNEL, { steps, range });
    expect(report.result.funnelSteps).toEqual(live.funnel);
    expect(report.result.funnelSteps).toEqual([
      { name: 'rp_viewed', users: 6, conversionFromPrevious: null, withheld: false },
      { name: 'rp_started', users: 5, conversionFromPrevious: 5 / 6, withheld: false },
      { name: 'rp_paid', users: 0, conversionFromPrevious: null, withheld: true },
    ]);
    expect(report.result.series).toBeNull();
    expect(report.parameters).toEqual({ range, window: null, granularity: null, timeZone: 'UTC', eventName: null, steps });
    expect(report.csv).toBe(
      'step,name,users,conversion_from_previous,withheld\r\n' +
        '1,rp_viewed,6,,false\r\n' +
        `2,rp_started,5,${5 / 6},false\r\n` +
        '3,rp_paid,0,,true\r\n',
    );
  });

  it('resolves a relative window at each run: the last days up to the end of today', async () => {
    const report = await create(analyst, { name: 'Active, last 12 days', reportType: 'ACTIVE_USERS', window: { last: 12, unit: 'DAY' }, granularity: 'DAY' });
    const today = Math.floor(Date.parse(report.result.computedAt) / DAY) * DAY;
    const range = { from: new Date(today - 11 * DAY).toISOString(), to: new Date(today + DAY).toISOString() };
    expect(report.result.range).toEqual(range);
    expect(report.parameters).toMatchObject({ range: null, window: { last: 12, unit: 'DAY' }, granularity: 'DAY' });
    const live = await as<{ activeUsers: Series }>(stack, analyst, ACTIVE, { range, granularity: 'DAY' });
    expect(report.result.series).toEqual(live.activeUsers);
    expect(report.result.series!.points).toHaveLength(12);
    expect(report.result.series!.points.find((p) => p.bucket === at(0))).toEqual({ bucket: at(0), value: 6, withheld: false });
  });

  it('shows the stored snapshot until refreshed, then the figure as it is now', async () => {
    const range = { from: at(0), to: at(3) };
    const report = await create(analyst, { name: 'Shares', reportType: 'EVENT_COUNTS', range, granularity: 'DAY', eventName: 'rp_shared' });
    expect(report.result.series!.total).toBe(0);
    await Promise.all(people.slice(0, 5).map((person) => track(person, [{ name: 'rp_shared', occurredAt: at(2, 14), clientEventId: 'sh' }])));

    const stored = (await as<{ analyticsReport: Report }>(stack, analyst, ONE, { id: report.id })).analyticsReport;
    expect(stored.result).toEqual(report.result);

    const refreshed = (await as<{ refreshAnalyticsReport: Report }>(stack, analyst, REFRESH, { id: report.id })).refreshAnalyticsReport;
    const live = await as<{ eventCounts: Series }>(stack, analyst, COUNTS, { name: 'rp_shared', range, granularity: 'DAY' });
    expect(refreshed.result.series).toEqual(live.eventCounts);
    expect(refreshed.result.series!.total).toBe(5);
    expect(Date.parse(refreshed.result.computedAt)).toBeGreaterThan(Date.parse(report.result.computedAt));
    expect(Date.parse(refreshed.updatedAt)).toBeGreaterThan(Date.parse(report.updatedAt));
    expect(refreshed.createdAt).toBe(report.createdAt);
    expect(refreshed.csv).toBe(`bucket,value,withheld\r\n${at(0)},0,false\r\n${at(1)},0,false\r\n${at(2)},5,false\r\n`);
    const [row] = await adminRows<{ total: number }>(stack.database.adminUrl, "SELECT (result->'series'->>'total')::int AS total FROM ai_analytics.analytics_reports WHERE id = $1", [report.id]);
    expect(row!.total).toBe(5);
  });

  it('refuses bad input with BAD_USER_INPUT naming the field, and stores nothing', async () => {
    const before = await storedReports();
    const range = { from: at(0), to: at(2) };
    const base = { name: 'Bad', reportType: 'EVENT_COUNTS', range, granularity: 'DAY', eventName: 'rp_viewed' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, name: '   ' }, 'input.name'],
      [{ ...base, name: 'x'.repeat(201) }, 'input.name'],
      [{ ...base, window: { last: 7, unit: 'DAY' } }, 'input.window'],
      [{ ...base, range: undefined }, 'input.range'],
      [{ ...base, range: undefined, window: { last: 0, unit: 'DAY' } }, 'input.window.last'],
      [{ ...base, range: undefined, window: { last: 201, unit: 'WEEK' } }, 'input.window.last'],
      [{ ...base, granularity: undefined }, 'input.granularity'],
      [{ ...base, eventName: undefined }, 'input.eventName'],
      [{ ...base, eventName: 'two words' }, 'input.eventName'],
      [{ ...base, steps: ['rp_viewed'] }, 'input.steps'],
      [{ ...base, timeZone: 'Mars/Olympus' }, 'input.timeZone'],
      [{ ...base, timeZone: 'Asia/Kolkata' }, 'input.timeZone'],
      [{ ...base, range: { from: at(0, 0.5), to: at(2) } }, 'input.range.from'],
      [{ ...base, range: { from: at(2), to: at(0) } }, 'input.range'],
      [{ ...base, reportType: 'ACTIVE_USERS', eventName: undefined, range: { from: at(0), to: new Date(day0 + 401 * DAY).toISOString() } }, 'input.range'],
      [{ ...base, reportType: 'ACTIVE_USERS' }, 'input.eventName'],
      [{ name: 'Bad', reportType: 'FUNNEL', range }, 'input.steps'],
      [{ name: 'Bad', reportType: 'FUNNEL', range, steps: [] }, 'input.steps'],
      [{ name: 'Bad', reportType: 'FUNNEL', range, steps: ['rp_viewed', 'no good'] }, 'input.steps[1]'],
      [{ name: 'Bad', reportType: 'FUNNEL', range, steps: ['rp_viewed'], granularity: 'DAY' }, 'input.granularity'],
      [{ name: 'Bad', reportType: 'FUNNEL', range, steps: ['rp_viewed'], timeZone: 'Europe/Berlin' }, 'input.timeZone'],
      [{ name: 'Bad', reportType: 'FUNNEL', window: { last: 14, unit: 'MONTH' }, steps: ['rp_viewed'] }, 'input.window'],
    ];
    const answers = [];
    for (const [input] of cases) answers.push({ input, ...(await refusal(analyst, CREATE, { input })) });
    expect(answers).toEqual(cases.map(([input, field]) => ({ input, code: 'BAD_USER_INPUT', field })));
    expect((await refusal(analyst, ONE, { id: 'not-an-id' })).code).toBe('BAD_USER_INPUT');
    expect((await refusal(analyst, LIST, { first: 101 })).field).toBe('first');
    expect((await refusal(analyst, LIST, { after: 'bm90IGEgY3Vyc29y' })).field).toBe('after');
    expect(await storedReports()).toBe(before);
  });

  it("keeps an analyst's private reports from other analysts; shared ones are everyone's to see and refresh, their creator's to delete", async () => {
    const range = { from: at(0), to: at(2) };
    const mine = await create(analyst, { name: 'Mine only', reportType: 'ACTIVE_USERS', range, granularity: 'DAY' });
    const ours = await create(analyst, { name: 'For the team', reportType: 'ACTIVE_USERS', range, granularity: 'DAY', shared: true });

    expect((await as<{ analyticsReport: Report | null }>(stack, colleague, ONE, { id: mine.id })).analyticsReport).toBeNull();
    expect(await refusal(colleague, REFRESH, { id: mine.id })).toEqual({ code: 'NOT_FOUND', field: undefined });
    expect(await refusal(colleague, DELETE, { id: mine.id })).toEqual({ code: 'NOT_FOUND', field: undefined });

    expect((await as<{ analyticsReport: Report | null }>(stack, colleague, ONE, { id: ours.id })).analyticsReport).toEqual(ours);
    const refreshed = (await as<{ refreshAnalyticsReport: Report }>(stack, colleague, REFRESH, { id: ours.id })).refreshAnalyticsReport;
    expect(refreshed.result.series).toEqual(ours.result.series);
    expect(refreshed.createdBy).toEqual({ id: analyst.id });
    expect(await refusal(colleague, DELETE, { id: ours.id })).toEqual({ code: 'FORBIDDEN', field: undefined });

    // ADMIN sees and removes any report.
    expect((await as<{ analyticsReport: Report | null }>(stack, admin, ONE, { id: mine.id })).analyticsReport?.id).toBe(mine.id);
    const theirs = await create(colleague, { name: 'Colleague’s', reportType: 'FUNNEL', range, steps: ['rp_viewed', 'rp_started'] });
    expect((await as<{ deleteAnalyticsReport: boolean }>(stack, admin, DELETE, { id: theirs.id })).deleteAnalyticsReport).toBe(true);
    saved.splice(saved.findIndex((r) => r.id === theirs.id), 1);
  });

  it('lists what each viewer may see, newest first, page by page with the exact total', async () => {
    await create(colleague, { name: 'Colleague private', reportType: 'ACTIVE_USERS', range: { from: at(0), to: at(1) }, granularity: 'DAY' });
    await create(colleague, { name: 'Colleague shared', reportType: 'ACTIVE_USERS', range: { from: at(0), to: at(1) }, granularity: 'DAY', shared: true });
    const expected = (viewer: SignedUpUser | null) =>
      saved.filter((r) => viewer === null || r.owner === viewer.id || r.shared).map((r) => r.id).reverse();
    for (const [viewer, sees] of [[analyst, expected(analyst)], [colleague, expected(colleague)], [admin, expected(null)]] as const) {
      const ids: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        type Page = { analyticsReports: { totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null }; edges: { node: { id: string } }[] } };
        const page: Page = await as<Page>(stack, viewer, LIST, { first: 2, after });
        expect(page.analyticsReports.totalCount).toBe(sees.length);
        expect(page.analyticsReports.pageInfo.hasPreviousPage).toBe(pages > 0);
        ids.push(...page.analyticsReports.edges.map((e) => e.node.id));
        pages += 1;
        if (!page.analyticsReports.pageInfo.hasNextPage) break;
        after = page.analyticsReports.pageInfo.endCursor;
      }
      expect(ids).toEqual(sees);
      expect(pages).toBe(Math.max(1, Math.ceil(sees.length / 2)));
    }
    // The analyst's view holds the colleague's shared report but not the private one.
    const names = (await as<{ analyticsReports: { edges: { node: { name: string } }[] } }>(stack, analyst, LIST, { first: 100 })).analyticsReports.edges.map((e) => e.node.name);
    expect(names).toContain('Colleague shared');
    expect(names).not.toContain('Colleague private');
  });

  it('deletes a report for its creator: gone from reads, lists and the table', async () => {
    const report = await create(analyst, { name: 'Short-lived', reportType: 'ACTIVE_USERS', range: { from: at(0), to: at(1) }, granularity: 'DAY', shared: true });
    expect((await as<{ deleteAnalyticsReport: boolean }>(stack, analyst, DELETE, { id: report.id })).deleteAnalyticsReport).toBe(true);
    saved.pop();
    expect((await as<{ analyticsReport: Report | null }>(stack, analyst, ONE, { id: report.id })).analyticsReport).toBeNull();
    expect(await refusal(analyst, DELETE, { id: report.id })).toEqual({ code: 'NOT_FOUND', field: undefined });
    expect(await refusal(analyst, REFRESH, { id: report.id })).toEqual({ code: 'NOT_FOUND', field: undefined });
    const list = await as<{ analyticsReports: { totalCount: number; edges: { node: { id: string } }[] } }>(stack, admin, LIST, { first: 100 });
    expect(list.analyticsReports.edges.map((e) => e.node.id)).not.toContain(report.id);
    expect(list.analyticsReports.totalCount).toBe(saved.length);
    expect(await storedReports()).toBe(saved.length);
  });
});
