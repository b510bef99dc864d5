/**
 * Planar ring and segment arithmetic on flat coordinate arrays `[x0, y0, x1, y1, ...]`
 * holding an OPEN ring (the closing position is not repeated).
 *
 * Used on projected coordinates (metres) for areas, perimeters and validity checks, and
 * on longitude/latitude for point-in-polygon tests. {@link crossesRay} is the crossing rule
 * of every point-in-polygon test in the package (`PointInPolygon`, `LookupIndex`), so
 * {@link containsPoint} on a ring and `PointInPolygon.contains` on the same ring compiled
 * give the same answer for every point, boundary points included.
 * @module
 */

/** Signed area (shoelace): positive for a counter-clockwise ring. */
export const signedArea = (xy: ArrayLike<number>): number => {
  const n = xy.length >> 1
  let sum = 0
  for (let i = 0, j = n - 1; i < n; j = i++) {
    sum += xy[2 * j]! * xy[2 * i + 1]! - xy[2 * i]! * xy[2 * j + 1]!
  }
  return sum / 2
}

/** Length of the closed ring. */
export const perimeter = (xy: ArrayLike<number>): number => {
  const n = xy.length >> 1
  let sum = 0
  for (let i = 0, j = n - 1; i < n; j = i++) {
    sum += Math.hypot(xy[2 * i]! - xy[2 * j]!, xy[2 * i + 1]! - xy[2 * j + 1]!)
  }
  return sum
}

/** Reverses the vertex order of a flat ring, returning a new array. */
export const reversed = (xy: Float64Array): Float64Array => {
  const n = xy.length >> 1
  const out = new Float64Array(xy.length)
  for (let i = 0; i < n; i++) {
    out[2 * i] = xy[2 * (n - 1 - i)]!
    out[2 * i + 1] = xy[2 * (n - 1 - i) + 1]!
  }
  return out
}

/**
 * The half-open crossing rule of every point-in-polygon test in this package: whether
 * the ray from `(x, y)` towards +x crosses the edge whose lower endpoint is
 * `(xlo, ylo)`, upper end at height `yhi`, with `slope = (xhi - xlo) / (yhi - ylo)`:
 * `ylo <= y < yhi` and `x < xlo + (y - ylo) * slope`, in IEEE double arithmetic exactly as
 * written. A horizontal edge (`ylo === yhi`) is never crossed. The module documentation of
 * `PointInPolygon` says what the rule means on shared edges and vertices.
 */
export const crossesRay = (x: number, y: number, xlo: number, ylo: number, yhi: number, slope: number): boolean =>
  y >= ylo && y < yhi && x < xlo + (y - ylo) * slope

/**
 * Even-odd point-in-ring test under the half-open rule of {@link crossesRay}: each edge is
 * taken lower endpoint first, so a point on an edge shared by two rings (in opposite
 * directions) is in exactly one of them.
 */
export const containsPoint = (xy: ArrayLike<number>, x: number, y: number): boolean => {
  const n = xy.length >> 1
  let inside = false
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = xy[2 * i]!
    const yi = xy[2 * i + 1]!
    const xj = xy[2 * j]!
    const yj = xy[2 * j + 1]!
    if (yi === yj) continue
    const crossed =
      yi < yj
        ? crossesRay(x, y, xi, yi, yj, (xj - xi) / (yj - yi))
        : crossesRay(x, y, xj, yj, yi, (xi - xj) / (yi - yj))
    if (crossed) inside = !inside
  }
  return inside
}

/** Bounding box `[minX, minY, maxX, maxY]` of a flat ring. */
export const bbox = (xy: ArrayLike<number>): [number, number, number, number] => {
  let minX = Number.POSITIVE_INFINITY
  let minY = Number.POSITIVE_INFINITY
  let maxX = Number.NEGATIVE_INFINITY
  let maxY = Number.NEGATIVE_INFINITY
  for (let i = 0; i < xy.length; i += 2) {
    const x = xy[i]!
    const y = xy[i + 1]!
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  return [minX, minY, maxX, maxY]
}

/** Orientation of `c` against the line `a → b`: positive on its left, negative on its right, `0` on it. */
export const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number =>
  (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)

/**
 * Whether segments `ab` and `cd` cross at a single point inside both (each has its
 * endpoints strictly on opposite sides of the other's line). Touching, collinear and
 * T-shaped contacts are not proper crossings.
 */
export const crossProperly = (
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number
): boolean => {
  const d1 = orient(cx, cy, dx, dy, ax, ay)
  const d2 = orient(cx, cy, dx, dy, bx, by)
  if (!((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0))) return false
  const d3 = orient(ax, ay, bx, by, cx, cy)
  const d4 = orient(ax, ay, bx, by, dx, dy)
  return (d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)
}

/** Squared distance from `(x, y)` to the segment `ab` (to `a` when the segment has no length). */
export const segmentDistanceSquared = (
  x: number,
  y: number,
  ax: number,
  ay: number,
  bx: number,
  by: number
): number => {
  const dx = bx - ax
  const dy = by - ay
  const length = dx * dx + dy * dy
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / length))
  const px = ax + t * dx - x
  const py = ay + t * dy - y
  return px * px + py * py
}

const onSegment = (ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean =>
  Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by)

/**
 * Whether segments `ab` and `cd` cross or overlap. Segments that only touch at an
 * endpoint shared by both are not counted (neighbouring ring edges do that).
 */
const segmentsConflict = (
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number
): boolean => {
  if (crossProperly(ax, ay, bx, by, cx, cy, dx, dy)) return true
  const d1 = orient(cx, cy, dx, dy, ax, ay)
  const d2 = orient(cx, cy, dx, dy, bx, by)
  const d3 = orient(ax, ay, bx, by, cx, cy)
  const d4 = orient(ax, ay, bx, by, dx, dy)
  // Collinear overlap of positive length.
  if (d1 === 0 && d2 === 0 && d3 === 0 && d4 === 0) {
    const useX = Math.abs(bx - ax) >= Math.abs(by - ay)
    const a0 = useX ? Math.min(ax, bx) : Math.min(ay, by)
    const a1 = useX ? Math.max(ax, bx) : Math.max(ay, by)
    const c0 = useX ? Math.min(cx, dx) : Math.min(cy, dy)
    const c1 = useX ? Math.max(cx, dx) : Math.max(cy, dy)
    return Math.min(a1, c1) - Math.max(a0, c0) > 0
  }
  // An endpoint of one segment in the interior of the other (a T-touch) is a self-intersection.
  const shared =
    (ax === cx && ay === cy) || (ax === dx && ay === dy) || (bx === cx && by === cy) || (bx === dx && by === dy)
  if (shared) return false
  if (d1 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) return true
  if (d2 === 0 && onSegment(cx, cy, dx, dy, bx, by)) return true
  if (d3 === 0 && onSegment(ax, ay, bx, by, cx, cy)) return true
  if (d4 === 0 && onSegment(ax, ay, bx, by, dx, dy)) return true
  return false
}

/**
 * Finds a self-intersection of an open ring: two non-consecutive edges that cross,
 * overlap or touch in an edge's interior. Returns the position `[x, y]` of the first
 * conflicting edge's start, or `undefined` when the ring is simple. Runs a sweep over
 * x-sorted edges, so long rings stay cheap.
 */
export const findSelfIntersection = (xy: ArrayLike<number>): readonly [number, number] | undefined => {
  const n = xy.length >> 1
  if (n < 4) return undefined
  const order = new Int32Array(n)
  const minX = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n
    order[i] = i
    minX[i] = Math.min(xy[2 * i]!, xy[2 * j]!)
  }
  order.sort((a, b) => minX[a]! - minX[b]! || a - b)
  for (let oi = 0; oi < n; oi++) {
    const i = order[oi]!
    const i2 = (i + 1) % n
    const ax = xy[2 * i]!
    const ay = xy[2 * i + 1]!
    const bx = xy[2 * i2]!
    const by = xy[2 * i2 + 1]!
    const maxX = Math.max(ax, bx)
    const minY = Math.min(ay, by)
    const maxY = Math.max(ay, by)
    for (let oj = oi + 1; oj < n; oj++) {
      const j = order[oj]!
      if (minX[j]! > maxX) break
      if (j === i2 || i === (j + 1) % n) continue
      const j2 = (j + 1) % n
      const cx = xy[2 * j]!
      const cy = xy[2 * j + 1]!
      const dx = xy[2 * j2]!
      const dy = xy[2 * j2 + 1]!
      if (Math.max(cy, dy) < minY || Math.min(cy, dy) > maxY) continue
      if (segmentsConflict(ax, ay, bx, by, cx, cy, dx, dy)) return [ax, ay]
    }
  }
  return undefined
}
