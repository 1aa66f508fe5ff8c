import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { createHash } from 'node:crypto';
import { DomainService, errors, newId, UserInputError } from '@platform/kit';
import { z } from 'zod';
import { Customer } from '../entities/index.ts';
import type { BillingDeps } from './support.ts';

/** How long a member count read from identity is trusted before asking again. */
const MEMBER_COUNT_TTL_MS = 60_000;

const contactInput = z.object({
  email: z.string().trim().email('Enter a valid email address.').max(254).nullish(),
  name: z.string().trim().max(200, 'Use at most 200 characters.').nullish(),
});

/** The organization as a paying customer. */
export class CustomerService extends DomainService<BillingDeps> {
  private organizationId(): string {
    const id = this.context.organizationId;
    if (!id) throw errors.unauthenticated();
    return id;
  }

  private pending: Promise<Customer> | null = null;

  /** The caller's customer record, made on first need (no provider call yet); one lookup per request. */
  current(): Promise<Customer> {
    this.pending ??= this.findOrCreate().catch((error: unknown) => {
      this.pending = null;
      throw error;
    });
    return this.pending;
  }

  private async findOrCreate(): Promise<Customer> {
    const organizationId = this.organizationId();
    const existing = await this.em.findOne(Customer, { organizationId });
    if (existing) return existing;
    const draft = {
      id: newId('cus'),
      organizationId,
      providerCustomerId: null,
      email: null,
      name: null,
      currency: null,
      creditBalance: 0,
      carriedAmount: 0,
      invoicePrefix: createHash('sha256').update(organizationId).digest('hex').slice(0, 8).toUpperCase(),
      nextInvoiceNumber: 1,
      defaultPaymentMethodId: null,
      trialUsed: false,
      activeMembers: 0,
      activeMembersSyncedAt: null,
      createdAt: this.deps.clock.now(),
    };
    try {
      // In a savepoint (or a transaction of its own): a concurrent request that created the same row
      // first makes only this insert fail, not the caller's transaction.
      await this.em.transactional(async (tx) => {
        tx.create(Customer, draft);
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
    }
    return this.em.findOneOrFail(Customer, { organizationId });
  }

  /** The customer with a contact to show: until someone sets one, the organization's name and first owner. */
  async withContact(): Promise<Customer> {
    const customer = await this.current();
    if (!customer.email || !customer.name) {
      await this.syncFromIdentity(customer);
      await this.em.flush();
    }
    return customer;
  }

  /** Active members (seats in use), refreshed from identity at most once a minute. */
  async activeMembers(customer?: Customer, options: { fresh?: boolean } = {}): Promise<number> {
    const record = customer ?? (await this.current());
    const syncedAt = record.activeMembersSyncedAt?.getTime() ?? 0;
    if (options.fresh || Date.now() - syncedAt > MEMBER_COUNT_TTL_MS) await this.syncFromIdentity(record);
    return record.activeMembers;
  }

  private async syncFromIdentity(customer: Customer): Promise<void> {
    const facts = await this.deps.identity.organization(customer.organizationId);
    customer.activeMembers = facts.activeMembers;
    customer.activeMembersSyncedAt = new Date();
    if (!customer.name) customer.name = facts.name;
    if (!customer.email && facts.ownerEmails[0]) customer.email = facts.ownerEmails[0];
  }

  /** The provider's customer, created once (the idempotency key makes a retried creation return the same one). */
  async providerCustomerId(customer: Customer): Promise<string> {
    if (customer.providerCustomerId) return customer.providerCustomerId;
    if (!customer.email) await this.syncFromIdentity(customer);
    const created = await this.deps.provider.createCustomer(
      { organizationId: customer.organizationId, email: customer.email ?? null, name: customer.name ?? null },
      // The contact is part of the key: a creation rolled back and retried with other details must not collide.
      `customer:${customer.organizationId}:${createHash('sha256').update(`${customer.email ?? ''}\u0000${customer.name ?? ''}`).digest('hex').slice(0, 16)}`,
    );
    customer.providerCustomerId = created.id;
    return created.id;
  }

  async updateContact(input: { email?: string | null; name?: string | null }): Promise<{ billingCustomer: Customer }> {
    const parsed = contactInput.safeParse(input);
    if (!parsed.success) {
      throw new UserInputError(parsed.error.issues.map((issue) => ({ code: 'INVALID', message: issue.message, field: ['input', ...issue.path.map(String)] })));
    }
    const customer = await this.current();
    if (parsed.data.email !== undefined) customer.email = parsed.data.email ?? null;
    if (parsed.data.name !== undefined) customer.name = parsed.data.name ?? null;
    if (customer.providerCustomerId) await this.deps.provider.updateCustomer(customer.providerCustomerId, { email: customer.email ?? null, name: customer.name ?? null });
    this.context.emit('billing_customer.updated', { customerId: customer.id });
    return { billingCustomer: customer };
  }
}
