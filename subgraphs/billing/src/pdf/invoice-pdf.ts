import PDFDocument from 'pdfkit';
import type { InvoiceLineData, InvoiceStatus } from '../entities/invoice.ts';
import { formatDate, formatMoney, formatQuantity } from '../pricing/index.ts';

/** What an invoice PDF shows. Amounts are in minor units of `currency`. */
export interface InvoicePdfData {
  number: string;
  status: InvoiceStatus;
  issuedAt: Date;
  dueAt?: Date | null;
  paidAt?: Date | null;
  periodStart: Date;
  periodEnd: Date;
  currency: string;
  seller: { name: string; addressLines: string[]; email: string };
  customer: { name: string | null; email: string | null; organizationName: string };
  /** The invoice's lines. A `discount` line is left out of the table: discountTotal shows it among the totals, as on Stripe's invoices. */
  lines: InvoiceLineData[];
  subtotal: number;
  discountTotal: number;
  creditApplied: number;
  total: number;
  amountPaid: number;
  amountDue: number;
}

export interface InvoicePdfOptions {
  /** Deflate the page contents; default true. Tests turn it off to read the text back. */
  compress?: boolean;
}

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 50;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
const FOOTER_Y = PAGE.height - 36;
/** Content stops here; the footer sits below. */
const CONTENT_BOTTOM = PAGE.height - 64;

const INK = '#111827';
const MUTED = '#6b7280';
const RULE = '#d1d5db';
const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';

const COLUMNS = {
  description: { x: MARGIN, width: 255 },
  quantity: { x: MARGIN + 260, width: 45 },
  unit: { x: MARGIN + 310, width: 85 },
  amount: { x: MARGIN + 400, width: CONTENT_WIDTH - 400 },
};

const STAMPS: Partial<Record<InvoiceStatus, { text: string; color: string }>> = {
  paid: { text: 'PAID', color: '#15803d' },
  void: { text: 'VOID', color: '#b91c1c' },
  draft: { text: 'DRAFT', color: '#6b7280' },
};

// The characters the standard fonts' WinAnsi encoding has beyond Latin-1.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const SPACES = /[\u2000-\u200a\u202f\u205f\u3000]/g;
/** Letters with a stroke have no Unicode decomposition to fall back on. */
const STROKED: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ħ: 'H', ħ: 'h', ı: 'i', Ŧ: 'T', ŧ: 't' };

function representable(char: string): boolean {
  const code = char.codePointAt(0)!;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(char);
}

/**
 * Text the standard Helvetica font can show: it only has WinAnsi (Windows-1252) glyphs, so other
 * characters fall back to their unaccented letter, or to `?`.
 */
export function toWinAnsi(text: string): string {
  let result = '';
  for (const char of text.normalize('NFC').replace(SPACES, ' ').replace(/\u2212/g, '-')) {
    if (representable(char)) result += char;
    else if (char === '\n' || char === '\t') result += ' ';
    else if (STROKED[char]) result += STROKED[char];
    else {
      const base = char.normalize('NFKD').replace(/\p{M}/gu, '');
      result += base.length > 0 && [...base].every(representable) ? base : '?';
    }
  }
  return result;
}

interface Page {
  doc: PDFKit.PDFDocument;
  y: number;
}

export async function renderInvoicePdf(data: InvoicePdfData, options: InvoicePdfOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    compress: options.compress ?? true,
    bufferPages: true,
    info: {
      Title: `Invoice ${data.number}`,
      Author: data.seller.name,
      Subject: `Invoice ${data.number} for ${data.customer.organizationName}`,
      Producer: 'PDFKit',
      Creator: data.seller.name,
      // Fixed dates make the same invoice give the same bytes (pdfkit derives the file id from them).
      CreationDate: data.issuedAt,
      ModDate: data.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const money = (amount: number) => {
    const text = formatMoney(amount, data.currency);
    // A symbol the font lacks (₹, ₩, ...) is shown as the currency code instead.
    return [...text.replace(SPACES, ' ')].every(representable) ? toWinAnsi(text) : toWinAnsi(formatMoney(amount, data.currency, 'en-US', { currencyDisplay: 'code' }));
  };

  const page: Page = { doc, y: MARGIN };
  drawHeader(page, data, money);
  drawLines(page, data, money);
  drawTotals(page, data, money);
  drawFooters(doc, data.number);

  doc.end();
  return finished;
}

function text(doc: PDFKit.PDFDocument, value: string, x: number, y: number, options: PDFKit.Mixins.TextOptions & { font?: string; size?: number; color?: string } = {}): number {
  const { font = REGULAR, size = 9.5, color = INK, ...rest } = options;
  doc.font(font).fontSize(size).fillColor(color);
  const clean = toWinAnsi(value);
  doc.text(clean, x, y, { lineBreak: rest.width !== undefined, ...rest });
  return doc.heightOfString(clean, { width: rest.width });
}

function rule(doc: PDFKit.PDFDocument, y: number, x = MARGIN, width = CONTENT_WIDTH): void {
  doc.save().moveTo(x, y).lineTo(x + width, y).lineWidth(0.75).strokeColor(RULE).stroke().restore();
}

function drawHeader(page: Page, data: InvoicePdfData, money: (amount: number) => string): void {
  const { doc } = page;
  text(doc, 'Invoice', MARGIN, MARGIN, { font: BOLD, size: 22, width: CONTENT_WIDTH, align: 'right' });

  let left = MARGIN;
  left += text(doc, data.seller.name, MARGIN, left, { font: BOLD, size: 13, width: 280 }) + 4;
  for (const line of [...data.seller.addressLines, data.seller.email]) {
    left += text(doc, line, MARGIN, left, { size: 9, color: MUTED, width: 280 });
  }

  let y = Math.max(left, MARGIN + 40) + 24;
  const details: [string, string][] = [
    ['Invoice number', data.number],
    ['Date of issue', formatDate(data.issuedAt)],
  ];
  if (data.dueAt) details.push(['Date due', formatDate(data.dueAt)]);
  if (data.paidAt) details.push(['Date paid', formatDate(data.paidAt)]);
  details.push(['Billing period', `${formatDate(data.periodStart)} – ${formatDate(data.periodEnd)}`]);
  const detailsTop = y;
  for (const [label, value] of details) {
    text(doc, label, MARGIN, y, { font: BOLD, size: 9, width: 90 });
    y += Math.max(12, text(doc, value, MARGIN + 95, y, { size: 9, width: 170 }) + 2);
  }

  let right = detailsTop;
  right += text(doc, 'Bill to', 330, right, { font: BOLD, size: 9, width: CONTENT_WIDTH - 280 }) + 2;
  for (const line of [data.customer.organizationName, data.customer.name, data.customer.email]) {
    if (line) right += text(doc, line, 330, right, { size: 9, width: CONTENT_WIDTH - 280 }) + 1;
  }

  y = Math.max(y, right) + 22;
  const stamp = STAMPS[data.status];
  const summaryHeight = text(doc, summary(data, money), MARGIN, y, { font: BOLD, size: 15, width: stamp ? 300 : CONTENT_WIDTH });
  if (stamp) {
    drawStamp(doc, stamp, y + summaryHeight / 2);
    y += Math.max(summaryHeight, 40);
  } else {
    y += summaryHeight;
  }
  page.y = y + 20;
}

/** A rubber stamp (PAID, VOID, DRAFT) right of the summary, centred on `middle`. */
function drawStamp(doc: PDFKit.PDFDocument, stamp: { text: string; color: string }, middle: number): void {
  const size = 26;
  doc.font(BOLD).fontSize(size);
  const width = doc.widthOfString(stamp.text) + 28;
  const height = size + 12;
  const x = MARGIN + CONTENT_WIDTH - width - 16;
  const y = middle - height / 2;
  doc.save();
  doc.rotate(-8, { origin: [x + width / 2, middle] });
  doc.opacity(0.6);
  doc.roundedRect(x, y, width, height, 5).lineWidth(2.5).strokeColor(stamp.color).stroke();
  doc.fillColor(stamp.color).text(stamp.text, x, y + 8, { width, align: 'center', lineBreak: false });
  doc.restore();
}

/** The one sentence a reader looks for first, as on Stripe's invoices. */
function summary(data: InvoicePdfData, money: (amount: number) => string): string {
  switch (data.status) {
    case 'paid':
      return `${money(data.amountPaid)} paid${data.paidAt ? ` on ${formatDate(data.paidAt)}` : ''}`;
    case 'void':
      return 'This invoice was voided; nothing is due.';
    case 'uncollectible':
      return `${money(data.amountDue)} marked uncollectible`;
    case 'draft':
      return 'Draft: not yet issued';
    case 'open':
      return `${money(data.amountDue)} due ${data.dueAt ? formatDate(data.dueAt) : 'on receipt'}`;
  }
}

function drawTableHeader(page: Page): void {
  const { doc } = page;
  const head = { font: BOLD, size: 8.5, color: MUTED };
  text(doc, 'Description', COLUMNS.description.x, page.y, { ...head, width: COLUMNS.description.width });
  text(doc, 'Qty', COLUMNS.quantity.x, page.y, { ...head, width: COLUMNS.quantity.width, align: 'right' });
  text(doc, 'Unit price', COLUMNS.unit.x, page.y, { ...head, width: COLUMNS.unit.width, align: 'right' });
  text(doc, 'Amount', COLUMNS.amount.x, page.y, { ...head, width: COLUMNS.amount.width, align: 'right' });
  page.y += 14;
  rule(doc, page.y);
  page.y += 7;
}

function drawLines(page: Page, data: InvoicePdfData, money: (amount: number) => string): void {
  const { doc } = page;
  drawTableHeader(page);
  for (const line of data.lines.filter((candidate) => candidate.kind !== 'discount')) {
    const description = toWinAnsi(line.description);
    doc.font(REGULAR).fontSize(9.5);
    const height = Math.max(doc.heightOfString(description, { width: COLUMNS.description.width }), 12) + 8;
    if (page.y + height > CONTENT_BOTTOM) {
      doc.addPage();
      page.y = MARGIN;
      drawTableHeader(page);
    }
    text(doc, description, COLUMNS.description.x, page.y, { width: COLUMNS.description.width });
    text(doc, formatQuantity(line.quantity), COLUMNS.quantity.x, page.y, { width: COLUMNS.quantity.width, align: 'right' });
    text(doc, line.unitAmount === null ? '' : money(line.unitAmount), COLUMNS.unit.x, page.y, { width: COLUMNS.unit.width, align: 'right' });
    text(doc, money(line.amount), COLUMNS.amount.x, page.y, { width: COLUMNS.amount.width, align: 'right' });
    page.y += height;
  }
  rule(doc, page.y - 3);
  page.y += 10;
}

function drawTotals(page: Page, data: InvoicePdfData, money: (amount: number) => string): void {
  const { doc } = page;
  const rows: { label: string; value: string; strong?: boolean }[] = [{ label: 'Subtotal', value: money(data.subtotal) }];
  if (data.discountTotal > 0) rows.push({ label: 'Discount', value: money(-data.discountTotal) });
  rows.push({ label: 'Total', value: money(data.total), strong: true });
  if (data.creditApplied > 0) rows.push({ label: 'Applied balance', value: money(-data.creditApplied) });
  if (data.amountPaid > 0) rows.push({ label: 'Amount paid', value: money(data.amountPaid) });
  rows.push({ label: 'Amount due', value: money(data.amountDue), strong: true });

  const rowHeight = 17;
  if (page.y + rows.length * rowHeight > CONTENT_BOTTOM) {
    doc.addPage();
    page.y = MARGIN;
  }
  const labelX = COLUMNS.quantity.x;
  const labelWidth = COLUMNS.amount.x - labelX;
  for (const row of rows) {
    const font = row.strong ? BOLD : REGULAR;
    text(doc, row.label, labelX, page.y, { font, width: labelWidth });
    text(doc, row.value, COLUMNS.amount.x, page.y, { font, width: COLUMNS.amount.width, align: 'right' });
    page.y += rowHeight;
    if (row.label === 'Total') rule(doc, page.y - 5, labelX, CONTENT_WIDTH - (labelX - MARGIN));
  }
}

function drawFooters(doc: PDFKit.PDFDocument, number: string): void {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index += 1) {
    doc.switchToPage(index);
    // Writing below the bottom margin would otherwise make pdfkit start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    rule(doc, FOOTER_Y - 8);
    text(doc, number, MARGIN, FOOTER_Y, { size: 8, color: MUTED, width: CONTENT_WIDTH / 2 });
    text(doc, `Page ${index - range.start + 1} of ${range.count}`, MARGIN + CONTENT_WIDTH / 2, FOOTER_Y, { size: 8, color: MUTED, width: CONTENT_WIDTH / 2, align: 'right' });
    doc.page.margins.bottom = bottom;
  }
}
