// Frozen on 2026-12-05: the analyst figures are short statements over large tables, whose cost
// estimate passes jit_above_cost: compiling them took 50-500 ms of a 5-40 ms query (measured with
// pnpm bench:analytics), so ai-analytics' role runs without JIT.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER ROLE academy_ai_analytics SET jit = off`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER ROLE academy_ai_analytics RESET jit`.execute(db);
}
