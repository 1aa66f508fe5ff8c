import type { EntityManager } from './db/orm.ts';
import { OutboxEvent } from './db/entities.ts';
import { newId } from './ids.ts';

/**
 * Live messages: the value of a `Subscription` root field, recorded in the outbox with the state change
 * that caused it and relayed on the organization's live channel, where the gateway fans it out to
 * graphql-ws subscribers. Delivery is at least once (the gateway drops repeats by id) and nothing is
 * kept for a subscriber who was not connected: a live message is a nudge, the state is in the database.
 */
export interface LiveMessage {
  /** The outbox row's id (evt_...); the same message relayed twice keeps it. */
  id: string;
  /** A root field of `type Subscription`, e.g. notificationReceived. */
  field: string;
  organizationId: string;
  /** Only these users of the organization receive it; null: every subscriber of the organization. */
  userIds: string[] | null;
  /** The field's value as the publishing subgraph resolves it (see LivePublication.data). */
  data: Record<string, unknown>;
  /** When it was recorded, ISO 8601. */
  occurredAt: string;
}

export interface LivePublication {
  /** A root field of `type Subscription`, e.g. notificationReceived. */
  field: string;
  organizationId: string;
  /** Only these users of the organization receive it (an API key never does); default every subscriber. */
  userIds?: readonly string[] | null;
  /**
   * The field's value as JSON: `__typename` plus every field the publishing subgraph owns that takes no
   * arguments (DateTime as ISO strings, nested plain objects); a field owned by another subgraph as a
   * reference `{ __typename: 'User', id }`. The gateway asks a query field for whatever is missing.
   */
  data: Record<string, unknown>;
}

/** Outbox rows whose type starts with this are live messages, not domain events: `live:<field>`. */
export const LIVE_EVENT_TYPE_PREFIX = 'live:';

/** The largest `data` of one live message, as JSON; a bigger one is the publisher's bug. */
export const MAX_LIVE_DATA_BYTES = 64 * 1024;

/** The most users one live message may name; beyond that, publish to the organization. */
export const MAX_LIVE_AUDIENCE = 10_000;

const FIELD_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/** The pub/sub channel an organization's live messages travel on. */
export function liveChannel(organizationId: string): string {
  return `live:${organizationId}`;
}

export function isLiveEventType(type: string): boolean {
  return type.startsWith(LIVE_EVENT_TYPE_PREFIX);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws on a publication the gateway could not deliver: that is the calling service's bug. */
function checkPublication({ field, organizationId, userIds, data }: LivePublication): void {
  if (typeof field !== 'string' || !FIELD_NAME.test(field)) throw new Error(`A live message needs the name of a Subscription field; got '${String(field)}'.`);
  if (typeof organizationId !== 'string' || organizationId.length === 0) throw new Error(`Live message '${field}' needs an organization.`);
  if (userIds !== undefined && userIds !== null) {
    if (!Array.isArray(userIds) || !userIds.every((id) => typeof id === 'string' && id.length > 0)) throw new Error(`Live message '${field}': userIds must be user ids.`);
    if (userIds.length > MAX_LIVE_AUDIENCE) throw new Error(`Live message '${field}' names ${userIds.length} users; at most ${MAX_LIVE_AUDIENCE}.`);
  }
  if (!isPlainObject(data)) throw new Error(`Live message '${field}': data must be an object (the field's value).`);
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes > MAX_LIVE_DATA_BYTES) throw new Error(`Live message '${field}' carries ${bytes} bytes of data; at most ${MAX_LIVE_DATA_BYTES}.`);
}

/**
 * Records a live message in `em`'s unit of work: it commits (or not) with the caller's transaction and
 * the outbox relay publishes it. For code that holds an EntityManager but no request context.
 */
export function recordLiveMessage(em: EntityManager, publication: LivePublication, requestId: string | null = null): void {
  checkPublication(publication);
  const userIds = publication.userIds ? [...new Set(publication.userIds)] : null;
  em.persist(
    em.create(OutboxEvent, {
      id: newId('evt'),
      type: `${LIVE_EVENT_TYPE_PREFIX}${publication.field}`,
      organizationId: publication.organizationId,
      payload: { userIds, data: publication.data },
      requestId,
      occurredAt: new Date(),
      publishedAt: null,
    }),
  );
}

/** The message the relay publishes for a live outbox row. */
export function liveMessageOf(row: Pick<OutboxEvent, 'id' | 'type' | 'organizationId' | 'payload' | 'occurredAt'>): LiveMessage {
  const { userIds, data } = row.payload as { userIds?: string[] | null; data?: Record<string, unknown> };
  return {
    id: row.id,
    field: row.type.slice(LIVE_EVENT_TYPE_PREFIX.length),
    organizationId: row.organizationId ?? '',
    userIds: userIds ?? null,
    data: data ?? {},
    occurredAt: row.occurredAt.toISOString(),
  };
}

/** A LiveMessage read from the channel, or null when the JSON is not one. */
export function parseLiveMessage(json: string): LiveMessage | null {
  let message: unknown;
  try {
    message = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isPlainObject(message)) return null;
  const { id, field, organizationId, userIds, data, occurredAt } = message;
  if (typeof id !== 'string' || id.length === 0 || typeof field !== 'string' || !FIELD_NAME.test(field)) return null;
  if (typeof organizationId !== 'string' || organizationId.length === 0 || typeof occurredAt !== 'string' || !isPlainObject(data)) return null;
  if (userIds !== null && !(Array.isArray(userIds) && userIds.every((user) => typeof user === 'string'))) return null;
  return { id, field, organizationId, userIds: userIds as string[] | null, data, occurredAt };
}
