/**
 * The service's own tables, next to the store's `gw_*` tables in the same database,
 * applied at start by `effect/sql`'s `Migrator` (table `accountability_migrations`;
 * each migration runs once, in a transaction). Append-only: a released migration is
 * never edited.
 *
 * | table | holds |
 * |---|---|
 * | `accountability_obligations` | the current view of every obligation (index by matter, unit, state) |
 * | `accountability_matter_units` | which units ever held or owed something on which matter |
 * | `accountability_checkpoints` | the signed checkpoints of the responsibility ledger |
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Migrations } from "@gridwork/service-accountability"
 *
 * // with a SqlClient in context (SqlStore.layer):
 * const applied = Migrations.migrate // Effect of the migrations applied now
 * ```
 * @module
 */
import { Effect } from "effect"
import * as Migrator from "effect/sql/Migrator"
import { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"

/** The table recording the service's applied migrations. */
export const migrationsTable = "accountability_migrations"

const statements = (list: ReadonlyArray<string>): Effect.Effect<void, SqlError, SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    for (const statement of list) yield* sql.unsafe(statement).raw
  })

/** Every migration, by `<number>_<name>`. */
export const migrations: Record<string, Effect.Effect<void, SqlError, SqlClient>> = {
  "1_obligation_index": statements([
    `create table accountability_obligations (
       id text collate "C" primary key,
       subject text collate "C" not null,
       unit text collate "C" not null,
       status text not null,
       view jsonb not null
     )`,
    `create index accountability_obligations_subject on accountability_obligations (subject, id)`,
    `create index accountability_obligations_unit on accountability_obligations (unit, status, id)`,
    `create index accountability_obligations_status on accountability_obligations (status, id)`,
    `create table accountability_matter_units (
       unit text collate "C" not null,
       subject text collate "C" not null,
       primary key (unit, subject)
     )`
  ]),
  "2_checkpoints": statements([
    `create table accountability_checkpoints (
       ledger text collate "C" not null,
       size bigint not null check (size >= 0),
       issued_at bigint not null,
       checkpoint jsonb not null,
       primary key (ledger, size)
     )`
  ])
}

/** Applies the migrations not applied yet; returns those it applied, as `[id, name]`. */
export const migrate: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  Migrator.MigrationError | SqlError,
  SqlClient
> = Migrator.make({})({ loader: Migrator.fromRecord(migrations), table: migrationsTable })
