import { hashPassword, verifyPassword } from '../src/services/passwords.ts';
import { slugify } from '../src/services/accounts.ts';

describe('passwords', () => {
  it('are stored as salted scrypt hashes that verify only the right password', async () => {
    const hash = await hashPassword('correct horse battery', 1024);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(hash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await hashPassword('correct horse battery', 1024)).not.toBe(hash);
  });

  it('refuse a hash in an unknown format', async () => {
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });
});

describe('slugs', () => {
  it('are lower case, ASCII, and dash separated', () => {
    expect(slugify('Café Société & Co.')).toBe('cafe-societe-co');
    expect(slugify('***')).toBe('organization');
  });
});
