// Client authors learn the codes from README.md: a code added, renamed or removed in its one
// module without the README following (or the other way round) fails here.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { CloseCode } from '../src/close-codes.js';
import { ErrorCode, OperationLimitCode, RequestErrorCode } from '../src/error-codes.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The first cell of each row of the first table after `heading`. */
function firstCells(heading: string): string[] {
  const at = readme.indexOf(heading);
  expect(at).toBeGreaterThanOrEqual(0);
  const lines = readme.slice(at).split('\n');
  const header = lines.findIndex((line) => line.startsWith('|'));
  const end = lines.findIndex((line, i) => i > header && !line.startsWith('|'));
  // The header row and the |---| row below it are not codes.
  return lines.slice(header + 2, end).map((line) => line.split('|')[1]!.trim());
}

describe('README.md', () => {
  it('lists every error code, and no other, with when it comes and what the client does', () => {
    const documented = firstCells('### Error codes').flatMap((cell) => [...cell.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]!));
    const defined = [...Object.values(ErrorCode), ...Object.values(OperationLimitCode), ...Object.values(RequestErrorCode)];
    expect([...documented].sort()).toEqual([...defined].sort());
  });

  it('lists every close code, and no other, with when it comes and what the client does', () => {
    const documented = firstCells('Close codes (`packages/service-kit/src/close-codes.ts`').map(Number);
    expect([...documented].sort()).toEqual([...Object.values(CloseCode)].sort());
  });
});
