import { Migration } from '@mikro-orm/migrations';

export class Migration20261121234915 extends Migration {

  override name = 'Migration20261121234915';

  override up(): void | Promise<void> {
    this.addSql(`create table "identity"."consumed_event" ("consumer" varchar(255) not null, "event_id" varchar(255) not null, "outcome" varchar(16) not null, "last_error" varchar(255) null, "consumed_at" timestamptz not null, primary key ("consumer", "event_id"));`);
    this.addSql(`create index "consumed_event_consumed_at_index" on "identity"."consumed_event" ("consumed_at");`);

    this.addSql(`create table "identity"."event_cursor" ("consumer" varchar(255) not null, "position" varchar(255) not null, "updated_at" timestamptz not null, primary key ("consumer"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "identity"."consumed_event" cascade;`);
    this.addSql(`drop table if exists "identity"."event_cursor" cascade;`);
  }

}
