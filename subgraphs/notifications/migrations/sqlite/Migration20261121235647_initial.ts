import { Migration } from '@mikro-orm/migrations';

export class Migration20261121235647_initial extends Migration {

  override name = 'Migration20261121235647_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table \`consumed_event\` (\`consumer\` text not null, \`event_id\` text not null, \`outcome\` text not null, \`last_error\` text null, \`consumed_at\` datetime not null, primary key (\`consumer\`, \`event_id\`));`);
    this.addSql(`create index \`consumed_event_consumed_at_index\` on \`consumed_event\` (\`consumed_at\`);`);

    this.addSql(`create table \`event_cursor\` (\`consumer\` text not null primary key, \`position\` text not null, \`updated_at\` datetime not null);`);

    this.addSql(`create table \`local_mail\` (\`id\` text not null primary key, \`organization_id\` text null, \`mail_id\` text not null, \`source\` text not null, \`kind\` text not null, \`recipient\` text not null, \`subject\` text not null, \`text\` text not null, \`html\` text null, \`attachments\` json not null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`local_mail_mail_id_unique\` on \`local_mail\` (\`mail_id\`);`);
    this.addSql(`create index \`local_mail_organization_id_created_at_index\` on \`local_mail\` (\`organization_id\`, \`created_at\`);`);

    this.addSql(`create table \`mail_message\` (\`id\` text not null primary key, \`organization_id\` text null, \`recipient\` text not null, \`subject\` text not null, \`text\` text not null, \`html\` text null, \`attachments\` json null, \`kind\` text not null, \`created_at\` datetime not null, \`sent_at\` datetime null, \`attempts\` integer not null default 0, \`last_error\` text null, \`next_attempt_at\` datetime null, \`failed_at\` datetime null);`);
    this.addSql(`create index \`mail_message_sent_at_index\` on \`mail_message\` (\`sent_at\`);`);

    this.addSql(`create table \`notification\` (\`id\` text not null primary key, \`organization_id\` text not null, \`user_id\` text not null, \`kind\` text not null, \`category\` text not null, \`critical\` integer not null, \`title\` text not null, \`body\` text not null, \`link\` text null, \`actor_id\` text null, \`data\` json not null, \`source_event_id\` text null, \`created_at\` datetime not null, \`seen_at\` datetime null, \`read_at\` datetime null, \`archived_at\` datetime null, \`snoozed_until\` datetime null);`);
    this.addSql(`create index \`notification_snoozed_until_index\` on \`notification\` (\`snoozed_until\`);`);
    this.addSql(`create index \`notification_organization_id_user_id_created_at_index\` on \`notification\` (\`organization_id\`, \`user_id\`, \`created_at\`);`);

    this.addSql(`create table \`notification_delivery\` (\`id\` text not null primary key, \`organization_id\` text not null, \`notification_id\` text not null, \`user_id\` text not null, \`channel\` text not null, \`status\` text not null, \`attempts\` integer not null default 0, \`last_attempt_at\` datetime null, \`delivered_at\` datetime null, \`last_error\` text null, \`next_attempt_at\` datetime null, \`mail_id\` text null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`notification_delivery_notification_id_index\` on \`notification_delivery\` (\`notification_id\`);`);
    this.addSql(`create index \`notification_delivery_mail_id_index\` on \`notification_delivery\` (\`mail_id\`);`);
    this.addSql(`create index \`notification_delivery_channel_status_next_attempt_at_index\` on \`notification_delivery\` (\`channel\`, \`status\`, \`next_attempt_at\`);`);

    this.addSql(`create table \`notification_organization_default\` (\`id\` text not null primary key, \`organization_id\` text not null, \`kind\` text not null, \`channel\` text not null, \`enabled\` integer not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`notification_organization_default_organization_id_kind_channel_unique\` on \`notification_organization_default\` (\`organization_id\`, \`kind\`, \`channel\`);`);

    this.addSql(`create table \`outbox_event\` (\`id\` text not null primary key, \`type\` text not null, \`organization_id\` text null, \`payload\` json not null, \`request_id\` text null, \`occurred_at\` datetime not null, \`published_at\` datetime null);`);
    this.addSql(`create index \`outbox_event_published_at_index\` on \`outbox_event\` (\`published_at\`);`);

    this.addSql(`create table \`push_subscription\` (\`id\` text not null primary key, \`organization_id\` text not null, \`user_id\` text not null, \`endpoint_hash\` text not null, \`endpoint_host\` text not null, \`secret_box\` text not null, \`user_agent\` text null, \`expires_at\` datetime null, \`created_at\` datetime not null, \`last_delivered_at\` datetime null);`);
    this.addSql(`create index \`push_subscription_user_id_index\` on \`push_subscription\` (\`user_id\`);`);
    this.addSql(`create unique index \`push_subscription_organization_id_endpoint_hash_unique\` on \`push_subscription\` (\`organization_id\`, \`endpoint_hash\`);`);

    this.addSql(`create table \`notification_settings\` (\`id\` text not null primary key, \`organization_id\` text not null, \`user_id\` text not null, \`email_delivery\` text not null, \`locale\` text not null, \`last_digest_at\` datetime null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`notification_settings_organization_id_user_id_unique\` on \`notification_settings\` (\`organization_id\`, \`user_id\`);`);

    this.addSql(`create table \`notification_preference\` (\`id\` text not null primary key, \`organization_id\` text not null, \`user_id\` text not null, \`kind\` text not null, \`channel\` text not null, \`enabled\` integer not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`notification_preference_organization_id_user_id_kind_channel_unique\` on \`notification_preference\` (\`organization_id\`, \`user_id\`, \`kind\`, \`channel\`);`);

    this.addSql(`create table \`push_vapid_key\` (\`id\` text not null primary key, \`public_key\` text not null, \`private_key_box\` text not null, \`created_at\` datetime not null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`consumed_event\`;`);
    this.addSql(`drop table if exists \`event_cursor\`;`);
    this.addSql(`drop table if exists \`local_mail\`;`);
    this.addSql(`drop table if exists \`mail_message\`;`);
    this.addSql(`drop table if exists \`notification\`;`);
    this.addSql(`drop table if exists \`notification_delivery\`;`);
    this.addSql(`drop table if exists \`notification_organization_default\`;`);
    this.addSql(`drop table if exists \`outbox_event\`;`);
    this.addSql(`drop table if exists \`push_subscription\`;`);
    this.addSql(`drop table if exists \`notification_settings\`;`);
    this.addSql(`drop table if exists \`notification_preference\`;`);
    this.addSql(`drop table if exists \`push_vapid_key\`;`);
  }

}
