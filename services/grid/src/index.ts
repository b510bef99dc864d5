/**
 * `@gridwork/service-grid`: the grid service — upload units, partition them into grids
 * in background jobs with live progress, publish grid versions with stable ids, locate
 * points, keep rosters, check staffing and audit coverage, over HTTP and NATS.
 * `App.make` builds it from layers; `dist/main.js` runs it.
 * @packageDocumentation
 */
export * as App from "./app"
export * as Compute from "./compute/Compute"
export * as ComputePool from "./compute/ComputePool"
export * as ComputeTask from "./compute/ComputeTask"
export * as Config from "./config/Config"
export * as GridModule from "./config/GridModule"
export * as Locality from "./config/Locality"
export * as GridEvents from "./domain/GridEvents"
export * as GridRegistry from "./domain/GridRegistry"
export * as GridRoster from "./domain/GridRoster"
export * as PartitionJob from "./domain/PartitionJob"
export * as UnitSet from "./domain/UnitSet"
export * as Access from "./http/Access"
export * as AuditRoutes from "./http/AuditRoutes"
export * as GridRoutes from "./http/GridRoutes"
export * as JobRoutes from "./http/JobRoutes"
export * as Problems from "./http/Problems"
export * as RosterRoutes from "./http/RosterRoutes"
export * as UnitSetRoutes from "./http/UnitSetRoutes"
export * as VersionRoutes from "./http/VersionRoutes"
export * as Views from "./http/Views"
export * as Transport from "./messaging/Transport"
export * as GridVersions from "./services/GridVersions"
export * as Lifecycle from "./services/Lifecycle"
export * as PartitionJobs from "./services/PartitionJobs"
export * as Rosters from "./services/Rosters"
export * as UnitSets from "./services/UnitSets"
export * as ArtifactStore from "./storage/ArtifactStore"
export * as Storage from "./storage/Storage"
export * as StorageUnavailable from "./storage/StorageUnavailable"
export * as StreamView from "./storage/StreamView"
