import type { Connection, SubgraphContext } from '@platform/kit';
import type { QuotaAlert } from '../entities/index.ts';
import type { UsageServices } from '../services/index.ts';

export type UsageContext = SubgraphContext<UsageServices>;

/** Identity's ApiKey: only the key travels; identity resolves the rest. */
export interface ApiKeyReference {
  id: string;
}

export type QuotaAlertConnectionModel = Connection<QuotaAlert>;
