import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { SubscriptionPlanner } from '../src/subscriptions/planner.js';
import { isViewerIndependent, SharedResults, sharedVariableNames, variableUsagesOf } from '../src/subscriptions/sharing.js';

const planner = new SubscriptionPlanner(readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'));

/** Whether the per-event part of a subscription's plan may be shared between subscribers. */
function shareable(selection: string): boolean {
  const plan = planner.plan(parse(`subscription($r: ID!) { messageAdded(roomId: $r) { ${selection} } }`), undefined);
  if (plan.node?.kind !== 'Subscription') throw new Error('not a subscription plan');
  return isViewerIndependent(plan.node.rest, planner.supergraphGraphQLSchema);
}

describe('which subscription plans share their per-event work', () => {
  it('shares plans that only need the community subgraph', () => {
    expect(shareable('sequence content')).toBe(true);
  });

  it('shares public profile fields of other subgraphs, also nested', () => {
    expect(shareable('sender { displayName avatarUrl }')).toBe(true);
    expect(shareable('room { name members { user { displayName } } }')).toBe(true);
  });

  it('runs per subscriber as soon as one field depends on the viewer', () => {
    expect(shareable('sender { displayName email }')).toBe(false);
    expect(shareable('sender { roles }')).toBe(false);
    expect(shareable('room { members { user { displayName timezone } } }')).toBe(false);
  });

  it('keys shared results by the variables in @skip/@include and those the rest sends', () => {
    const document = parse('subscription($r: ID!, $withName: Boolean!) { messageAdded(roomId: $r) { sender @include(if: $withName) { displayName } } }');
    expect(sharedVariableNames(document, ['x'])).toEqual(['withName', 'x']);
    expect(variableUsagesOf(undefined)).toEqual([]);
  });
});

describe('SharedResults', () => {
  it('computes once for callers of the same key', async () => {
    const shared = new SharedResults<number>();
    let runs = 0;
    const compute = async () => ++runs;
    expect(await Promise.all([shared.get('a', compute), shared.get('a', compute), shared.get('b', compute)])).toEqual([1, 1, 2]);
  });

  it('does not keep failures', async () => {
    const shared = new SharedResults<number>();
    await expect(shared.get('a', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await shared.get('a', async () => 7)).toBe(7);
  });

  it('forgets results after their time and beyond its size', async () => {
    const shared = new SharedResults<number>(20, 2);
    await shared.get('a', async () => 1);
    expect(await shared.get('a', async () => 2)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await shared.get('a', async () => 3)).toBe(3);
    await shared.get('b', async () => 1);
    await shared.get('c', async () => 1);
    expect(shared.size).toBe(2);
  });
});
