import { Migration } from '@mikro-orm/migrations';

export class Migration20261121234915 extends Migration {

  override name = 'Migration20261121234915';

  override up(): void | Promise<void> {
    this.addSql(`create table \`consumed_event\` (\`consumer\` text not null, \`event_id\` text not null, \`outcome\` text not null, \`last_error\` text null, \`consumed_at\` datetime not null, primary key (\`consumer\`, \`event_id\`));`);
    this.addSql(`create index \`consumed_event_consumed_at_index\` on \`consumed_event\` (\`consumed_at\`);`);

    this.addSql(`create table \`event_cursor\` (\`consumer\` text not null primary key, \`position\` text not null, \`updated_at\` datetime not null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`consumed_event\`;`);
    this.addSql(`drop table if exists \`event_cursor\`;`);
  }

}
