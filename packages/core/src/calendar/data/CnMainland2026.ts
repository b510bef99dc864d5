/**
 * Public holidays and make-up working days (调休) of mainland China in 2026, as set by
 * the General Office of the State Council: 国务院办公厅关于2026年部分节假日安排的通知
 * (国办发明电〔2025〕7号, published 2025-11-04).
 *
 * The maintained dataset NateScarlet/holiday-cn publishes the same schedule as
 * 2026.json; when this file was written its 2026 file could not be read, so the dates
 * were checked against several independent transcriptions of the notice instead (among
 * them awfe/ChinaWorkingDay 2026.json, which lists every working day of 2026, 248 in
 * all; the tests compare the month-by-month counts). Re-check against holiday-cn
 * before relying on a change to this file. Holidays list every day off, including
 * the weekend days folded into a holiday week; make-up working days are weekend days
 * that are worked.
 *
 * This file is plain data in the {@link CalendarYear} format, the same format in which a
 * locality supplies a newly published year under `calendar.years`.
 * @module
 */
import type { CalendarYear } from "../CalendarSpec"

/** The official 2026 schedule of mainland China (see the module comment for the sources). */
export const CnMainland2026: CalendarYear = {
  year: 2026,
  source: "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）",
  holidays: [
    { date: "2026-01-01", name: "元旦 New Year's Day" },
    { date: "2026-01-02", name: "元旦 New Year's Day" },
    { date: "2026-01-03", name: "元旦 New Year's Day" },
    { date: "2026-02-15", name: "春节 Spring Festival" },
    { date: "2026-02-16", name: "春节 Spring Festival" },
    { date: "2026-02-17", name: "春节 Spring Festival" },
    { date: "2026-02-18", name: "春节 Spring Festival" },
    { date: "2026-02-19", name: "春节 Spring Festival" },
    { date: "2026-02-20", name: "春节 Spring Festival" },
    { date: "2026-02-21", name: "春节 Spring Festival" },
    { date: "2026-02-22", name: "春节 Spring Festival" },
    { date: "2026-02-23", name: "春节 Spring Festival" },
    { date: "2026-04-04", name: "清明节 Qingming Festival" },
    { date: "2026-04-05", name: "清明节 Qingming Festival" },
    { date: "2026-04-06", name: "清明节 Qingming Festival" },
    { date: "2026-05-01", name: "劳动节 Labour Day" },
    { date: "2026-05-02", name: "劳动节 Labour Day" },
    { date: "2026-05-03", name: "劳动节 Labour Day" },
    { date: "2026-05-04", name: "劳动节 Labour Day" },
    { date: "2026-05-05", name: "劳动节 Labour Day" },
    { date: "2026-06-19", name: "端午节 Dragon Boat Festival" },
    { date: "2026-06-20", name: "端午节 Dragon Boat Festival" },
    { date: "2026-06-21", name: "端午节 Dragon Boat Festival" },
    { date: "2026-09-25", name: "中秋节 Mid-Autumn Festival" },
    { date: "2026-09-26", name: "中秋节 Mid-Autumn Festival" },
    { date: "2026-09-27", name: "中秋节 Mid-Autumn Festival" },
    { date: "2026-10-01", name: "国庆节 National Day" },
    { date: "2026-10-02", name: "国庆节 National Day" },
    { date: "2026-10-03", name: "国庆节 National Day" },
    { date: "2026-10-04", name: "国庆节 National Day" },
    { date: "2026-10-05", name: "国庆节 National Day" },
    { date: "2026-10-06", name: "国庆节 National Day" },
    { date: "2026-10-07", name: "国庆节 National Day" }
  ],
  makeUpWorkdays: [
    { date: "2026-01-04", name: "上班（补元旦假期） make-up working day for New Year's Day" },
    { date: "2026-02-14", name: "上班（补春节假期） make-up working day for Spring Festival" },
    { date: "2026-02-28", name: "上班（补春节假期） make-up working day for Spring Festival" },
    { date: "2026-05-09", name: "上班（补劳动节假期） make-up working day for Labour Day" },
    { date: "2026-09-20", name: "上班（补国庆节假期） make-up working day for National Day" },
    { date: "2026-10-10", name: "上班（补国庆节假期） make-up working day for National Day" }
  ]
}
