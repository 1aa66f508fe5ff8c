import { Migration } from '@mikro-orm/migrations';

export class Migration20261121235554_initial extends Migration {

  override name = 'Migration20261121235554_initial';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "usage";`);
    this.addSql(`create table "usage"."api_key_name" ("api_key_id" varchar(64) not null, "organization_id" varchar(255) not null, "name" varchar(100) not null, "created_at" timestamptz not null, primary key ("api_key_id"));`);
    this.addSql(`create index "api_key_name_organization_id_index" on "usage"."api_key_name" ("organization_id");`);

    this.addSql(`create table "usage"."consumed_event" ("consumer" varchar(255) not null, "event_id" varchar(255) not null, "outcome" varchar(16) not null, "last_error" varchar(255) null, "consumed_at" timestamptz not null, primary key ("consumer", "event_id"));`);
    this.addSql(`create index "consumed_event_consumed_at_index" on "usage"."consumed_event" ("consumed_at");`);

    this.addSql(`create table "usage"."event_cursor" ("consumer" varchar(255) not null, "position" varchar(255) not null, "updated_at" timestamptz not null, primary key ("consumer"));`);

    this.addSql(`create table "usage"."mail_message" ("id" varchar(255) not null, "organization_id" varchar(255) null, "recipient" varchar(255) not null, "subject" varchar(255) not null, "text" text not null, "html" text null, "attachments" jsonb null, "kind" varchar(255) not null, "created_at" timestamptz not null, "sent_at" timestamptz null, "attempts" int not null default 0, "last_error" varchar(255) null, "next_attempt_at" timestamptz null, "failed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "mail_message_sent_at_index" on "usage"."mail_message" ("sent_at");`);

    this.addSql(`create table "usage"."outbox_event" ("id" varchar(255) not null, "type" varchar(255) not null, "organization_id" varchar(255) null, "payload" jsonb not null, "request_id" varchar(255) null, "occurred_at" timestamptz not null, "published_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "outbox_event_published_at_index" on "usage"."outbox_event" ("published_at");`);

    this.addSql(`create table "usage"."quota_alert" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "month" varchar(7) not null, "threshold" int not null, "plan" varchar(40) not null, "quota" bigint not null, "used" bigint not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "quota_alert_organization_id_created_at_index" on "usage"."quota_alert" ("organization_id", "created_at");`);
    this.addSql(`alter table "usage"."quota_alert" add constraint "quota_alert_organization_id_month_threshold_unique" unique ("organization_id", "month", "threshold");`);

    this.addSql(`create table "usage"."usage_batch" ("id" varchar(64) not null, "entries" int not null, "received_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "usage_batch_received_at_index" on "usage"."usage_batch" ("received_at");`);

    this.addSql(`create table "usage"."usage_hour" ("organization_id" varchar(255) not null, "hour" timestamptz not null, "principal_kind" varchar(16) not null, "principal_id" varchar(64) not null, "operation_name" varchar(120) not null, "calls" int not null, "cost" int not null, "errors" int not null, primary key ("organization_id", "hour", "principal_kind", "principal_id", "operation_name"));`);

    this.addSql(`create table "usage"."usage_month" ("organization_id" varchar(255) not null, "month" varchar(7) not null, "calls" bigint not null, "cost" bigint not null, "errors" bigint not null, primary key ("organization_id", "month"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "usage"."api_key_name" cascade;`);
    this.addSql(`drop table if exists "usage"."consumed_event" cascade;`);
    this.addSql(`drop table if exists "usage"."event_cursor" cascade;`);
    this.addSql(`drop table if exists "usage"."mail_message" cascade;`);
    this.addSql(`drop table if exists "usage"."outbox_event" cascade;`);
    this.addSql(`drop table if exists "usage"."quota_alert" cascade;`);
    this.addSql(`drop table if exists "usage"."usage_batch" cascade;`);
    this.addSql(`drop table if exists "usage"."usage_hour" cascade;`);
    this.addSql(`drop table if exists "usage"."usage_month" cascade;`);

    this.addSql(`drop schema if exists "usage";`);
  }

}
