// Frozen on 2026-12-06: commerce's outbox events carry the traceparent of the operation that appended them.
import type { Kysely } from 'kysely';
import { addOutboxTraceparent, removeOutboxTraceparent } from '../shared/2026-12-06-outbox-traceparent.js';

export async function up(db: Kysely<any>): Promise<void> {
  await addOutboxTraceparent(db, 'commerce');
}

export async function down(db: Kysely<any>): Promise<void> {
  await removeOutboxTraceparent(db, 'commerce');
}
