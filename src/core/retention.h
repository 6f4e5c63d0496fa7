/*
 * retention.h - when a closed account's personal data falls due for erasure (docs/RETENTION.md).
 *
 * Two clocks, both of which must have run: the account's (`years` calendar years after it was
 * closed, --retain-closed-account-years) and the money's (the financial records that name the
 * person, their invoices and NHS Pension Scheme forms, kept FP_FINANCIAL_RETENTION_YEARS after the
 * end of the financial year, 1 April to 31 March in UK time, they belong to). Pure: no clock, no I/O.
 */
#ifndef FP_CORE_RETENTION_H
#define FP_CORE_RETENTION_H

#include "core/time.h"

/* Financial records: six years after the end of the financial year (the Records Management Code's
   class for accounts and invoices). */
#define FP_FINANCIAL_RETENTION_YEARS 6

/* The first instant of the next financial year after t: 1 April 00:00 UK time. */
fp_time fp_financial_year_end(fp_time t);

/*
 * When the person's data may be erased: `years` calendar years after deactivated_at (the same time
 * of day, UTC), and not before every financial record (the latest at last_financial; 0 when there
 * is none) has passed FP_FINANCIAL_RETENTION_YEARS after the end of its financial year. The later
 * of the two.
 */
fp_time fp_erasure_due(fp_time deactivated_at, int years, fp_time last_financial);

/* Correspondence flexpool only carries (in-app notifications, emails sent): two years, then gone
   (the records it was about are kept by their own rules). Webhook deliveries: 90 days. */
#define FP_CORRESPONDENCE_MONTHS 24
#define FP_WEBHOOK_DELIVERY_DAYS 90

/* The instant `months` calendar months before now (the same time of day, UTC): a record made before
   it has been kept `months` months by now. */
fp_time fp_months_before(fp_time now, int months);

#endif
