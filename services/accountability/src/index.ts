/**
 * `@gridwork/service-accountability`: the reference Gridwork service. Obligations and
 * their deadlines under a locality's policy, escalation, the hash-chained
 * responsibility ledger with signed checkpoints, and backward tracing of
 * responsibility (责任倒查), over HTTP and NATS. `App.make` builds it from layers;
 * `main.ts` runs it.
 * @packageDocumentation
 */
export * as App from "./app"
export * as CheckpointStore from "./CheckpointStore"
export * as Config from "./Config"
export * as DerivedIds from "./DerivedIds"
export * as DomainEvents from "./DomainEvents"
export * as EventRoutes from "./EventRoutes"
export * as IncomingEvent from "./IncomingEvent"
export * as LedgerAudit from "./LedgerAudit"
export * as LedgerEntries from "./LedgerEntries"
export * as LedgerRoutes from "./LedgerRoutes"
export * as Locality from "./Locality"
export * as MatterStream from "./MatterStream"
export * as Matters from "./Matters"
export * as Migrations from "./Migrations"
export * as Negotiation from "./Negotiation"
export * as ObligationIndex from "./ObligationIndex"
export * as ObligationRoutes from "./ObligationRoutes"
export * as ObligationView from "./ObligationView"
export * as ProblemMappings from "./ProblemMappings"
export * as ReportRoutes from "./ReportRoutes"
export * as Reports from "./Reports"
export * as ReportView from "./ReportView"
export * as SigningKey from "./SigningKey"
export * as SimulateRoutes from "./SimulateRoutes"
export * as SqlCheckpointStore from "./SqlCheckpointStore"
export * as SqlObligationIndex from "./SqlObligationIndex"
export * as Storage from "./Storage"
export * as Transactor from "./Transactor"
export * as Transport from "./Transport"
