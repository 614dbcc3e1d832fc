// SQL statements per request, from PostgreSQL's own statistics (pg_stat_statements): the calls
// of every statement the servers' database roles ran during a measurement, less the subgraphs'
// background work (identity's mail worker polls every 2 s in a transaction of its own), which is
// recognised as the statements each role runs during a quiet spell before any load.
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';

/** Longer than the slowest background poll (the mail worker's 2 s). */
const QUIET_SPELL_MS = 4_000;

export class StatementCounter {
  private readonly db: pg.Client;
  /** "role|queryid" of the background statements. */
  private background: string[] = [];

  /** `roles`: the login roles whose statements count (the subgraphs' and the floor's). */
  constructor(
    adminUrl: string,
    private readonly roles: string[],
  ) {
    this.db = new pg.Client({ connectionString: adminUrl, application_name: 'bench-statements' });
  }

  async open(): Promise<void> {
    await this.db.connect();
  }

  /** Learns the background statements: those the roles run while nothing is asked of them. */
  async learnBackground(): Promise<string[]> {
    await this.reset();
    await delay(QUIET_SPELL_MS);
    const { rows } = await this.db.query<{ key: string; query: string }>(
      `SELECT r.rolname || '|' || s.queryid AS key, r.rolname || ': ' || s.query AS query
       FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
       WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND r.rolname = ANY($1)`,
      [this.roles],
    );
    this.background = rows.map((row) => row.key);
    return rows.map((row) => row.query.replace(/\s+/g, ' ').slice(0, 100));
  }

  async reset(): Promise<void> {
    await this.db.query('SELECT pg_stat_statements_reset()');
  }

  /** Statements run by the roles since the last reset, background work left out. */
  async count(): Promise<number> {
    const { rows } = await this.db.query<{ calls: string }>(
      `SELECT coalesce(sum(s.calls), 0)::text AS calls FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
       WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND r.rolname = ANY($1) AND NOT (r.rolname || '|' || s.queryid = ANY($2::text[]))`,
      [this.roles, this.background],
    );
    return Number(rows[0]?.calls ?? 0);
  }

  async close(): Promise<void> {
    await this.db.end();
  }
}
