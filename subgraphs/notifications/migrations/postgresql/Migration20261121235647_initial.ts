import { Migration } from '@mikro-orm/migrations';

export class Migration20261121235647_initial extends Migration {

  override name = 'Migration20261121235647_initial';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "notifications";`);
    this.addSql(`create table "notifications"."consumed_event" ("consumer" varchar(255) not null, "event_id" varchar(255) not null, "outcome" varchar(16) not null, "last_error" varchar(255) null, "consumed_at" timestamptz not null, primary key ("consumer", "event_id"));`);
    this.addSql(`create index "consumed_event_consumed_at_index" on "notifications"."consumed_event" ("consumed_at");`);

    this.addSql(`create table "notifications"."event_cursor" ("consumer" varchar(255) not null, "position" varchar(255) not null, "updated_at" timestamptz not null, primary key ("consumer"));`);

    this.addSql(`create table "notifications"."local_mail" ("id" varchar(255) not null, "organization_id" varchar(255) null, "mail_id" varchar(255) not null, "source" varchar(32) not null, "kind" varchar(64) not null, "recipient" varchar(255) not null, "subject" varchar(500) not null, "text" text not null, "html" text null, "attachments" jsonb not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "notifications"."local_mail" add constraint "local_mail_mail_id_unique" unique ("mail_id");`);
    this.addSql(`create index "local_mail_organization_id_created_at_index" on "notifications"."local_mail" ("organization_id", "created_at");`);

    this.addSql(`create table "notifications"."mail_message" ("id" varchar(255) not null, "organization_id" varchar(255) null, "recipient" varchar(255) not null, "subject" varchar(255) not null, "text" text not null, "html" text null, "attachments" jsonb null, "kind" varchar(255) not null, "created_at" timestamptz not null, "sent_at" timestamptz null, "attempts" int not null default 0, "last_error" varchar(255) null, "next_attempt_at" timestamptz null, "failed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "mail_message_sent_at_index" on "notifications"."mail_message" ("sent_at");`);

    this.addSql(`create table "notifications"."notification" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "user_id" varchar(255) not null, "kind" varchar(64) not null, "category" varchar(16) not null, "critical" boolean not null, "title" varchar(200) not null, "body" text not null, "link" varchar(500) null, "actor_id" varchar(255) null, "data" jsonb not null, "source_event_id" varchar(80) null, "created_at" timestamptz not null, "seen_at" timestamptz null, "read_at" timestamptz null, "archived_at" timestamptz null, "snoozed_until" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "notification_snoozed_until_index" on "notifications"."notification" ("snoozed_until");`);
    this.addSql(`create index "notification_organization_id_user_id_created_at_index" on "notifications"."notification" ("organization_id", "user_id", "created_at");`);

    this.addSql(`create table "notifications"."notification_delivery" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "notification_id" varchar(255) not null, "user_id" varchar(255) not null, "channel" varchar(8) not null, "status" varchar(16) not null, "attempts" int not null default 0, "last_attempt_at" timestamptz null, "delivered_at" timestamptz null, "last_error" varchar(255) null, "next_attempt_at" timestamptz null, "mail_id" varchar(255) null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "notification_delivery_notification_id_index" on "notifications"."notification_delivery" ("notification_id");`);
    this.addSql(`create index "notification_delivery_mail_id_index" on "notifications"."notification_delivery" ("mail_id");`);
    this.addSql(`create index "notification_delivery_channel_status_next_attempt_at_index" on "notifications"."notification_delivery" ("channel", "status", "next_attempt_at");`);

    this.addSql(`create table "notifications"."notification_organization_default" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "kind" varchar(64) not null, "channel" varchar(8) not null, "enabled" boolean not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "notifications"."notification_organization_default" add constraint "notification_organization_default_organization_id_5dc97_unique" unique ("organization_id", "kind", "channel");`);

    this.addSql(`create table "notifications"."outbox_event" ("id" varchar(255) not null, "type" varchar(255) not null, "organization_id" varchar(255) null, "payload" jsonb not null, "request_id" varchar(255) null, "occurred_at" timestamptz not null, "published_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "outbox_event_published_at_index" on "notifications"."outbox_event" ("published_at");`);

    this.addSql(`create table "notifications"."push_subscription" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "user_id" varchar(255) not null, "endpoint_hash" varchar(64) not null, "endpoint_host" varchar(255) not null, "secret_box" text not null, "user_agent" varchar(255) null, "expires_at" timestamptz null, "created_at" timestamptz not null, "last_delivered_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "push_subscription_user_id_index" on "notifications"."push_subscription" ("user_id");`);
    this.addSql(`alter table "notifications"."push_subscription" add constraint "push_subscription_organization_id_endpoint_hash_unique" unique ("organization_id", "endpoint_hash");`);

    this.addSql(`create table "notifications"."notification_settings" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "user_id" varchar(255) not null, "email_delivery" varchar(16) not null, "locale" varchar(8) not null, "last_digest_at" timestamptz null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "notifications"."notification_settings" add constraint "notification_settings_organization_id_user_id_unique" unique ("organization_id", "user_id");`);

    this.addSql(`create table "notifications"."notification_preference" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "user_id" varchar(255) not null, "kind" varchar(64) not null, "channel" varchar(8) not null, "enabled" boolean not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "notifications"."notification_preference" add constraint "notification_preference_organization_id_user_id_k_5cea4_unique" unique ("organization_id", "user_id", "kind", "channel");`);

    this.addSql(`create table "notifications"."push_vapid_key" ("id" varchar(255) not null, "public_key" varchar(120) not null, "private_key_box" text not null, "created_at" timestamptz not null, primary key ("id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "notifications"."consumed_event" cascade;`);
    this.addSql(`drop table if exists "notifications"."event_cursor" cascade;`);
    this.addSql(`drop table if exists "notifications"."local_mail" cascade;`);
    this.addSql(`drop table if exists "notifications"."mail_message" cascade;`);
    this.addSql(`drop table if exists "notifications"."notification" cascade;`);
    this.addSql(`drop table if exists "notifications"."notification_delivery" cascade;`);
    this.addSql(`drop table if exists "notifications"."notification_organization_default" cascade;`);
    this.addSql(`drop table if exists "notifications"."outbox_event" cascade;`);
    this.addSql(`drop table if exists "notifications"."push_subscription" cascade;`);
    this.addSql(`drop table if exists "notifications"."notification_settings" cascade;`);
    this.addSql(`drop table if exists "notifications"."notification_preference" cascade;`);
    this.addSql(`drop table if exists "notifications"."push_vapid_key" cascade;`);

    this.addSql(`drop schema if exists "notifications";`);
  }

}
