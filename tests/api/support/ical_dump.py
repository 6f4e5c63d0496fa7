#!/usr/bin/env python3
"""Reads an iCalendar file with Debian's python3-icalendar (a real, independent parser) and prints
its events as JSON for tests/api/test_calendar.c: uid, status, sequence, start and end as UTC
RFC 3339, summary, location, description; and the calendar's timezone ids."""
import datetime
import json
import sys

import icalendar

with open(sys.argv[1], 'rb') as f:
    cal = icalendar.Calendar.from_ical(f.read())

def utc(v):
    dt = v.dt
    if dt.tzinfo is None:
        raise SystemExit('a floating time: %r' % (dt,))
    return dt.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')

events = []
for ev in cal.walk('VEVENT'):
    events.append({
        'uid': str(ev.get('UID')),
        'status': str(ev.get('STATUS')),
        'sequence': int(ev.get('SEQUENCE')),
        'start': utc(ev.get('DTSTART')),
        'end': utc(ev.get('DTEND')),
        'tzid': ev.get('DTSTART').params.get('TZID'),
        'summary': str(ev.get('SUMMARY') or ''),
        'location': str(ev.get('LOCATION') or ''),
        'description': str(ev.get('DESCRIPTION') or ''),
    })
zones = [str(z.get('TZID')) for z in cal.walk('VTIMEZONE')]
print(json.dumps({'events': events, 'timezones': zones, 'version': str(cal.get('VERSION'))}))
