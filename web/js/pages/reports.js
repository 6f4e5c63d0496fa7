// The monthly reports (issue 14), for commissioners (their ICB's) and system administrators (every
// ICB's); what is in them is docs/METRICS.md's ("The monthly report").
//   /reports    the reports made so far, latest month first (GET /reports): the month, the ICB
//        (only when there is more than one), when it was made, and each one's PDF and CSV to
//        download (/api/v1/reports/{id}.pdf, .csv) exactly as made.

import { get } from '../api.js';
import { page, route } from '../app.js';
import { addDays, monthTitle, time, ukToday } from '../format.js';
import { h, link, p, pageHeading, table } from '../ui.js';

const READERS = { roles: ['commissioner', 'sysadmin'] };

// "October 2026" of "2026-10".
const monthName = (ym) => monthTitle(+ym.slice(0, 4), +ym.slice(5, 7));

// "4 December 2026 at 16:26" of an instant, in UK time.
const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });
export const madeOnText = (t) => `${DAY.format(new Date(t))} at ${time(t)}`;

// A file's size in whole KB, rounded up: "37 KB".
export const sizeText = (bytes) => `${Math.max(1, Math.ceil((bytes || 0) / 1024))} KB`;

// "1 January 2027": the first day of the month after today's (UK).
function nextFirstText() {
  const today = ukToday();
  const first = addDays(today, 32 - +today.slice(8, 10)).slice(0, 7); // a day in next month
  return `1 ${monthName(first)}`;
}

// A download link: "PDF (37 KB)", read out as "PDF for October 2026 (37 KB)" so that each link's
// name differs. The name starts with the words shown (for speech control, WCAG 2.5.3).
function download(href, kind, about, bytes, id) {
  return link(href, [kind, h('span', { class: 'nhsuk-u-visually-hidden' }, ` for ${about}`), ` (${sizeText(bytes)})`],
    { download: '', 'data-reload': '', id, class: 'nhsuk-link fp-nowrap' });
}

function reportsTable(items) {
  const manyIcbs = new Set(items.map((r) => r.icb_id)).size > 1;
  return table({
    caption: 'Reports made so far, latest month first', captionSize: 's', id: 'reports-table',
    head: ['Month', manyIcbs ? 'ICB' : null, 'Made on', 'Download'].filter(Boolean),
    rows: items.map((r) => {
      const about = manyIcbs ? `${r.icb_name}, ${monthName(r.month)}` : monthName(r.month);
      return [
        { text: monthName(r.month), header: true },
        manyIcbs ? { text: r.icb_name } : null,
        { text: madeOnText(r.made_at) },
        { text: h('ul', { class: 'nhsuk-list' },
          h('li', {}, download(r.pdf_url, 'PDF', about, r.pdf_bytes, `report-pdf-${r.id}`)),
          h('li', {}, download(r.csv_url, 'CSV', about, r.csv_bytes, `report-csv-${r.id}`))) },
      ].filter(Boolean);
    }),
  });
}

route('/reports', async () => {
  const title = 'Monthly reports';
  const { items = [] } = await get('/reports');
  page(title, pageHeading(title),
    p('Each ICB has a report of each month\'s figures. flexpool makes it by itself at 02:00 (UK time) on the 1st, for the month before, ',
      'and keeps it exactly as it was made: it is never changed, even when a figure for that month changes later.'),
    p('Each report is two files: the PDF gives the month\'s figures in words, in total and by profession, place, PCN and practice; ',
      'the CSV is the overview\'s table for the month, a row for the total and each place, PCN and practice.'),
    p('For any other period, or for the figures as they stand today, see ', link('/overview', 'the overview', { id: 'reports-overview-link' }), '.'),
    items.length ? reportsTable(items)
      : h('p', { class: 'nhsuk-body', id: 'reports-empty' }, `There are no reports yet. The first one is made at 02:00 on ${nextFirstText()}, for this month.`));
}, READERS);
