import { sql, type RawBuilder } from 'kysely';

/**
 * Column names of a row type for a hand-written statement: the compiler checks each name against
 * the generated table type, and `complete` (when given as `true`) that none of the row's columns
 * is left out, so a column added to or removed from the migrations is a compile error here.
 */
export function columnList<Row>() {
  return <const C extends readonly (keyof Row & string)[]>(
    columns: C,
    ..._complete: [Exclude<keyof Row, C[number]>] extends [never] ? [] : [missing: Exclude<keyof Row, C[number]>]
  ): C => columns;
}

/** A name as a quoted SQL identifier. */
const identifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * `"alias"."a", "alias"."b", ...`: the columns, qualified by a table alias, as a select list.
 * Made once into one SQL fragment (keep it in a constant): a statement on a hot path then does
 * not compile a node per column on every request.
 */
export function selectList(alias: string, columns: readonly string[]): RawBuilder<unknown> {
  return sql.raw(columns.map((column) => `${identifier(alias)}.${identifier(column)}`).join(', '));
}

/** `'a', "alias"."a", 'b', "alias"."b", ...`: the arguments of json_build_object for the columns, as one fragment. */
export function jsonFields(alias: string, columns: readonly string[]): RawBuilder<unknown> {
  return sql.raw(columns.map((column) => `'${column.replaceAll("'", "''")}', ${identifier(alias)}.${identifier(column)}`).join(', '));
}
