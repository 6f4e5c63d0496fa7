/*
 * The NHS Pension Scheme's rules by scheme year (core/pension.h): data, one entry a year, each
 * naming its source. The employer rate a practice pays a GP locum's contribution at is 14.38 % of
 * pensionable pay (the rest of the scheme's 23.7 % from 1 April 2024 is paid centrally); 90 % of a
 * locum's fee is pensionable. Tier tops are whole
 * pounds of annual pensionable pay, as published, each tier running to the pound's last penny.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/pension.h"

/* A tier's top: its whole pounds and every penny below the next pound (tier 1 runs to GBP 13,259.99). */
#define TOP(p) ((int64_t)(p) * 100 + 99)

static const struct fp_pension_year YEARS[] = {
    {2024, 9000, 1438, 6,
     {{TOP(13259), 520}, {TOP(26831), 650}, {TOP(32691), 830}, {TOP(49078), 980}, {TOP(62924), 1070},
      {INT64_MAX, 1250}},
     false,
     "NHS Employers, NHS Pension Scheme member contributions 2024/25 (14 March 2024): tiers from 1 April 2024;"
     " employer rate 23.7 % from 1 April 2024, of which a practice pays 14.38 % for a GP locum"},
    {2025, 9000, 1438, 6,
     {{TOP(13259), 520}, {TOP(27797), 650}, {TOP(33868), 830}, {TOP(50845), 980}, {TOP(65190), 1070},
      {INT64_MAX, 1250}},
     false,
     "DHSC, Report on the uplifts to the member contribution tier thresholds in the NHS Pension Scheme from"
     " 1 April 2025 (laid 10 July 2025, retrospective to 1 April 2025); rates as 2024/25"},
    {2026, 9000, 1438, 6,
     {{TOP(13259), 520}, {TOP(27797), 650}, {TOP(33868), 830}, {TOP(50845), 980}, {TOP(65190), 1070},
      {INT64_MAX, 1250}},
     true,
     "Provisional: 2025/26's tiers and rates carried forward until the 2026/27 uplift is recorded here"},
};

const struct fp_pension_year *fp_pension_year(int start_year) {
  for (size_t i = 0; i < sizeof YEARS / sizeof YEARS[0]; i++)
    if (YEARS[i].start_year == start_year) return &YEARS[i];
  return NULL;
}
