import { sql, type Kysely } from 'kysely';

// One certificate per enrollment (the unique key makes concurrent completions issue one); the
// number comes from a sequence, the verification code is random and unguessable.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE SEQUENCE learning.certificate_number_seq`.execute(db);
  await sql`
    CREATE TABLE learning.certificates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      enrollment_id uuid NOT NULL REFERENCES learning.enrollments (id) ON DELETE RESTRICT,
      user_id uuid NOT NULL,
      course_id uuid NOT NULL REFERENCES learning.courses (id) ON DELETE RESTRICT,
      number text NOT NULL,
      verification_code text NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      revoked_reason text,
      CONSTRAINT certificates_enrollment_key UNIQUE (enrollment_id),
      CONSTRAINT certificates_number_key UNIQUE (number),
      CONSTRAINT certificates_verification_code_key UNIQUE (verification_code)
    )`.execute(db);
  await sql`CREATE INDEX certificates_user_idx ON learning.certificates (user_id, issued_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE learning.certificates`.execute(db);
  await sql`DROP SEQUENCE learning.certificate_number_seq`.execute(db);
}
