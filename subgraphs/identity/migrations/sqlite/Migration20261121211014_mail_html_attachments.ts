import { Migration } from '@mikro-orm/migrations';

export class Migration20261121211014_mail_html_attachments extends Migration {

  override name = 'Migration20261121211014_mail_html_attachments';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`mail_message\` add column \`html\` text null;`);
    this.addSql(`alter table \`mail_message\` add column \`attachments\` json null;`);
    this.addSql(`alter table \`mail_message\` add column \`attempts\` integer not null default 0;`);
    this.addSql(`alter table \`mail_message\` add column \`last_error\` text null;`);
    this.addSql(`alter table \`mail_message\` add column \`next_attempt_at\` datetime null;`);
    this.addSql(`alter table \`mail_message\` add column \`failed_at\` datetime null;`);
    this.addSql(`create index \`mail_message_sent_at_index\` on \`mail_message\` (\`sent_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`mail_message_sent_at_index\`;`);
    this.addSql(`alter table \`mail_message\` drop column \`html\`;`);
    this.addSql(`alter table \`mail_message\` drop column \`attachments\`;`);
    this.addSql(`alter table \`mail_message\` drop column \`attempts\`;`);
    this.addSql(`alter table \`mail_message\` drop column \`last_error\`;`);
    this.addSql(`alter table \`mail_message\` drop column \`next_attempt_at\`;`);
    this.addSql(`alter table \`mail_message\` drop column \`failed_at\`;`);
  }

}
