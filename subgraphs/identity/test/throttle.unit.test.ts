import { createLogger, KIT_ENTITIES, openDatabase, type Database } from '@platform/kit';
import { migrations as sqlite } from '../migrations/sqlite/index.ts';
import { entities } from '../src/entities/index.ts';
import { LoginThrottleService } from '../src/services/throttle.ts';

const settings = { freeFailuresPerAccount: 3, freeFailuresPerIp: 10, baseLockSeconds: 30, maxLockSeconds: 900 };
let db: Database;

beforeAll(async () => {
  db = await openDatabase({ name: 'identity', entities: [...entities, ...KIT_ENTITIES], migrations: { sqlite, postgresql: [] }, inMemory: true, logger: createLogger({ service: 'test', level: 'silent' }) });
  await db.migrate();
});
afterAll(() => db.close());

describe('log-in throttling', () => {
  it('locks after the free failures for a doubling while, up to the ceiling', async () => {
    const throttle = new LoginThrottleService(db.em.fork(), settings);
    const keys = throttle.keysFor('someone@example.test', null);
    const start = new Date('2026-01-01T00:00:00Z');
    const locks: number[] = [];
    for (let failure = 1; failure <= 9; failure += 1) {
      locks.push(await throttle.recordFailure(keys, new Date(start.getTime() + failure * 1000)));
    }
    expect(locks).toEqual([0, 0, 0, 30, 60, 120, 240, 480, 900]);
    expect(await throttle.secondsLocked(keys, new Date(start.getTime() + 9000))).toBe(900);
  });

  it('counts failures per address across accounts, and forgets old failures', async () => {
    const throttle = new LoginThrottleService(db.em.fork(), { ...settings, freeFailuresPerIp: 2 });
    const now = new Date('2026-02-01T00:00:00Z');
    await throttle.recordFailure(throttle.keysFor('a@example.test', '10.1.1.1'), now);
    await throttle.recordFailure(throttle.keysFor('b@example.test', '10.1.1.1'), now);
    expect(await throttle.recordFailure(throttle.keysFor('c@example.test', '10.1.1.1'), now)).toBe(30);
    const later = new Date(now.getTime() + 2 * 60 * 60 * 1000);
    expect(await throttle.recordFailure(throttle.keysFor('d@example.test', '10.1.1.1'), later)).toBe(0);
  });

  it('clears an account\'s count on success but never the address\'s', async () => {
    const em = db.em.fork();
    const throttle = new LoginThrottleService(em, settings);
    const keys = throttle.keysFor('e@example.test', '10.2.2.2');
    await throttle.recordFailure(keys);
    await throttle.recordSuccess('e@example.test');
    await em.flush();
    const remaining = await db.em.fork().getConnection().execute("select key from login_throttle where key in ('email:e@example.test', 'ip:10.2.2.2')");
    expect(remaining.map((row) => (row as { key: string }).key)).toEqual(['ip:10.2.2.2']);
  });
});
