/**
 * `@gridwork/core`: the kernel every Gridwork module stands on.
 * @packageDocumentation
 */
export * as BusinessCalendar from "./calendar/BusinessCalendar"
export * as CalendarSpec from "./calendar/CalendarSpec"
export * as CalendarYearNotLoaded from "./calendar/CalendarYearNotLoaded"
export * as CnMainland from "./calendar/CnMainland"
export * as Deadline from "./calendar/Deadline"
export * as GeoPoint from "./primitives/GeoPoint"
export * as Ids from "./primitives/Ids"
export * as Instant from "./primitives/Instant"
export * as Decider from "./events/Decider"
export * as EventStore from "./events/EventStore"
export * as InMemoryEventStore from "./events/InMemoryEventStore"
