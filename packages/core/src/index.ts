/**
 * `@gridwork/core`: the kernel every Gridwork module stands on. One namespace per
 * module (`import { Obligation, BusinessCalendar } from "@gridwork/core"`); each
 * module's own documentation opens its file. Test helpers and contract suites are in
 * `@gridwork/core/testing`.
 * @packageDocumentation
 */

/** Business calendars and deadline arithmetic in working days, calendar days and working hours. */
export * as BusinessCalendar from "./calendar/BusinessCalendar"
/** The `calendar` section of a locality model: time zone, working days and hours, holidays, make-up days. */
export * as CalendarSpec from "./calendar/CalendarSpec"
/** The typed error of deadline arithmetic in a year whose official schedule is not loaded. */
export * as CalendarYearNotLoaded from "./calendar/CalendarYearNotLoaded"
/** The `cn-mainland` base schedule: the State Council's holidays and make-up working days (调休). */
export * as CnMainland from "./calendar/CnMainland"
/** Values of deadline arithmetic: time units, periods, deadlines, measured spans. */
export * as Deadline from "./calendar/Deadline"
/** The bus port: publish/subscribe of integration events with durable, at-least-once consumers. */
export * as Bus from "./events/Bus"
/** Command handlers: load a stream, decide, append with the version read; idempotent by command id. */
export * as CommandHandler from "./events/CommandHandler"
/** Deciders: `decide(command, state)`, `evolve(state, event)`, `initialState`; pure. */
export * as Decider from "./events/Decider"
/** Event codecs: typed events to versioned JSON and back, with upcasters. */
export * as EventCodec from "./events/EventCodec"
/** The event store port: streams with optimistic concurrency, idempotent appends, global order, subscriptions. */
export * as EventStore from "./events/EventStore"
/** The bus in one process, for demos, tests and embedding. */
export * as InMemoryBus from "./events/InMemoryBus"
/** The event store in memory, for demos, tests and embedding. */
export * as InMemoryEventStore from "./events/InMemoryEventStore"
/** A node of the jurisdiction tree (county, township, village, grid …) and its codes. */
export * as Jurisdiction from "./jurisdiction/Jurisdiction"
/** The jurisdiction tree of a locality: checked and indexed, tiers named by the locality. */
export * as JurisdictionTree from "./jurisdiction/JurisdictionTree"
/** RFC 8785 canonical JSON: one exact text per value, for hashes and signatures. */
export * as CanonicalJson from "./ledger/CanonicalJson"
/** Signed (Ed25519) checkpoints of the responsibility ledger for outside witnesses. */
export * as Checkpoint from "./ledger/Checkpoint"
/** The responsibility ledger's hash chain: linking records and verifying them against a head. */
export * as Ledger from "./ledger/Ledger"
/** What the responsibility ledger records: changes of holder and obligation outcomes, no personal data. */
export * as LedgerEntry from "./ledger/LedgerEntry"
/** RFC 9162 Merkle tree over the ledger's entry hashes: roots and inclusion proofs. */
export * as LedgerMerkleTree from "./ledger/LedgerMerkleTree"
/** The storage port of the responsibility ledger, and its in-memory layer. */
export * as LedgerStore from "./ledger/LedgerStore"
/** The locality model: the schemas of the model file's sections and the loaded `LocalityModel`. */
export * as LocalityModel from "./locality/LocalityModel"
/** Errors of locality model files: every problem with file, line, column, path and rule. */
export * as LocalityModelError from "./locality/LocalityModelError"
/** Loads locality model files (and the files they refer to) through `FileSystem` and `Path`. */
export * as ModelLoader from "./locality/ModelLoader"
/** The pure locality model parser: text in, a checked model or every problem out. */
export * as ModelParser from "./locality/ModelParser"
/** A readable plain-text summary of a loaded locality model. */
export * as ModelSummary from "./locality/ModelSummary"
/** Module manifests: a module's settings schema with defaults, its permissions and checks. */
export * as ModuleManifest from "./locality/ModuleManifest"
/** The set of module manifests a loader knows (`core` holds `responsibility`). */
export * as ModuleRegistry from "./locality/ModuleRegistry"
/** The `responsibility` module: a locality's deadlines and escalation rules. */
export * as ResponsibilityModule from "./locality/ResponsibilityModule"
/** Schema issues as flat problems `{ path, rule, message }`, one per failed leaf. */
export * as SchemaProblems from "./locality/SchemaProblems"
/** Parsed YAML or JSON that remembers the line and column of every value. */
export * as SourceDocument from "./locality/SourceDocument"
/** The inbox port: idempotent consumption of at-least-once messages. */
export * as Inbox from "./messaging/Inbox"
/** The inbox in memory, for demos, tests and embedding. */
export * as InMemoryInbox from "./messaging/InMemoryInbox"
/** The outbox in memory, with the in-memory event store that fills it. */
export * as InMemoryOutbox from "./messaging/InMemoryOutbox"
/** The outbox port: the messages a store owes the bus, written in the append's transaction. */
export * as Outbox from "./messaging/Outbox"
/** The outbox relayed onto whichever `Bus` is provided: marked sent after the bus accepted it, backoff, graceful stop. */
export * as OutboxBusRelay from "./messaging/OutboxBusRelay"
/** The loop every outbox relay runs: read a page, publish it, mark what was accepted; backoff, graceful stop. */
export * as OutboxRelayLoop from "./messaging/OutboxRelayLoop"
/** Actors: people holding roles in units ("one staff, several roles"). */
export * as Actor from "./organization/Actor"
/** The organization of a locality: units, roles and actors; "may X do A in J". */
export * as Organization from "./organization/Organization"
/** Permissions: `<module>.<action>` strings, wildcards, catalogs declared by modules. */
export * as Permission from "./organization/Permission"
/** Roles: named bundles of permissions held by actors in units. */
export * as Role from "./organization/Role"
/** Organizational units attached to jurisdictions. */
export * as Unit from "./organization/Unit"
/** Geographic points in WGS 84, longitude first. */
export * as GeoPoint from "./primitives/GeoPoint"
/** Branded, time-ordered UUIDv7 ids and the codes people choose. */
export * as Ids from "./primitives/Ids"
/** Instants: epoch milliseconds inside the domain, ISO 8601 with an offset at the boundaries. */
export * as Instant from "./primitives/Instant"
/** Backward tracing of responsibility (责任倒查) of a matter, and a unit's record over a period. */
export * as AccountabilityReport from "./responsibility/AccountabilityReport"
/** Evaluation of escalation rules against the facts of a matter, with explanations. */
export * as Escalation from "./responsibility/Escalation"
/** The escalation decision table of a locality model: triggers, actions, hit policy. */
export * as EscalationRule from "./responsibility/EscalationRule"
/** The decider of one matter's responsibility stream (holders, obligations, escalations). */
export * as MatterDecider from "./responsibility/MatterDecider"
/** The state the escalation engine keeps of one matter, as a Schema. */
export * as MatterState from "./responsibility/MatterState"
/** Obligations: who owes what on which subject by when, under which rule; the obligation decider. */
export * as Obligation from "./responsibility/Obligation"
/** Maps domain events to the obligation commands they cause, from a model's deadlines. */
export * as ObligationPolicy from "./responsibility/ObligationPolicy"
/** Obligation rules: the deadlines a policy sets, each citing its law and article. */
export * as ObligationRule from "./responsibility/ObligationRule"
/** Policy overlays: a draft of deadlines and escalation rules applied on top of a model. */
export * as PolicyOverlay from "./responsibility/PolicyOverlay"
/** The records of responsibility for a matter: holder changes, escalations, hand-back attempts. */
export * as ResponsibilityRecord from "./responsibility/ResponsibilityRecord"
/** Simulation: given a model and a history, what fires when. */
export * as Simulation from "./responsibility/Simulation"
/** The events file format of simulations (JSON or NDJSON), decoded with every problem named. */
export * as SimulationEvent from "./responsibility/SimulationEvent"
/** Timelines of a simulation, as text or JSON, in the locality's time. */
export * as Timeline from "./responsibility/Timeline"
/** The deadline scheduler port: one timer per obligation state, fired exactly once. */
export * as DeadlineScheduler from "./scheduler/DeadlineScheduler"
/** The fiber that turns due timers into work, at least once per state, by the `Clock`. */
export * as DeadlineSchedulerDriver from "./scheduler/DeadlineSchedulerDriver"
/** The former name of the in-memory timer index (deprecated alias of `DeadlineSchedulerWheel`). */
/** The calendar queue of timers behind the in-memory scheduler. */
export * as DeadlineSchedulerWheel from "./scheduler/DeadlineSchedulerWheel"
/** The deadline scheduler in memory, with snapshots to simulate restarts. */
export * as InMemoryDeadlineScheduler from "./scheduler/InMemoryDeadlineScheduler"
