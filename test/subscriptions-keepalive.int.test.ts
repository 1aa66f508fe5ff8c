import { WebSocket } from 'ws';
import { connectLive, until } from './support/live.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given } from './support/seed.ts';

/** A raw WebSocket speaking graphql-transport-ws; it answers pings only when told to. */
function rawSocket(url: string, autoPong: boolean): { socket: WebSocket; closed: Promise<{ code: number; reason: string }> } {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { autoPong });
  socket.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return { socket, closed };
}

describe('graphql-ws connection upkeep', () => {
  let platform: TestPlatform;
  let graphqlUrl: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ SUBSCRIPTION_INIT_TIMEOUT_MS: '300', SUBSCRIPTION_KEEPALIVE_MS: '200' });
    graphqlUrl = `${platform.url}/graphql`;
  });
  afterAll(async () => {
    await platform.close();
  });

  it('closes a connection that never sends connection_init with 4408', async () => {
    const { closed } = rawSocket(graphqlUrl, true);
    expect(await closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
  });

  it('cuts a connection that stops answering pings, and keeps one that answers', async () => {
    const owner = await given(platform).owner();
    const healthy = connectLive(graphqlUrl, `Bearer ${owner.accessToken}`);
    await healthy.acknowledged();
    const dead = rawSocket(graphqlUrl, false);
    await new Promise((resolve) => dead.socket.once('open', resolve));
    dead.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${owner.accessToken}` } }));
    let pings = 0;
    dead.socket.on('ping', () => (pings += 1));
    const { code } = await dead.closed;
    // Terminated without a close frame: the peer is gone as far as the gateway is concerned.
    expect(code).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(1);
    // The client that answers its pings outlived several keep-alive rounds.
    await until(() => platform.platform.gateway.subscriptions.stats().connections === 1, 'only the healthy connection to remain');
    expect(healthy.socket()!.readyState).toBe(WebSocket.OPEN);
    await healthy.dispose();
  });
});
