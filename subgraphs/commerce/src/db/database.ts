import type { Generated, Selectable } from 'kysely';

export interface PricesTable {
  id: Generated<string>;
  course_id: string | null;
  session_id: string | null;
  amount_minor: number;
  currency: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** The commerce subgraph's tables: its own schema only. */
export interface CommerceDatabase {
  'commerce.prices': PricesTable;
}

export type Price = Selectable<PricesTable>;
