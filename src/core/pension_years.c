/*
 * The NHS Pension Scheme's rules by scheme year (core/pension.h): data, one entry a year, each
 * naming its source. The employer rate a practice pays a GP locum's contribution at is 14.38 % of
 * pensionable pay (the rest of the scheme's 23.7 % from 1 April 2024 is paid centrally); 90 % of a
 * locum's fee is pensionable. Tier tops are whole
 * pounds of annual pensionable pay, as published, each tier running to the pound's last penny.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "core/pension.h"

/* A tier's top: its whole pounds and every penny below the next pound (tier 1 runs to GBP 13,259.99). */
#define TOP(p) ((int64_t)(p) * 100 + 99)

static const struct fp_pension_year YEARS[] = {
    {.start_year = 2024,
     .pensionable_bp = 9000,
     .employer_bp = 1438,
     .n_tiers = 6,
     .tiers = {{TOP(13259), 520}, {TOP(26831), 650}, {TOP(32691), 830}, {TOP(49078), 980}, {TOP(62924), 1070},
               {INT64_MAX, 1250}},
     .source = "NHS Employers, NHS Pension Scheme member contributions 2024/25 (14 March 2024): tiers from 1 April"
               " 2024; employer rate 23.7 % from 1 April 2024, of which a practice pays 14.38 % for a GP locum"},
    {.start_year = 2025,
     .pensionable_bp = 9000,
     .employer_bp = 1438,
     .n_tiers = 6,
     .tiers = {{TOP(13259), 520}, {TOP(27797), 650}, {TOP(33868), 830}, {TOP(50845), 980}, {TOP(65190), 1070},
               {INT64_MAX, 1250}},
     .source = "DHSC, Report on the uplifts to the member contribution tier thresholds in the NHS Pension Scheme"
               " from 1 April 2025 (laid 10 July 2025, retrospective to 1 April 2025); rates as 2024/25"},
};

bool fp_pension_year(int start_year, struct fp_pension_year *out) {
  const struct fp_pension_year *best = NULL;
  for (size_t i = 0; i < sizeof YEARS / sizeof YEARS[0]; i++)
    if (YEARS[i].start_year <= start_year && (!best || YEARS[i].start_year > best->start_year)) best = &YEARS[i];
  if (!best) return false;
  *out = *best;
  if (best->start_year != start_year) {
    out->start_year = start_year;
    out->provisional = true;
    snprintf(out->carried, sizeof out->carried,
             "provisional: %d/%02d's published figures are not recorded here yet, so %d/%02d's are carried forward",
             start_year, (start_year + 1) % 100, best->start_year, (best->start_year + 1) % 100);
    out->source = out->carried;
  }
  return true;
}
