import { Migration } from '@mikro-orm/migrations';

export class Migration20261121211654_initial extends Migration {

  override name = 'Migration20261121211654_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table \`coupon\` (\`id\` text not null primary key, \`code\` text not null, \`name\` text not null, \`percent_off\` integer null, \`amount_off\` integer null, \`currency\` text null, \`duration\` text not null, \`duration_in_months\` integer null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`coupon_code_unique\` on \`coupon\` (\`code\`);`);

    this.addSql(`create table \`billing_customer\` (\`id\` text not null primary key, \`organization_id\` text not null, \`provider_customer_id\` text null, \`email\` text null, \`name\` text null, \`currency\` text null, \`credit_balance\` integer not null, \`carried_amount\` integer not null, \`invoice_prefix\` text not null, \`next_invoice_number\` integer not null, \`default_payment_method_id\` text null, \`trial_used\` integer not null, \`active_members\` integer not null, \`active_members_synced_at\` datetime null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`billing_customer_organization_id_unique\` on \`billing_customer\` (\`organization_id\`);`);
    this.addSql(`create unique index \`billing_customer_invoice_prefix_unique\` on \`billing_customer\` (\`invoice_prefix\`);`);

    this.addSql(`create table \`invoice\` (\`id\` text not null primary key, \`organization_id\` text not null, \`subscription_id\` text not null, \`period_key\` text not null, \`number\` text null, \`status\` text not null, \`reason\` text not null, \`currency\` text not null, \`lines\` json not null, \`subtotal\` integer not null, \`discount_total\` integer not null, \`total\` integer not null, \`credit_applied\` integer not null, \`amount_due\` integer not null, \`amount_paid\` integer not null, \`period_start\` datetime not null, \`period_end\` datetime not null, \`created_at\` datetime not null, \`finalized_at\` datetime null, \`paid_at\` datetime null, \`voided_at\` datetime null, \`attempt_count\` integer not null, \`next_payment_attempt_at\` datetime null, \`last_payment_error\` text null, \`mailed_at\` datetime null);`);
    this.addSql(`create index \`invoice_organization_id_index\` on \`invoice\` (\`organization_id\`);`);
    this.addSql(`create index \`invoice_subscription_id_index\` on \`invoice\` (\`subscription_id\`);`);
    this.addSql(`create unique index \`invoice_period_key_unique\` on \`invoice\` (\`period_key\`);`);
    this.addSql(`create unique index \`invoice_number_unique\` on \`invoice\` (\`number\`);`);
    this.addSql(`create index \`invoice_status_index\` on \`invoice\` (\`status\`);`);
    this.addSql(`create index \`invoice_next_payment_attempt_at_index\` on \`invoice\` (\`next_payment_attempt_at\`);`);

    this.addSql(`create table \`mail_message\` (\`id\` text not null primary key, \`organization_id\` text null, \`recipient\` text not null, \`subject\` text not null, \`text\` text not null, \`html\` text null, \`attachments\` json null, \`kind\` text not null, \`created_at\` datetime not null, \`sent_at\` datetime null, \`attempts\` integer not null default 0, \`last_error\` text null, \`next_attempt_at\` datetime null, \`failed_at\` datetime null);`);
    this.addSql(`create index \`mail_message_sent_at_index\` on \`mail_message\` (\`sent_at\`);`);

    this.addSql(`create table \`outbox_event\` (\`id\` text not null primary key, \`type\` text not null, \`organization_id\` text null, \`payload\` json not null, \`request_id\` text null, \`occurred_at\` datetime not null, \`published_at\` datetime null);`);
    this.addSql(`create index \`outbox_event_published_at_index\` on \`outbox_event\` (\`published_at\`);`);

    this.addSql(`create table \`payment\` (\`id\` text not null primary key, \`organization_id\` text not null, \`invoice_id\` text not null, \`attempt\` integer not null, \`idempotency_key\` text not null, \`provider_payment_id\` text null, \`payment_method_id\` text null, \`amount\` integer not null, \`currency\` text not null, \`status\` text not null, \`failure_code\` text null, \`failure_message\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`payment_organization_id_index\` on \`payment\` (\`organization_id\`);`);
    this.addSql(`create index \`payment_invoice_id_index\` on \`payment\` (\`invoice_id\`);`);
    this.addSql(`create unique index \`payment_idempotency_key_unique\` on \`payment\` (\`idempotency_key\`);`);
    this.addSql(`create index \`payment_provider_payment_id_index\` on \`payment\` (\`provider_payment_id\`);`);

    this.addSql(`create table \`payment_method\` (\`id\` text not null primary key, \`organization_id\` text not null, \`provider_payment_method_id\` text not null, \`brand\` text not null, \`last4\` text not null, \`exp_month\` integer not null, \`exp_year\` integer not null, \`created_at\` datetime not null, \`detached_at\` datetime null);`);
    this.addSql(`create index \`payment_method_organization_id_index\` on \`payment_method\` (\`organization_id\`);`);
    this.addSql(`create unique index \`payment_method_provider_payment_method_id_unique\` on \`payment_method\` (\`provider_payment_method_id\`);`);

    this.addSql(`create table \`plan\` (\`id\` text not null primary key, \`key\` text not null, \`name\` text not null, \`description\` text not null, \`trial_days\` integer not null, \`rank\` integer not null, \`entitlements\` json not null, \`archived_at\` datetime null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`plan_key_unique\` on \`plan\` (\`key\`);`);

    this.addSql(`create table \`price\` (\`id\` text not null primary key, \`plan_id\` text not null, \`currency\` text not null, \`interval\` text not null, \`components\` json not null, \`archived_at\` datetime null, \`created_at\` datetime not null, constraint \`price_plan_id_foreign\` foreign key (\`plan_id\`) references \`plan\` (\`id\`));`);
    this.addSql(`create index \`price_plan_id_index\` on \`price\` (\`plan_id\`);`);

    this.addSql(`create table \`provider_event\` (\`id\` text not null primary key, \`type\` text not null, \`created_at\` datetime not null, \`received_at\` datetime not null, \`payload\` json not null, \`processed_at\` datetime null, \`attempts\` integer not null, \`last_error\` text null);`);
    this.addSql(`create index \`provider_event_processed_at_index\` on \`provider_event\` (\`processed_at\`);`);

    this.addSql(`create table \`subscription\` (\`id\` text not null primary key, \`organization_id\` text not null, \`live_key\` text null, \`plan_id\` text not null, \`price_id\` text not null, \`status\` text not null, \`seats\` integer not null, \`seats_follow_members\` integer not null, \`currency\` text not null, \`billing_cycle_anchor\` datetime not null, \`current_period_start\` datetime not null, \`current_period_end\` datetime not null, \`trial_end\` datetime null, \`trial_will_end_notified_at\` datetime null, \`cancel_at_period_end\` integer not null, \`canceled_at\` datetime null, \`cancellation_reason\` text null, \`cancellation_feedback\` text null, \`ended_at\` datetime null, \`scheduled_change\` json null, \`incomplete_expires_at\` datetime null, \`coupon_id\` text null, \`discount_ends_at\` datetime null, \`latest_invoice_id\` text null, \`version\` integer not null default 1, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`subscription_plan_id_foreign\` foreign key (\`plan_id\`) references \`plan\` (\`id\`), constraint \`subscription_price_id_foreign\` foreign key (\`price_id\`) references \`price\` (\`id\`), constraint \`subscription_coupon_id_foreign\` foreign key (\`coupon_id\`) references \`coupon\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`subscription_organization_id_index\` on \`subscription\` (\`organization_id\`);`);
    this.addSql(`create unique index \`subscription_live_key_unique\` on \`subscription\` (\`live_key\`);`);
    this.addSql(`create index \`subscription_plan_id_index\` on \`subscription\` (\`plan_id\`);`);
    this.addSql(`create index \`subscription_price_id_index\` on \`subscription\` (\`price_id\`);`);
    this.addSql(`create index \`subscription_status_index\` on \`subscription\` (\`status\`);`);
    this.addSql(`create index \`subscription_current_period_end_index\` on \`subscription\` (\`current_period_end\`);`);
    this.addSql(`create index \`subscription_coupon_id_index\` on \`subscription\` (\`coupon_id\`);`);

    this.addSql(`create table \`usage_record\` (\`id\` text not null primary key, \`organization_id\` text not null, \`meter\` text not null, \`quantity\` integer not null, \`recorded_at\` datetime not null, \`idempotency_key\` text not null);`);
    this.addSql(`create unique index \`usage_record_idempotency_key_unique\` on \`usage_record\` (\`idempotency_key\`);`);
    this.addSql(`create index \`usage_record_organization_id_meter_recorded_at_index\` on \`usage_record\` (\`organization_id\`, \`meter\`, \`recorded_at\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`coupon\`;`);
    this.addSql(`drop table if exists \`billing_customer\`;`);
    this.addSql(`drop table if exists \`invoice\`;`);
    this.addSql(`drop table if exists \`mail_message\`;`);
    this.addSql(`drop table if exists \`outbox_event\`;`);
    this.addSql(`drop table if exists \`payment\`;`);
    this.addSql(`drop table if exists \`payment_method\`;`);
    this.addSql(`drop table if exists \`plan\`;`);
    this.addSql(`drop table if exists \`price\`;`);
    this.addSql(`drop table if exists \`provider_event\`;`);
    this.addSql(`drop table if exists \`subscription\`;`);
    this.addSql(`drop table if exists \`usage_record\`;`);
  }

}
