import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainService } from '@platform/kit';
import { toCsv } from '../csv.ts';
import { MAX_RANGE_DAYS, DAY_MS, usageRange, type Granularity, type UsageRange } from './periods.ts';
import type { UsageQueryService } from './queries.ts';
import type { UsageDeps } from './support.ts';

/** The most rows a report's query may return; a larger report must be asked for in smaller ranges. */
export const MAX_REPORT_ROWS = 200_000;

export interface UsageReportModel extends UsageRange {
  filename: string;
  csvUrl: string;
  expiresAt: Date;
}

/** What a report link names: the organization and the range. It is the last part of the download path. */
interface ReportName extends UsageRange {
  organizationId: string;
}

const REPORT_NAME = /^(org_[0-9a-z]{1,64})\.(\d{1,12})\.(\d{1,12})\.(hour|day)$/;

function reportName(report: ReportName): string {
  return `${report.organizationId}.${report.from.getTime() / 1000}.${report.to.getTime() / 1000}.${report.granularity}`;
}

function parseReportName(name: string): ReportName | null {
  const match = REPORT_NAME.exec(name);
  if (!match) return null;
  const from = new Date(Number(match[2]) * 1000);
  const to = new Date(Number(match[3]) * 1000);
  if (to.getTime() <= from.getTime() || to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) return null;
  return { organizationId: match[1]!, from, to, granularity: match[4] as Granularity };
}

/** The HMAC that makes a report link (`<report>.csv?expires=...&signature=...`) a credential. */
export function reportLinkSignature(secret: string, name: string, expires: number): string {
  return createHmac('sha256', secret).update(`usage-report\u0000${name}\u0000${expires}`).digest('base64url');
}

const day = (time: Date) => time.toISOString().slice(0, 10);

function filenameOf(report: UsageRange): string {
  const stamp = (time: Date) => (report.granularity === 'hour' ? time.toISOString().slice(0, 13).replace('T', '-') : day(time));
  return `usage-${stamp(report.from)}-to-${stamp(report.to)}-${report.granularity === 'hour' ? 'hourly' : 'daily'}.csv`;
}

export const REPORT_COLUMNS = ['period_start', 'operation', 'principal_kind', 'principal_id', 'api_key_name', 'calls', 'cost', 'errors'] as const;

/** Usage reports: CSV files behind signed, short-lived links, the way invoice PDFs are served. */
export class ReportService extends DomainService<UsageDeps> {
  private readonly queries: UsageQueryService;

  constructor(context: ConstructorParameters<typeof DomainService<UsageDeps>>[0], deps: UsageDeps, queries: UsageQueryService) {
    super(context, deps);
    this.queries = queries;
  }

  /** A link to the CSV of the caller's organization's usage in a range; it works for USAGE_REPORT_LINK_TTL_SECONDS. */
  link(input: { from: Date; to: Date; granularity: Granularity }): UsageReportModel {
    const range = usageRange(input.from, input.to, input.granularity);
    const name = reportName({ ...range, organizationId: this.context.organizationId! });
    const expires = Math.floor(Date.now() / 1000) + this.deps.settings.reportLinkTtlSeconds;
    const signature = reportLinkSignature(this.deps.settings.internalSigningSecret, name, expires);
    return {
      ...range,
      filename: filenameOf(range),
      csvUrl: `${this.deps.settings.publicUrl}/downloads/usage/${name}.csv?expires=${expires}&signature=${signature}`,
      expiresAt: new Date(expires * 1000),
    };
  }

  /**
   * The CSV behind a signed link: null when the link is forged, altered or expired, 'too-large' when the
   * range holds more than MAX_REPORT_ROWS rows. The link is the credential, so it names the organization.
   */
  async csvFromLink(input: { report: unknown; expires: unknown; signature: unknown }): Promise<{ filename: string; csv: string } | 'too-large' | null> {
    const { report, signature } = input;
    const expires = Number(input.expires);
    if (typeof report !== 'string' || typeof signature !== 'string' || !Number.isInteger(expires)) return null;
    if (expires < Math.floor(Date.now() / 1000)) return null;
    const expected = Buffer.from(reportLinkSignature(this.deps.settings.internalSigningSecret, report, expires));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const name = parseReportName(report);
    if (!name) return null;
    const rows = await this.queries.reportRows(name, name.organizationId, MAX_REPORT_ROWS);
    if (!rows) return 'too-large';
    const names = await this.queries.apiKeyNames(
      rows.filter((row) => row.principalKind === 'apiKey').map((row) => row.principalId),
      name.organizationId,
    );
    const csv = toCsv(
      REPORT_COLUMNS,
      rows.map((row) => [
        row.start.toISOString(),
        row.operationName,
        row.principalKind === 'apiKey' ? 'api_key' : 'user',
        row.principalId,
        row.principalKind === 'apiKey' ? (names.get(row.principalId) ?? null) : null,
        row.calls,
        row.cost,
        row.errors,
      ]),
    );
    return { filename: filenameOf(name), csv };
  }
}
