/**
 * `@gridwork/grid`: service grids (网格) for a county, from the units on the ground to
 * the staff on duty.
 *
 * - **Read units**: {@link UnitsReader} turns GeoJSON blocks, parcels or household
 *   points (through {@link Voronoi}) into a {@link Units} set with its {@link Topology}.
 * - **Partition**: {@link Partition} cuts each community into contiguous grids whose
 *   weight stays within {@link Bounds}, with readable {@link GridIds}; {@link Repartition}
 *   re-divides while keeping ids stable where the ground did not change (previous grids
 *   from {@link PreviousGridsReader}); {@link Metrics} scores the result;
 *   {@link GridsWriter} and {@link AssignmentsCsv} write it.
 * - **Lookup**: {@link GridsReader} reads a grids file, {@link PointInPolygon} states the
 *   exact boundary rule, {@link LookupIndex} answers point → grid fast and exactly,
 *   {@link LookupService} adds the jurisdiction chain, staff and overlays.
 * - **Overlays**: {@link Overlay} files of special-purpose grids with a lifespan,
 *   {@link OverlayIndex} to find them, {@link OverlayContainment} to check them.
 * - **Staffing**: {@link Roster} and {@link StaffingPolicy}, checked by
 *   {@link StaffingCheck}.
 * - **Audit**: {@link AuditCoverage} runs the completeness checks (with
 *   {@link AuditOverlaps}) into an {@link AuditReport}.
 * - **Geometry**: {@link GeoJson} schemas, {@link Ring} arithmetic, {@link Projection}
 *   to metres, {@link Dissolve} of units into grid outlines; {@link SyntheticUnits} makes
 *   test territories.
 *
 * The `gridwork-grid` command (`partition`, `locate`, `audit`) is built on the same modules.
 * @packageDocumentation
 */
export * as AuditCoverage from "./audit/AuditCoverage"
export * as AuditOverlaps from "./audit/AuditOverlaps"
export * as AuditReport from "./audit/AuditReport"
export * as GeoJson from "./geojson/GeoJson"
export * as Dissolve from "./geometry/Dissolve"
export * as Projection from "./geometry/Projection"
export * as Ring from "./geometry/Ring"
export * as Topology from "./geometry/Topology"
export * as Voronoi from "./geometry/Voronoi"
export * as AssignmentsCsv from "./io/AssignmentsCsv"
export * as GridsReader from "./io/GridsReader"
export * as GridsWriter from "./io/GridsWriter"
export * as PreviousGridsReader from "./io/PreviousGridsReader"
export * as UnitsReader from "./io/UnitsReader"
export * as LookupIndex from "./lookup/LookupIndex"
export * as LookupService from "./lookup/LookupService"
export * as PointInPolygon from "./lookup/PointInPolygon"
export * as Overlay from "./overlay/Overlay"
export * as OverlayContainment from "./overlay/OverlayContainment"
export * as OverlayIndex from "./overlay/OverlayIndex"
export * as Bounds from "./partition/Bounds"
export * as GridIds from "./partition/GridIds"
export * as Metrics from "./partition/Metrics"
export * as Partition from "./partition/Partition"
export * as Repartition from "./partition/Repartition"
export * as Roster from "./staffing/Roster"
export * as StaffingCheck from "./staffing/StaffingCheck"
export * as StaffingPolicy from "./staffing/StaffingPolicy"
export * as SyntheticUnits from "./units/SyntheticUnits"
export * as Units from "./units/Units"
