/**
 * Public holidays and make-up working days (调休) of mainland China in 2025, as set by
 * the General Office of the State Council: 国务院办公厅关于2025年部分节假日安排的通知
 * (国办发明电〔2024〕12号, published 2024-11-12), under the Measures on National Holidays
 * and Commemoration Days as revised in 2024.
 *
 * Cross-checked against the maintained dataset NateScarlet/holiday-cn (2025.ics /
 * 2025.json, generated from the notice). Holidays list every day off, including the
 * weekend days folded into a holiday week; make-up working days are weekend days that
 * are worked.
 *
 * This file is plain data in the {@link CalendarYear} format, the same format in which a
 * locality supplies a newly published year under `calendar.years`.
 * @module
 */
import type { CalendarYear } from "../CalendarSpec"

/** The official 2025 schedule of mainland China (see the module comment for the sources). */
export const CnMainland2025: CalendarYear = {
  year: 2025,
  source: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）",
  holidays: [
    { date: "2025-01-01", name: "元旦 New Year's Day" },
    { date: "2025-01-28", name: "春节 Spring Festival" },
    { date: "2025-01-29", name: "春节 Spring Festival" },
    { date: "2025-01-30", name: "春节 Spring Festival" },
    { date: "2025-01-31", name: "春节 Spring Festival" },
    { date: "2025-02-01", name: "春节 Spring Festival" },
    { date: "2025-02-02", name: "春节 Spring Festival" },
    { date: "2025-02-03", name: "春节 Spring Festival" },
    { date: "2025-02-04", name: "春节 Spring Festival" },
    { date: "2025-04-04", name: "清明节 Qingming Festival" },
    { date: "2025-04-05", name: "清明节 Qingming Festival" },
    { date: "2025-04-06", name: "清明节 Qingming Festival" },
    { date: "2025-05-01", name: "劳动节 Labour Day" },
    { date: "2025-05-02", name: "劳动节 Labour Day" },
    { date: "2025-05-03", name: "劳动节 Labour Day" },
    { date: "2025-05-04", name: "劳动节 Labour Day" },
    { date: "2025-05-05", name: "劳动节 Labour Day" },
    { date: "2025-05-31", name: "端午节 Dragon Boat Festival" },
    { date: "2025-06-01", name: "端午节 Dragon Boat Festival" },
    { date: "2025-06-02", name: "端午节 Dragon Boat Festival" },
    { date: "2025-10-01", name: "国庆节、中秋节 National Day and Mid-Autumn Festival" },
    { date: "2025-10-02", name: "国庆节、中秋节 National Day and Mid-Autumn Festival" },
    { date: "2025-10-03", name: "国庆节、中秋节 National Day and Mid-Autumn Festival" },
    { date: "2025-10-04", name: "国庆节、中秋节 National Day and Mid-Autumn Festival" },
    { date: "2025-10-05", name: "国庆节、中秋节 National Day and Mid-Autumn Festival" },
    { date: "2025-10-06", name: "国庆节、中秋节 National Day and Mid-Autumn Festival" },
    { date: "2025-10-07", name: "国庆节、中秋节 National Day and Mid-Autumn Festival" },
    { date: "2025-10-08", name: "国庆节、中秋节 National Day and Mid-Autumn Festival" }
  ],
  makeUpWorkdays: [
    { date: "2025-01-26", name: "上班（补春节假期） make-up working day for Spring Festival" },
    { date: "2025-02-08", name: "上班（补春节假期） make-up working day for Spring Festival" },
    { date: "2025-04-27", name: "上班（补劳动节假期） make-up working day for Labour Day" },
    {
      date: "2025-09-28",
      name: "上班（补国庆节、中秋节假期） make-up working day for National Day and Mid-Autumn Festival"
    },
    {
      date: "2025-10-11",
      name: "上班（补国庆节、中秋节假期） make-up working day for National Day and Mid-Autumn Festival"
    }
  ]
}
