import { Migration } from '@mikro-orm/migrations';

export class Migration20261121220639_seat_prorations extends Migration {

  override name = 'Migration20261121220639_seat_prorations';

  override up(): void | Promise<void> {
    this.addSql(`alter table "billing"."subscription" add "pending_lines" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "billing"."subscription" drop column "pending_lines";`);
  }

}
