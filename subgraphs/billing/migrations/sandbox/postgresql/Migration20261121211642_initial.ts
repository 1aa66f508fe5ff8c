import { Migration } from '@mikro-orm/migrations';

export class Migration20261121211642_initial extends Migration {

  override name = 'Migration20261121211642_initial';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "billing_sandbox";`);
    this.addSql(`create table "billing_sandbox"."sandbox_customer" ("id" varchar(255) not null, "idempotency_key" varchar(200) not null, "request_hash" varchar(64) not null, "email" varchar(254) null, "name" varchar(200) null, "metadata" jsonb not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "billing_sandbox"."sandbox_customer" add constraint "sandbox_customer_idempotency_key_unique" unique ("idempotency_key");`);

    this.addSql(`create table "billing_sandbox"."sandbox_payment_intent" ("id" varchar(255) not null, "idempotency_key" varchar(200) not null, "request_hash" varchar(64) not null, "customer_id" varchar(255) not null, "payment_method_id" varchar(255) null, "amount" int not null, "currency" varchar(3) not null, "description" varchar(1000) null, "status" varchar(30) not null, "failure_code" varchar(60) null, "failure_message" varchar(300) null, "metadata" jsonb not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "billing_sandbox"."sandbox_payment_intent" add constraint "sandbox_payment_intent_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "sandbox_payment_intent_customer_id_index" on "billing_sandbox"."sandbox_payment_intent" ("customer_id");`);

    this.addSql(`create table "billing_sandbox"."sandbox_payment_method" ("id" varchar(255) not null, "customer_id" varchar(255) null, "brand" varchar(20) not null, "last4" varchar(4) not null, "exp_month" int not null, "exp_year" int not null, "behaviour" varchar(24) not null, "created_at" timestamptz not null, "detached_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "sandbox_payment_method_customer_id_index" on "billing_sandbox"."sandbox_payment_method" ("customer_id");`);

    this.addSql(`create table "billing_sandbox"."sandbox_setup_intent" ("id" varchar(255) not null, "idempotency_key" varchar(200) not null, "request_hash" varchar(64) not null, "customer_id" varchar(255) not null, "client_secret_hash" varchar(64) not null, "status" varchar(30) not null, "payment_method_id" varchar(255) null, "last_error" varchar(300) null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "billing_sandbox"."sandbox_setup_intent" add constraint "sandbox_setup_intent_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "sandbox_setup_intent_customer_id_index" on "billing_sandbox"."sandbox_setup_intent" ("customer_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "billing_sandbox"."sandbox_customer" cascade;`);
    this.addSql(`drop table if exists "billing_sandbox"."sandbox_payment_intent" cascade;`);
    this.addSql(`drop table if exists "billing_sandbox"."sandbox_payment_method" cascade;`);
    this.addSql(`drop table if exists "billing_sandbox"."sandbox_setup_intent" cascade;`);

    this.addSql(`drop schema if exists "billing_sandbox";`);
  }

}
