import { Migration } from '@mikro-orm/migrations';

export class Migration20261121211642_initial extends Migration {

  override name = 'Migration20261121211642_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table \`sandbox_customer\` (\`id\` text not null primary key, \`idempotency_key\` text not null, \`request_hash\` text not null, \`email\` text null, \`name\` text null, \`metadata\` json not null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`sandbox_customer_idempotency_key_unique\` on \`sandbox_customer\` (\`idempotency_key\`);`);

    this.addSql(`create table \`sandbox_payment_intent\` (\`id\` text not null primary key, \`idempotency_key\` text not null, \`request_hash\` text not null, \`customer_id\` text not null, \`payment_method_id\` text null, \`amount\` integer not null, \`currency\` text not null, \`description\` text null, \`status\` text not null, \`failure_code\` text null, \`failure_message\` text null, \`metadata\` json not null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`sandbox_payment_intent_idempotency_key_unique\` on \`sandbox_payment_intent\` (\`idempotency_key\`);`);
    this.addSql(`create index \`sandbox_payment_intent_customer_id_index\` on \`sandbox_payment_intent\` (\`customer_id\`);`);

    this.addSql(`create table \`sandbox_payment_method\` (\`id\` text not null primary key, \`customer_id\` text null, \`brand\` text not null, \`last4\` text not null, \`exp_month\` integer not null, \`exp_year\` integer not null, \`behaviour\` text not null, \`created_at\` datetime not null, \`detached_at\` datetime null);`);
    this.addSql(`create index \`sandbox_payment_method_customer_id_index\` on \`sandbox_payment_method\` (\`customer_id\`);`);

    this.addSql(`create table \`sandbox_setup_intent\` (\`id\` text not null primary key, \`idempotency_key\` text not null, \`request_hash\` text not null, \`customer_id\` text not null, \`client_secret_hash\` text not null, \`status\` text not null, \`payment_method_id\` text null, \`last_error\` text null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`sandbox_setup_intent_idempotency_key_unique\` on \`sandbox_setup_intent\` (\`idempotency_key\`);`);
    this.addSql(`create index \`sandbox_setup_intent_customer_id_index\` on \`sandbox_setup_intent\` (\`customer_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`sandbox_customer\`;`);
    this.addSql(`drop table if exists \`sandbox_payment_intent\`;`);
    this.addSql(`drop table if exists \`sandbox_payment_method\`;`);
    this.addSql(`drop table if exists \`sandbox_setup_intent\`;`);
  }

}
