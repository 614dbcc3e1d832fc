// `pnpm start`'s supervisor heals the stack: a subgraph killed is started again on its port
// while the others run on untouched; PostgreSQL killed is started again on its data, and every
// service serves again without restarting; a service that keeps crashing is given up while the
// others keep serving.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { livingProcesses, postmasterPid, processTree, waitUntilGone } from './support/process-tree.js';
import { startOwnStack, type OwnStack, type StartedCommand } from './support/start-command.js';

const CATALOGUE = /* GraphQL */ `
  { courses(first: 5) { totalCount edges { node { title author { displayName } price { formatted } upcomingSessions { startsAt } } } } }
`;
const SERVICES = ['identity', 'learning', 'scheduling', 'commerce', 'community', 'ai-analytics', 'gateway'] as const;

let stack: OwnStack | undefined;
let dataDir: string;
let started: StartedCommand | undefined;

const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

/** Each service's pid (the compiled entry it runs), the embedded server's and PostgreSQL's. */
function servicePids(supervisor: number): Record<string, number> {
  const pids: Record<string, number> = {};
  for (const pid of processTree(supervisor)) {
    const command = commandLine(pid);
    const service = /(?:subgraphs\/([a-z-]+)|(gateway))\/dist\/index\.js/.exec(command);
    if (service) pids[service[1] ?? service[2]!] = pid;
    if (command.includes('embedded-server.ts')) pids.embedded = pid;
    stack!.seen.add(pid);
  }
  const postmaster = postmasterPid(join(dataDir, 'postgres', 'cluster'));
  if (postmaster !== null) pids.postgres = postmaster;
  return pids;
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${started?.output().split('\n').slice(-30).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The catalogue through the gateway: its status and error codes (none when complete). */
async function catalogue(url: string): Promise<{ status: number; codes: string[] }> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: CATALOGUE }) });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    return { status: response.status, codes: (body.errors ?? []).map((e) => e.extensions?.code ?? '') };
  } catch {
    return { status: 0, codes: ['no answer'] };
  }
}

const answersCompletely = (url: string) => async () => {
  const answer = await catalogue(url);
  return answer.status === 200 && answer.codes.length === 0 ? answer : undefined;
};

beforeAll(async () => {
  stack = await startOwnStack('supervisor');
  ({ dataDir, command: started } = stack);
}, 150_000);

afterAll(() => stack?.stop(), 60_000);

describe('the supervisor of pnpm start', () => {
  it('restarts a killed subgraph on its port, and leaves the other processes alone', async () => {
    const { url, child } = started!;
    expect(await answersCompletely(url)()).toBeDefined();
    const before = servicePids(child.pid!);
    expect(Object.keys(before).sort()).toEqual([...SERVICES, 'embedded', 'postgres'].sort());

    process.kill(before.scheduling!, 'SIGKILL');
    const restarted = await until('the restart line', () => /^scheduling restarted \(pid (\d+)\)/m.exec(started!.output())?.[1]);
    expect(started!.output()).toMatch(/^scheduling exited unexpectedly \(signal SIGKILL\); restarting it in [\d.]+ s/m);
    await until('complete answers', answersCompletely(url));

    const after = servicePids(child.pid!);
    expect(after.scheduling).toBe(Number(restarted));
    expect(after.scheduling).not.toBe(before.scheduling);
    for (const name of Object.keys(before).filter((n) => n !== 'scheduling')) expect([name, after[name]]).toEqual([name, before[name]]);
  }, 90_000);

  it('restarts PostgreSQL killed with SIGKILL on the same data, and every service serves again without restarting', async () => {
    const { url, child } = started!;
    const before = servicePids(child.pid!);
    process.kill(before.postgres!, 'SIGKILL');
    const killedAt = performance.now();
    await until('PostgreSQL ready again', () => (/^PostgreSQL ready again/m.test(started!.output()) ? true : undefined));
    const readyAt = performance.now();
    // While PostgreSQL was away, answers were retryable errors, never internal ones.
    const answer = await until('complete answers', answersCompletely(url));
    process.stdout.write(
      `PostgreSQL restarted ${((readyAt - killedAt) / 1000).toFixed(2)} s after SIGKILL; complete answers ${((performance.now() - readyAt) / 1000).toFixed(2)} s after that\n`,
    );
    expect(answer.status).toBe(200);
    const after = servicePids(child.pid!);
    expect(after.postgres).not.toBe(before.postgres);
    for (const name of SERVICES) expect([name, after[name]]).toEqual([name, before[name]]);
    expect(started!.output()).not.toMatch(/INTERNAL_SERVER_ERROR/);
  }, 90_000);

  it('gives up on a service that keeps crashing, while the others keep serving', async () => {
    const { url, child } = started!;
    const before = servicePids(child.pid!);
    let pid = before.commerce!;
    for (let kill = 1; kill <= 5; kill++) {
      process.kill(pid, 'SIGKILL');
      if (kill === 5) break;
      pid = await until(`restart ${kill}`, () => {
        const restarts = [...started!.output().matchAll(/^commerce restarted \(pid (\d+)\)/gm)];
        return restarts.length === kill ? Number(restarts.at(-1)![1]) : undefined;
      });
      await until('commerce listening again', () => (livingProcesses([pid]).length === 1 && servicePids(child.pid!).commerce === pid ? true : undefined));
      await until('complete answers', answersCompletely(url));
    }
    await until('the give-up line', () => (/^commerce exited \(signal SIGKILL\) 5 times within 60 s: giving up on it/m.test(started!.output()) ? true : undefined));

    // Prices are missing (with an error at their path); everything else is answered.
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ courses(first: 3) { edges { node { title author { displayName } } } } }' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data?: { courses: { edges: unknown[] } }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(body.data?.courses.edges).toHaveLength(3);
    const after = servicePids(child.pid!);
    expect(after.commerce).toBeUndefined();
    for (const name of SERVICES.filter((n) => n !== 'commerce')) expect([name, after[name]]).toEqual([name, before[name]]);

    // Ctrl-C still stops what is left, in order, and cleanly.
    const tree = processTree(child.pid!);
    child.kill('SIGTERM');
    expect(await started!.exited).toEqual({ code: 0, signal: null });
    expect(await waitUntilGone(tree, 10_000)).toEqual([]);
  }, 120_000);
});
