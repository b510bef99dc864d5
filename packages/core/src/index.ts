/**
 * `@gridwork/core`: the kernel every Gridwork module stands on.
 * @packageDocumentation
 */
export * as CalendarSpec from "./calendar/CalendarSpec"
export * as GeoPoint from "./primitives/GeoPoint"
export * as Ids from "./primitives/Ids"
export * as Instant from "./primitives/Instant"
