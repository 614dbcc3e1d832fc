// Frozen on 2026-12-05: retry-safe client events, domain events as analytics events, and the
// rollups the analyst figures read (kept by a trigger in the inserting statement's transaction).
import { sql, type Kysely } from 'kysely';

/**
 * The statements that add the rows of `source` (new analytics events) to the rollups: event
 * counts per UTC hour; the distinct actors of any event ('*') per UTC hour, day, ISO week and
 * month; and those of each event name per UTC hour and day (weeks and months of one name are
 * counted from its days: keeping them too doubled the rows written per event). An actor set only grows through ON CONFLICT DO NOTHING,
 * and its count moves by the rows that statement really added, so a concurrent insert of the
 * same actor in the same period counts once whichever transaction commits first. Groups are
 * written in key order so that concurrent inserts lock the shared counters in the same order.
 */
function rollUp(source: string): string {
  return `
    INSERT INTO ai_analytics.event_hour_counts AS c (name, hour, events)
    SELECT name, date_trunc('hour', occurred_at, 'UTC'), count(*)
    FROM ${source}
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (name, hour) DO UPDATE SET events = c.events + excluded.events;

    WITH periods AS (
      SELECT DISTINCT n.name, u.unit, date_trunc(u.unit, e.occurred_at, 'UTC') AS period_start, e.actor
      FROM ${source} e
      CROSS JOIN LATERAL (VALUES (e.name, false), ('*', true)) AS n(name, any_event)
      CROSS JOIN (VALUES ('hour', true), ('day', true), ('week', false), ('month', false)) AS u(unit, per_name)
      WHERE e.actor IS NOT NULL AND (n.any_event OR u.per_name)
    ), added AS (
      INSERT INTO ai_analytics.event_actors (name, period_unit, period_start, actor)
      SELECT name, unit, period_start, actor FROM periods ORDER BY 1, 2, 3, 4
      ON CONFLICT DO NOTHING
      RETURNING name, period_unit, period_start
    )
    INSERT INTO ai_analytics.event_actor_counts AS c (name, period_unit, period_start, actors)
    SELECT name, period_unit, period_start, count(*)
    FROM added
    WHERE period_unit <> 'hour'
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (name, period_unit, period_start) DO UPDATE SET actors = c.actors + excluded.actors;`;
}

export async function up(db: Kysely<any>): Promise<void> {
  // The actor is the signed-in user, else the visitor's anonymous id; a domain event about no
  // user (a course published) has none and is counted, but never as an active user.
  await sql`
    ALTER TABLE ai_analytics.analytics_events
      ADD COLUMN client_event_id text CHECK (length(client_event_id) BETWEEN 1 AND 100),
      ADD COLUMN source_event_id uuid,
      ADD COLUMN actor text GENERATED ALWAYS AS (
        CASE WHEN user_id IS NOT NULL THEN user_id::text WHEN anonymous_id IS NOT NULL THEN 'anon:' || anonymous_id END
      ) STORED,
      DROP CONSTRAINT analytics_events_actor_check,
      ADD CONSTRAINT analytics_events_actor_check CHECK (user_id IS NOT NULL OR anonymous_id IS NOT NULL OR source_event_id IS NOT NULL)`.execute(db);
  // Identity's registrations recorded so far carry their domain event's id in properties.
  await sql`
    UPDATE ai_analytics.analytics_events SET source_event_id = (properties->>'eventId')::uuid
    WHERE name = 'user.registered' AND properties->>'eventId' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`.execute(db);
  // A client's retry of an event it already sent is the same (actor, client id).
  await sql`CREATE UNIQUE INDEX analytics_events_client_event_idx ON ai_analytics.analytics_events (actor, client_event_id)
    WHERE client_event_id IS NOT NULL`.execute(db);
  // A domain event becomes one analytics event, however often it is delivered.
  await sql`CREATE UNIQUE INDEX analytics_events_source_event_idx ON ai_analytics.analytics_events (source_event_id)
    WHERE source_event_id IS NOT NULL`.execute(db);
  // Funnels find each actor's first occurrence of a step.
  await sql`CREATE INDEX analytics_events_name_actor_time_idx ON ai_analytics.analytics_events (name, actor, occurred_at)`.execute(db);

  await sql`
    CREATE TABLE ai_analytics.event_hour_counts (
      name text NOT NULL,
      hour timestamptz NOT NULL,
      events bigint NOT NULL CHECK (events > 0),
      PRIMARY KEY (name, hour)
    )`.execute(db);
  await sql`COMMENT ON TABLE ai_analytics.event_hour_counts IS 'Analytics events per name and UTC hour; any whole-hour bucket is a sum of these.'`.execute(db);
  await sql`
    CREATE TABLE ai_analytics.event_actors (
      name text NOT NULL,
      period_unit text NOT NULL CHECK (period_unit IN ('hour', 'day', 'week', 'month')),
      period_start timestamptz NOT NULL,
      actor text NOT NULL,
      PRIMARY KEY (name, period_unit, period_start, actor)
    )`.execute(db);
  await sql`COMMENT ON TABLE ai_analytics.event_actors IS 'Who did an event of this name in each UTC hour and day, and who did any event (''*'') in each UTC hour, day, ISO week and month.'`.execute(db);
  await sql`
    CREATE TABLE ai_analytics.event_actor_counts (
      name text NOT NULL,
      period_unit text NOT NULL CHECK (period_unit IN ('day', 'week', 'month')),
      period_start timestamptz NOT NULL,
      actors integer NOT NULL CHECK (actors > 0),
      PRIMARY KEY (name, period_unit, period_start)
    )`.execute(db);
  await sql`COMMENT ON TABLE ai_analytics.event_actor_counts IS 'The size of each day, week and month set of ai_analytics.event_actors.'`.execute(db);

  await sql.raw(rollUp('ai_analytics.analytics_events')).execute(db);
  await sql.raw(`
    CREATE FUNCTION ai_analytics.roll_up_analytics_events() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      ${rollUp('inserted')}
      RETURN NULL;
    END
    $fn$`).execute(db);
  // Per statement, over the rows it inserted (a retried or replayed event inserts none), in its
  // transaction: whoever writes events (requests, consumers, the seed, COPY) keeps the rollups.
  await sql`
    CREATE TRIGGER analytics_events_roll_up AFTER INSERT ON ai_analytics.analytics_events
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION ai_analytics.roll_up_analytics_events()`.execute(db);
  // Rollups count inserts only: events are a log, never rewritten.
  await sql.raw(`
    CREATE FUNCTION ai_analytics.refuse_analytics_event_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      RAISE EXCEPTION 'analytics events are never changed or deleted one by one (the rollups count them)';
    END
    $fn$`).execute(db);
  await sql`
    CREATE TRIGGER analytics_events_append_only BEFORE UPDATE OR DELETE ON ai_analytics.analytics_events
    FOR EACH STATEMENT EXECUTE FUNCTION ai_analytics.refuse_analytics_event_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER analytics_events_append_only ON ai_analytics.analytics_events`.execute(db);
  await sql`DROP TRIGGER analytics_events_roll_up ON ai_analytics.analytics_events`.execute(db);
  await sql`DROP FUNCTION ai_analytics.refuse_analytics_event_change(), ai_analytics.roll_up_analytics_events()`.execute(db);
  await sql`DROP TABLE ai_analytics.event_actor_counts, ai_analytics.event_actors, ai_analytics.event_hour_counts`.execute(db);
  await sql`
    ALTER TABLE ai_analytics.analytics_events
      DROP CONSTRAINT analytics_events_actor_check,
      DROP COLUMN actor, DROP COLUMN source_event_id, DROP COLUMN client_event_id,
      ADD CONSTRAINT analytics_events_actor_check CHECK (user_id IS NOT NULL OR anonymous_id IS NOT NULL)`.execute(db);
}
