/**
 * A local HTTP server that speaks the part of Stripe's API billing uses, the way the real `stripe` SDK
 * talks to it: form-encoded bodies, Bearer keys, Idempotency-Key replays, Stripe-shaped objects and
 * errors (402 card_error with decline_code and the failed PaymentIntent). Stripe's test payment
 * method ids (pm_card_visa, ...) attach to customers and charge with their documented behaviour.
 * It also signs webhooks with the SDK's own signer, so signatures are real. Test support: its state is
 * in memory and dies with it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

/** What charging a card does. */
export type FakeCardBehaviour = 'succeed' | 'decline' | 'insufficient_funds' | 'authentication_required' | 'requires_action';

export interface FakeStripeOptions {
  /** Default: a random `sk_test_...`. */
  secretKey?: string;
  /** Default: a random `pk_test_...`. */
  publishableKey?: string;
  /** Default: a random `whsec_...`. */
  webhookSecret?: string;
  /** Where the events the server produces are delivered, signed; none by default (see setWebhookUrl). */
  webhookUrl?: string | null;
}

type Params = { [key: string]: string | Params | Params[] | string[] };
type StripeObject = Record<string, unknown> & { id: string };

export interface RecordedRequest {
  method: string;
  path: string;
  /** The decoded form body (POST) or query (GET). */
  params: Params;
  idempotencyKey: string | null;
  /** Which key authenticated it; null when none did. */
  auth: 'secret' | 'publishable' | null;
  status: number;
  /** Answered from a stored idempotent response. */
  replayed: boolean;
}

export interface WebhookEventInput {
  type: string;
  object: Record<string, unknown>;
  /** Default: a new `evt_...`. */
  id?: string;
  /** Unix seconds; default now. */
  created?: number;
}

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface SignOptions {
  /** The signature's timestamp in Unix seconds; default now. */
  timestamp?: number;
  /** Sign with another secret (a forged or rotated one); default the server's. */
  secret?: string;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  /** The endpoint's HTTP status, or null when it could not be reached. */
  status: number | null;
}

export interface FakeStripe {
  /** The API base: pass it as StripeProvider's `apiUrl` (STRIPE_API_URL). */
  url: string;
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
  /** Every API request in arrival order, with the idempotency key it carried. */
  requests: RecordedRequest[];
  /** Every event the server produced. */
  events: StripeEvent[];
  /** Every automatic webhook delivery attempted. */
  deliveries: WebhookDelivery[];
  customers(): StripeObject[];
  paymentMethods(): StripeObject[];
  setupIntents(): StripeObject[];
  paymentIntents(): StripeObject[];
  /** Changes what charging a payment method does from now on (a card that runs out of funds, needs 3-D Secure, ...). */
  setBehaviour(paymentMethodId: string, behaviour: FakeCardBehaviour): void;
  /** The next `count` API requests fail with `status` (default 500), as during an outage; the SDK retries 409 and 5xx. */
  failNext(count: number, status?: number): void;
  /** What Stripe.js does in the browser: confirms a setup intent with the publishable key and its client secret. */
  confirmSetupIntent(setupIntentId: string, clientSecret: string, paymentMethod: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /** A Stripe event with its body and a real `Stripe-Signature` header. */
  signedWebhook(event: WebhookEventInput, options?: SignOptions): { event: StripeEvent; payload: string; header: string };
  /** Posts a signed event to `url`, as Stripe delivers webhooks. */
  sendWebhook(url: string, event: WebhookEventInput, options?: SignOptions): Promise<Response>;
  /** Where produced events go from now on; null stops delivery. */
  setWebhookUrl(url: string | null): void;
  /** Resolves once every delivery queued so far has been attempted. */
  webhooksDelivered(): Promise<void>;
  close(): Promise<void>;
}

interface TestMethod {
  brand: string;
  last4: string;
  behaviour: FakeCardBehaviour;
  /** Refused on a setup intent, as Stripe refuses these cards before they attach. */
  setupDecline: Decline | null;
}

interface Decline {
  code: string;
  decline_code: string;
  message: string;
}

const GENERIC: Decline = { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' };
const INSUFFICIENT: Decline = { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' };
const AUTHENTICATION: Decline = { code: 'authentication_required', decline_code: 'authentication_required', message: 'Your card was declined. This transaction requires authentication.' };

const TEST_METHODS: Record<string, TestMethod> = {
  pm_card_visa: { brand: 'visa', last4: '4242', behaviour: 'succeed', setupDecline: null },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', behaviour: 'succeed', setupDecline: null },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002', behaviour: 'decline', setupDecline: GENERIC },
  pm_card_chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995', behaviour: 'insufficient_funds', setupDecline: INSUFFICIENT },
  pm_card_chargeCustomerFail: { brand: 'visa', last4: '0341', behaviour: 'decline', setupDecline: null },
};

const API_VERSION = '2026-10-28.endive';
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function stripeId(prefix: string): string {
  const bytes = randomBytes(24);
  let tail = '';
  for (const byte of bytes) tail += ID_ALPHABET[byte % ID_ALPHABET.length];
  return `${prefix}_${tail}`;
}

const now = () => Math.floor(Date.now() / 1000);

class ApiError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  constructor(status: number, body: Record<string, unknown>) {
    super(String(body.message));
    this.status = status;
    this.body = body;
  }
}

const invalid = (message: string, param?: string, code?: string) => new ApiError(400, { type: 'invalid_request_error', message, ...(param ? { param } : {}), ...(code ? { code } : {}) });
const noSuch = (status: 400 | 404, what: string, id: string, param: string) =>
  new ApiError(status, { type: 'invalid_request_error', code: 'resource_missing', param, message: `No such ${what}: '${id}'` });

/** Decodes `a[b][0]=x` form fields into nested objects and arrays, as Stripe reads them. */
export function parseForm(body: string): Params {
  const root: Params = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> = root;
    path.forEach((part, index) => {
      if (index === path.length - 1) node[part] = value;
      else {
        node[part] ??= {};
        node = node[part] as Record<string, unknown>;
      }
    });
  }
  return arraysFromIndexes(root) as Params;
}

function arraysFromIndexes(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, arraysFromIndexes(item)] as const);
  if (entries.length > 0 && entries.every(([key]) => /^\d+$/.test(key))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, item]) => item);
  }
  return Object.fromEntries(entries);
}

function text(params: Params, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' ? value : undefined;
}

function record(params: Params, key: string): Record<string, string> {
  const value = params[key];
  if (value === undefined || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((item) => typeof item !== 'string')) throw invalid(`Invalid ${key}: must be a hash of strings`, key);
  return value as Record<string, string>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? `sk_test_${randomBytes(18).toString('hex')}`;
  const publishableKey = options.publishableKey ?? `pk_test_${randomBytes(18).toString('hex')}`;
  const webhookSecret = options.webhookSecret ?? `whsec_${randomBytes(24).toString('base64url')}`;
  let webhookUrl = options.webhookUrl ?? null;

  const customers = new Map<string, StripeObject>();
  const paymentMethods = new Map<string, StripeObject>();
  const setupIntents = new Map<string, StripeObject>();
  const paymentIntents = new Map<string, StripeObject>();
  const behaviours = new Map<string, FakeCardBehaviour>();
  const idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  const requests: RecordedRequest[] = [];
  const events: StripeEvent[] = [];
  const deliveries: WebhookDelivery[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let deliveryQueue: Promise<void> = Promise.resolve();
  let current: { requestId: string; idempotencyKey: string | null } = { requestId: '', idempotencyKey: null };

  function buildEvent(input: WebhookEventInput, request: StripeEvent['request'] = { id: null, idempotency_key: null }): StripeEvent {
    return {
      id: input.id ?? stripeId('evt'),
      object: 'event',
      api_version: API_VERSION,
      created: input.created ?? now(),
      data: { object: input.object },
      livemode: false,
      pending_webhooks: 1,
      request,
      type: input.type,
    };
  }

  function sign(payload: string, signOptions: SignOptions = {}): string {
    return Stripe.webhooks.generateTestHeaderString({ payload, secret: signOptions.secret ?? webhookSecret, timestamp: signOptions.timestamp });
  }

  async function post(url: string, event: StripeEvent, signOptions?: SignOptions): Promise<Response> {
    const payload = JSON.stringify(event);
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': sign(payload, signOptions) }, body: payload });
  }

  /** Records an event the API produced and queues its delivery, in order. */
  function emit(type: string, object: StripeObject): void {
    const event = buildEvent({ type, object: structuredClone(object) }, { id: current.requestId, idempotency_key: current.idempotencyKey });
    events.push(event);
    const target = webhookUrl;
    if (!target) return;
    deliveryQueue = deliveryQueue.then(async () => {
      try {
        const response = await post(target, event);
        await response.arrayBuffer();
        deliveries.push({ eventId: event.id, type, status: response.status });
      } catch {
        deliveries.push({ eventId: event.id, type, status: null });
      }
    });
  }

  function expandable(object: StripeObject, expand: string[]): StripeObject {
    if (!expand.includes('payment_method') || typeof object.payment_method !== 'string') return object;
    return { ...object, payment_method: paymentMethods.get(object.payment_method) ?? object.payment_method };
  }

  function expandList(params: Params): string[] {
    const expand = params.expand;
    return Array.isArray(expand) ? expand.filter((item): item is string => typeof item === 'string') : [];
  }

  function createCustomer(params: Params): StripeObject {
    const customer: StripeObject = {
      id: stripeId('cus'),
      object: 'customer',
      created: now(),
      email: text(params, 'email') || null,
      name: text(params, 'name') || null,
      description: text(params, 'description') || null,
      metadata: record(params, 'metadata'),
      invoice_settings: { default_payment_method: null },
      livemode: false,
    };
    customers.set(customer.id, customer);
    emit('customer.created', customer);
    return customer;
  }

  function updateCustomer(id: string, params: Params): StripeObject {
    const customer = customers.get(id);
    if (!customer) throw noSuch(404, 'customer', id, 'id');
    // An empty string unsets a field.
    for (const field of ['email', 'name', 'description'] as const) {
      const value = text(params, field);
      if (value !== undefined) customer[field] = value === '' ? null : value;
    }
    if (params.metadata !== undefined) customer.metadata = { ...(customer.metadata as Record<string, string>), ...record(params, 'metadata') };
    emit('customer.updated', customer);
    return customer;
  }

  function createSetupIntent(params: Params): StripeObject {
    const customerId = text(params, 'customer') ?? null;
    if (customerId !== null && !customers.has(customerId)) throw noSuch(400, 'customer', customerId, 'customer');
    const usage = text(params, 'usage') ?? 'off_session';
    if (usage !== 'off_session' && usage !== 'on_session') throw invalid(`Invalid usage: must be one of off_session or on_session`, 'usage');
    const types = params.allowed_payment_method_types ?? params.payment_method_types ?? ['card'];
    if (!Array.isArray(types) || types.some((type) => type !== 'card')) throw invalid('This server only sets up cards.', 'allowed_payment_method_types');
    const id = stripeId('seti');
    const intent: StripeObject = {
      id,
      object: 'setup_intent',
      client_secret: `${id}_secret_${stripeId('x').slice(2)}`,
      created: now(),
      customer: customerId,
      description: null,
      last_setup_error: null,
      livemode: false,
      metadata: record(params, 'metadata'),
      payment_method: null,
      allowed_payment_method_types: types,
      payment_method_types: types,
      status: 'requires_payment_method',
      usage,
    };
    setupIntents.set(id, intent);
    emit('setup_intent.created', intent);
    return intent;
  }

  function confirmSetupIntentRequest(id: string, params: Params, auth: 'secret' | 'publishable'): StripeObject {
    const intent = setupIntents.get(id);
    if (!intent) throw noSuch(404, 'setupintent', id, 'intent');
    if (auth === 'publishable' && text(params, 'client_secret') !== intent.client_secret) {
      throw invalid('The client_secret provided does not match the client_secret associated with the SetupIntent.', 'client_secret');
    }
    if (intent.status !== 'requires_payment_method') {
      throw invalid(`You cannot confirm this SetupIntent because it has already ${intent.status === 'succeeded' ? 'succeeded' : 'been canceled'}.`, undefined, 'setup_intent_unexpected_state');
    }
    const methodId = text(params, 'payment_method');
    if (!methodId) throw invalid('You must provide a payment_method to confirm this SetupIntent.', 'payment_method');
    const test = TEST_METHODS[methodId];
    if (!test) throw noSuch(400, 'PaymentMethod', methodId, 'payment_method');
    const method: StripeObject = {
      id: stripeId('pm'),
      object: 'payment_method',
      type: 'card',
      card: { brand: test.brand, last4: test.last4, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, funding: 'credit', country: 'US' },
      billing_details: { email: null, name: null },
      created: now(),
      customer: null,
      livemode: false,
      metadata: {},
    };
    paymentMethods.set(method.id, method);
    behaviours.set(method.id, test.behaviour);
    if (test.setupDecline) {
      const lastError = { type: 'card_error', ...test.setupDecline, payment_method: method };
      intent.last_setup_error = lastError;
      emit('setup_intent.setup_failed', intent);
      throw new ApiError(402, { type: 'card_error', ...test.setupDecline, setup_intent: structuredClone(intent), payment_method: method });
    }
    method.customer = intent.customer;
    intent.payment_method = method.id;
    intent.status = 'succeeded';
    intent.last_setup_error = null;
    if (method.customer) emit('payment_method.attached', method);
    emit('setup_intent.succeeded', intent);
    return intent;
  }

  function detachPaymentMethod(id: string): StripeObject {
    const method = paymentMethods.get(id);
    if (!method) throw noSuch(404, 'PaymentMethod', id, 'payment_method');
    if (method.customer === null) {
      throw invalid('The payment method you provided is not attached to a customer so detachment is impossible.', undefined, 'payment_method_unexpected_state');
    }
    method.customer = null;
    emit('payment_method.detached', method);
    return method;
  }

  function createPaymentIntent(params: Params): { status: number; body: unknown } {
    const amount = Number(text(params, 'amount'));
    if (!Number.isInteger(amount) || amount <= 0) throw invalid('Invalid integer: amount', 'amount', 'parameter_invalid_integer');
    if (amount > 99_999_999) throw invalid('Amount must be no more than $999,999.99', 'amount', 'amount_too_large');
    const currency = text(params, 'currency') ?? '';
    if (!/^[a-z]{3}$/.test(currency)) throw invalid(`Invalid currency: ${currency}. Stripe currently supports these currencies: usd, eur, gbp, ...`, 'currency');
    if (amount < (currency === 'gbp' ? 30 : 50)) throw invalid('Amount must be at least 50 cents', 'amount', 'amount_too_small');
    const customerId = text(params, 'customer');
    if (customerId && !customers.has(customerId)) throw noSuch(400, 'customer', customerId, 'customer');
    const methodId = text(params, 'payment_method');
    const method = methodId ? paymentMethods.get(methodId) : undefined;
    if (methodId && !method) throw noSuch(400, 'PaymentMethod', methodId, 'payment_method');
    if (method && method.customer !== (customerId ?? null)) {
      throw invalid(
        method.customer === null
          ? 'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.'
          : 'The provided PaymentMethod belongs to a different Customer.',
        'payment_method',
      );
    }
    const id = stripeId('pi');
    const intent: StripeObject = {
      id,
      object: 'payment_intent',
      amount,
      amount_received: 0,
      capture_method: 'automatic',
      client_secret: `${id}_secret_${stripeId('x').slice(2)}`,
      confirmation_method: 'automatic',
      created: now(),
      currency,
      customer: customerId ?? null,
      description: text(params, 'description') ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: record(params, 'metadata'),
      next_action: null,
      off_session: text(params, 'off_session') === 'true',
      payment_method: methodId ?? null,
      status: methodId ? 'requires_confirmation' : 'requires_payment_method',
    };
    paymentIntents.set(id, intent);
    emit('payment_intent.created', intent);
    if (text(params, 'confirm') !== 'true' || !method) return { status: 200, body: intent };

    const behaviour = behaviours.get(method.id) ?? 'succeed';
    if (behaviour === 'succeed') {
      intent.status = 'succeeded';
      intent.amount_received = amount;
      intent.latest_charge = stripeId('ch');
      emit('payment_intent.succeeded', intent);
      return { status: 200, body: intent };
    }
    if (behaviour === 'requires_action') {
      intent.status = 'requires_action';
      intent.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: {} };
      emit('payment_intent.requires_action', intent);
      return { status: 200, body: intent };
    }
    const decline = behaviour === 'insufficient_funds' ? INSUFFICIENT : behaviour === 'authentication_required' ? AUTHENTICATION : GENERIC;
    const charge = stripeId('ch');
    intent.status = 'requires_payment_method';
    intent.latest_charge = charge;
    intent.last_payment_error = { type: 'card_error', ...decline, charge, payment_method: method };
    emit('payment_intent.payment_failed', intent);
    return { status: 402, body: { error: { type: 'card_error', ...decline, charge, payment_intent: structuredClone(intent), payment_method: method } } };
  }

  function authenticate(request: IncomingMessage): 'secret' | 'publishable' | null {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    if (match?.[1] === secretKey) return 'secret';
    if (match?.[1] === publishableKey) return 'publishable';
    return null;
  }

  function route(method: string, path: string, params: Params, auth: 'secret' | 'publishable'): { status: number; body: unknown } {
    const ok = (body: unknown) => ({ status: 200, body });
    const confirm = /^\/v1\/setup_intents\/([^/]+)\/confirm$/.exec(path);
    if (method === 'POST' && confirm) return ok(confirmSetupIntentRequest(decodeURIComponent(confirm[1]!), params, auth));
    if (auth !== 'secret') throw new ApiError(401, { type: 'invalid_request_error', message: 'This API call cannot be made with a publishable API key. Please use a secret API key.' });

    const [, version, resource, id, action] = path.split('/');
    const objectId = id ? decodeURIComponent(id) : undefined;
    if (version === 'v1') {
      if (resource === 'customers') {
        if (method === 'POST' && !objectId) return ok(createCustomer(params));
        if (method === 'POST' && objectId && !action) return ok(updateCustomer(objectId, params));
        if (method === 'GET' && objectId && !action) return ok(customers.get(objectId) ?? fail(noSuch(404, 'customer', objectId, 'id')));
      }
      if (resource === 'setup_intents') {
        if (method === 'POST' && !objectId) return ok(createSetupIntent(params));
        if (method === 'GET' && objectId && !action) {
          const intent = setupIntents.get(objectId) ?? fail(noSuch(404, 'setupintent', objectId, 'intent'));
          return ok(expandable(intent, expandList(params)));
        }
      }
      if (resource === 'payment_methods' && objectId) {
        if (method === 'POST' && action === 'detach') return ok(detachPaymentMethod(objectId));
        if (method === 'GET' && !action) return ok(paymentMethods.get(objectId) ?? fail(noSuch(404, 'PaymentMethod', objectId, 'payment_method')));
      }
      if (resource === 'payment_intents') {
        if (method === 'POST' && !objectId) return createPaymentIntent(params);
        if (method === 'GET' && objectId && !action) {
          const intent = paymentIntents.get(objectId) ?? fail(noSuch(404, 'payment_intent', objectId, 'intent'));
          return ok(expandable(intent, expandList(params)));
        }
      }
    }
    throw new ApiError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` });
  }

  function fail(error: ApiError): never {
    throw error;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const body = await readBody(request);
    const params = method === 'GET' ? parseForm(url.search.slice(1)) : parseForm(body);
    const idempotencyKey = typeof request.headers['idempotency-key'] === 'string' ? request.headers['idempotency-key'] : null;
    const auth = authenticate(request);
    const requestId = stripeId('req');
    const entry: RecordedRequest = { method, path: url.pathname, params, idempotencyKey, auth, status: 0, replayed: false };
    requests.push(entry);

    const send = (status: number, payload: unknown, replayed = false) => {
      entry.status = status;
      entry.replayed = replayed;
      const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId, 'stripe-version': API_VERSION };
      if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
      if (replayed) headers['idempotent-replayed'] = 'true';
      response.writeHead(status, headers);
      response.end(JSON.stringify(payload));
    };

    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 };
      // Says something internal on purpose: the provider must not pass it on.
      send(failures.status, { error: { type: 'api_error', message: `Internal failure on shard 7 while using ${secretKey}.` } });
      return;
    }
    if (!auth) {
      const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      send(401, { error: { type: 'invalid_request_error', message: given ? `Invalid API Key provided: ${given.slice(0, 8)}****${given.slice(-4)}` : 'You did not provide an API key.' } });
      return;
    }
    // Stripe keeps the first answer to a key; the same key with other parameters is an error.
    const fingerprint = `${method} ${url.pathname} ${JSON.stringify(params)}`;
    if (method === 'POST' && idempotencyKey) {
      const stored = idempotent.get(idempotencyKey);
      if (stored) {
        if (stored.fingerprint === fingerprint) send(stored.status, stored.body, true);
        else {
          send(400, {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            },
          });
        }
        return;
      }
    }
    current = { requestId, idempotencyKey };
    let status: number;
    let payload: unknown;
    try {
      ({ status, body: payload } = route(method, url.pathname, params, auth));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      status = error.status;
      payload = { error: error.body };
    }
    // Like Stripe, only requests that ran are kept for replay: not validation errors.
    if (method === 'POST' && idempotencyKey && (status === 200 || status === 402)) idempotent.set(idempotencyKey, { fingerprint, status, body: payload });
    send(status, payload);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    secretKey,
    publishableKey,
    webhookSecret,
    requests,
    events,
    deliveries,
    customers: () => [...customers.values()],
    paymentMethods: () => [...paymentMethods.values()],
    setupIntents: () => [...setupIntents.values()],
    paymentIntents: () => [...paymentIntents.values()],
    setBehaviour(paymentMethodId, behaviour) {
      if (!paymentMethods.has(paymentMethodId)) throw new Error(`No such payment method: ${paymentMethodId}`);
      behaviours.set(paymentMethodId, behaviour);
    },
    failNext(count, status = 500) {
      failures = { count, status };
    },
    async confirmSetupIntent(setupIntentId, clientSecret, paymentMethod) {
      const response = await fetch(`${url}/v1/setup_intents/${encodeURIComponent(setupIntentId)}/confirm`, {
        method: 'POST',
        headers: { authorization: `Bearer ${publishableKey}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_secret: clientSecret, payment_method: paymentMethod }).toString(),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    signedWebhook(input, signOptions) {
      const event = buildEvent(input);
      const payload = JSON.stringify(event);
      return { event, payload, header: sign(payload, signOptions) };
    },
    sendWebhook(target, input, signOptions) {
      return post(target, buildEvent(input), signOptions);
    },
    setWebhookUrl(target) {
      webhookUrl = target;
    },
    webhooksDelivered: () => deliveryQueue,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
