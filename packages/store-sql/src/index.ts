/**
 * `@gridwork/store-sql`: the PostgreSQL store of Gridwork (event store with outbox,
 * inbox, projections, deadline scheduler, responsibility ledger), with an embedded
 * PGlite default that needs nothing but Node.
 * @packageDocumentation
 */
export * as EmbeddedPostgres from "./EmbeddedPostgres"
export * as Migrations from "./Migrations"
export * as Projection from "./Projection"
export * as SqlDeadlineScheduler from "./SqlDeadlineScheduler"
export * as SqlEventStore from "./SqlEventStore"
export * as SqlInbox from "./SqlInbox"
export * as SqlLedgerStore from "./SqlLedgerStore"
export * as SqlOutbox from "./SqlOutbox"
export * as SqlStore from "./SqlStore"
