import { describe, expect, it } from '@jest/globals';
import { ANONYMOUS_OPERATION, OperationNames, operationNamesOf, OTHER_OPERATION } from '../src/observability/metrics.js';

describe('operation names as metric labels', () => {
  it('keeps the manifest names, admits the first names of resolved operations, and collapses the rest', () => {
    const names = new OperationNames(operationNamesOf(['query Catalogue { courses { totalCount } }', 'subscription Chat { messageAdded(roomId: "r") { sequence } }', 'not graphql {']), 2);
    expect(names.labelOf('First', true)).toBe('First');
    expect(names.labelOf('Unresolved', false)).toBe(OTHER_OPERATION);
    expect(names.labelOf('Second', true)).toBe('Second');
    expect(names.labelOf('Third', true)).toBe(OTHER_OPERATION);
    // The manifest's names and the names already admitted keep their series after the limit.
    expect(names.labelOf('Catalogue', true)).toBe('Catalogue');
    expect(names.labelOf('Chat', false)).toBe('Chat');
    expect(names.labelOf('First', false)).toBe('First');
    expect(names.labelOf(undefined, true)).toBe(ANONYMOUS_OPERATION);
    expect(names.labelOf(null, false)).toBe(ANONYMOUS_OPERATION);
  });

  it('admits only GraphQL names', () => {
    const names = new OperationNames([], 10);
    expect(names.labelOf('spaces and "quotes"', true)).toBe(OTHER_OPERATION);
    expect(names.labelOf('_Fine1', true)).toBe('_Fine1');
  });
});
