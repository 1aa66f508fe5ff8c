import { Migration } from '@mikro-orm/migrations';

export class Migration20261121220638_seat_prorations extends Migration {

  override name = 'Migration20261121220638_seat_prorations';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`subscription\` add column \`pending_lines\` json null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`subscription\` drop column \`pending_lines\`;`);
  }

}
