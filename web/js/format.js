// format.js - times in UK local time (Europe/London, whatever the browser's own zone) and money
// in pounds and pence. The API speaks UTC instants ("2026-11-26T09:00:00Z") and integer pence.

const TZ = 'Europe/London';
const fmt = (opts) => new Intl.DateTimeFormat('en-GB', { timeZone: TZ, ...opts });
const F = {
  dateLong: fmt({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
  dateShort: fmt({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }),
  dayMonth: fmt({ weekday: 'short', day: 'numeric', month: 'short' }),
  time: fmt({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  parts: fmt({ year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }),
  monthYear: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }),
};
const money = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', minimumFractionDigits: 2 });

const asDate = (t) => (t instanceof Date ? t : new Date(t));

export const longDate = (t) => F.dateLong.format(asDate(t));
export const shortDate = (t) => F.dateShort.format(asDate(t));
export const dayMonth = (t) => F.dayMonth.format(asDate(t));
export const time = (t) => F.time.format(asDate(t));
export const timeRange = (a, b) => `${time(a)} to ${time(b)}`;
export const when = (a, b) => `${shortDate(a)}, ${timeRange(a, b)}`;

// The UK wall-clock parts of an instant: {y, m, d, hh, mm}.
export function ukParts(t) {
  const o = {};
  for (const p of F.parts.formatToParts(asDate(t))) o[p.type] = p.value;
  return { y: +o.year, m: +o.month, d: +o.day, hh: +o.hour % 24, mm: +o.minute };
}

// "YYYY-MM-DD" of an instant's UK local date.
export function ukDate(t) {
  const { y, m, d } = ukParts(t);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
export const ukToday = () => ukDate(new Date());

// The instant of a UK wall-clock time (the UK offset is 0 or +1 hour). For a time in the spring
// gap the result is an hour later; in the autumn overlap, the first (summer time) occurrence.
export function ukLocalToInstant(y, m, d, hh = 0, mm = 0) {
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  for (const offsetHours of [1, 0]) {
    const t = new Date(wall - offsetHours * 3600e3);
    const p = ukParts(t);
    if (Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm) === wall) return t;
  }
  return new Date(wall); // in the gap: the same wall time in GMT, i.e. one hour later in BST
}

// A date string "YYYY-MM-DD" plus n days.
export function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return t.toISOString().slice(0, 10);
}

// The UTC instant of a UK date's midnight, as the API wants it.
export function ukMidnightIso(date) {
  const [y, m, d] = date.split('-').map(Number);
  return ukLocalToInstant(y, m, d, 0, 0).toISOString().replace('.000Z', 'Z');
}

export const isoZ = (t) => asDate(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function monthTitle(year, month) {
  return F.monthYear.format(new Date(Date.UTC(year, month - 1, 1)));
}

export function longDateOf(date) {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(Date.UTC(y, m - 1, d)));
}

export const pounds = (pence) => money.format((pence || 0) / 100);

export function rate(pence, unit) {
  return `${pounds(pence)} ${unit === 'session' ? 'a session' : 'an hour'}`;
}

// Parses "77.57", "£77.57" or "77" into pence; null when it is not an amount.
export function parsePounds(text) {
  const s = String(text).trim().replace(/^£/, '').replace(/,/g, '');
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(s)) return null;
  const [whole, frac = ''] = s.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

export function hours(minutes) {
  const h = Math.floor(minutes / 60), m = minutes % 60;
  if (!m) return `${h} hour${h === 1 ? '' : 's'}`;
  return `${h} hour${h === 1 ? '' : 's'} ${m} minute${m === 1 ? '' : 's'}`;
}

export function percent(x) {
  return `${((x || 0) * 100).toFixed(1)}%`;
}

export const number = (n) => new Intl.NumberFormat('en-GB').format(n || 0);

// The catalogue of professions and roles (the API's /professions has the authoritative list).
export const ROLE_NAMES = {
  gp: 'GP', nurse: 'Practice nurse', pharmacist: 'Clinical pharmacist', physician_associate: 'Physician associate',
  paramedic: 'Paramedic', physiotherapist: 'First contact physiotherapist', nursing_associate: 'Nursing associate',
  healthcare_assistant: 'Healthcare assistant', pharmacy_technician: 'Pharmacy technician', dietitian: 'Dietitian',
  podiatrist: 'Podiatrist', occupational_therapist: 'Occupational therapist', social_prescriber: 'Social prescribing link worker',
  care_coordinator: 'Care coordinator', health_coach: 'Health and wellbeing coach', mental_health_practitioner: 'Mental health practitioner',
};
// A shift's status in words (the API's Shift `status`); `awaiting_approval` is a shift posted at a
// rate over its pool's cap, which nobody in the pool sees until the pool approves the rate.
export const SHIFT_STATUS_NAMES = {
  open: 'Open', booked: 'Booked', withdrawn: 'Withdrawn', cancelled: 'Cancelled', completed: 'Completed',
  awaiting_approval: 'Awaiting the pool\'s approval',
};
export function shiftStatusText(status) {
  return SHIFT_STATUS_NAMES[status] || status;
}

export function roleName(code) {
  if (!code) return '';
  return ROLE_NAMES[code] || code.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}
