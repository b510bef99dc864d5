/**
 * Small shapes shared by the lookup, overlay and audit tests.
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
