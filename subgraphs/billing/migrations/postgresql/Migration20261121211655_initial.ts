import { Migration } from '@mikro-orm/migrations';

export class Migration20261121211655_initial extends Migration {

  override name = 'Migration20261121211655_initial';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "billing";`);
    this.addSql(`create table "billing"."coupon" ("id" varchar(255) not null, "code" varchar(40) not null, "name" varchar(100) not null, "percent_off" int null, "amount_off" int null, "currency" varchar(3) null, "duration" varchar(12) not null, "duration_in_months" int null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "billing"."coupon" add constraint "coupon_code_unique" unique ("code");`);

    this.addSql(`create table "billing"."billing_customer" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "provider_customer_id" varchar(255) null, "email" varchar(254) null, "name" varchar(200) null, "currency" varchar(3) null, "credit_balance" int not null, "carried_amount" int not null, "invoice_prefix" varchar(12) not null, "next_invoice_number" int not null, "default_payment_method_id" varchar(255) null, "trial_used" boolean not null, "active_members" int not null, "active_members_synced_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "billing"."billing_customer" add constraint "billing_customer_organization_id_unique" unique ("organization_id");`);
    this.addSql(`alter table "billing"."billing_customer" add constraint "billing_customer_invoice_prefix_unique" unique ("invoice_prefix");`);

    this.addSql(`create table "billing"."invoice" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "subscription_id" varchar(255) not null, "period_key" varchar(120) not null, "number" varchar(30) null, "status" varchar(16) not null, "reason" varchar(24) not null, "currency" varchar(3) not null, "lines" jsonb not null, "subtotal" int not null, "discount_total" int not null, "total" int not null, "credit_applied" int not null, "amount_due" int not null, "amount_paid" int not null, "period_start" timestamptz not null, "period_end" timestamptz not null, "created_at" timestamptz not null, "finalized_at" timestamptz null, "paid_at" timestamptz null, "voided_at" timestamptz null, "attempt_count" int not null, "next_payment_attempt_at" timestamptz null, "last_payment_error" varchar(300) null, "mailed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "invoice_organization_id_index" on "billing"."invoice" ("organization_id");`);
    this.addSql(`create index "invoice_subscription_id_index" on "billing"."invoice" ("subscription_id");`);
    this.addSql(`alter table "billing"."invoice" add constraint "invoice_period_key_unique" unique ("period_key");`);
    this.addSql(`alter table "billing"."invoice" add constraint "invoice_number_unique" unique ("number");`);
    this.addSql(`create index "invoice_status_index" on "billing"."invoice" ("status");`);
    this.addSql(`create index "invoice_next_payment_attempt_at_index" on "billing"."invoice" ("next_payment_attempt_at");`);

    this.addSql(`create table "billing"."mail_message" ("id" varchar(255) not null, "organization_id" varchar(255) null, "recipient" varchar(255) not null, "subject" varchar(255) not null, "text" text not null, "html" text null, "attachments" jsonb null, "kind" varchar(255) not null, "created_at" timestamptz not null, "sent_at" timestamptz null, "attempts" int not null default 0, "last_error" varchar(255) null, "next_attempt_at" timestamptz null, "failed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "mail_message_sent_at_index" on "billing"."mail_message" ("sent_at");`);

    this.addSql(`create table "billing"."outbox_event" ("id" varchar(255) not null, "type" varchar(255) not null, "organization_id" varchar(255) null, "payload" jsonb not null, "request_id" varchar(255) null, "occurred_at" timestamptz not null, "published_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "outbox_event_published_at_index" on "billing"."outbox_event" ("published_at");`);

    this.addSql(`create table "billing"."payment" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "invoice_id" varchar(255) not null, "attempt" int not null, "idempotency_key" varchar(120) not null, "provider_payment_id" varchar(255) null, "payment_method_id" varchar(255) null, "amount" int not null, "currency" varchar(3) not null, "status" varchar(20) not null, "failure_code" varchar(60) null, "failure_message" varchar(300) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "payment_organization_id_index" on "billing"."payment" ("organization_id");`);
    this.addSql(`create index "payment_invoice_id_index" on "billing"."payment" ("invoice_id");`);
    this.addSql(`alter table "billing"."payment" add constraint "payment_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "payment_provider_payment_id_index" on "billing"."payment" ("provider_payment_id");`);

    this.addSql(`create table "billing"."payment_method" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "provider_payment_method_id" varchar(255) not null, "brand" varchar(20) not null, "last4" varchar(4) not null, "exp_month" int not null, "exp_year" int not null, "created_at" timestamptz not null, "detached_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "payment_method_organization_id_index" on "billing"."payment_method" ("organization_id");`);
    this.addSql(`alter table "billing"."payment_method" add constraint "payment_method_provider_payment_method_id_unique" unique ("provider_payment_method_id");`);

    this.addSql(`create table "billing"."plan" ("id" varchar(255) not null, "key" varchar(40) not null, "name" varchar(100) not null, "description" text not null, "trial_days" int not null, "rank" int not null, "entitlements" jsonb not null, "archived_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "billing"."plan" add constraint "plan_key_unique" unique ("key");`);

    this.addSql(`create table "billing"."price" ("id" varchar(255) not null, "plan_id" varchar(255) not null, "currency" varchar(3) not null, "interval" varchar(8) not null, "components" jsonb not null, "archived_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "price_plan_id_index" on "billing"."price" ("plan_id");`);

    this.addSql(`create table "billing"."provider_event" ("id" varchar(255) not null, "type" varchar(80) not null, "created_at" timestamptz not null, "received_at" timestamptz not null, "payload" jsonb not null, "processed_at" timestamptz null, "attempts" int not null, "last_error" varchar(300) null, primary key ("id"));`);
    this.addSql(`create index "provider_event_processed_at_index" on "billing"."provider_event" ("processed_at");`);

    this.addSql(`create table "billing"."subscription" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "live_key" varchar(255) null, "plan_id" varchar(255) not null, "price_id" varchar(255) not null, "status" varchar(20) not null, "seats" int not null, "seats_follow_members" boolean not null, "currency" varchar(3) not null, "billing_cycle_anchor" timestamptz not null, "current_period_start" timestamptz not null, "current_period_end" timestamptz not null, "trial_end" timestamptz null, "trial_will_end_notified_at" timestamptz null, "cancel_at_period_end" boolean not null, "canceled_at" timestamptz null, "cancellation_reason" varchar(30) null, "cancellation_feedback" text null, "ended_at" timestamptz null, "scheduled_change" jsonb null, "incomplete_expires_at" timestamptz null, "coupon_id" varchar(255) null, "discount_ends_at" timestamptz null, "latest_invoice_id" varchar(255) null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "subscription_organization_id_index" on "billing"."subscription" ("organization_id");`);
    this.addSql(`alter table "billing"."subscription" add constraint "subscription_live_key_unique" unique ("live_key");`);
    this.addSql(`create index "subscription_status_index" on "billing"."subscription" ("status");`);
    this.addSql(`create index "subscription_current_period_end_index" on "billing"."subscription" ("current_period_end");`);

    this.addSql(`create table "billing"."usage_record" ("id" varchar(255) not null, "organization_id" varchar(255) not null, "meter" varchar(30) not null, "quantity" int not null, "recorded_at" timestamptz not null, "idempotency_key" varchar(120) not null, primary key ("id"));`);
    this.addSql(`alter table "billing"."usage_record" add constraint "usage_record_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "usage_record_organization_id_meter_recorded_at_index" on "billing"."usage_record" ("organization_id", "meter", "recorded_at");`);

    this.addSql(`alter table "billing"."price" add constraint "price_plan_id_foreign" foreign key ("plan_id") references "billing"."plan" ("id");`);

    this.addSql(`alter table "billing"."subscription" add constraint "subscription_plan_id_foreign" foreign key ("plan_id") references "billing"."plan" ("id");`);
    this.addSql(`alter table "billing"."subscription" add constraint "subscription_price_id_foreign" foreign key ("price_id") references "billing"."price" ("id");`);
    this.addSql(`alter table "billing"."subscription" add constraint "subscription_coupon_id_foreign" foreign key ("coupon_id") references "billing"."coupon" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "billing"."subscription" drop constraint "subscription_coupon_id_foreign";`);
    this.addSql(`alter table "billing"."price" drop constraint "price_plan_id_foreign";`);
    this.addSql(`alter table "billing"."subscription" drop constraint "subscription_plan_id_foreign";`);
    this.addSql(`alter table "billing"."subscription" drop constraint "subscription_price_id_foreign";`);

    this.addSql(`drop table if exists "billing"."coupon" cascade;`);
    this.addSql(`drop table if exists "billing"."billing_customer" cascade;`);
    this.addSql(`drop table if exists "billing"."invoice" cascade;`);
    this.addSql(`drop table if exists "billing"."mail_message" cascade;`);
    this.addSql(`drop table if exists "billing"."outbox_event" cascade;`);
    this.addSql(`drop table if exists "billing"."payment" cascade;`);
    this.addSql(`drop table if exists "billing"."payment_method" cascade;`);
    this.addSql(`drop table if exists "billing"."plan" cascade;`);
    this.addSql(`drop table if exists "billing"."price" cascade;`);
    this.addSql(`drop table if exists "billing"."provider_event" cascade;`);
    this.addSql(`drop table if exists "billing"."subscription" cascade;`);
    this.addSql(`drop table if exists "billing"."usage_record" cascade;`);

    this.addSql(`drop schema if exists "billing";`);
  }

}
