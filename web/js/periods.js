// The overview's periods, one definition for every page that shows figures for a period (the
// overview, its figures by clinician, the targets): weeks (Monday to Sunday), calendar months,
// quarters and financial years (April to March), by their first and last day (YYYY-MM-DD, UK).

import { addDays, monthTitle, ukToday } from './format.js';

export const MAX_DAYS = 1830; // the API's longest period
export const KINDS = ['week', 'month', 'quarter', 'year'];
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
export const isDay = (s) => ISO_DAY.test(s || '') && addDays(s, 0) === s; // a real date (not 31 June)
export const dayOf = (y, m, d) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10); // months and days may overflow
export const daysBetween = (a, b) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400e3);
export const QUARTERS = ['April to June', 'July to September', 'October to December', 'January to March'];

// The financial year (April to March) a day falls in, by the year it starts in, and its name.
export const yearOf = (iso) => (+iso.slice(5, 7) >= 4 ? +iso.slice(0, 4) : +iso.slice(0, 4) - 1);
export const yearName = (y) => `${y}/${String((y + 1) % 100).padStart(2, '0')}`;
// The quarter of the financial year a day falls in: 1 (April to June) to 4 (January to March).
export const quarterOf = (iso) => Math.floor(((+iso.slice(5, 7) + 8) % 12) / 3) + 1;

// "1 November 2026" (no weekday).
const DAY_TEXT = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
export const dayText = (iso) => DAY_TEXT.format(new Date(`${iso}T00:00:00Z`));

// The first and last day of the period of a kind that holds a day.
export function periodOf(kind, day) {
  const y = +day.slice(0, 4), m = +day.slice(5, 7);
  if (kind === 'week') {
    const first = addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
    return [first, addDays(first, 6)];
  }
  if (kind === 'month') return [dayOf(y, m, 1), dayOf(y, m + 1, 0)];
  if (kind === 'quarter') {
    const start = m - ((m - 1) % 3);
    return [dayOf(y, start, 1), dayOf(y, start + 3, 0)];
  }
  const fy = yearOf(day);
  return [dayOf(fy, 4, 1), dayOf(fy + 1, 3, 31)];
}

// A period's name: "Week beginning 2 November 2026", "November 2026", "Quarter 3 of 2026/27
// (October to December 2026)", "Financial year 2026/27"; null for custom dates.
export function periodName(kind, first) {
  if (kind === 'week') return `Week beginning ${dayText(first)}`;
  if (kind === 'month') return monthTitle(+first.slice(0, 4), +first.slice(5, 7));
  if (kind === 'quarter') return `Quarter ${quarterOf(first)} of ${yearName(yearOf(first))} (${QUARTERS[quarterOf(first) - 1]} ${first.slice(0, 4)})`;
  if (kind === 'year') return `Financial year ${yearName(yearOf(first))}`;
  return null;
}

// The period an address asks for (?period=week|month|quarter|year with a day in it as from or to,
// or custom from and to, the last day included): {kind, from, last}. Without dates, the period
// holding today, or for custom dates the 28 days before today to 27 after.
export function periodFrom(query) {
  const today = ukToday();
  const kind = KINDS.includes(query.get('period')) ? query.get('period') : 'custom';
  let from = isDay(query.get('from')) ? query.get('from') : null;
  let last = isDay(query.get('to')) ? query.get('to') : null;
  if (kind !== 'custom') [from, last] = periodOf(kind, from || last || today);
  else {
    from = from || addDays(today, -28);
    last = last || addDays(today, 27);
  }
  return { kind, from, last };
}
