import type pg from 'pg';

/** PostgreSQL types the seed writes. Arrays of arrays cannot go through unnest, so `text[]` and `uuid[]` travel as array literals. */
export type ColumnType = 'uuid' | 'text' | 'integer' | 'bigint' | 'boolean' | 'timestamptz' | 'time' | 'date' | 'jsonb' | 'text[]' | 'uuid[]';

/** A value of one column: `text[]` and `uuid[]` columns take string arrays, timestamps ISO strings. */
export type CellValue = string | number | boolean | null | readonly string[];

/** One row, in the order of its table's columns. */
export type Row = readonly CellValue[];

/** A table and the columns the seed fills. */
export interface TableSpec {
  /** Schema-qualified name, e.g. `identity.users`. */
  table: string;
  columns: readonly (readonly [name: string, type: ColumnType])[];
}

export interface LoadOptions {
  /** Rows expected, for progress lines. */
  total: number;
  /** Rows per INSERT statement. */
  batchSize?: number;
  log: (line: string) => void;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

function insertStatement(spec: TableSpec): string {
  const [schema, table] = spec.table.split('.');
  const names = spec.columns.map(([name]) => quoteIdent(name));
  const params = spec.columns.map(([, type], i) => `$${i + 1}::${type.endsWith('[]') ? 'text' : type}[]`);
  const selected = spec.columns.map(([name, type]) => (type.endsWith('[]') ? `t.${quoteIdent(name)}::${type}` : `t.${quoteIdent(name)}`));
  return (
    `INSERT INTO ${quoteIdent(schema ?? '')}.${quoteIdent(table ?? '')} (${names.join(', ')}) ` +
    `SELECT ${selected.join(', ')} FROM unnest(${params.join(', ')}) AS t(${names.join(', ')})`
  );
}

/**
 * Writes rows into one table with one `INSERT … SELECT FROM unnest(…)` per batch. The next
 * batch is built while the server stores the previous one; at most two batches are in memory.
 */
export class TableLoader {
  private readonly statement: string;
  private readonly batchSize: number;
  private buffers: unknown[][];
  private buffered = 0;
  private written = 0;
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private readonly startedAt = Date.now();
  private lastLogAt = Date.now();

  constructor(
    private readonly client: pg.ClientBase,
    private readonly spec: TableSpec,
    private readonly options: LoadOptions,
  ) {
    this.statement = insertStatement(spec);
    this.batchSize = options.batchSize ?? 5000;
    this.buffers = spec.columns.map(() => []);
  }

  /** Buffers a row; returns a promise to await when the batch had to be sent. */
  add(row: Row): Promise<void> | undefined {
    const columns = this.spec.columns;
    if (row.length !== columns.length) throw new Error(`${this.spec.table}: row has ${row.length} values, expected ${columns.length}`);
    for (let i = 0; i < columns.length; i++) {
      const value = row[i] ?? null;
      this.buffers[i]!.push(Array.isArray(value) ? arrayLiteral(value as readonly string[]) : value);
    }
    this.buffered++;
    return this.buffered >= this.batchSize ? this.flush() : undefined;
  }

  /** Sends what is buffered and waits for every batch; returns the rows written. */
  async finish(): Promise<number> {
    await this.flush();
    await this.settle();
    this.options.log(`${this.spec.table}: ${this.written} rows in ${((Date.now() - this.startedAt) / 1000).toFixed(1)} s`);
    return this.written;
  }

  private async settle(): Promise<void> {
    await this.pending;
    if (this.failure !== null) throw this.failure;
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    await this.settle();
    const values = this.buffers;
    const count = this.buffered;
    this.buffers = this.spec.columns.map(() => []);
    this.buffered = 0;
    // Not awaited here: the caller goes on generating while the server inserts.
    this.pending = this.client.query({ name: `seed ${this.spec.table}`, text: this.statement, values }).then(
      () => {
        this.written += count;
        this.progress();
      },
      (error: unknown) => {
        this.failure = error;
      },
    );
  }

  private progress(): void {
    const now = Date.now();
    if (now - this.lastLogAt < 2000 || this.written >= this.options.total) return;
    this.lastLogAt = now;
    this.options.log(`${this.spec.table}: ${this.written} / ${this.options.total} rows`);
  }
}

/**
 * Drops the plain indexes of `table` (not those behind a constraint) and returns a function
 * that builds them again from their own stored definitions. Building an index once over all
 * rows is much cheaper than updating it row by row during a large load.
 */
export async function deferIndexes(client: pg.ClientBase, table: string): Promise<() => Promise<void>> {
  const [schema = '', name = ''] = table.split('.');
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
     FROM pg_index x
     JOIN pg_class i ON i.oid = x.indexrelid
     JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = $1 AND t.relname = $2
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
     ORDER BY i.relname`,
    [schema, name],
  );
  for (const index of rows) await client.query(`DROP INDEX ${quoteIdent(schema)}.${quoteIdent(index.name)}`);
  return async () => {
    for (const index of rows) await client.query(index.definition);
  };
}

/**
 * Like deferIndexes, for the constraints checked row by row: the table's primary key and unique
 * constraints (unless a foreign key relies on their index) and its own foreign keys. Adding
 * them back builds each index in one sort and checks each foreign key in one join; a row that
 * breaks one makes that fail, and the seed's transaction rolls everything back.
 */
export async function deferConstraints(client: pg.ClientBase, table: string): Promise<() => Promise<void>> {
  const [schema = '', name = ''] = table.split('.');
  const qualified = `${quoteIdent(schema)}.${quoteIdent(name)}`;
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS definition
     FROM pg_constraint c
     WHERE c.conrelid = to_regclass($1)
       AND (c.contype = 'f' OR (c.contype IN ('p', 'u')
         AND NOT EXISTS (SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid)))
     ORDER BY c.contype = 'f', c.conname`,
    [qualified],
  );
  for (const constraint of rows) await client.query(`ALTER TABLE ${qualified} DROP CONSTRAINT ${quoteIdent(constraint.name)}`);
  // Keys first: a foreign key is checked faster once the table's own indexes exist.
  return async () => {
    for (const constraint of rows) await client.query(`ALTER TABLE ${qualified} ADD CONSTRAINT ${quoteIdent(constraint.name)} ${constraint.definition}`);
  };
}

/** Loads every row of `rows` into `spec`'s table; returns how many were written. */
export async function loadTable(client: pg.ClientBase, spec: TableSpec, rows: Iterable<Row>, options: LoadOptions): Promise<number> {
  const loader = new TableLoader(client, spec, options);
  for (const row of rows) {
    const sent = loader.add(row);
    if (sent) await sent;
  }
  return loader.finish();
}
