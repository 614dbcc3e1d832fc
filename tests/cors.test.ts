// A browser app on another origin calling the API: preflight, then the request, as a browser
// sends them (fetch with an Origin header), against the real gateway.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RequestErrorCode } from '@academy/service-kit';
import { startStack, type TestStack } from './support/stack.js';

let stack: TestStack;

beforeAll(async () => {
  // Development's default (http://localhost:* and http://127.0.0.1:*) plus one configured app.
  stack = await startStack({ gateway: { CORS_ORIGINS: 'http://localhost:*, https://app.example.test' } });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const preflight = (origin: string, headers = 'content-type, authorization') =>
  fetch(stack.gateway.url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
  });

const post = (origin: string, query = '{ courses(first: 1) { totalCount } }') =>
  fetch(stack.gateway.url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

describe('CORS on /graphql', () => {
  it.each(['http://localhost:5173', 'https://app.example.test'])('lets %s call the API: preflight, then the request', async (origin) => {
    const answer = await preflight(origin);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
    expect(answer.headers.get('access-control-allow-methods')).toContain('POST');
    expect(answer.headers.get('access-control-allow-headers')?.toLowerCase()).toBe('content-type, authorization');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(answer.headers.get('vary')?.toLowerCase()).toContain('origin');

    const response = await post(origin);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-expose-headers')).toContain('Retry-After');
    expect(await response.json()).toEqual({ data: { courses: { totalCount: 0 } } });
  });

  it.each(['https://evil.example.test', 'http://localhost.evil.example.test:5173', 'https://app.example.test.evil.example', 'null'])(
    'gives %s no access: no Access-Control-Allow-Origin on the preflight or the answer',
    async (origin) => {
      const answer = await preflight(origin);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-methods')).toBeNull();
      const response = await post(origin);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    },
  );

  it('keeps CSRF prevention: a request a browser sends without a preflight is refused, even from an allowed origin', async () => {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'text/plain' },
      body: JSON.stringify({ query: 'mutation { requestPasswordReset(email: "someone@example.test") }' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(RequestErrorCode.BAD_REQUEST);
  });

  it('leaves requests without an Origin (servers, scripts) as they were', async () => {
    const response = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
