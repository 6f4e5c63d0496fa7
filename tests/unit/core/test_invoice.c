/* test_invoice.c - the invoice's state machine, who may record its payment, its due date in UK days
   and when it is overdue (issue 13). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/invoice.h"
#include "core/time.h"

static void test_status_names_round_trip(void **state) {
  (void)state;
  enum fp_invoice_status s = FP_INVOICE_PAID;
  assert_int_equal(fp_invoice_status_parse("issued", &s), FP_OK);
  assert_int_equal(s, FP_INVOICE_ISSUED);
  assert_int_equal(fp_invoice_status_parse("paid", &s), FP_OK);
  assert_int_equal(s, FP_INVOICE_PAID);
  assert_int_equal(fp_invoice_status_parse("overdue", &s), FP_EINVAL); /* shown, never stored */
  assert_int_equal(fp_invoice_status_parse(NULL, &s), FP_EINVAL);
  assert_int_equal(s, FP_INVOICE_PAID);
  assert_string_equal(fp_invoice_status_name(FP_INVOICE_ISSUED), "issued");
  assert_string_equal(fp_invoice_status_name((enum fp_invoice_status)7), "unknown");
}

static void test_paid_once(void **state) {
  (void)state;
  enum fp_invoice_status to = FP_INVOICE_ISSUED;
  assert_int_equal(fp_invoice_next(FP_INVOICE_ISSUED, FP_INVEV_PAY, &to), FP_OK);
  assert_int_equal(to, FP_INVOICE_PAID);
  assert_int_equal(fp_invoice_next(FP_INVOICE_PAID, FP_INVEV_PAY, &to), FP_ECONFLICT);
  assert_int_equal(fp_invoice_next(FP_INVOICE_ISSUED, FP_INVEV_PAY, NULL), FP_OK);
}

static void test_credit_only_what_is_unpaid(void **state) {
  (void)state;
  enum fp_invoice_status to = FP_INVOICE_ISSUED;
  assert_int_equal(fp_invoice_next(FP_INVOICE_ISSUED, FP_INVEV_CREDIT, &to), FP_OK);
  assert_int_equal(to, FP_INVOICE_CREDITED);
  /* Paid money has moved; credited is final; a credit note takes no event at all. */
  assert_int_equal(fp_invoice_next(FP_INVOICE_PAID, FP_INVEV_CREDIT, NULL), FP_ECONFLICT);
  assert_int_equal(fp_invoice_next(FP_INVOICE_CREDITED, FP_INVEV_CREDIT, NULL), FP_ECONFLICT);
  assert_int_equal(fp_invoice_next(FP_INVOICE_CREDITED, FP_INVEV_PAY, NULL), FP_ECONFLICT);
  assert_int_equal(fp_invoice_next(FP_INVOICE_CREDIT_NOTE, FP_INVEV_PAY, NULL), FP_ECONFLICT);
  assert_int_equal(fp_invoice_next(FP_INVOICE_CREDIT_NOTE, FP_INVEV_CREDIT, NULL), FP_ECONFLICT);
  /* Form A is signed for an invoice in force only; signing changes no status. */
  assert_int_equal(fp_invoice_next(FP_INVOICE_PAID, FP_INVEV_SIGN_FORM_A, &to), FP_OK);
  assert_int_equal(to, FP_INVOICE_PAID);
  assert_int_equal(fp_invoice_next(FP_INVOICE_ISSUED, FP_INVEV_SIGN_FORM_A, NULL), FP_OK);
  assert_int_equal(fp_invoice_next(FP_INVOICE_CREDITED, FP_INVEV_SIGN_FORM_A, NULL), FP_ECONFLICT);
  assert_int_equal(fp_invoice_next(FP_INVOICE_CREDIT_NOTE, FP_INVEV_SIGN_FORM_A, NULL), FP_ECONFLICT);
  /* Neither is ever overdue. */
  assert_false(fp_invoice_overdue(FP_INVOICE_CREDITED, 1, 1790000000));
  assert_false(fp_invoice_overdue(FP_INVOICE_CREDIT_NOTE, 1, 1790000000));
  assert_string_equal(fp_invoice_shown_status(FP_INVOICE_CREDIT_NOTE, 1, 1790000000), "credit_note");
  enum fp_invoice_status s = FP_INVOICE_ISSUED;
  assert_int_equal(fp_invoice_status_parse("credited", &s), FP_OK);
  assert_int_equal(s, FP_INVOICE_CREDITED);
  assert_int_equal(fp_invoice_status_parse("credit_note", &s), FP_OK);
  assert_int_equal(s, FP_INVOICE_CREDIT_NOTE);
  enum fp_invoice_reissue r = FP_REISSUE_NOW;
  assert_int_equal(fp_invoice_reissue_parse("after_correction", &r), 0);
  assert_int_equal(r, FP_REISSUE_AFTER_CORRECTION);
  assert_string_equal(fp_invoice_reissue_name(r), "after_correction");
  assert_int_equal(fp_invoice_reissue_parse("later", &r), FP_EINVAL);
}

static void test_only_the_issuer_credits(void **state) {
  (void)state;
  struct fp_role pm = {FP_ROLE_PRACTICE_MANAGER, 14, 0}, clin = {FP_ROLE_CLINICIAN, 0, 0};
  struct fp_actor manager = {.user_id = 1, .roles = &pm, .n_roles = 1};
  struct fp_actor issuer = {.user_id = 4, .clinician_id = 9, .roles = &clin, .n_roles = 1};
  struct fp_actor other = {.user_id = 5, .clinician_id = 8, .roles = &clin, .n_roles = 1};
  struct fp_actor signed_out = {.user_id = 0, .clinician_id = 9};
  assert_true(fp_invoice_may(&issuer, FP_INVEV_CREDIT, 9, 14));
  assert_false(fp_invoice_may(&other, FP_INVEV_CREDIT, 9, 14));
  assert_false(fp_invoice_may(&manager, FP_INVEV_CREDIT, 9, 14)); /* the customer asks; the issuer credits */
  assert_false(fp_invoice_may(&signed_out, FP_INVEV_CREDIT, 9, 14));
}

static void test_only_the_practice_records_payment(void **state) {
  (void)state;
  struct fp_role pm = {FP_ROLE_PRACTICE_MANAGER, 14, 0}, other_pm = {FP_ROLE_PRACTICE_MANAGER, 15, 0},
                 pool = {FP_ROLE_POOL_ADMIN, 0, 3}, clin = {FP_ROLE_CLINICIAN, 0, 0};
  struct fp_actor manager = {.user_id = 1, .roles = &pm, .n_roles = 1};
  struct fp_actor elsewhere = {.user_id = 2, .roles = &other_pm, .n_roles = 1};
  struct fp_actor admin = {.user_id = 3, .roles = &pool, .n_roles = 1};
  struct fp_actor issuer = {.user_id = 4, .clinician_id = 9, .roles = &clin, .n_roles = 1};
  struct fp_actor nobody = {.user_id = 0, .roles = &pm, .n_roles = 1};
  assert_true(fp_invoice_may(&manager, FP_INVEV_PAY, 9, 14));
  assert_false(fp_invoice_may(&elsewhere, FP_INVEV_PAY, 9, 14));
  assert_false(fp_invoice_may(&admin, FP_INVEV_PAY, 9, 14));
  assert_false(fp_invoice_may(&issuer, FP_INVEV_PAY, 9, 14)); /* the issuer does not say it was paid */
  assert_false(fp_invoice_may(&nobody, FP_INVEV_PAY, 9, 14));
  assert_false(fp_invoice_may(NULL, FP_INVEV_PAY, 9, 14));
  /* Part 2 of form A: the practice's manager, never the locum, even one who manages the practice. */
  assert_true(fp_invoice_may(&manager, FP_INVEV_SIGN_FORM_A, 9, 14));
  assert_false(fp_invoice_may(&elsewhere, FP_INVEV_SIGN_FORM_A, 9, 14));
  assert_false(fp_invoice_may(&issuer, FP_INVEV_SIGN_FORM_A, 9, 14));
  struct fp_role both[] = {{FP_ROLE_PRACTICE_MANAGER, 14, 0}, {FP_ROLE_CLINICIAN, 0, 0}};
  struct fp_actor locum_manager = {.user_id = 5, .clinician_id = 9, .roles = both, .n_roles = 2};
  assert_true(fp_invoice_may(&locum_manager, FP_INVEV_PAY, 9, 14));
  assert_false(fp_invoice_may(&locum_manager, FP_INVEV_SIGN_FORM_A, 9, 14));
  assert_true(fp_invoice_may(&locum_manager, FP_INVEV_SIGN_FORM_A, 8, 14)); /* another locum's */
}

/* Due a number of UK days after the UK day of issue, whatever the hour: an invoice issued at 00:30
   BST on 1 April (23:30 UTC on 31 March) is due 30 days after 1 April. */
static void test_due_in_uk_days(void **state) {
  (void)state;
  fp_time just_after_midnight_bst = fp_uk_local_to_utc(fp_days_from_civil(2026, 4, 1), 0, 30, 0);
  assert_int_equal(fp_invoice_due_on(just_after_midnight_bst, 30), fp_days_from_civil(2026, 5, 1));
  fp_time winter_evening = fp_uk_local_to_utc(fp_days_from_civil(2026, 12, 31), 23, 59, 0);
  assert_int_equal(fp_invoice_due_on(winter_evening, 30), fp_days_from_civil(2027, 1, 30));
}

static void test_overdue_from_the_day_after(void **state) {
  (void)state;
  fp_day due = fp_days_from_civil(2026, 6, 30);
  fp_time last_minute = fp_uk_local_to_utc(due, 23, 59, 59), next_morning = fp_uk_local_to_utc(due + 1, 0, 0, 0);
  assert_false(fp_invoice_overdue(FP_INVOICE_ISSUED, due, last_minute));
  assert_true(fp_invoice_overdue(FP_INVOICE_ISSUED, due, next_morning));
  assert_false(fp_invoice_overdue(FP_INVOICE_PAID, due, next_morning + 90 * 86400)); /* paid: never overdue */
}

static void test_shown_status_follows_overdue(void **state) {
  (void)state;
  fp_day due = fp_days_from_civil(2026, 6, 30);
  fp_time last_minute = fp_uk_local_to_utc(due, 23, 59, 59), next_morning = fp_uk_local_to_utc(due + 1, 0, 0, 0);
  assert_string_equal(fp_invoice_shown_status(FP_INVOICE_ISSUED, due, last_minute), "issued");
  assert_string_equal(fp_invoice_shown_status(FP_INVOICE_ISSUED, due, next_morning), "overdue");
  assert_string_equal(fp_invoice_shown_status(FP_INVOICE_PAID, due, next_morning), "paid");
}

static void test_reference_has_four_digits_at_least(void **state) {
  (void)state;
  char b[FP_INVOICE_REF_LEN];
  fp_invoice_reference(7, b);
  assert_string_equal(b, "0007");
  fp_invoice_reference(12345, b);
  assert_string_equal(b, "12345");
}

/* A monthly run invoices what started before the first of its UK month: at 00:30 BST on 1 June
   (23:30 UTC on 31 May) that is 1 June, not 1 May. */
static void test_monthly_runs(void **state) {
  (void)state;
  enum fp_invoicing v = FP_INVOICING_SESSION;
  assert_int_equal(fp_invoicing_parse("monthly", &v), FP_OK);
  assert_int_equal(v, FP_INVOICING_MONTHLY);
  assert_int_equal(fp_invoicing_parse("weekly", &v), FP_EINVAL);
  assert_int_equal(fp_invoicing_parse(NULL, &v), FP_EINVAL);
  assert_string_equal(fp_invoicing_name(FP_INVOICING_SESSION), "session");
  fp_time june_first_bst = fp_uk_local_to_utc(fp_days_from_civil(2026, 6, 1), 0, 30, 0);
  assert_int_equal(fp_invoice_monthly_before(june_first_bst), fp_days_from_civil(2026, 6, 1));
  assert_int_equal(fp_invoice_monthly_before(june_first_bst - 3600), fp_days_from_civil(2026, 5, 1));
  fp_time new_year = fp_uk_local_to_utc(fp_days_from_civil(2027, 1, 1), 0, 0, 0);
  assert_int_equal(fp_invoice_monthly_before(new_year - 1), fp_days_from_civil(2026, 12, 1));
  assert_int_equal(fp_invoice_monthly_before(new_year), fp_days_from_civil(2027, 1, 1));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_status_names_round_trip),
      cmocka_unit_test(test_paid_once),
      cmocka_unit_test(test_credit_only_what_is_unpaid),
      cmocka_unit_test(test_only_the_issuer_credits),
      cmocka_unit_test(test_only_the_practice_records_payment),
      cmocka_unit_test(test_due_in_uk_days),
      cmocka_unit_test(test_overdue_from_the_day_after),
      cmocka_unit_test(test_shown_status_follows_overdue),
      cmocka_unit_test(test_reference_has_four_digits_at_least),
      cmocka_unit_test(test_monthly_runs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
