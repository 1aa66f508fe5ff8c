import { csvCell, toCsv } from '../src/csv.ts';

describe('CSV cells', () => {
  it('leave plain text and numbers as they are', () => {
    expect(csvCell('Members')).toBe('Members');
    expect(csvCell(1250)).toBe('1250');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('')).toBe('');
  });

  it('quote text holding a comma, a quote or a line break, doubling the quotes (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"');
  });

  it('turn text a spreadsheet would run as a formula into text', () => {
    expect(csvCell('=HYPERLINK("http://evil.test","click")')).toBe('"\'=HYPERLINK(""http://evil.test"",""click"")"');
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
    expect(csvCell('\t=cmd')).toBe("'\t=cmd");
    expect(csvCell('\r=cmd')).toBe('"\'\r=cmd"');
    // Only the start of a cell makes a formula.
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('refuse numbers a file cannot hold', () => {
    expect(() => csvCell(Number.NaN)).toThrow();
    expect(() => csvCell(Number.POSITIVE_INFINITY)).toThrow();
  });
});

describe('a CSV file', () => {
  it('has its header first and ends every record with CRLF', () => {
    expect(toCsv(['name', 'cost'], [['=1+1', 5], ['plain', null]])).toBe("name,cost\r\n'=1+1,5\r\nplain,\r\n");
  });

  it('with only a header is one line', () => {
    expect(toCsv(['a', 'b'], [])).toBe('a,b\r\n');
  });
});
