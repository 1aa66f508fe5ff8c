import { DomainService, paginate, type Connection, type PageArguments } from '@platform/kit';
import { QuotaAlert, UsageMonth } from '../entities/index.ts';
import { monthOf, monthRange } from './periods.ts';
import type { UsageDeps } from './support.ts';

export interface UsageQuotaModel {
  month: string;
  periodStart: Date;
  periodEnd: Date;
  plan: string;
  quota: number | null;
  used: number;
  remaining: number | null;
  percentUsed: number | null;
}

/** The month's quota under the organization's plan, what is used of it, and the alerts it raised. */
export class QuotaService extends DomainService<UsageDeps> {
  async current(): Promise<UsageQuotaModel> {
    const organizationId = this.context.organizationId!;
    const now = this.deps.clock.now();
    const month = monthOf(now);
    const { start, end } = monthRange(now);
    const [quota, usage] = await Promise.all([this.deps.quotas.quotaOf(organizationId, this.context.requestId), this.em.findOne(UsageMonth, { organizationId, month })]);
    const used = usage?.cost ?? 0;
    const limit = quota.apiPointsPerMonth;
    return {
      month,
      periodStart: start,
      periodEnd: end,
      plan: quota.plan,
      quota: limit,
      used,
      remaining: limit === null ? null : Math.max(0, limit - used),
      percentUsed: limit === null ? null : limit === 0 ? (used > 0 ? 100 : 0) : Math.round((used / limit) * 10_000) / 100,
    };
  }

  /** A month's alerts, oldest first. */
  alertsOf(month: string): Promise<QuotaAlert[]> {
    return this.em.find(QuotaAlert, { month }, { orderBy: { threshold: 'asc' } });
  }

  /** Every alert of the organization, newest first. */
  alerts(page: PageArguments): Promise<Connection<QuotaAlert>> {
    return paginate(this.em, QuotaAlert, {}, page, { order: 'desc' });
  }
}
