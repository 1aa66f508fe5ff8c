import { inflateSync } from 'node:zlib';
import type { InvoiceLineData } from '../src/entities/invoice.ts';
import { renderInvoicePdf, toWinAnsi, type InvoicePdfData } from '../src/pdf/invoice-pdf.ts';

interface PdfObject {
  dictionary: string;
  stream: Buffer | null;
}

/**
 * Reads the PDF the way a viewer starts to: from the cross-reference table at its end to each
 * object, from the trailer's Root to the page tree, and from each page to its content stream.
 */
function readPdf(pdf: Buffer): { objects: Map<number, PdfObject>; trailer: string; pages: string[] } {
  const source = pdf.toString('latin1');
  const tail = /startxref\n(\d+)\n%%EOF\s*$/.exec(source);
  if (!tail) throw new Error('no startxref at the end of the file');
  const xref = source.slice(Number(tail[1]));
  const header = /^xref\n0 (\d+)\n/.exec(xref);
  if (!header) throw new Error('startxref does not point at the xref table');
  const entries = xref.slice(header[0].length).split('\n').slice(0, Number(header[1]));
  const objects = new Map<number, PdfObject>();
  entries.forEach((entry, number) => {
    if (entry.slice(17, 18) !== 'n') return; // a free entry
    const offset = Number(entry.slice(0, 10));
    const opening = `${number} 0 obj\n`;
    if (!source.startsWith(opening, offset)) throw new Error(`object ${number} is not at offset ${offset}`);
    const start = offset + opening.length;
    const streamAt = source.indexOf('\nstream\n', start);
    const endAt = source.indexOf('\nendobj', start);
    if (streamAt !== -1 && streamAt < endAt) {
      const dictionary = source.slice(start, streamAt);
      const length = Number(/\/Length (\d+)/.exec(dictionary)?.[1]);
      const raw = pdf.subarray(streamAt + 8, streamAt + 8 + length);
      objects.set(number, { dictionary, stream: dictionary.includes('/FlateDecode') ? inflateSync(raw) : raw });
    } else {
      objects.set(number, { dictionary: source.slice(start, endAt), stream: null });
    }
  });
  const trailer = /trailer\n<<([\s\S]*?)>>\nstartxref/.exec(source)?.[1] ?? '';
  const ref = (dictionary: string, key: string) => Number(new RegExp(`/${key} (\\d+) 0 R`).exec(dictionary)?.[1]);
  const catalog = objects.get(ref(trailer, 'Root'))!;
  const tree = objects.get(ref(catalog.dictionary, 'Pages'))!;
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(tree.dictionary)?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((match) => Number(match[1]));
  const pages = kids.map((kid) => {
    const page = objects.get(kid)!;
    expect(page.dictionary).toContain('/Type /Page');
    return textOf(objects.get(ref(page.dictionary, 'Contents'))!.stream!);
  });
  return { objects, trailer, pages };
}

const winAnsi = new TextDecoder('windows-1252');

/** The text of a content stream, one line per text object; pdfkit writes glyph codes as hex strings in TJ arrays. */
function textOf(content: Buffer): string {
  const lines: string[] = [];
  for (const block of content.toString('latin1').matchAll(/\nBT\n([\s\S]*?)\nET/g)) {
    let line = '';
    for (const array of block[1]!.matchAll(/\[([^\]]*)\] TJ/g)) {
      for (const hex of array[1]!.matchAll(/<([0-9a-f]*)>/g)) line += winAnsi.decode(Buffer.from(hex[1]!, 'hex'));
    }
    lines.push(line.replace(/\u00a0/g, ' '));
  }
  return lines.join('\n');
}

/** All the text of a page on one line, so a description wrapped over two lines reads whole (a wrapped line keeps its trailing space). */
const flat = (page: string) => page.replace(/ ?\n/g, ' ');

const line = (description: string, amount: number, overrides: Partial<InvoiceLineData> = {}): InvoiceLineData => ({
  kind: 'seats',
  description,
  quantity: 1,
  unitAmount: amount,
  amount,
  periodStart: '2026-11-21T00:00:00.000Z',
  periodEnd: '2026-12-21T00:00:00.000Z',
  ...overrides,
});

const invoice = (overrides: Partial<InvoicePdfData> = {}): InvoicePdfData => ({
  number: 'DEMO-0042',
  status: 'open',
  issuedAt: new Date('2026-11-21T09:15:00Z'),
  dueAt: new Date('2026-12-21T00:00:00Z'),
  paidAt: null,
  periodStart: new Date('2026-11-21T00:00:00Z'),
  periodEnd: new Date('2026-12-21T00:00:00Z'),
  currency: 'USD',
  seller: { name: 'Platform Inc.', addressLines: ['1 Market Street', 'San Francisco, CA 94105'], email: 'billing@platform.test' },
  customer: { name: 'Ada Lovelace', email: 'ada@demo.test', organizationName: 'Demo Org' },
  lines: [
    line('Pro (Nov 21, 2026 – Dec 21, 2026)', 4900, { kind: 'plan' }),
    line('5 × Pro seats (Nov 21, 2026 – Dec 21, 2026)', 6000, { quantity: 5, unitAmount: 1200 }),
    line('API points: 12,345 beyond 100,000 included (Oct 21, 2026 – Nov 21, 2026)', 650, { kind: 'usage', quantity: 13, unitAmount: 50 }),
  ],
  subtotal: 11550,
  discountTotal: 2310,
  creditApplied: 1000,
  total: 9240,
  amountPaid: 0,
  amountDue: 8240,
  ...overrides,
});

describe('renderInvoicePdf', () => {
  it('writes a complete PDF file', async () => {
    for (const compress of [true, false]) {
      const pdf = await renderInvoicePdf(invoice(), { compress });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
      expect(readPdf(pdf).pages).toHaveLength(1);
    }
  });

  it('shows the number, dates, parties, every line and the totals', async () => {
    const { pages } = readPdf(await renderInvoicePdf(invoice(), { compress: false }));
    const text = flat(pages[0]!);
    for (const expected of [
      'Invoice',
      'Platform Inc.',
      '1 Market Street',
      'billing@platform.test',
      'Invoice number',
      'DEMO-0042',
      'Date of issue',
      'Nov 21, 2026',
      'Date due',
      'Dec 21, 2026',
      'Billing period',
      'Bill to',
      'Demo Org',
      'Ada Lovelace',
      'ada@demo.test',
      'Pro (Nov 21, 2026 – Dec 21, 2026)',
      '5 × Pro seats (Nov 21, 2026 – Dec 21, 2026)',
      'API points: 12,345 beyond 100,000 included (Oct 21, 2026 – Nov 21, 2026)',
      '$82.40 due Dec 21, 2026',
      'Page 1 of 1',
    ]) {
      expect(text).toContain(expected);
    }
    const lines = pages[0]!.split('\n');
    const after = (label: string) => lines[lines.indexOf(label) + 1];
    expect([after('Subtotal'), after('Discount'), after('Total'), after('Applied balance'), after('Amount due')]).toEqual(['$115.50', '-$23.10', '$92.40', '-$10.00', '$82.40']);
    expect(lines).not.toContain('Amount paid');
    expect(lines).not.toContain('PAID');
  });

  it('shows a discount among the totals, not as a line of the table', async () => {
    const withDiscountLine = invoice({ lines: [...invoice().lines, line('Launch (20% off)', -2310, { kind: 'discount', unitAmount: null, periodStart: null, periodEnd: null })] });
    const lines = readPdf(await renderInvoicePdf(withDiscountLine, { compress: false })).pages[0]!.split('\n');
    expect(lines).not.toContain('Launch (20% off)');
    expect(lines.filter((text) => text === '-$23.10')).toHaveLength(1);
    expect(lines[lines.indexOf('Discount') + 1]).toBe('-$23.10');
  });

  it('leaves out discount and balance rows when there is none', async () => {
    const { pages } = readPdf(await renderInvoicePdf(invoice({ discountTotal: 0, creditApplied: 0, total: 11550, amountDue: 11550 }), { compress: false }));
    const lines = pages[0]!.split('\n');
    expect(lines).not.toContain('Discount');
    expect(lines).not.toContain('Applied balance');
    expect(lines).toContain('$115.50 due Dec 21, 2026');
  });

  it('stamps a paid invoice and says when it was paid', async () => {
    const paid = invoice({ status: 'paid', paidAt: new Date('2026-11-22T10:00:00Z'), amountPaid: 8240, amountDue: 0 });
    const lines = readPdf(await renderInvoicePdf(paid, { compress: false })).pages[0]!.split('\n');
    expect(lines).toContain('PAID');
    expect(lines).toContain('$82.40 paid on Nov 22, 2026');
    expect(lines).toContain('Date paid');
    expect(lines[lines.indexOf('Amount paid') + 1]).toBe('$82.40');
  });

  it('stamps a void invoice', async () => {
    const lines = readPdf(await renderInvoicePdf(invoice({ status: 'void' }), { compress: false })).pages[0]!.split('\n');
    expect(lines).toContain('VOID');
    expect(lines).not.toContain('PAID');
  });

  it('breaks a long table across pages, repeating its header, with page numbers on every page', async () => {
    const many = Array.from({ length: 90 }, (_, index) => line(`Line ${index + 1}: ${index % 7 === 0 ? 'a description long enough to wrap onto a second line of the table column' : 'seats'}`, 100 + index));
    const { pages } = readPdf(await renderInvoicePdf(invoice({ lines: many }), { compress: false }));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    pages.forEach((page, index) => {
      expect(page).toContain(`Page ${index + 1} of ${pages.length}`);
      expect(page).toContain('DEMO-0042');
    });
    expect(flat(pages[0]!)).toContain('Line 1: a description long enough to wrap onto a second line of the table column');
    expect(pages[0]).not.toContain('Line 90:');
    expect(pages[1]!.split('\n').slice(0, 4)).toEqual(['Description', 'Qty', 'Unit price', 'Amount']);
    // Every line is drawn exactly once, in order, across the pages.
    const drawn = pages.flatMap((page) => [...flat(page).matchAll(/Line (\d+):/g)].map((match) => Number(match[1])));
    expect(drawn).toEqual(many.map((_, index) => index + 1));
    expect(pages.at(-1)).toContain('Amount due');
  });

  it('gives the same bytes for the same invoice, dated by its issue date', async () => {
    const first = await renderInvoicePdf(invoice());
    const second = await renderInvoicePdf(invoice());
    expect(first.equals(second)).toBe(true);
    const { objects, trailer } = readPdf(first);
    const info = objects.get(Number(/\/Info (\d+) 0 R/.exec(trailer)?.[1]))!;
    const creationDate = objects.get(Number(/\/CreationDate (\d+) 0 R/.exec(info.dictionary)?.[1]))!;
    expect(creationDate.dictionary).toBe('(D:20261121091500Z)');
    const later = await renderInvoicePdf(invoice({ issuedAt: new Date('2026-11-22T09:15:00Z') }));
    expect(later.equals(first)).toBe(false);
  });

  it('compresses page contents unless told not to', async () => {
    const compressed = await renderInvoicePdf(invoice());
    const plain = await renderInvoicePdf(invoice(), { compress: false });
    expect(compressed.length).toBeLessThan(plain.length);
    expect(compressed.toString('latin1')).toContain('/FlateDecode');
    expect(readPdf(compressed).pages).toEqual(readPdf(plain).pages);
  });

  it('falls back to characters the standard font has', async () => {
    const data = invoice({ currency: 'INR', customer: { name: 'Łukasz Żółć', email: null, organizationName: 'Ōsaka 株式会社' } });
    const text = flat(readPdf(await renderInvoicePdf(data, { compress: false })).pages[0]!);
    expect(text).toContain('Lukasz Zólc');
    expect(text).toContain('Osaka ????');
    expect(text).toContain('INR 82.40 due Dec 21, 2026');
  });
});

describe('toWinAnsi', () => {
  it('keeps Latin-1 and the WinAnsi extras, and replaces the rest', () => {
    expect(toWinAnsi('Zoë – “café” € ×')).toBe('Zoë – “café” € ×');
    expect(toWinAnsi('1\u202f234\u2009€ \u22125')).toBe('1 234 € -5');
    expect(toWinAnsi('Łódź ₹')).toBe('Lódz ?');
    expect(toWinAnsi('a\nb')).toBe('a b');
  });
});
