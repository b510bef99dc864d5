/**
 * GeoJSON (RFC 7946) geometry and feature schemas used by every grid module.
 *
 * Decoding checks structure only (coordinates are finite numbers, polygons have rings
 * of at least four positions). Geometric validity (closed rings, self-intersections,
 * orientation) is checked separately so a bad unit can be reported by id and the run
 * can go on with the valid ones.
 * @module
 */
import { Schema } from "effect"

/** `[longitude, latitude]` (an optional altitude is accepted and ignored). */
export const Position = Schema.Union([
  Schema.Tuple([Schema.Finite, Schema.Finite]),
  Schema.Tuple([Schema.Finite, Schema.Finite, Schema.Finite])
])
/** @see {@link Position} */
export type Position = typeof Position.Type

/** A linear ring: at least four positions, first equal to last (checked by validation). */
export const LinearRing = Schema.Array(Position).check(
  Schema.isMinLength(4, { message: "a polygon ring needs at least 4 positions (first repeated last)" })
)
/** @see {@link LinearRing} */
export type LinearRing = typeof LinearRing.Type

/** A GeoJSON Point. */
export const Point = Schema.Struct({ type: Schema.Literal("Point"), coordinates: Position })
/** @see {@link Point} */
export type Point = typeof Point.Type

/** A GeoJSON Polygon: an exterior ring then holes. */
export const Polygon = Schema.Struct({
  type: Schema.Literal("Polygon"),
  coordinates: Schema.Array(LinearRing).check(Schema.isMinLength(1, { message: "a polygon needs an exterior ring" }))
})
/** @see {@link Polygon} */
export type Polygon = typeof Polygon.Type

/** A GeoJSON MultiPolygon. */
export const MultiPolygon = Schema.Struct({
  type: Schema.Literal("MultiPolygon"),
  coordinates: Schema.Array(
    Schema.Array(LinearRing).check(Schema.isMinLength(1, { message: "a polygon needs an exterior ring" }))
  )
})
/** @see {@link MultiPolygon} */
export type MultiPolygon = typeof MultiPolygon.Type

/** The geometries Gridwork reads and writes. */
export const Geometry = Schema.Union([Point, Polygon, MultiPolygon])
/** @see {@link Geometry} */
export type Geometry = typeof Geometry.Type

/** Feature properties: any JSON object (or null, as RFC 7946 allows). */
export const Properties = Schema.NullOr(Schema.Record(Schema.String, Schema.Unknown))
/** @see {@link Properties} */
export type Properties = typeof Properties.Type

/** A GeoJSON Feature with a Point, Polygon or MultiPolygon geometry (or null geometry). */
export const Feature = Schema.Struct({
  type: Schema.Literal("Feature"),
  id: Schema.optionalKey(Schema.Union([Schema.String, Schema.Finite])),
  geometry: Schema.NullOr(Geometry),
  properties: Properties
})
/** @see {@link Feature} */
export type Feature = typeof Feature.Type

/**
 * A FeatureCollection whose features are decoded one by one by the caller, so that one
 * malformed feature is reported by index instead of rejecting the whole file.
 */
export const LooseFeatureCollection = Schema.Struct({
  type: Schema.Literal("FeatureCollection"),
  features: Schema.Array(Schema.Unknown)
})
/** @see {@link LooseFeatureCollection} */
export type LooseFeatureCollection = typeof LooseFeatureCollection.Type

/** A FeatureCollection, strictly decoded. */
export const FeatureCollection = Schema.Struct({
  type: Schema.Literal("FeatureCollection"),
  features: Schema.Array(Feature)
})
/** @see {@link FeatureCollection} */
export type FeatureCollection = typeof FeatureCollection.Type
