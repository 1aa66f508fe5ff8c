import { Migration } from '@mikro-orm/migrations';

export class Migration20261121235209 extends Migration {

  override name = 'Migration20261121235209';

  override up(): void | Promise<void> {
    this.addSql(`create table \`persisted_operation\` (\`id\` text not null primary key, \`organization_id\` text not null, \`client_name\` text not null, \`client_version\` text not null, \`operation_id\` text not null, \`operation_name\` text null, \`operation_type\` text not null, \`body\` text not null, \`published_by\` text not null, \`created_at\` datetime not null, constraint \`persisted_operation_organization_id_foreign\` foreign key (\`organization_id\`) references \`organization\` (\`id\`));`);
    this.addSql(`create index \`persisted_operation_organization_id_index\` on \`persisted_operation\` (\`organization_id\`);`);
    this.addSql(`create unique index \`persisted_operation_organization_id_client_name_operation_id_unique\` on \`persisted_operation\` (\`organization_id\`, \`client_name\`, \`operation_id\`);`);

    this.addSql(`alter table \`api_key\` add column \`client_name\` text null;`);
    this.addSql(`alter table \`api_key\` add column \`safelist\` integer not null default false;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`persisted_operation\`;`);

    this.addSql(`alter table \`api_key\` drop column \`client_name\`;`);
    this.addSql(`alter table \`api_key\` drop column \`safelist\`;`);
  }

}
