import { Migration } from '@mikro-orm/migrations';

export class Migration20261121235553_initial extends Migration {

  override name = 'Migration20261121235553_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table \`api_key_name\` (\`api_key_id\` text not null primary key, \`organization_id\` text not null, \`name\` text not null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`api_key_name_organization_id_index\` on \`api_key_name\` (\`organization_id\`);`);

    this.addSql(`create table \`consumed_event\` (\`consumer\` text not null, \`event_id\` text not null, \`outcome\` text not null, \`last_error\` text null, \`consumed_at\` datetime not null, primary key (\`consumer\`, \`event_id\`));`);
    this.addSql(`create index \`consumed_event_consumed_at_index\` on \`consumed_event\` (\`consumed_at\`);`);

    this.addSql(`create table \`event_cursor\` (\`consumer\` text not null primary key, \`position\` text not null, \`updated_at\` datetime not null);`);

    this.addSql(`create table \`mail_message\` (\`id\` text not null primary key, \`organization_id\` text null, \`recipient\` text not null, \`subject\` text not null, \`text\` text not null, \`html\` text null, \`attachments\` json null, \`kind\` text not null, \`created_at\` datetime not null, \`sent_at\` datetime null, \`attempts\` integer not null default 0, \`last_error\` text null, \`next_attempt_at\` datetime null, \`failed_at\` datetime null);`);
    this.addSql(`create index \`mail_message_sent_at_index\` on \`mail_message\` (\`sent_at\`);`);

    this.addSql(`create table \`outbox_event\` (\`id\` text not null primary key, \`type\` text not null, \`organization_id\` text null, \`payload\` json not null, \`request_id\` text null, \`occurred_at\` datetime not null, \`published_at\` datetime null);`);
    this.addSql(`create index \`outbox_event_published_at_index\` on \`outbox_event\` (\`published_at\`);`);

    this.addSql(`create table \`quota_alert\` (\`id\` text not null primary key, \`organization_id\` text not null, \`month\` text not null, \`threshold\` integer not null, \`plan\` text not null, \`quota\` bigint not null, \`used\` bigint not null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`quota_alert_organization_id_created_at_index\` on \`quota_alert\` (\`organization_id\`, \`created_at\`);`);
    this.addSql(`create unique index \`quota_alert_organization_id_month_threshold_unique\` on \`quota_alert\` (\`organization_id\`, \`month\`, \`threshold\`);`);

    this.addSql(`create table \`usage_batch\` (\`id\` text not null primary key, \`entries\` integer not null, \`received_at\` datetime not null);`);
    this.addSql(`create index \`usage_batch_received_at_index\` on \`usage_batch\` (\`received_at\`);`);

    this.addSql(`create table \`usage_hour\` (\`organization_id\` text not null, \`hour\` datetime not null, \`principal_kind\` text not null, \`principal_id\` text not null, \`operation_name\` text not null, \`calls\` integer not null, \`cost\` integer not null, \`errors\` integer not null, primary key (\`organization_id\`, \`hour\`, \`principal_kind\`, \`principal_id\`, \`operation_name\`));`);

    this.addSql(`create table \`usage_month\` (\`organization_id\` text not null, \`month\` text not null, \`calls\` bigint not null, \`cost\` bigint not null, \`errors\` bigint not null, primary key (\`organization_id\`, \`month\`));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`api_key_name\`;`);
    this.addSql(`drop table if exists \`consumed_event\`;`);
    this.addSql(`drop table if exists \`event_cursor\`;`);
    this.addSql(`drop table if exists \`mail_message\`;`);
    this.addSql(`drop table if exists \`outbox_event\`;`);
    this.addSql(`drop table if exists \`quota_alert\`;`);
    this.addSql(`drop table if exists \`usage_batch\`;`);
    this.addSql(`drop table if exists \`usage_hour\`;`);
    this.addSql(`drop table if exists \`usage_month\`;`);
  }

}
