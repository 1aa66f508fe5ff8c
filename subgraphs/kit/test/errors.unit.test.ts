import { maskError } from '../src/errors.ts';
import { hasPrefix, newId } from '../src/ids.ts';

describe('error masking', () => {
  it('passes coded errors with their message and strips internals', () => {
    const masked = maskError({ message: 'No member', extensions: { code: 'NOT_FOUND', stacktrace: ['at x'], http: { status: 404 } } });
    expect(masked).toEqual({ message: 'No member', extensions: { code: 'NOT_FOUND' } });
  });

  it('hides anything else behind INTERNAL_SERVER_ERROR', () => {
    const masked = maskError({ message: 'relation "app_user" does not exist', path: ['viewer'], extensions: { code: 'SOMETHING' } }, 'req_1');
    expect(masked).toEqual({ message: 'Internal server error', path: ['viewer'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req_1' } });
  });
});

describe('ids', () => {
  it('are prefixed, opaque, unique and sort by creation time', async () => {
    const first = newId('org');
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = newId('org');
    expect(hasPrefix(first, 'org')).toBe(true);
    expect(first).not.toBe(second);
    expect([second, first].sort()).toEqual([first, second]);
    expect(new Set(Array.from({ length: 1000 }, () => newId('x'))).size).toBe(1000);
  });
});
