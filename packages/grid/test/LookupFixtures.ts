/**
 * Small shapes and features shared by the reader, lookup, overlay, audit and CLI tests.
 * @module
 */
import type { PointInPolygon } from "../src"

/** A closed ring. */
export type Ring = Array<[number, number]>

/** The closed ring of the rectangle `[x0, x1] × [y0, y1]`, counter-clockwise. */
export const rectRing = (x0: number, y0: number, x1: number, y1: number): Ring => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0]
]

/** The closed ring of the square with south-west corner `(x, y)`. */
export const squareRing = (x: number, y: number, size: number): Ring => rectRing(x, y, x + size, y + size)

/** A GeoJSON Polygon from rings (exterior first, then holes). */
export const polygon = (...rings: Array<Ring>) => ({ type: "Polygon" as const, coordinates: rings })

/** The GeoJSON Polygon of a rectangle. */
export const rect = (x0: number, y0: number, x1: number, y1: number) => polygon(rectRing(x0, y0, x1, y1))

/** A `n × m` tiling of unit squares; square (i, j) is polygon `j * n + i`. */
export const squares = (n: number, m: number): Array<PointInPolygon.PolygonCoordinates> => {
  const geometries: Array<PointInPolygon.PolygonCoordinates> = []
  for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) geometries.push(rect(i, j, i + 1, j + 1))
  return geometries
}

/**
 * A feature of a grids file: grid `id` in community "north", weight 900, units `<id>-u1`
 * and `<id>-u2`, status ok, unless `properties` say otherwise.
 */
export const gridFeature = (id: string, geometry: unknown, properties: Record<string, unknown> = {}) => ({
  type: "Feature",
  geometry,
  properties: {
    grid_id: id,
    community: "north",
    weight: 900,
    units: [`${id}-u1`, `${id}-u2`],
    status: "ok",
    ...properties
  }
})

/**
 * A feature of an overlays file: demolition overlay "demo" in grid G-1 from
 * 2026-03-01, unless `properties` say otherwise.
 */
export const overlayFeature = (properties: Record<string, unknown>, geometry: unknown = rect(0, 0, 0.001, 0.001)) => ({
  type: "Feature",
  properties: {
    overlay_id: "demo",
    kind: "demolition",
    name: "Demolition area",
    parent_grid_ids: ["G-1"],
    valid_from: "2026-03-01T00:00:00-05:00",
    ...properties
  },
  geometry
})
