// Frozen on 2026-12-04: partner clients, the integrations an ADMIN registers for the OAuth 2.0
// client-credentials grant. The secret is stored only as its SHA-256 (it is 256 random bits);
// the grants list the chat rooms, by id or by kind, the client may read and post in.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE identity.partner_clients (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
      room_ids uuid[] NOT NULL DEFAULT '{}',
      room_kinds text[] NOT NULL DEFAULT '{}'
        CHECK (room_kinds <@ ARRAY['DIRECT','GROUP','SESSION','COACHING']::text[]),
      max_subscriptions integer NOT NULL DEFAULT 10 CHECK (max_subscriptions BETWEEN 1 AND 1000),
      created_by uuid REFERENCES identity.users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      secret_rotated_at timestamptz,
      revoked_at timestamptz,
      CONSTRAINT partner_clients_secret_hash_key UNIQUE (secret_hash),
      CONSTRAINT partner_clients_grant_check CHECK (cardinality(room_ids) + cardinality(room_kinds) > 0)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE identity.partner_clients`.execute(db);
}
