/**
 * The `cn-mainland` base schedule: public holidays and make-up working days (调休) of
 * mainland China, as published each year (usually in November) by the General Office
 * of the State Council in its notice on the holiday arrangements of the next year:
 *
 * - 2025: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号)
 * - 2026: 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号)
 *
 * Checked against the maintained dataset NateScarlet/holiday-cn on GitHub (one file per
 * year; 2025 directly, 2026 against independent transcriptions, see its data file). A year not listed here is not loaded: a locality adds it as
 * data under `calendar.years` (same {@link CalendarYear} format) as soon as the notice
 * is out, without waiting for a release of `@gridwork/core`.
 *
 * The working week is Monday to Friday; the time zone is `Asia/Shanghai`.
 * @module
 */
import type { CalendarSpec, CalendarYear } from "./CalendarSpec"
import { CnMainland2025 } from "./data/CnMainland2025"
import { CnMainland2026 } from "./data/CnMainland2026"

export { CnMainland2025, CnMainland2026 }

/** Every year shipped with this release, in order. */
export const years: ReadonlyArray<CalendarYear> = [CnMainland2025, CnMainland2026]

/** The years shipped with this release. */
export const shippedYears: ReadonlyArray<number> = years.map((y) => y.year)

/** The time zone of mainland China. */
export const timeZone = "Asia/Shanghai"

/**
 * A ready spec: mainland China, whole working days (no working hours), failing on a
 * year whose schedule is not loaded. Extend it in a locality model.
 */
export const spec: CalendarSpec = { timeZone, base: "cn-mainland" }
