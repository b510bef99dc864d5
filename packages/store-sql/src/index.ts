/**
 * `@gridwork/store-sql`: the PostgreSQL store of Gridwork (event store with outbox,
 * inbox, projections, deadline scheduler, responsibility ledger), with an embedded
 * PGlite default that needs nothing but Node.
 * @packageDocumentation
 */
export * as EmbeddedPostgres from "./EmbeddedPostgres"
export * as Migrations from "./Migrations"
export * as SqlEventStore from "./SqlEventStore"
export * as SqlStore from "./SqlStore"
