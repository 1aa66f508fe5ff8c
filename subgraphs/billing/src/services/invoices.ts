import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainService, newId, paginate, type Connection, type PageArguments } from '@platform/kit';
import type { Coupon, Subscription} from '../entities/index.ts';
import { Customer, Invoice, type InvoiceLineData, type InvoiceReason } from '../entities/index.ts';
import { renderInvoicePdf } from '../pdf/invoice-pdf.ts';
import { formatMoney, invoiceTotals } from '../pricing/index.ts';
import type { BillingDeps } from './support.ts';

export interface InvoiceDraft {
  subscription: Subscription;
  customer: Customer;
  reason: InvoiceReason;
  lines: InvoiceLineData[];
  periodStart: Date;
  periodEnd: Date;
  /** Makes the invoice unique (cycle invoices: one per subscription and period). Default: the invoice id. */
  periodKey?: string;
  coupon?: Coupon | null;
}

/** Providers refuse charges below this (Stripe: 50 cents in USD and EUR); smaller amounts wait for the next invoice. */
export const MINIMUM_CHARGE = 50;

function linkSignature(secret: string, invoiceId: string, expires: number): string {
  return createHmac('sha256', secret).update(`invoice-pdf\u0000${invoiceId}\u0000${expires}`).digest('base64url');
}

/** Invoices: built from lines, numbered when finalized, mailed with their PDF, downloadable through signed links. */
export class InvoiceService extends DomainService<BillingDeps> {
  list(page: PageArguments): Promise<Connection<Invoice>> {
    return paginate(this.em, Invoice, { status: { $ne: 'draft' } }, page, { order: 'desc' });
  }

  byId(id: string): Promise<Invoice | null> {
    return this.context.loaders
      .get<string, Invoice | null>('invoiceById', async (ids) => {
        const invoices = await this.em.find(Invoice, { id: { $in: [...ids] } });
        return ids.map((invoiceId) => invoices.find((invoice) => invoice.id === invoiceId) ?? null);
      })
      .load(id);
  }

  openInvoicesOf(subscriptionId: string): Promise<Invoice[]> {
    return this.em.find(Invoice, { subscriptionId, status: 'open' }, { orderBy: { createdAt: 'asc' } });
  }

  /**
   * Creates and finalizes an invoice: totals with discount and customer credit, the next number of
   * the organization, `invoice.finalized`, and the mail with its PDF, all in the caller's transaction.
   * An invoice with nothing to collect is paid on the spot.
   */
  async finalize(draft: InvoiceDraft): Promise<Invoice> {
    const { customer, subscription } = draft;
    const now = this.deps.clock.now();
    const carried: InvoiceLineData[] =
      customer.carriedAmount > 0
        ? [{ kind: 'credit', description: 'Balance carried from an earlier invoice (below the minimum charge)', quantity: 1, unitAmount: null, amount: customer.carriedAmount, periodStart: null, periodEnd: null }]
        : [];
    customer.carriedAmount = 0;
    const billed = [...draft.lines, ...carried];
    const totals = invoiceTotals(billed, { coupon: draft.coupon ?? null, currency: subscription.currency, creditBalance: customer.creditBalance });
    const lines = totals.discountLine ? [...billed, totals.discountLine] : billed;
    const id = newId('in');
    const number = `${customer.invoicePrefix}-${String(customer.nextInvoiceNumber).padStart(4, '0')}`;
    customer.nextInvoiceNumber += 1;
    customer.creditBalance = totals.creditBalanceAfter;
    // Stripe's rule for tiny amounts: the invoice counts as paid and the amount moves to the next one.
    const tooSmall = totals.amountDue > 0 && totals.amountDue < MINIMUM_CHARGE;
    if (tooSmall) customer.carriedAmount = totals.amountDue;
    const paidNow = totals.amountDue === 0 || tooSmall;
    const invoice = this.em.create(Invoice, {
      id,
      organizationId: subscription.organizationId,
      subscriptionId: subscription.id,
      periodKey: draft.periodKey ?? id,
      number,
      status: paidNow ? 'paid' : 'open',
      reason: draft.reason,
      currency: subscription.currency,
      lines,
      subtotal: totals.subtotal,
      discountTotal: totals.discountTotal,
      total: totals.total,
      creditApplied: totals.creditApplied,
      amountDue: totals.amountDue,
      amountPaid: 0,
      periodStart: draft.periodStart,
      periodEnd: draft.periodEnd,
      createdAt: now,
      finalizedAt: now,
      paidAt: paidNow ? now : null,
      voidedAt: null,
      attemptCount: 0,
      nextPaymentAttemptAt: paidNow ? null : now,
      lastPaymentError: null,
      mailedAt: null,
    });
    subscription.latestInvoiceId = invoice.id;
    this.context.emit('invoice.finalized', { invoiceId: invoice.id, number, total: invoice.total, amountDue: invoice.amountDue, currency: invoice.currency, subscriptionId: subscription.id });
    if (paidNow) this.context.emit('invoice.paid', { invoiceId: invoice.id, number, amountPaid: 0, currency: invoice.currency });
    await this.mail(invoice, customer);
    return invoice;
  }

  markPaid(invoice: Invoice, amount: number): void {
    if (invoice.status === 'paid') return;
    const now = this.deps.clock.now();
    invoice.status = 'paid';
    invoice.amountPaid = amount;
    invoice.paidAt = now;
    invoice.nextPaymentAttemptAt = null;
    invoice.lastPaymentError = null;
    this.context.emit('invoice.paid', { invoiceId: invoice.id, number: invoice.number, amountPaid: amount, currency: invoice.currency });
  }

  void(invoice: Invoice): void {
    if (invoice.status !== 'open' && invoice.status !== 'draft') return;
    invoice.status = 'void';
    invoice.voidedAt = this.deps.clock.now();
    invoice.nextPaymentAttemptAt = null;
    this.context.emit('invoice.voided', { invoiceId: invoice.id, number: invoice.number });
  }

  markUncollectible(invoice: Invoice): void {
    if (invoice.status !== 'open') return;
    invoice.status = 'uncollectible';
    invoice.nextPaymentAttemptAt = null;
    this.context.emit('invoice.marked_uncollectible', { invoiceId: invoice.id, number: invoice.number });
  }

  private async mail(invoice: Invoice, customer: Customer): Promise<void> {
    if (!customer.email) return;
    const pdf = await this.pdf(invoice, customer);
    const total = formatMoney(invoice.total, invoice.currency);
    const due = formatMoney(invoice.amountDue, invoice.currency);
    const portal = `${this.deps.settings.publicUrl}/billing`;
    const status = invoice.status === 'paid' ? `It is paid: nothing more to do.` : `${due} will be charged to your default payment method.`;
    this.context.sendMail({
      to: customer.email,
      subject: `Invoice ${invoice.number} for ${total}`,
      kind: 'invoice',
      text: `Hello,\n\nyour invoice ${invoice.number} for ${total} is attached. ${status}\n\nSee every invoice and manage your subscription at ${portal}\n`,
      html: `<p>Hello,</p><p>your invoice <strong>${invoice.number}</strong> for <strong>${total}</strong> is attached. ${status}</p><p><a href="${portal}">See every invoice and manage your subscription</a></p>`,
      attachments: [{ filename: `${invoice.number}.pdf`, contentType: 'application/pdf', contentBase64: pdf.toString('base64') }],
    });
    invoice.mailedAt = this.deps.clock.now();
  }

  async pdf(invoice: Invoice, customer?: Customer): Promise<Buffer> {
    const owner = customer ?? (await this.em.findOne(Customer, { organizationId: invoice.organizationId }, { filters: { tenant: false } }));
    return renderInvoicePdf({
      number: invoice.number ?? invoice.id,
      status: invoice.status,
      issuedAt: invoice.finalizedAt ?? invoice.createdAt,
      dueAt: invoice.finalizedAt ?? invoice.createdAt,
      paidAt: invoice.paidAt,
      periodStart: invoice.periodStart,
      periodEnd: invoice.periodEnd,
      currency: invoice.currency,
      seller: this.deps.settings.seller,
      customer: { name: owner?.name ?? null, email: owner?.email ?? null, organizationName: owner?.name ?? '' },
      lines: invoice.lines,
      subtotal: invoice.subtotal,
      discountTotal: invoice.discountTotal,
      creditApplied: invoice.creditApplied,
      total: invoice.total,
      amountPaid: invoice.amountPaid,
      amountDue: invoice.status === 'paid' ? 0 : invoice.amountDue,
    });
  }

  /** A link to the invoice's PDF that works without credentials for a few minutes. */
  pdfUrl(invoice: Invoice): string {
    const expires = Math.floor(Date.now() / 1000) + this.deps.settings.invoiceLinkTtlSeconds;
    const signature = linkSignature(this.deps.settings.internalSigningSecret, invoice.id, expires);
    return `${this.deps.settings.publicUrl}/downloads/invoices/${invoice.id}.pdf?expires=${expires}&signature=${signature}`;
  }

  /**
   * The PDF behind a signed link, or null when the link is forged, altered or expired. The link is the
   * credential, so the lookup crosses tenants, by exact id only.
   */
  async pdfFromLink(input: { invoiceId: unknown; expires: unknown; signature: unknown }): Promise<{ filename: string; pdf: Buffer } | null> {
    const { invoiceId, signature } = input;
    const expires = Number(input.expires);
    if (typeof invoiceId !== 'string' || typeof signature !== 'string' || !Number.isInteger(expires)) return null;
    if (expires < Math.floor(Date.now() / 1000)) return null;
    const expected = Buffer.from(linkSignature(this.deps.settings.internalSigningSecret, invoiceId, expires));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const invoice = await this.em.findOne(Invoice, { id: invoiceId }, { filters: { tenant: false } });
    if (!invoice) return null;
    return { filename: `${invoice.number ?? invoice.id}.pdf`, pdf: await this.pdf(invoice) };
  }
}
