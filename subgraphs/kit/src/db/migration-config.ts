/** Where `npm run migration:create` finds PostgreSQL: DATABASE_URL, or the local server. */
export function migrationDatabaseUrl(env: Record<string, string | undefined> = process.env): string {
  return env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}
