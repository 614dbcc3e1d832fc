import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildSchema, getVariableValues, parse, validate, type OperationDefinitionNode } from 'graphql';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXAMPLES } from '../playground/app/examples.js';
import { createPlaygroundHandler, ensurePlayground, PLAYGROUND_CSP } from '../src/playground/index.js';

const API = buildSchema(readFileSync(new URL('../../schema/api.graphql', import.meta.url), 'utf8'));

describe('the playground examples', () => {
  it.each(EXAMPLES.map((example) => [example.title, example] as const))('%s is valid against schema/api.graphql', (_title, example) => {
    const document = parse(example.query);
    expect(validate(API, document).map((error) => error.message)).toEqual([]);
    // Its variables are of the operation's types, so running it asks only for real ids.
    const [operation] = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    const coerced = getVariableValues(API, operation?.variableDefinitions ?? [], example.variables ?? {});
    expect(coerced.errors?.map((error) => error.message) ?? []).toEqual([]);
  });
});

describe('the playground handler', () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    await ensurePlayground();
    const playground = createPlaygroundHandler('/graphql');
    server = createServer((req, res) => {
      if (!playground(req, res)) res.writeHead(404).end('passed on');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers a browser at /graphql with the page and its CSP, and leaves other clients to GraphQL', async () => {
    const page = await fetch(`${origin}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(PLAYGROUND_CSP);
    expect(await page.text()).toMatch(/<script src="\/playground\/playground\.js"><\/script>/);
    for (const init of [{ headers: { accept: 'application/json' } }, { method: 'POST', headers: { accept: 'text/html' } }]) {
      expect(await (await fetch(`${origin}/graphql`, init)).text()).toBe('passed on');
    }
  });

  it('serves the bundle and its workers from /playground/, compressed when asked, and nothing else', async () => {
    for (const name of ['playground.js', 'playground.css', 'editor.worker.js', 'json.worker.js', 'graphql.worker.js', 'favicon.svg']) {
      const response = await fetch(`${origin}/playground/${name}`);
      expect([name, response.status, response.headers.get('content-encoding')]).toEqual([name, 200, 'gzip']);
      await response.arrayBuffer();
    }
    for (const path of ['/playground/', '/playground/sources.sha256', '/playground/../package.json', '/playground/missing.js']) {
      expect(await (await fetch(`${origin}${path}`)).text()).toBe('passed on');
    }
  });

  it('loads nothing from another host: no absolute URL in the page or its stylesheet', () => {
    const page = readFileSync(new URL('../playground/index.html', import.meta.url), 'utf8');
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(PLAYGROUND_CSP).not.toMatch(/https?:|\*/);
  });
});
