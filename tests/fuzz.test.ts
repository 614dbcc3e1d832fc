import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startStack, type TestStack } from './support/stack.js';
import { formatReport, prepareFuzzData, runFuzz } from './fuzz/run.js';
import type { FuzzPools } from './fuzz/generator.js';

// `pnpm fuzz --count N --seed S` runs longer (and other) sequences of the same generator.
const SEED = 'ci';
const COUNT = 1000;

let stack: TestStack;
let pools: FuzzPools;

beforeAll(async () => {
  stack = await startStack({ gateway: { LOG_LEVEL: 'warn' } });
  pools = await prepareFuzzData(stack);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('fuzzing the API with random operations', () => {
  it(`answers ${COUNT} random valid and invalid operations without a server fault`, async () => {
    const report = await runFuzz(stack, pools, { count: COUNT, seed: SEED, concurrency: 4 });
    // Both kinds are drawn, and the valid ones reach the subgraphs.
    expect(report.valid).toBeGreaterThan(COUNT / 2);
    expect(report.invalid).toBeGreaterThan(COUNT / 5);
    // Most root fields of six domains need a role or a real id, so a random role and random
    // arguments answer a clean 200 less often than when the API had two domains: about one in five
    // now (195 of 1000 on the seed below); one in seven still shows resolvers are reached.
    expect(report.outcomes['200 ok']).toBeGreaterThan(COUNT / 7);
    if (report.faults.length || report.serverLogs.length) throw new Error(formatReport(report));
  }, 300_000);
});
