import { Migration } from '@mikro-orm/migrations';

export class Migration20261121194647_initial extends Migration {

  override name = 'Migration20261121194647_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table \`login_throttle\` (\`key\` text not null primary key, \`failures\` integer not null, \`last_failure_at\` datetime not null, \`locked_until\` datetime null);`);

    this.addSql(`create table \`mail_message\` (\`id\` text not null primary key, \`organization_id\` text null, \`recipient\` text not null, \`subject\` text not null, \`text\` text not null, \`kind\` text not null, \`created_at\` datetime not null, \`sent_at\` datetime null);`);

    this.addSql(`create table \`organization\` (\`id\` text not null primary key, \`name\` text not null, \`slug\` text not null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`organization_slug_unique\` on \`organization\` (\`slug\`);`);

    this.addSql(`create table \`outbox_event\` (\`id\` text not null primary key, \`type\` text not null, \`organization_id\` text null, \`payload\` json not null, \`request_id\` text null, \`occurred_at\` datetime not null, \`published_at\` datetime null);`);
    this.addSql(`create index \`outbox_event_published_at_index\` on \`outbox_event\` (\`published_at\`);`);

    this.addSql(`create table \`app_user\` (\`id\` text not null primary key, \`email\` text not null, \`name\` text not null, \`password_hash\` text not null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`app_user_email_unique\` on \`app_user\` (\`email\`);`);

    this.addSql(`create table \`user_session\` (\`id\` text not null primary key, \`user_id\` text not null, \`organization_id\` text not null, \`created_at\` datetime not null, \`last_refreshed_at\` datetime null, \`expires_at\` datetime not null, \`revoked_at\` datetime null, \`revoked_reason\` text null, \`client_ip\` text null, \`user_agent\` text null, constraint \`user_session_user_id_foreign\` foreign key (\`user_id\`) references \`app_user\` (\`id\`));`);
    this.addSql(`create index \`user_session_user_id_index\` on \`user_session\` (\`user_id\`);`);

    this.addSql(`create table \`refresh_token\` (\`id\` text not null primary key, \`session_id\` text not null, \`token_hash\` text not null, \`created_at\` datetime not null, \`used_at\` datetime null, constraint \`refresh_token_session_id_foreign\` foreign key (\`session_id\`) references \`user_session\` (\`id\`));`);
    this.addSql(`create index \`refresh_token_session_id_index\` on \`refresh_token\` (\`session_id\`);`);
    this.addSql(`create unique index \`refresh_token_token_hash_unique\` on \`refresh_token\` (\`token_hash\`);`);

    this.addSql(`create table \`membership\` (\`id\` text not null primary key, \`organization_id\` text not null, \`user_id\` text not null, \`role\` text not null, \`created_at\` datetime not null, constraint \`membership_organization_id_foreign\` foreign key (\`organization_id\`) references \`organization\` (\`id\`), constraint \`membership_user_id_foreign\` foreign key (\`user_id\`) references \`app_user\` (\`id\`));`);
    this.addSql(`create index \`membership_organization_id_index\` on \`membership\` (\`organization_id\`);`);
    this.addSql(`create index \`membership_user_id_index\` on \`membership\` (\`user_id\`);`);
    this.addSql(`create unique index \`membership_organization_id_user_id_unique\` on \`membership\` (\`organization_id\`, \`user_id\`);`);

    this.addSql(`create table \`invitation\` (\`id\` text not null primary key, \`organization_id\` text not null, \`email\` text not null, \`role\` text not null, \`token_hash\` text not null, \`invited_by_id\` text null, \`created_at\` datetime not null, \`expires_at\` datetime not null, \`accepted_at\` datetime null, \`revoked_at\` datetime null, constraint \`invitation_organization_id_foreign\` foreign key (\`organization_id\`) references \`organization\` (\`id\`), constraint \`invitation_invited_by_id_foreign\` foreign key (\`invited_by_id\`) references \`app_user\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`invitation_organization_id_index\` on \`invitation\` (\`organization_id\`);`);
    this.addSql(`create unique index \`invitation_token_hash_unique\` on \`invitation\` (\`token_hash\`);`);
    this.addSql(`create index \`invitation_invited_by_id_index\` on \`invitation\` (\`invited_by_id\`);`);

    this.addSql(`create table \`api_key\` (\`id\` text not null primary key, \`organization_id\` text not null, \`name\` text not null, \`prefix\` text not null, \`secret_hash\` text not null, \`permissions\` json not null, \`created_by_id\` text null, \`created_at\` datetime not null, \`last_used_at\` datetime null, \`expires_at\` datetime null, \`revoked_at\` datetime null, constraint \`api_key_organization_id_foreign\` foreign key (\`organization_id\`) references \`organization\` (\`id\`), constraint \`api_key_created_by_id_foreign\` foreign key (\`created_by_id\`) references \`app_user\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`api_key_organization_id_index\` on \`api_key\` (\`organization_id\`);`);
    this.addSql(`create unique index \`api_key_secret_hash_unique\` on \`api_key\` (\`secret_hash\`);`);
    this.addSql(`create index \`api_key_created_by_id_index\` on \`api_key\` (\`created_by_id\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`login_throttle\`;`);
    this.addSql(`drop table if exists \`mail_message\`;`);
    this.addSql(`drop table if exists \`organization\`;`);
    this.addSql(`drop table if exists \`outbox_event\`;`);
    this.addSql(`drop table if exists \`app_user\`;`);
    this.addSql(`drop table if exists \`user_session\`;`);
    this.addSql(`drop table if exists \`refresh_token\`;`);
    this.addSql(`drop table if exists \`membership\`;`);
    this.addSql(`drop table if exists \`invitation\`;`);
    this.addSql(`drop table if exists \`api_key\`;`);
  }

}
