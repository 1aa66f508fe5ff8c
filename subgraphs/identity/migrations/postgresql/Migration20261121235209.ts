import { Migration } from '@mikro-orm/migrations';

export class Migration20261121235209 extends Migration {

  override name = 'Migration20261121235209';

  override up(): void | Promise<void> {
    this.addSql(`create table "identity"."persisted_operation" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "client_name" varchar(64) not null, "client_version" varchar(64) not null, "operation_id" varchar(64) not null, "operation_name" varchar(200) null, "operation_type" varchar(16) not null, "body" text not null, "published_by" varchar(64) not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "identity"."persisted_operation" add constraint "persisted_operation_organization_id_client_name_o_e75d2_unique" unique ("organization_id", "client_name", "operation_id");`);

    this.addSql(`alter table "identity"."api_key" add "client_name" varchar(64) null, add "safelist" boolean not null default false;`);

    this.addSql(`alter table "identity"."persisted_operation" add constraint "persisted_operation_organization_id_foreign" foreign key ("organization_id") references "identity"."organization" ("id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "identity"."persisted_operation" cascade;`);

    this.addSql(`alter table "identity"."api_key" drop column "client_name", drop column "safelist";`);
  }

}
