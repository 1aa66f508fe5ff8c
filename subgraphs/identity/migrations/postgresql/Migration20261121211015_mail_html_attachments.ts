import { Migration } from '@mikro-orm/migrations';

export class Migration20261121211015_mail_html_attachments extends Migration {

  override name = 'Migration20261121211015_mail_html_attachments';

  override up(): void | Promise<void> {
    this.addSql(`alter table "identity"."mail_message" add "html" text null, add "attachments" jsonb null, add "attempts" int not null default 0, add "last_error" varchar(255) null, add "next_attempt_at" timestamptz null, add "failed_at" timestamptz null;`);
    this.addSql(`create index "mail_message_sent_at_index" on "identity"."mail_message" ("sent_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "identity"."mail_message_sent_at_index";`);
    this.addSql(`alter table "identity"."mail_message" drop column "html", drop column "attachments", drop column "attempts", drop column "last_error", drop column "next_attempt_at", drop column "failed_at";`);
  }

}
