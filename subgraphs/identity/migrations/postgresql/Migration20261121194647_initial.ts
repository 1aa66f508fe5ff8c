import { Migration } from '@mikro-orm/migrations';

export class Migration20261121194647_initial extends Migration {

  override name = 'Migration20261121194647_initial';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "identity";`);
    this.addSql(`create table "identity"."login_throttle" ("key" varchar(300) not null, "failures" int not null, "last_failure_at" timestamptz not null, "locked_until" timestamptz null, primary key ("key"));`);

    this.addSql(`create table "identity"."mail_message" ("id" varchar(255) not null, "organization_id" varchar(255) null, "recipient" varchar(255) not null, "subject" varchar(255) not null, "text" text not null, "kind" varchar(255) not null, "created_at" timestamptz not null, "sent_at" timestamptz null, primary key ("id"));`);

    this.addSql(`create table "identity"."organization" ("id" varchar(255) not null, "name" varchar(100) not null, "slug" varchar(64) not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "identity"."organization" add constraint "organization_slug_unique" unique ("slug");`);

    this.addSql(`create table "identity"."outbox_event" ("id" varchar(255) not null, "type" varchar(255) not null, "organization_id" varchar(255) null, "payload" jsonb not null, "request_id" varchar(255) null, "occurred_at" timestamptz not null, "published_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "outbox_event_published_at_index" on "identity"."outbox_event" ("published_at");`);

    this.addSql(`create table "identity"."app_user" ("id" varchar(255) not null, "email" varchar(254) not null, "name" varchar(100) not null, "password_hash" varchar(255) not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "identity"."app_user" add constraint "app_user_email_unique" unique ("email");`);

    this.addSql(`create table "identity"."user_session" ("id" varchar(255) not null, "user_id" varchar(255) not null, "organization_id" varchar(255) not null, "created_at" timestamptz not null, "last_refreshed_at" timestamptz null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "revoked_reason" varchar(255) null, "client_ip" varchar(255) null, "user_agent" varchar(512) null, primary key ("id"));`);
    this.addSql(`create index "user_session_user_id_index" on "identity"."user_session" ("user_id");`);

    this.addSql(`create table "identity"."refresh_token" ("id" varchar(255) not null, "session_id" varchar(255) not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "refresh_token_session_id_index" on "identity"."refresh_token" ("session_id");`);
    this.addSql(`alter table "identity"."refresh_token" add constraint "refresh_token_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "identity"."membership" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "user_id" varchar(255) not null, "role" varchar(32) not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "membership_user_id_index" on "identity"."membership" ("user_id");`);
    this.addSql(`alter table "identity"."membership" add constraint "membership_organization_id_user_id_unique" unique ("organization_id", "user_id");`);

    this.addSql(`create table "identity"."invitation" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "email" varchar(254) not null, "role" varchar(32) not null, "token_hash" varchar(64) not null, "invited_by_id" varchar(255) null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "accepted_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "identity"."invitation" add constraint "invitation_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "identity"."api_key" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "name" varchar(100) not null, "prefix" varchar(16) not null, "secret_hash" varchar(64) not null, "permissions" jsonb not null, "created_by_id" varchar(255) null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "expires_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "identity"."api_key" add constraint "api_key_secret_hash_unique" unique ("secret_hash");`);

    this.addSql(`alter table "identity"."user_session" add constraint "user_session_user_id_foreign" foreign key ("user_id") references "identity"."app_user" ("id");`);

    this.addSql(`alter table "identity"."refresh_token" add constraint "refresh_token_session_id_foreign" foreign key ("session_id") references "identity"."user_session" ("id");`);

    this.addSql(`alter table "identity"."membership" add constraint "membership_organization_id_foreign" foreign key ("organization_id") references "identity"."organization" ("id");`);
    this.addSql(`alter table "identity"."membership" add constraint "membership_user_id_foreign" foreign key ("user_id") references "identity"."app_user" ("id");`);

    this.addSql(`alter table "identity"."invitation" add constraint "invitation_organization_id_foreign" foreign key ("organization_id") references "identity"."organization" ("id");`);
    this.addSql(`alter table "identity"."invitation" add constraint "invitation_invited_by_id_foreign" foreign key ("invited_by_id") references "identity"."app_user" ("id") on delete set null;`);

    this.addSql(`alter table "identity"."api_key" add constraint "api_key_organization_id_foreign" foreign key ("organization_id") references "identity"."organization" ("id");`);
    this.addSql(`alter table "identity"."api_key" add constraint "api_key_created_by_id_foreign" foreign key ("created_by_id") references "identity"."app_user" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "identity"."membership" drop constraint "membership_organization_id_foreign";`);
    this.addSql(`alter table "identity"."invitation" drop constraint "invitation_organization_id_foreign";`);
    this.addSql(`alter table "identity"."api_key" drop constraint "api_key_organization_id_foreign";`);
    this.addSql(`alter table "identity"."user_session" drop constraint "user_session_user_id_foreign";`);
    this.addSql(`alter table "identity"."membership" drop constraint "membership_user_id_foreign";`);
    this.addSql(`alter table "identity"."invitation" drop constraint "invitation_invited_by_id_foreign";`);
    this.addSql(`alter table "identity"."api_key" drop constraint "api_key_created_by_id_foreign";`);
    this.addSql(`alter table "identity"."refresh_token" drop constraint "refresh_token_session_id_foreign";`);

    this.addSql(`drop table if exists "identity"."login_throttle" cascade;`);
    this.addSql(`drop table if exists "identity"."mail_message" cascade;`);
    this.addSql(`drop table if exists "identity"."organization" cascade;`);
    this.addSql(`drop table if exists "identity"."outbox_event" cascade;`);
    this.addSql(`drop table if exists "identity"."app_user" cascade;`);
    this.addSql(`drop table if exists "identity"."user_session" cascade;`);
    this.addSql(`drop table if exists "identity"."refresh_token" cascade;`);
    this.addSql(`drop table if exists "identity"."membership" cascade;`);
    this.addSql(`drop table if exists "identity"."invitation" cascade;`);
    this.addSql(`drop table if exists "identity"."api_key" cascade;`);

    this.addSql(`drop schema if exists "identity";`);
  }

}
