/**
 * Reads units from GeoJSON: polygons (blocks, buildings, plots) or points (households,
 * buildings) that become Voronoi cells clipped to their community's polygon.
 *
 * Every feature is checked on its own; a bad one is reported by index and id as a
 * {@link Units.UnitIssue} and the run goes on with the rest:
 * - `error` (unit left out): not a Feature, no id, duplicate id, missing / non-numeric /
 *   negative weight, no community, null or unsupported geometry, a polygon with fewer
 *   than three distinct positions or zero area, a point outside every community polygon;
 * - `warning` (unit kept): ring not closed (closed for you), self-intersecting ring
 *   (kept as given so its people stay counted), a hole that collapsed (dropped), a tiny
 *   ring merged away by snapping.
 *
 * Only a document that is not a FeatureCollection, invalid options, or point units
 * without community polygons stop the read ({@link UnitsInputError}).
 *
 * @example
 * ```ts
 * import { UnitsReader, Partition } from "@gridwork/grid"
 * const { units, issues } = UnitsReader.readUnits(geojson, {
 *   idProperty: "GEOID10", weightProperty: "TOTPOP", communityProperty: "WARD"
 * })
 * const result = Partition.partition(units, { min: 750, max: 1250 })
 * ```
 * @module
 */
import { Effect, FileSystem, Result, Schema } from "effect"
import * as GeoJson from "../geojson/GeoJson"
import * as Projection from "../geometry/Projection"
import * as Ring from "../geometry/Ring"
import * as Topology from "../geometry/Topology"
import * as Voronoi from "../geometry/Voronoi"
import { type IssueCode, type Severity, UnitIssue, type UnitSet } from "../units/Units"

/** How to read the units. Property names refer to each feature's `properties`. */
export const ReadUnitsOptions = Schema.Struct({
  /** Property holding the unit id; default: the feature's `id` member. */
  idProperty: Schema.optionalKey(Schema.NonEmptyString),
  /**
   * Without `idProperty`, give a feature that has no `id` member its 0-based position in
   * the collection as id (`"0"`, `"1"`, ...) instead of leaving it out with a `missing-id`
   * error. Positions are stable only while the file keeps its order: re-partitions want a
   * real id. Default `false`.
   */
  positionIds: Schema.optionalKey(Schema.Boolean),
  /** Property holding the weight (households, persons); default: every feature weighs 1. */
  weightProperty: Schema.optionalKey(Schema.NonEmptyString),
  /**
   * Property holding the community id. Default: located in the community polygons
   * (`communities`) by position, or one community `"all"` when none are given.
   */
  communityProperty: Schema.optionalKey(Schema.NonEmptyString),
  /**
   * Community polygons (a GeoJSON FeatureCollection of Polygon/MultiPolygon). Required
   * for point units, which become Voronoi cells clipped to them.
   */
  communities: Schema.optionalKey(Schema.Unknown),
  /** Property of the community polygons holding their id; default `communityProperty`, then the feature `id`. */
  communityIdProperty: Schema.optionalKey(Schema.NonEmptyString),
  /** Vertices closer than this (metres) are merged. Default 0.01. */
  snapTolerance: Schema.optionalKey(Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))),
  /** Nearly parallel edges of two units closer than this (metres) make them adjacent. Default 0.5. */
  nearTolerance: Schema.optionalKey(Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)))
})
/** @see {@link ReadUnitsOptions} */
export type ReadUnitsOptions = typeof ReadUnitsOptions.Type

/** The document could not be read at all. */
export class UnitsInputError extends Schema.TaggedError<UnitsInputError>()("UnitsInputError", {
  /** The file, when reading from disk. */
  file: Schema.optionalKey(Schema.String),
  message: Schema.String
}) {}

/** Units read, with every finding about the input. */
export interface ReadUnitsResult {
  readonly units: UnitSet
  readonly issues: ReadonlyArray<UnitIssue>
}

/** Progress of a long read: `phase` and a fraction in `[0, 1]`. */
export type ReadProgress = (phase: "read" | "voronoi" | "topology", fraction: number) => void

interface Candidate {
  readonly featureIndex: number
  readonly id: string
  readonly weight: number
  /** Community id from the property, when one was given. */
  readonly community: string | undefined
  readonly geometry: GeoJson.Geometry
}

interface CommunityPolygon {
  readonly id: string
  /** Projected polygons (open rings). */
  readonly shape: Voronoi.Shape
  readonly bbox: readonly [number, number, number, number]
}

const decodeFeatureSchema = Schema.decodeUnknownResult(GeoJson.Feature)

const isPosition = (p: unknown): boolean =>
  Array.isArray(p) &&
  (p.length === 2 || p.length === 3) &&
  typeof p[0] === "number" &&
  Number.isFinite(p[0]) &&
  typeof p[1] === "number" &&
  Number.isFinite(p[1]) &&
  (p.length === 2 || (typeof p[2] === "number" && Number.isFinite(p[2])))

const isRings = (rings: unknown): boolean => {
  if (!Array.isArray(rings) || rings.length === 0) return false
  for (const ring of rings) {
    if (!Array.isArray(ring) || ring.length < 4) return false
    for (const p of ring) if (!isPosition(p)) return false
  }
  return true
}

/**
 * A quick structural test that accepts only values {@link GeoJson.Feature} also
 * accepts (the schema stays the rule and writes the message when this says no):
 * schema decoding of large coordinate arrays costs ~50 µs per feature, this ~1 µs.
 */
const isPlainFeature = (value: unknown): value is GeoJson.Feature => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false
  const f = value as { type?: unknown; id?: unknown; geometry?: unknown; properties?: unknown }
  if (f.type !== "Feature") return false
  if (f.id !== undefined && typeof f.id !== "string" && !(typeof f.id === "number" && Number.isFinite(f.id)))
    return false
  if (f.properties !== null && (typeof f.properties !== "object" || Array.isArray(f.properties))) return false
  const g = f.geometry
  if (g === null) return true
  if (typeof g !== "object" || g === undefined || Array.isArray(g)) return false
  const geometry = g as { type?: unknown; coordinates?: unknown }
  switch (geometry.type) {
    case "Point":
      return isPosition(geometry.coordinates)
    case "Polygon":
      return isRings(geometry.coordinates)
    case "MultiPolygon":
      return Array.isArray(geometry.coordinates) && geometry.coordinates.every(isRings)
    default:
      return false
  }
}

const decodeFeature = (value: unknown): Result.Result<GeoJson.Feature, Schema.SchemaError> =>
  isPlainFeature(value) ? Result.succeed(value) : decodeFeatureSchema(value)
const decodeCollection = Schema.decodeUnknownResult(GeoJson.LooseFeatureCollection)
const decodeOptions = Schema.decodeUnknownResult(ReadUnitsOptions)

const describe = (value: unknown): string => {
  if (value === undefined) return "nothing"
  if (value === null) return "null"
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  if (typeof value === "number") return `${value}`
  return `a ${Array.isArray(value) ? "list" : typeof value}`
}

const idOf = (value: unknown): string | undefined => {
  if (typeof value === "string" && value.length > 0) return value
  if (typeof value === "number" && Number.isFinite(value)) return String(value)
  return undefined
}

/** Interior point of an open ring (projected): the centroid if inside, else the middle of the widest horizontal chord. */
const interiorPoint = (ring: Float64Array): readonly [number, number] => {
  const n = ring.length >> 1
  let a = 0
  let sx = 0
  let sy = 0
  const ox = ring[0]!
  const oy = ring[1]!
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const x0 = ring[2 * j]! - ox
    const y0 = ring[2 * j + 1]! - oy
    const x1 = ring[2 * i]! - ox
    const y1 = ring[2 * i + 1]! - oy
    const c = x0 * y1 - x1 * y0
    a += c
    sx += (x0 + x1) * c
    sy += (y0 + y1) * c
  }
  const cx = a === 0 ? ox : sx / (3 * a) + ox
  const cy = a === 0 ? oy : sy / (3 * a) + oy
  if (Ring.containsPoint(ring, cx, cy)) return [cx, cy]
  const xs: Array<number> = []
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const yi = ring[2 * i + 1]!
    const yj = ring[2 * j + 1]!
    if (yi > cy !== yj > cy) {
      const xi = ring[2 * i]!
      const xj = ring[2 * j]!
      xs.push(xi + ((cy - yi) * (xj - xi)) / (yj - yi))
    }
  }
  xs.sort((p, q) => p - q)
  let best: readonly [number, number] = [ring[0]!, ring[1]!]
  let width = -1
  for (let k = 0; k + 1 < xs.length; k += 2) {
    if (xs[k + 1]! - xs[k]! > width) {
      width = xs[k + 1]! - xs[k]!
      best = [(xs[k]! + xs[k + 1]!) / 2, cy]
    }
  }
  return best
}

/**
 * Reads units from a GeoJSON FeatureCollection (already parsed JSON).
 * @throws {@link UnitsInputError} when the document or the options cannot be used at all.
 */
export const readUnits = (
  document: unknown,
  options: ReadUnitsOptions = {},
  onProgress?: ReadProgress
): ReadUnitsResult => {
  const decodedOptions = decodeOptions(options)
  if (Result.isFailure(decodedOptions)) {
    throw new UnitsInputError({ message: `invalid read options: ${decodedOptions.failure.message}` })
  }
  const opts = decodedOptions.success
  const collection = decodeCollection(document)
  if (Result.isFailure(collection)) {
    throw new UnitsInputError({ message: `units: not a GeoJSON FeatureCollection: ${collection.failure.message}` })
  }
  const issues: Array<UnitIssue> = []
  const report = (
    code: IssueCode,
    severity: Severity,
    featureIndex: number,
    unitId: string | undefined,
    message: string,
    source: "units" | "communities" = "units"
  ) => {
    issues.push(
      new UnitIssue({
        code,
        severity,
        featureIndex,
        ...(unitId === undefined ? {} : { unitId }),
        source,
        message
      })
    )
  }

  // 1. Properties of every feature.
  const candidates: Array<Candidate> = []
  const seen = new Set<string>()
  let kind: "polygon" | "point" | undefined
  const features = collection.success.features
  for (let i = 0; i < features.length; i++) {
    const decoded = decodeFeature(features[i])
    if (Result.isFailure(decoded)) {
      report(
        "invalid-feature",
        "error",
        i,
        undefined,
        `feature ${i} is not a valid GeoJSON Feature: ${decoded.failure.message}`
      )
      continue
    }
    const feature = decoded.success
    const props = feature.properties ?? {}
    const rawId =
      opts.idProperty !== undefined
        ? props[opts.idProperty]
        : feature.id === undefined && opts.positionIds === true
          ? String(i)
          : feature.id
    const id = idOf(rawId)
    if (id === undefined) {
      report(
        "missing-id",
        "error",
        i,
        undefined,
        opts.idProperty === undefined
          ? `feature ${i} has no "id" member (or use an id property)`
          : `feature ${i}: property "${opts.idProperty}" must be a non-empty string or a number, got ${describe(rawId)}`
      )
      continue
    }
    if (seen.has(id)) {
      report("duplicate-id", "error", i, id, `feature ${i}: unit id "${id}" was already used by an earlier feature`)
      continue
    }
    let weight = 1
    if (opts.weightProperty !== undefined) {
      const raw = props[opts.weightProperty]
      if (raw === undefined || raw === null) {
        report("missing-weight", "error", i, id, `unit "${id}": property "${opts.weightProperty}" (weight) is missing`)
        continue
      }
      if (typeof raw !== "number" || !Number.isFinite(raw) || raw < 0) {
        report(
          "invalid-weight",
          "error",
          i,
          id,
          `unit "${id}": property "${opts.weightProperty}" (weight) must be a finite number ≥ 0, got ${describe(raw)}`
        )
        continue
      }
      weight = raw
    }
    let community: string | undefined
    if (opts.communityProperty !== undefined) {
      const raw = props[opts.communityProperty]
      community = idOf(raw)
      if (community === undefined) {
        report(
          "missing-community",
          "error",
          i,
          id,
          `unit "${id}": property "${opts.communityProperty}" (community) must be a non-empty string or a number, got ${describe(raw)}`
        )
        continue
      }
    }
    if (feature.geometry === null) {
      report("null-geometry", "error", i, id, `unit "${id}" has no geometry`)
      continue
    }
    const geometryKind = feature.geometry.type === "Point" ? "point" : "polygon"
    kind ??= geometryKind
    if (geometryKind !== kind) {
      report(
        "unsupported-geometry",
        "error",
        i,
        id,
        `unit "${id}" is a ${feature.geometry.type} but this file's units are ${kind === "point" ? "points" : "polygons"} (decided by the first unit)`
      )
      continue
    }
    seen.add(id)
    candidates.push({ featureIndex: i, id, weight, community, geometry: feature.geometry })
  }
  onProgress?.("read", 0.3)

  // 2. Projection centred on everything that was read.
  let minLon = Number.POSITIVE_INFINITY
  let minLat = Number.POSITIVE_INFINITY
  let maxLon = Number.NEGATIVE_INFINITY
  let maxLat = Number.NEGATIVE_INFINITY
  const extend = (p: GeoJson.Position) => {
    if (p[0] < minLon) minLon = p[0]
    if (p[0] > maxLon) maxLon = p[0]
    if (p[1] < minLat) minLat = p[1]
    if (p[1] > maxLat) maxLat = p[1]
  }
  const extendGeometry = (g: GeoJson.Geometry) => {
    if (g.type === "Point") extend(g.coordinates)
    else if (g.type === "Polygon") for (const r of g.coordinates) for (const p of r) extend(p)
    else for (const poly of g.coordinates) for (const r of poly) for (const p of r) extend(p)
  }
  for (const c of candidates) extendGeometry(c.geometry)

  // Community polygons, when given.
  const communityFeatures: Array<{ index: number; id: string; geometry: GeoJson.Polygon | GeoJson.MultiPolygon }> = []
  if (opts.communities !== undefined) {
    const decoded = decodeCollection(opts.communities)
    if (Result.isFailure(decoded)) {
      throw new UnitsInputError({ message: `communities: not a GeoJSON FeatureCollection: ${decoded.failure.message}` })
    }
    const idProperty = opts.communityIdProperty ?? opts.communityProperty
    const communityIds = new Set<string>()
    decoded.success.features.forEach((raw, i) => {
      const f = decodeFeature(raw)
      if (Result.isFailure(f)) {
        report(
          "invalid-feature",
          "error",
          i,
          undefined,
          `community ${i} is not a valid Feature: ${f.failure.message}`,
          "communities"
        )
        return
      }
      const rawId = idProperty === undefined ? f.success.id : f.success.properties?.[idProperty]
      const id = idOf(rawId)
      if (id === undefined) {
        report(
          "missing-id",
          "error",
          i,
          undefined,
          `community ${i}: ${idProperty === undefined ? 'no "id" member' : `property "${idProperty}" is ${describe(rawId)}`}`,
          "communities"
        )
        return
      }
      if (communityIds.has(id)) {
        report(
          "duplicate-id",
          "error",
          i,
          id,
          `community "${id}" appears twice; the second polygon is ignored`,
          "communities"
        )
        return
      }
      const g = f.success.geometry
      if (g === null || g.type === "Point") {
        report(
          "unsupported-geometry",
          "error",
          i,
          id,
          `community "${id}" must be a Polygon or MultiPolygon`,
          "communities"
        )
        return
      }
      communityIds.add(id)
      communityFeatures.push({ index: i, id, geometry: g })
      extendGeometry(g)
    })
  }
  if (kind === "point" && opts.communities === undefined) {
    throw new UnitsInputError({
      message: "point units need community polygons (option communities) to build their Voronoi cells"
    })
  }
  const projection =
    Number.isFinite(minLon) && Number.isFinite(minLat)
      ? Projection.centredOn([minLon, minLat, maxLon, maxLat])
      : Projection.make(0, 0)

  // Rings: open, projected, validated.
  type Rings = { xy: Float64Array; lonLat: Float64Array }
  /** Features with a self-intersecting ring (their signed area means little). */
  const crossed = new Set<string>()
  const projectRing = (
    ring: ReadonlyArray<GeoJson.Position>,
    unitId: string,
    featureIndex: number,
    source: "units" | "communities",
    isHole: boolean
  ): Rings | undefined => {
    const first = ring[0]!
    const last = ring[ring.length - 1]!
    const closed = first[0] === last[0] && first[1] === last[1]
    if (!closed) {
      report(
        "ring-not-closed",
        "warning",
        featureIndex,
        unitId,
        `${source === "units" ? "unit" : "community"} "${unitId}": a ring does not end where it starts; it was closed`,
        source
      )
    }
    const count = closed ? ring.length - 1 : ring.length
    const xy = new Float64Array(2 * count)
    const lonLat = new Float64Array(2 * count)
    let distinct = 0
    for (let k = 0; k < count; k++) {
      const p = ring[k]!
      lonLat[2 * k] = p[0]
      lonLat[2 * k + 1] = p[1]
      projection.forwardInto(p[0], p[1], xy, 2 * k)
      if (k === 0 || p[0] !== ring[k - 1]![0] || p[1] !== ring[k - 1]![1]) distinct++
    }
    if (distinct < 3) {
      report(
        "ring-too-short",
        isHole ? "warning" : "error",
        featureIndex,
        unitId,
        `${source === "units" ? "unit" : "community"} "${unitId}": a ${isHole ? "hole" : "polygon"} has fewer than 3 distinct positions${isHole ? " and was dropped" : ""}`,
        source
      )
      return undefined
    }
    const crossing = Ring.findSelfIntersection(xy)
    if (crossing !== undefined) {
      crossed.add(`${source}:${featureIndex}`)
      const at = projection.inverse(crossing[0], crossing[1])
      report(
        "self-intersection",
        "warning",
        featureIndex,
        unitId,
        `${source === "units" ? "unit" : "community"} "${unitId}": a ring crosses itself near (${at[0].toFixed(6)}, ${at[1].toFixed(6)}); kept as given, its area and shape scores may be off`,
        source
      )
    }
    return { xy, lonLat }
  }
  const projectPolygons = (
    g: GeoJson.Polygon | GeoJson.MultiPolygon,
    unitId: string,
    featureIndex: number,
    source: "units" | "communities"
  ): Array<Array<Rings>> => {
    const polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates
    const out: Array<Array<Rings>> = []
    for (const polygon of polygons) {
      const shell = projectRing(polygon[0]!, unitId, featureIndex, source, false)
      if (shell === undefined) continue
      const rings = [shell]
      for (let k = 1; k < polygon.length; k++) {
        const hole = projectRing(polygon[k]!, unitId, featureIndex, source, true)
        if (hole !== undefined) rings.push(hole)
      }
      out.push(rings)
    }
    return out
  }

  const communities: Array<CommunityPolygon> = []
  for (const c of communityFeatures) {
    const polygons = projectPolygons(c.geometry, c.id, c.index, "communities")
    if (polygons.length === 0) {
      report(
        "invalid-community-polygon",
        "error",
        c.index,
        c.id,
        `community "${c.id}" has no usable polygon`,
        "communities"
      )
      continue
    }
    const shape: Voronoi.Shape = { polygons: polygons.map((p) => p.map((r) => r.xy)) }
    let b: [number, number, number, number] = [
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY
    ]
    for (const p of polygons) {
      const [x0, y0, x1, y1] = Ring.bbox(p[0]!.xy)
      b = [Math.min(b[0], x0), Math.min(b[1], y0), Math.max(b[2], x1), Math.max(b[3], y1)]
    }
    communities.push({ id: c.id, shape, bbox: b })
  }
  const communityById = new Map(communities.map((c) => [c.id, c]))
  const locate = (x: number, y: number): CommunityPolygon | undefined => {
    for (const c of communities) {
      if (x < c.bbox[0] || x > c.bbox[2] || y < c.bbox[1] || y > c.bbox[3]) continue
      if (Voronoi.shapeContains(c.shape, x, y)) return c
    }
    return undefined
  }
  onProgress?.("read", 0.5)

  // 3. Units' geometry.
  const ids: Array<string> = []
  const members: Array<Array<string>> = []
  const weights: Array<number> = []
  const communityOf: Array<string> = []
  const geometries: Array<Topology.UnitGeometryInput> = []
  const featureIndexOf: Array<number> = []
  let grouped = false

  if (kind === "point") {
    const byCommunity = new Map<string, Array<{ c: Candidate; x: number; y: number }>>()
    const xy = new Float64Array(2)
    for (const c of candidates) {
      const g = c.geometry as GeoJson.Point
      projection.forwardInto(g.coordinates[0], g.coordinates[1], xy, 0)
      const x = xy[0]!
      const y = xy[1]!
      let community: CommunityPolygon | undefined
      if (c.community !== undefined) {
        community = communityById.get(c.community)
        if (community === undefined) {
          report(
            "unknown-community",
            "error",
            c.featureIndex,
            c.id,
            `unit "${c.id}": community "${c.community}" has no polygon in the communities file`
          )
          continue
        }
        if (!Voronoi.shapeContains(community.shape, x, y)) {
          report(
            "outside-community",
            "error",
            c.featureIndex,
            c.id,
            `unit "${c.id}" at (${g.coordinates[0]}, ${g.coordinates[1]}) lies outside the polygon of its community "${c.community}"`
          )
          continue
        }
      } else {
        community = locate(x, y)
        if (community === undefined) {
          report(
            "outside-community",
            "error",
            c.featureIndex,
            c.id,
            `unit "${c.id}" at (${g.coordinates[0]}, ${g.coordinates[1]}) lies outside every community polygon`
          )
          continue
        }
      }
      const list = byCommunity.get(community.id)
      if (list === undefined) byCommunity.set(community.id, [{ c, x, y }])
      else list.push({ c, x, y })
    }
    let done = 0
    for (const community of communities) {
      const list = byCommunity.get(community.id)
      if (list === undefined) continue
      // Points at one position (households of one building) become one unit.
      const groups = new Map<string, Array<{ c: Candidate; x: number; y: number }>>()
      for (const item of list) {
        const g = item.c.geometry as GeoJson.Point
        const key = `${g.coordinates[0]},${g.coordinates[1]}`
        const group = groups.get(key)
        if (group === undefined) groups.set(key, [item])
        else group.push(item)
      }
      const keys = Array.from(groups.keys())
      const xs = new Float64Array(keys.length)
      const ys = new Float64Array(keys.length)
      keys.forEach((key, k) => {
        const head = groups.get(key)![0]!
        xs[k] = head.x
        ys[k] = head.y
      })
      const cells = Voronoi.clippedCells(xs, ys, community.shape)
      keys.forEach((key, k) => {
        const group = groups.get(key)!
        const head = group[0]!
        const cell = cells[k]!
        if (cell.length === 0) {
          report(
            "empty-cell",
            "error",
            head.c.featureIndex,
            head.c.id,
            `unit "${head.c.id}": its Voronoi cell has no area inside community "${community.id}"`
          )
          return
        }
        if (group.length > 1) grouped = true
        ids.push(head.c.id)
        featureIndexOf.push(head.c.featureIndex)
        members.push(group.map((item) => item.c.id))
        weights.push(group.reduce((sum, item) => sum + item.c.weight, 0))
        communityOf.push(community.id)
        geometries.push({
          polygons: cell.map((polygon) =>
            polygon.map((ring) => {
              const lonLat = new Float64Array(ring.length)
              for (let v = 0; v < ring.length; v += 2) {
                const [lo, la] = projection.inverse(ring[v]!, ring[v + 1]!)
                lonLat[v] = lo
                lonLat[v + 1] = la
              }
              return { xy: ring, lonLat }
            })
          )
        })
      })
      done++
      onProgress?.("voronoi", done / Math.max(1, byCommunity.size))
    }
  } else {
    for (const c of candidates) {
      const polygons = projectPolygons(
        c.geometry as GeoJson.Polygon | GeoJson.MultiPolygon,
        c.id,
        c.featureIndex,
        "units"
      )
      if (polygons.length === 0) continue
      let area = 0
      let length = 0
      let largest = polygons[0]!
      let largestArea = Number.NEGATIVE_INFINITY
      for (const p of polygons) {
        const shellArea = Math.abs(Ring.signedArea(p[0]!.xy))
        area += shellArea
        length += Ring.perimeter(p[0]!.xy)
        for (let k = 1; k < p.length; k++) area -= Math.abs(Ring.signedArea(p[k]!.xy))
        if (shellArea > largestArea) {
          largestArea = shellArea
          largest = p
        }
      }
      // Degenerate: no area, or so little for its outline that it is a line (collinear positions).
      if (!(area > 1e-7 * length * length) && !crossed.has(`units:${c.featureIndex}`)) {
        report(
          "zero-area",
          "error",
          c.featureIndex,
          c.id,
          `unit "${c.id}" has no area (its positions are collinear or repeated)`
        )
        continue
      }
      let community = c.community
      if (community === undefined) {
        if (communities.length > 0) {
          const [x, y] = interiorPoint(largest[0]!.xy)
          const found = locate(x, y)
          if (found === undefined) {
            report(
              "outside-community",
              "error",
              c.featureIndex,
              c.id,
              `unit "${c.id}" lies outside every community polygon`
            )
            continue
          }
          community = found.id
        } else community = "all"
      }
      ids.push(c.id)
      featureIndexOf.push(c.featureIndex)
      members.push([c.id])
      weights.push(c.weight)
      communityOf.push(community)
      geometries.push({ polygons })
    }
  }
  onProgress?.("read", 1)

  const built = Topology.build(
    geometries,
    {
      snapTolerance: opts.snapTolerance ?? Topology.defaultOptions.snapTolerance,
      nearTolerance: opts.nearTolerance ?? Topology.defaultOptions.nearTolerance
    },
    (fraction) => onProgress?.("topology", fraction)
  )
  for (const w of built.warnings) {
    report("geometry-repaired", "warning", featureIndexOf[w.unit]!, ids[w.unit], `unit "${ids[w.unit]}": ${w.message}`)
  }
  const communityIndex = new Map<string, number>()
  const communityList: Array<string> = []
  const community = new Int32Array(ids.length)
  communityOf.forEach((c, u) => {
    let index = communityIndex.get(c)
    if (index === undefined) {
      index = communityList.length
      communityIndex.set(c, index)
      communityList.push(c)
    }
    community[u] = index
  })
  // Warnings found per ring are attached to feature indexes; order issues by feature.
  issues.sort((p, q) => (p.source === q.source ? 0 : p.source === "units" ? -1 : 1) || p.featureIndex - q.featureIndex)
  return {
    units: {
      size: ids.length,
      kind: kind ?? "polygon",
      ids,
      members: grouped ? members : undefined,
      weights: Float64Array.from(weights),
      community,
      communities: communityList,
      topology: built.topology,
      projection
    },
    issues
  }
}

/** {@link readUnits} as an Effect, failing with {@link UnitsInputError}. */
export const readUnitsEffect = (
  document: unknown,
  options: ReadUnitsOptions = {},
  onProgress?: ReadProgress
): Effect.Effect<ReadUnitsResult, UnitsInputError> =>
  Effect.try({
    try: () => readUnits(document, options, onProgress),
    catch: (error) =>
      error instanceof UnitsInputError
        ? error
        : new UnitsInputError({ message: `could not read units: ${String(error)}` })
  })

const readJson = Effect.fnUntraced(function* (path: string) {
  const fs = yield* FileSystem.FileSystem
  const text = yield* fs
    .readFileString(path)
    .pipe(
      Effect.mapError((error) => new UnitsInputError({ file: path, message: `cannot read ${path}: ${error.message}` }))
    )
  return yield* Effect.try({
    try: (): unknown => JSON.parse(text),
    catch: (error) =>
      new UnitsInputError({
        file: path,
        message: `${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`
      })
  })
})

/**
 * Reads units from a GeoJSON file (and community polygons from `communitiesPath` when
 * given) through the `FileSystem` service.
 */
export const readUnitsFile = Effect.fn("UnitsReader.readUnitsFile")(function* (
  path: string,
  options: Omit<ReadUnitsOptions, "communities"> & { readonly communitiesPath?: string } = {},
  onProgress?: ReadProgress
) {
  const document = yield* readJson(path)
  const { communitiesPath, ...rest } = options
  const communities = communitiesPath === undefined ? undefined : yield* readJson(communitiesPath)
  return yield* readUnitsEffect(document, communities === undefined ? rest : { ...rest, communities }, onProgress).pipe(
    Effect.mapError((error) =>
      error.file === undefined ? new UnitsInputError({ file: path, message: error.message }) : error
    )
  )
})
