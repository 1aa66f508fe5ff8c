import { Migration } from '@mikro-orm/migrations';

export class Migration20261121234916 extends Migration {

  override name = 'Migration20261121234916';

  override up(): void | Promise<void> {
    this.addSql(`create table "billing"."consumed_event" ("consumer" varchar(255) not null, "event_id" varchar(255) not null, "outcome" varchar(16) not null, "last_error" varchar(255) null, "consumed_at" timestamptz not null, primary key ("consumer", "event_id"));`);
    this.addSql(`create index "consumed_event_consumed_at_index" on "billing"."consumed_event" ("consumed_at");`);

    this.addSql(`create table "billing"."event_cursor" ("consumer" varchar(255) not null, "position" varchar(255) not null, "updated_at" timestamptz not null, primary key ("consumer"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "billing"."consumed_event" cascade;`);
    this.addSql(`drop table if exists "billing"."event_cursor" cascade;`);
  }

}
