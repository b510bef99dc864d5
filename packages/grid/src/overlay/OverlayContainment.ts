/**
 * Area-based containment: how much of a polygon lies inside the union of others, in
 * square metres on a Lambert azimuthal equal-area projection centred on the polygon.
 *
 * Used by the audit to check that an overlay lies inside its parent grids. Boundaries
 * drawn by hand never match exactly, so containment is judged with a tolerance: the part
 * outside the parents may be at most `tolerance` (a fraction, default 1%) of the overlay.
 * @module
 */
import * as polyclip from "polyclip-ts"
import type * as GeoJson from "../geojson/GeoJson"
import * as Projection from "../geometry/Projection"
import * as Ring from "../geometry/Ring"

/** Polygon or MultiPolygon coordinates. */
export type Polygonal = GeoJson.Polygon | GeoJson.MultiPolygon

/** How much of a polygon lies inside others. */
export interface ContainmentResult {
  /** Area of the polygon, m². */
  readonly area: number
  /** Area of its part inside the union of the others, m². */
  readonly insideArea: number
  /** `area - insideArea`, m² (never negative). */
  readonly outsideArea: number
  /** `insideArea / area` (1 for an empty polygon). */
  readonly insideFraction: number
}

const toClip = (geometry: Polygonal): polyclip.Geom =>
  (geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates).map((polygon) =>
    polygon.map((ring) => ring.map((p): [number, number] => [p[0], p[1]]))
  )

const bboxOf = (polygons: ReadonlyArray<ReadonlyArray<ReadonlyArray<GeoJson.Position>>>) => {
  let minX = Number.POSITIVE_INFINITY
  let minY = Number.POSITIVE_INFINITY
  let maxX = Number.NEGATIVE_INFINITY
  let maxY = Number.NEGATIVE_INFINITY
  for (const polygon of polygons)
    for (const ring of polygon)
      for (const p of ring) {
        if (p[0] < minX) minX = p[0]
        if (p[0] > maxX) maxX = p[0]
        if (p[1] < minY) minY = p[1]
        if (p[1] > maxY) maxY = p[1]
      }
  return [minX, minY, maxX, maxY] as const
}

const ringArea = (ring: ReadonlyArray<GeoJson.Position>, projection: Projection.Projection): number => {
  const closed =
    ring.length > 1 && ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1]
  const n = closed ? ring.length - 1 : ring.length
  const xy = new Float64Array(2 * n)
  for (let i = 0; i < n; i++) projection.forwardInto(ring[i]![0], ring[i]![1], xy, 2 * i)
  return Math.abs(Ring.signedArea(xy))
}

const multiArea = (
  polygons: ReadonlyArray<ReadonlyArray<ReadonlyArray<GeoJson.Position>>>,
  projection: Projection.Projection
): number => {
  let area = 0
  for (const polygon of polygons) {
    polygon.forEach((ring, r) => {
      area += (r === 0 ? 1 : -1) * ringArea(ring, projection)
    })
  }
  return Math.max(0, area)
}

const polygonsOf = (geometry: Polygonal): ReadonlyArray<ReadonlyArray<ReadonlyArray<GeoJson.Position>>> =>
  geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates

/** Area of a Polygon or MultiPolygon in m² (holes subtracted). */
export const area = (geometry: Polygonal): number => {
  const polygons = polygonsOf(geometry)
  const box = bboxOf(polygons)
  if (!(box[0] <= box[2])) return 0
  return multiArea(polygons, Projection.centredOn(box))
}

/** Area (m²) of the intersection of two polygonal geometries. */
export const intersectionArea = (a: Polygonal, b: Polygonal): number => {
  const box = bboxOf(polygonsOf(a))
  if (!(box[0] <= box[2])) return 0
  return multiArea(polyclip.intersection(toClip(a), toClip(b)), Projection.centredOn(box))
}

/** Measures how much of `geometry` lies inside the union of `containers`. */
export const measure = (geometry: Polygonal, containers: ReadonlyArray<Polygonal>): ContainmentResult => {
  const polygons = polygonsOf(geometry)
  const box = bboxOf(polygons)
  if (!(box[0] <= box[2])) return { area: 0, insideArea: 0, outsideArea: 0, insideFraction: 1 }
  const projection = Projection.centredOn(box)
  const total = multiArea(polygons, projection)
  if (containers.length === 0) {
    return { area: total, insideArea: 0, outsideArea: total, insideFraction: total === 0 ? 1 : 0 }
  }
  const [first, ...rest] = containers.map(toClip)
  const union = rest.length === 0 ? first! : polyclip.union(first!, ...rest)
  const inside = Math.min(total, multiArea(polyclip.intersection(toClip(geometry), union), projection))
  return {
    area: total,
    insideArea: inside,
    outsideArea: Math.max(0, total - inside),
    insideFraction: total === 0 ? 1 : inside / total
  }
}

/** Whether the part outside is at most `tolerance` (a fraction of the area, default 0.01). */
export const isContained = (result: ContainmentResult, tolerance = 0.01): boolean =>
  result.outsideArea <= tolerance * result.area
