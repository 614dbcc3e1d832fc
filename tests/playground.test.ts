// The playground in a real browser (headless Chromium through playwright-core) against a real
// stack: nothing is loaded from another host, a query runs, the docs open, the sign-in helper
// signs in, and a subscription in the page receives a message another client sends.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PLAYGROUND_CSP } from '@academy/gateway/playground';
import { as, signUpUser, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const SCREENSHOTS = join(import.meta.dirname, 'artifacts', 'playground');
const PASSWORD = 'a long enough passphrase 1';
/**
 * How long the browser may take for one step. Generous: in a full run this suite shares two cores
 * with suites that start a dozen processes, and once the page's first load (megabytes of script)
 * took longer than 30 s.
 */
const STEP_TIMEOUT_MS = 120_000;
jest.setTimeout(STEP_TIMEOUT_MS + 60_000);

/** Debian's chromium (.ci/run installs it), or the browser named by CHROMIUM_PATH. */
function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not installed: apt-get install -y chromium (or set CHROMIUM_PATH)');
  }
}

let stack: TestStack;
let browser: Browser;
let page: Page;
let learner: SignedUpUser;
let classmate: SignedUpUser;
let roomId: string;
/** Every URL the page and its workers asked for, WebSockets included. */
const requested: string[] = [];
/** Console errors and uncaught exceptions (a CSP refusal shows up here). */
const problems: string[] = [];
/** The WebSocket frames the page sent. */
const framesSent: string[] = [];

/** What the functions run in the page use of it (the tests' types know only Node). */
interface PageGlobals {
  document: { querySelector(selector: string): { textContent: string | null } | null; activeElement: { dispatchEvent(event: unknown): boolean } | null };
  DataTransfer: new () => { setData(type: string, text: string): void };
  ClipboardEvent: new (type: string, init: Record<string, unknown>) => unknown;
}

/** Monaco draws text with non-breaking spaces; compared as plain text. */
async function waitForText(selector: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([selector, text]) => ((globalThis as unknown as PageGlobals).document.querySelector(selector!)?.textContent ?? '').replace(/\u00a0/g, ' ').includes(text!),
    [selector, text],
    { timeout: STEP_TIMEOUT_MS },
  ).catch(async (error: unknown) => {
    await screenshot(`failed-waiting-for-${text.replace(/\W+/g, '-')}`);
    throw error;
  });
}

const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

/** Opens an example in a new tab and waits for GraphiQL to have read its operation (the tab is named after it). */
async function openExample(title: string, operationName: string): Promise<void> {
  if (!(await page.locator('.playground-examples').isVisible())) await page.getByRole('button', { name: 'Show Examples' }).click();
  await page.getByRole('button', { name: title, exact: true }).click();
  await waitForText('.graphiql-tab-active', operationName);
}

async function run(): Promise<void> {
  await page.locator('.graphiql-execute-button').click();
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startStack({ gateway: { PLAYGROUND: 'true' } });
  [learner, classmate] = await Promise.all([signUpUser(stack, 'Lena'), signUpUser(stack, 'Colm')]);
  const created = await as<{ createChatRoom: { id: string } }>(
    stack,
    classmate,
    'mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id } }',
    { input: { name: 'Playground room', kind: 'GROUP', memberIds: [learner.id] } },
  );
  roomId = created.createChatRoom.id;
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  context.on('request', (request) => void requested.push(request.url()));
  // The page's clock runs on, and is moved forward to reach the token's renewal.
  await context.clock.install();
  page = await context.newPage();
  page.on('websocket', (socket) => {
    requested.push(socket.url());
    socket.on('framesent', (frame) => void framesSent.push(String(frame.payload)));
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => void problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.request().method()} ${response.url()} ${response.request().postData() ?? ''}`);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the playground in a browser', () => {
  it('serves GraphiQL from the gateway with a CSP of its own origin only', async () => {
    const response = await page.goto(stack.gateway.url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(PLAYGROUND_CSP);
    await page.locator('.graphiql-container').waitFor();
    await waitForText('.graphiql-query-editor', 'query CataloguePage');
    await screenshot('1-opened');
  });

  it('runs a query and shows its result', async () => {
    await run();
    await waitForText('.graphiql-response', '"totalCount": 0');
    await screenshot('2-query-result');
  });

  it('opens the docs', async () => {
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await waitForText('.graphiql-doc-explorer', 'Root Types');
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().click();
    await waitForText('.graphiql-doc-explorer', 'courses');
    await screenshot('3-docs');
  });

  it('signs in with the helper and runs a signed-in query', async () => {
    await page.getByRole('button', { name: 'Show Sign in' }).click();
    await page.locator('.playground-sign-in input[name=email]').fill(learner.email);
    await page.locator('.playground-sign-in input[name=password]').fill(PASSWORD);
    await page.locator('.playground-sign-in button[type=submit]').click();
    await waitForText('.playground-sign-in [role=status]', `Signed in as ${learner.displayName}`);
    await screenshot('4-signed-in');
    await openExample('Who am I', 'Me');
    // The new tab has the signed-in headers too (they are shared by the tabs unless edited).
    await run();
    await waitForText('.graphiql-response', `"${learner.id}"`);
    await screenshot('5-me');
  });

  it('renews the access token with refreshSession before it expires, and sends the new one', async () => {
    const refreshed = page.waitForResponse((response) => response.request().postData()?.includes('PlaygroundRefresh') ?? false);
    await page.clock.fastForward('15:00');
    const body = (await (await refreshed).json()) as { data?: { refreshSession: { accessToken: string } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    const token = body.data!.refreshSession.accessToken;
    await page.getByRole('button', { name: 'Show Sign in' }).click();
    await waitForText('.playground-sign-in', 'renewed 1 time so far');
    await screenshot('6-renewed');
    const sent = page.waitForRequest((request) => request.method() === 'POST' && (request.postData()?.includes('query Me') ?? false));
    await run();
    expect((await sent).headers().authorization).toBe(`Bearer ${token}`);
    await waitForText('.graphiql-response', `"${learner.id}"`);
  });

  it('receives in a subscription a message another client sends', async () => {
    await openExample('New messages in a room (subscription)', 'MessageAdded');
    await page.getByRole('button', { name: 'Variables' }).click();
    await page.locator('.graphiql-editor-tool .graphiql-editor').first().click();
    await page.keyboard.press('ControlOrMeta+A');
    // Pasted, as a user would: typed, Monaco would close the brackets and quotes on its own.
    await page.evaluate((text) => {
      const { document, DataTransfer, ClipboardEvent } = globalThis as unknown as PageGlobals;
      const clipboardData = new DataTransfer();
      clipboardData.setData('text/plain', text);
      document.activeElement?.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
    }, JSON.stringify({ roomId, afterSequence: 0 }));
    await run();
    // afterSequence 0: whether the message is sent before or after the subscription is live, it arrives.
    await as(stack, classmate, 'mutation($r: ID!, $c: String!) { sendMessage(roomId: $r, content: $c) { sequence } }', { r: roomId, c: 'Welcome to the room' });
    await waitForText('.graphiql-response', '"content": "Welcome to the room"');
    await screenshot('7-subscription');
    const init = framesSent.map((frame) => JSON.parse(frame) as { type: string; payload?: Record<string, unknown> }).find((frame) => frame.type === 'connection_init');
    expect(init?.payload).toEqual({ authorization: expect.stringMatching(/^Bearer ey/) });
  });

  it('asked no other host for anything, and the browser refused nothing', () => {
    const origin = new URL(stack.gateway.url);
    const elsewhere = requested.filter((url) => {
      const parsed = new URL(url);
      if (parsed.protocol === 'data:') return false;
      return parsed.host !== origin.host || !['http:', 'ws:'].includes(parsed.protocol);
    });
    expect(elsewhere).toEqual([]);
    expect(requested.map((url) => new URL(url).pathname)).toEqual(expect.arrayContaining(['/playground/playground.js', '/playground/editor.worker.js', '/playground/graphql.worker.js']));
    expect(problems).toEqual([]);
  });
});
