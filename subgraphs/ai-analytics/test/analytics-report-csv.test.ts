// The CSV export's quoting (RFC 4180): event names never hold a comma or a quote, so the
// reports the API stores cannot show it; the writer is checked here on fields that do.
import { describe, expect, it } from '@jest/globals';
import { csvField, reportCsv } from '../src/services/analytics-report-csv.js';

describe('report CSV', () => {
  it('quotes a field with a comma, a quote or a line break, doubling its quotes, and leaves others as they are', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(null)).toBe('');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(false)).toBe('false');
  });

  it('writes a header and a CRLF-ended line per bucket or step', () => {
    const range = { from: '2026-01-01T00:00:00.000Z', to: '2026-01-03T00:00:00.000Z' };
    expect(
      reportCsv({
        range,
        series: { metric: 'm', total: 3, points: [{ bucket: range.from, value: 3, withheld: false }, { bucket: '2026-01-02T00:00:00.000Z', value: 0, withheld: null }] },
        funnelSteps: null,
      }),
    ).toBe('bucket,value,withheld\r\n2026-01-01T00:00:00.000Z,3,false\r\n2026-01-02T00:00:00.000Z,0,\r\n');
    expect(
      reportCsv({
        range,
        series: null,
        funnelSteps: [
          { name: 'a,b', users: 10, conversionFromPrevious: null, withheld: false },
          { name: 'c', users: 5, conversionFromPrevious: 0.5, withheld: false },
        ],
      }),
    ).toBe('step,name,users,conversion_from_previous,withheld\r\n1,"a,b",10,,false\r\n2,c,5,0.5,false\r\n');
    expect(reportCsv({ range, series: null, funnelSteps: [] })).toBe('step,name,users,conversion_from_previous,withheld\r\n');
  });
});
