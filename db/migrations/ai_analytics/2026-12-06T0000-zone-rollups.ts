// Frozen on 2026-12-06: distinct actors per local day, week and month for a configured list of
// time zones, so that figures cut at another zone's midnights read counters as UTC's do.
import { sql, type Kysely } from 'kysely';

/**
 * The statement that adds the actors of `source`'s events to the sets of every zone in `zones`
 * (a relation with a `zone` column): the actors of each event name per local day, and those of
 * any event ('*') per local day, ISO week and month, with the sets' sizes moved by the rows
 * really added (as the UTC rollups do, so concurrent inserts of one actor count once).
 */
function zoneRollUp(source: string, zones: string): string {
  return `
    WITH periods AS (
      SELECT DISTINCT z.zone, n.name, u.unit, date_trunc(u.unit, e.occurred_at, z.zone) AS period_start, e.actor
      FROM ${source} e
      CROSS JOIN ${zones} z
      CROSS JOIN LATERAL (VALUES (e.name, false), ('*', true)) AS n(name, any_event)
      CROSS JOIN (VALUES ('day', true), ('week', false), ('month', false)) AS u(unit, per_name)
      WHERE e.actor IS NOT NULL AND (n.any_event OR u.per_name)
    ), added AS (
      INSERT INTO ai_analytics.zone_event_actors (zone, name, period_unit, period_start, actor)
      SELECT zone, name, unit, period_start, actor FROM periods ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT DO NOTHING
      RETURNING zone, name, period_unit, period_start
    )
    INSERT INTO ai_analytics.zone_event_actor_counts AS c (zone, name, period_unit, period_start, actors)
    SELECT zone, name, period_unit, period_start, count(*)
    FROM added
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (zone, name, period_unit, period_start) DO UPDATE SET actors = c.actors + excluded.actors;`;
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE ai_analytics.rollup_zones (
      zone text PRIMARY KEY CHECK (zone <> 'UTC'),
      kept_since timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`COMMENT ON TABLE ai_analytics.rollup_zones IS 'The time zones (besides UTC) whose local days, weeks and months have actor counters of their own.'`.execute(db);
  await sql`
    CREATE TABLE ai_analytics.zone_event_actors (
      zone text NOT NULL,
      name text NOT NULL,
      period_unit text NOT NULL CHECK (period_unit IN ('day', 'week', 'month')),
      period_start timestamptz NOT NULL,
      actor text NOT NULL,
      PRIMARY KEY (zone, name, period_unit, period_start, actor)
    )`.execute(db);
  await sql`COMMENT ON TABLE ai_analytics.zone_event_actors IS 'Who did an event of this name in each local day of a kept zone, and who did any event (''*'') in each local day, ISO week and month.'`.execute(db);
  await sql`
    CREATE TABLE ai_analytics.zone_event_actor_counts (
      zone text NOT NULL,
      name text NOT NULL,
      period_unit text NOT NULL CHECK (period_unit IN ('day', 'week', 'month')),
      period_start timestamptz NOT NULL,
      actors integer NOT NULL CHECK (actors > 0),
      PRIMARY KEY (zone, name, period_unit, period_start)
    )`.execute(db);
  await sql`COMMENT ON TABLE ai_analytics.zone_event_actor_counts IS 'The size of each set of ai_analytics.zone_event_actors.'`.execute(db);

  // A second statement trigger beside the UTC one; with no kept zone it costs one probe.
  await sql.raw(`
    CREATE FUNCTION ai_analytics.roll_up_analytics_events_per_zone() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF EXISTS (SELECT 1 FROM ai_analytics.rollup_zones) THEN
        ${zoneRollUp('inserted', 'ai_analytics.rollup_zones')}
      END IF;
      RETURN NULL;
    END
    $fn$`).execute(db);
  await sql`
    CREATE TRIGGER analytics_events_roll_up_zones AFTER INSERT ON ai_analytics.analytics_events
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION ai_analytics.roll_up_analytics_events_per_zone()`.execute(db);

  // Starts keeping a zone: counts the events recorded so far, while inserts wait (the lock), so
  // that no event is counted twice or missed between the count and the trigger taking over.
  // Returns false when the zone was kept already. An unknown zone name fails in date_trunc.
  await sql.raw(`
    CREATE FUNCTION ai_analytics.keep_zone_rollups(kept text) RETURNS boolean LANGUAGE plpgsql AS $fn$
    BEGIN
      IF kept = 'UTC' OR EXISTS (SELECT 1 FROM ai_analytics.rollup_zones WHERE zone = kept) THEN
        RETURN false;
      END IF;
      PERFORM date_trunc('day', now(), kept);
      LOCK TABLE ai_analytics.analytics_events IN SHARE ROW EXCLUSIVE MODE;
      INSERT INTO ai_analytics.rollup_zones (zone) VALUES (kept) ON CONFLICT DO NOTHING;
      IF NOT FOUND THEN
        RETURN false;
      END IF;
      ${zoneRollUp('ai_analytics.analytics_events', '(SELECT kept AS zone)')}
      RETURN true;
    END
    $fn$`).execute(db);
  // Stops keeping a zone and forgets its sets, while inserts wait (no trigger adds to them meanwhile).
  // The sets carry no foreign key to the zone: checking one per added actor doubled the cost of a zone.
  await sql.raw(`
    CREATE FUNCTION ai_analytics.stop_zone_rollups(dropped text) RETURNS boolean LANGUAGE plpgsql AS $fn$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM ai_analytics.rollup_zones WHERE zone = dropped) THEN
        RETURN false;
      END IF;
      LOCK TABLE ai_analytics.analytics_events IN SHARE ROW EXCLUSIVE MODE;
      DELETE FROM ai_analytics.zone_event_actors WHERE zone = dropped;
      DELETE FROM ai_analytics.zone_event_actor_counts WHERE zone = dropped;
      DELETE FROM ai_analytics.rollup_zones WHERE zone = dropped;
      RETURN FOUND;
    END
    $fn$`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER analytics_events_roll_up_zones ON ai_analytics.analytics_events`.execute(db);
  await sql`DROP FUNCTION ai_analytics.stop_zone_rollups(text), ai_analytics.keep_zone_rollups(text), ai_analytics.roll_up_analytics_events_per_zone()`.execute(db);
  await sql`DROP TABLE ai_analytics.zone_event_actor_counts, ai_analytics.zone_event_actors, ai_analytics.rollup_zones`.execute(db);
}
