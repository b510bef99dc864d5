/**
 * The versioned schema of the store, applied at start by `effect/sql`'s `Migrator`
 * (table `gw_migrations`; each migration runs once, in a transaction holding an
 * exclusive lock on that table, so replicas starting together apply it once).
 *
 * Migrations are append-only: a released migration is never edited; a change of
 * schema is a new entry with the next number. Every table is prefixed `gw_` and lives
 * in the connection's current schema (`search_path`), so one database can hold the
 * store next to an application's own tables.
 *
 * | table | holds |
 * |---|---|
 * | `gw_event_head` | one row: the last global position; appends lock it, which serializes them |
 * | `gw_streams` | each stream's current version |
 * | `gw_events` | the events (`global_position` primary key, `event_id` unique, `(stream_id, stream_version)` unique) |
 * | `gw_outbox` | one row per published event: subject, lease, `sent_at` |
 * | `gw_inbox` | `(consumer, message_id)` pairs already processed |
 * | `gw_timers` | deadline timers, one row per `(scheduler, key)` |
 * | `gw_ledger_heads`, `gw_ledger` | responsibility ledgers, one chain per ledger name |
 * | `gw_projections` | the checkpoint (last global position) of each projection |
 * @module
 */
import { Effect } from "effect"
import * as Migrator from "effect/sql/Migrator"
import { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"

/** The channel `gw_append` notifies (payload: the new last position) when asked to. */
export const notifyChannel = "gridwork_events"

/** The table recording applied migrations. */
export const migrationsTable = "gw_migrations"

const statements = (list: ReadonlyArray<string>): Effect.Effect<void, SqlError, SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    for (const statement of list) yield* sql.unsafe(statement).raw
  })

/**
 * `gw_append(stream, expected, events, notify)`: the write path of an append in one
 * statement (so one round trip, atomic on its own or inside a caller's transaction).
 * It locks the position counter, then reads the stream's version and the stored
 * events with the batch's ids (each statement of a volatile function takes a new
 * snapshot, so it sees every append committed before the lock was granted). It writes
 * only when no id is stored and the version matches (`expected` -1 = any); otherwise
 * it returns what it found and the caller applies the port's rules
 * (`EventStore.matchStored`, `EventStore.checkExpectedVersion`) to it.
 */
const appendFunction = `
create function gw_append(p_stream text, p_expected bigint, p_events jsonb, p_notify boolean)
returns jsonb language plpgsql volatile as $fn$
declare
  v_last bigint;
  v_version integer;
  v_count integer := jsonb_array_length(p_events);
  v_found jsonb;
begin
  select last into v_last from gw_event_head where id = 1 for update;
  select (select version from gw_streams where stream_id = p_stream),
         (select jsonb_agg(jsonb_build_object(
                   'global_position', e.global_position, 'event_id', e.event_id, 'stream_id', e.stream_id,
                   'stream_version', e.stream_version, 'type', e.type, 'schema_version', e.schema_version,
                   'data', e.data, 'metadata', e.metadata, 'occurred_at', e.occurred_at))
            from gw_events e
           where e.event_id in (select x->>'event_id' from jsonb_array_elements(p_events) as x))
    into v_version, v_found;
  v_version := coalesce(v_version, 0);
  if v_found is not null or (p_expected >= 0 and p_expected <> v_version) then
    return jsonb_build_object('written', false, 'version', v_version, 'found', coalesce(v_found, '[]'::jsonb));
  end if;
  with input as (
    select * from jsonb_to_recordset(p_events) as x(n integer, event_id text, type text, schema_version integer,
                                                    data jsonb, metadata jsonb, occurred_at bigint, subject text)
  ), inserted as (
    insert into gw_events (global_position, event_id, stream_id, stream_version, type, schema_version,
                           data, metadata, occurred_at)
    select v_last + n, event_id, p_stream, v_version + n, type, schema_version, data, metadata, occurred_at
      from input
  ), queued as (
    insert into gw_outbox (global_position, subject)
    select v_last + n, subject from input where subject is not null
  ), versioned as (
    insert into gw_streams (stream_id, version) values (p_stream, v_version + v_count)
    on conflict (stream_id) do update set version = excluded.version
  )
  update gw_event_head set last = v_last + v_count where id = 1;
  if p_notify then
    perform pg_notify('${notifyChannel}', (v_last + v_count)::text);
  end if;
  return jsonb_build_object('written', true, 'last', v_last, 'version', v_version);
end
$fn$`

/** Every migration, by `<number>_<name>`. */
export const migrations: Record<string, Effect.Effect<void, SqlError, SqlClient>> = {
  "1_event_store": statements([
    `create table gw_event_head (
       id smallint primary key check (id = 1),
       last bigint not null check (last >= 0)
     )`,
    `insert into gw_event_head (id, last) values (1, 0)`,
    `create table gw_streams (
       stream_id text collate "C" primary key,
       version integer not null check (version >= 0)
     )`,
    `create table gw_events (
       global_position bigint primary key check (global_position >= 1),
       event_id text collate "C" not null unique,
       stream_id text collate "C" not null,
       stream_version integer not null check (stream_version >= 1),
       type text not null,
       schema_version integer not null check (schema_version >= 1),
       data jsonb not null,
       metadata jsonb not null,
       occurred_at bigint not null,
       recorded_at timestamptz not null default now(),
       unique (stream_id, stream_version)
     )`,
    `create table gw_outbox (
       global_position bigint primary key references gw_events (global_position),
       subject text not null,
       lease_owner text,
       lease_until bigint,
       sent_at bigint
     )`,
    `create index gw_outbox_unsent on gw_outbox (global_position) where sent_at is null`,
    `create index gw_outbox_sent_at on gw_outbox (sent_at) where sent_at is not null`,
    appendFunction
  ]),
  "2_inbox": statements([
    `create table gw_inbox (
       consumer text collate "C" not null,
       message_id text collate "C" not null,
       processed_at bigint not null,
       primary key (consumer, message_id)
     )`,
    `create index gw_inbox_processed_at on gw_inbox (processed_at)`
  ]),
  "3_deadline_timers": statements([
    `create table gw_timers (
       scheduler text collate "C" not null,
       key text collate "C" not null,
       due_at bigint not null,
       version bigint not null check (version between 0 and 4294967295),
       fired_at bigint,
       primary key (scheduler, key)
     )`,
    `create index gw_timers_due on gw_timers (scheduler, due_at, key) where fired_at is null`
  ]),
  "4_ledger": statements([
    `create table gw_ledger_heads (
       ledger text collate "C" primary key,
       size bigint not null check (size >= 0),
       hash text not null
     )`,
    `create table gw_ledger (
       ledger text collate "C" not null,
       seq bigint not null check (seq >= 1),
       prev_hash text not null,
       hash text not null,
       entry jsonb not null,
       primary key (ledger, seq)
     )`
  ]),
  "5_projections": statements([
    `create table gw_projections (
       name text collate "C" primary key,
       position bigint not null check (position >= 0),
       updated_at timestamptz not null default now()
     )`
  ])
}

/** Applies the migrations not applied yet; returns those it applied, as `[id, name]`. */
export const migrate: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  Migrator.MigrationError | SqlError,
  SqlClient
> = Migrator.make({})({ loader: Migrator.fromRecord(migrations), table: migrationsTable })
