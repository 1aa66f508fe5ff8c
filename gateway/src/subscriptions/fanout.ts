import { liveChannel, parseLiveMessage, type LiveMessage, type Logger, type PubSub } from '@platform/kit';

/** One subscription as the fan-out sees it: where it listens, for whom, and where events go. */
export interface LiveListener {
  readonly organizationId: string;
  readonly field: string;
  /** The subscriber's user id; null for an API key, which no `userIds` audience ever names. */
  readonly userId: string | null;
  /**
   * Takes one event. `shared` lives for this event only: listeners with the same plan and variables
   * keep the answer worked out from the event's data there, so it is worked out once.
   */
  deliver(message: LiveMessage, shared: Map<string, unknown>): void;
}

interface OrganizationChannel {
  listeners: Map<string, Set<LiveListener>>;
  size: number;
  /** Resolves once pub/sub delivers the channel; yields how to leave it. */
  joined: Promise<() => Promise<void>>;
  /** Set once `joined` resolved: from then on nothing published there is missed. */
  listening: boolean;
}

/** An audience this long is looked up through a Set instead of scanning the list per listener. */
const SET_LOOKUP_FROM = 16;

/**
 * Live messages from pub/sub to the subscriptions of this gateway process. The process listens on an
 * organization's channel (`live:<organizationId>`) while it has at least one subscriber there, and on
 * no other. A message reaches only listeners of its organization and field, and of its audience when
 * it names one; a message seen before (relay replicas, at-least-once relays) is dropped by id.
 */
export class LiveFanout {
  private readonly pubsub: PubSub;
  private readonly logger: Logger;
  private readonly dedupeSize: number;
  private readonly organizations = new Map<string, OrganizationChannel>();
  /** Ids of the messages delivered lately, oldest first. */
  private readonly seen = new Set<string>();

  constructor(options: { pubsub: PubSub; logger: Logger; dedupeSize: number }) {
    this.pubsub = options.pubsub;
    this.logger = options.logger;
    this.dedupeSize = options.dedupeSize;
  }

  /** Starts delivering to `listener`; resolves once its organization's channel is listened to. */
  async add(listener: LiveListener): Promise<void> {
    const { organizationId } = listener;
    let channel = this.organizations.get(organizationId);
    if (!channel) {
      const created: OrganizationChannel = { listeners: new Map(), size: 0, listening: false, joined: this.pubsub.subscribe(liveChannel(organizationId), (raw) => this.receive(organizationId, raw)) };
      created.joined.then(
        () => (created.listening = true),
        () => {
          // Not listening after all: the next subscriber tries again.
          if (this.organizations.get(organizationId) === created) this.organizations.delete(organizationId);
        },
      );
      this.organizations.set(organizationId, created);
      channel = created;
    }
    let forField = channel.listeners.get(listener.field);
    if (!forField) channel.listeners.set(listener.field, (forField = new Set()));
    forField.add(listener);
    channel.size += 1;
    try {
      await channel.joined;
    } catch (error) {
      this.remove(listener);
      throw error;
    }
  }

  /** Stops delivering to `listener`; the last listener of an organization leaves its channel. */
  remove(listener: LiveListener): void {
    const channel = this.organizations.get(listener.organizationId);
    const forField = channel?.listeners.get(listener.field);
    if (!channel || !forField?.delete(listener)) return;
    if (forField.size === 0) channel.listeners.delete(listener.field);
    channel.size -= 1;
    if (channel.size > 0) return;
    this.organizations.delete(listener.organizationId);
    channel.joined.then((leave) => leave()).catch((error: unknown) => this.logger.warn({ err: error, organizationId: listener.organizationId }, 'could not leave a live channel'));
  }

  /** Channels listened to and the listeners on them (those still joining are not counted). */
  stats(): { organizations: number; listeners: number } {
    let organizations = 0;
    let listeners = 0;
    for (const channel of this.organizations.values()) {
      if (!channel.listening) continue;
      organizations += 1;
      listeners += channel.size;
    }
    return { organizations, listeners };
  }

  /** Leaves every channel. */
  async close(): Promise<void> {
    const channels = [...this.organizations.values()];
    this.organizations.clear();
    await Promise.allSettled(channels.map(async (channel) => (await channel.joined)()));
  }

  private receive(organizationId: string, raw: string): void {
    const message = parseLiveMessage(raw);
    // The channel names the organization; a message that says otherwise is dropped, never crossed over.
    if (!message || message.organizationId !== organizationId) {
      this.logger.warn({ organizationId }, 'dropped a malformed live message');
      return;
    }
    if (this.seen.has(message.id)) return;
    this.seen.add(message.id);
    if (this.seen.size > this.dedupeSize) this.seen.delete(this.seen.values().next().value!);

    const listeners = this.organizations.get(organizationId)?.listeners.get(message.field);
    if (!listeners) return;
    const audience = message.userIds;
    const lookup = audience && audience.length >= SET_LOOKUP_FROM ? new Set(audience) : null;
    const shared = new Map<string, unknown>();
    for (const listener of listeners) {
      if (audience) {
        if (listener.userId === null) continue;
        if (!(lookup ? lookup.has(listener.userId) : audience.includes(listener.userId))) continue;
      }
      try {
        listener.deliver(message, shared);
      } catch (error) {
        this.logger.error({ err: error, messageId: message.id }, 'could not deliver a live message to one subscription');
      }
    }
  }
}
