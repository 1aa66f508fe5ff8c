import { defineEntity, p } from '@mikro-orm/core';
import { createLogger } from '../src/logger.ts';
import { openDatabase, type Database } from '../src/db/orm.ts';
import { tenantScoped } from '../src/db/tenant.ts';
import { Migration } from '@mikro-orm/migrations';

const NoteSchema = defineEntity({
  name: 'Note',
  filters: tenantScoped('organizationId'),
  properties: { id: p.string().primary(), organizationId: p.string(), text: p.string() },
});
class Note extends NoteSchema.class {}
NoteSchema.setClass(Note);

class CreateNotes extends Migration {
  override up(): void {
    this.addSql('create table `note` (`id` text not null primary key, `organization_id` text not null, `text` text not null)');
  }
}

let db: Database;
beforeAll(async () => {
  db = await openDatabase({
    name: 'notes',
    entities: [NoteSchema],
    migrations: { sqlite: [{ name: 'CreateNotes', class: CreateNotes }], postgresql: [] },
    inMemory: true,
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  await db.migrate();
  const em = db.em.fork();
  em.create(Note, { id: 'n1', organizationId: 'org_a', text: 'a' });
  em.create(Note, { id: 'n2', organizationId: 'org_b', text: 'b' });
  await em.flush();
});
afterAll(() => db.close());

describe('the tenant filter', () => {
  it('scopes every query to the organization of the request', async () => {
    const em = db.em.fork();
    em.setFilterParams('tenant', { organizationId: 'org_a' });
    expect((await em.find(Note, {})).map((note) => note.id)).toEqual(['n1']);
    expect(await em.findOne(Note, { id: 'n2' })).toBeNull();
    expect(await em.count(Note, {})).toBe(1);
  });

  it('makes a query without an organization fail instead of returning every tenant\'s rows', async () => {
    await expect(db.em.fork().find(Note, {})).rejects.toThrow(/No arguments provided for filter 'tenant'/);
  });

  it('is switched off only where a service says so', async () => {
    expect(await db.em.fork().count(Note, {}, { filters: { tenant: false } })).toBe(2);
  });
});
