/* camguard - CgCircuitBreaker in virtual time
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <camguard.h>
#include <gst/check/gsttestclock.h>

#define S GST_SECOND

typedef struct
{
  GstClock *clock;
  CgCircuitBreaker *breaker;
  GArray *transitions;          /* CgBreakerState seen in notify::state */
} Fixture;

static void
on_state (GObject * object, GParamSpec * pspec, Fixture * f)
{
  CgBreakerState state = cg_circuit_breaker_get_state (CG_CIRCUIT_BREAKER
      (object));

  g_array_append_val (f->transitions, state);
}

static void
setup (Fixture * f, gconstpointer data)
{
  f->clock = gst_test_clock_new_with_start_time (100 * S);
  f->breaker = cg_circuit_breaker_new ();
  g_object_set (f->breaker, "failure-threshold", 3,
      "open-duration", (guint64) (10 * S), "clock", f->clock, NULL);
  f->transitions = g_array_new (FALSE, FALSE, sizeof (CgBreakerState));
  g_signal_connect (f->breaker, "notify::state", G_CALLBACK (on_state), f);
}

static void
teardown (Fixture * f, gconstpointer data)
{
  g_object_unref (f->breaker);
  gst_object_unref (f->clock);
  g_array_unref (f->transitions);
}

static void
advance (Fixture * f, GstClockTime t)
{
  gst_test_clock_advance_time (GST_TEST_CLOCK (f->clock), t);
}

static CgBreakerState
state (Fixture * f)
{
  return cg_circuit_breaker_get_state (f->breaker);
}

static void
fail_n (Fixture * f, guint n)
{
  while (n--) {
    g_assert_true (cg_circuit_breaker_allow (f->breaker));
    cg_circuit_breaker_record_failure (f->breaker);
  }
}

/* Opens at the threshold; a success in between restarts the count. */
static void
test_opens_at_threshold (Fixture * f, gconstpointer data)
{
  g_assert_cmpint (state (f), ==, CG_BREAKER_CLOSED);
  fail_n (f, 2);
  cg_circuit_breaker_record_success (f->breaker);
  fail_n (f, 2);
  g_assert_cmpint (state (f), ==, CG_BREAKER_CLOSED);
  g_assert_cmpuint (f->transitions->len, ==, 0);
  fail_n (f, 1);
  g_assert_cmpint (state (f), ==, CG_BREAKER_OPEN);
  g_assert_cmpuint (f->transitions->len, ==, 1);
  g_assert_cmpint (g_array_index (f->transitions, CgBreakerState, 0), ==,
      CG_BREAKER_OPEN);
  g_assert_cmpuint (cg_circuit_breaker_get_retry_after (f->breaker), ==,
      10 * S);
}

/* Refuses while open; half-opens exactly at the open duration. */
static void
test_half_open_timing (Fixture * f, gconstpointer data)
{
  fail_n (f, 3);
  g_assert_false (cg_circuit_breaker_allow (f->breaker));
  advance (f, 10 * S - 1);
  g_assert_cmpuint (cg_circuit_breaker_get_retry_after (f->breaker), ==, 1);
  g_assert_false (cg_circuit_breaker_allow (f->breaker));
  g_assert_cmpint (state (f), ==, CG_BREAKER_OPEN);
  advance (f, 1);
  g_assert_cmpuint (cg_circuit_breaker_get_retry_after (f->breaker), ==, 0);
  g_assert_true (cg_circuit_breaker_allow (f->breaker));
  g_assert_cmpint (state (f), ==, CG_BREAKER_HALF_OPEN);
  /* One probe only: the next attempt is refused until the probe decides. */
  g_assert_false (cg_circuit_breaker_allow (f->breaker));
  g_assert_cmpuint (f->transitions->len, ==, 2);
}

static void
test_probe_success_closes (Fixture * f, gconstpointer data)
{
  fail_n (f, 3);
  advance (f, 10 * S);
  g_assert_true (cg_circuit_breaker_allow (f->breaker));
  cg_circuit_breaker_record_success (f->breaker);
  g_assert_cmpint (state (f), ==, CG_BREAKER_CLOSED);
  g_assert_true (cg_circuit_breaker_allow (f->breaker));
  /* Closed again means the full threshold is needed to reopen. */
  cg_circuit_breaker_record_failure (f->breaker);
  cg_circuit_breaker_record_failure (f->breaker);
  g_assert_cmpint (state (f), ==, CG_BREAKER_CLOSED);

  g_assert_cmpuint (f->transitions->len, ==, 3);
  g_assert_cmpint (g_array_index (f->transitions, CgBreakerState, 0), ==,
      CG_BREAKER_OPEN);
  g_assert_cmpint (g_array_index (f->transitions, CgBreakerState, 1), ==,
      CG_BREAKER_HALF_OPEN);
  g_assert_cmpint (g_array_index (f->transitions, CgBreakerState, 2), ==,
      CG_BREAKER_CLOSED);
}

static void
test_probe_failure_reopens (Fixture * f, gconstpointer data)
{
  fail_n (f, 3);
  advance (f, 10 * S);
  g_assert_true (cg_circuit_breaker_allow (f->breaker));
  cg_circuit_breaker_record_failure (f->breaker);
  g_assert_cmpint (state (f), ==, CG_BREAKER_OPEN);
  /* A full open duration again, counted from the reopening. */
  g_assert_cmpuint (cg_circuit_breaker_get_retry_after (f->breaker), ==,
      10 * S);
  advance (f, 5 * S);
  g_assert_false (cg_circuit_breaker_allow (f->breaker));
  advance (f, 5 * S);
  g_assert_true (cg_circuit_breaker_allow (f->breaker));
  g_assert_cmpint (state (f), ==, CG_BREAKER_HALF_OPEN);
  g_assert_cmpuint (f->transitions->len, ==, 4);
  g_assert_cmpint (g_array_index (f->transitions, CgBreakerState, 2), ==,
      CG_BREAKER_OPEN);
}

/* With two probes: two attempts pass, a third is refused, two successes
 * are needed to close. */
static void
test_two_probes (Fixture * f, gconstpointer data)
{
  g_object_set (f->breaker, "half-open-probes", 2, NULL);
  fail_n (f, 3);
  advance (f, 10 * S);
  g_assert_true (cg_circuit_breaker_allow (f->breaker));
  g_assert_true (cg_circuit_breaker_allow (f->breaker));
  g_assert_false (cg_circuit_breaker_allow (f->breaker));
  cg_circuit_breaker_record_success (f->breaker);
  g_assert_cmpint (state (f), ==, CG_BREAKER_HALF_OPEN);
  cg_circuit_breaker_record_success (f->breaker);
  g_assert_cmpint (state (f), ==, CG_BREAKER_CLOSED);
}

static guint64
stat_u64 (const GstStructure * s, const gchar * name)
{
  guint64 v = G_MAXUINT64;

  g_assert_true (gst_structure_get_uint64 (s, name, &v));
  return v;
}

static void
test_statistics (Fixture * f, gconstpointer data)
{
  GstStructure *s;
  guint consecutive = 0;

  fail_n (f, 3);                /* opens at t = 100 s */
  g_assert_false (cg_circuit_breaker_allow (f->breaker));
  g_assert_false (cg_circuit_breaker_allow (f->breaker));
  advance (f, 10 * S);
  g_assert_true (cg_circuit_breaker_allow (f->breaker));
  cg_circuit_breaker_record_failure (f->breaker);       /* reopens at 110 s */
  advance (f, 10 * S);
  g_assert_true (cg_circuit_breaker_allow (f->breaker));
  g_assert_false (cg_circuit_breaker_allow (f->breaker));
  cg_circuit_breaker_record_success (f->breaker);

  s = cg_circuit_breaker_get_statistics (f->breaker);
  g_assert_true (gst_structure_has_name (s, "camguard-breaker-stats"));
  g_assert_cmpstr (gst_structure_get_string (s, "state"), ==, "closed");
  g_assert_true (gst_structure_get_uint (s, "consecutive-failures",
          &consecutive));
  g_assert_cmpuint (consecutive, ==, 0);
  g_assert_cmpuint (stat_u64 (s, "total-failures"), ==, 4);
  g_assert_cmpuint (stat_u64 (s, "total-successes"), ==, 1);
  g_assert_cmpuint (stat_u64 (s, "rejected"), ==, 3);
  g_assert_cmpuint (stat_u64 (s, "times-opened"), ==, 2);
  g_assert_cmpuint (stat_u64 (s, "last-opened"), ==, 110 * S);
  gst_structure_free (s);

  /* The property gives the same snapshot. */
  fail_n (f, 2);
  g_object_get (f->breaker, "statistics", &s, NULL);
  g_assert_true (gst_structure_get_uint (s, "consecutive-failures",
          &consecutive));
  g_assert_cmpuint (consecutive, ==, 2);
  g_assert_cmpuint (stat_u64 (s, "total-failures"), ==, 6);
  gst_structure_free (s);
}

static void
test_reset (Fixture * f, gconstpointer data)
{
  CgBreakerState st;

  fail_n (f, 3);
  cg_circuit_breaker_reset (f->breaker);
  g_object_get (f->breaker, "state", &st, NULL);
  g_assert_cmpint (st, ==, CG_BREAKER_CLOSED);
  g_assert_true (cg_circuit_breaker_allow (f->breaker));
  g_assert_cmpuint (f->transitions->len, ==, 2);
  g_assert_cmpstr (cg_breaker_state_to_string (CG_BREAKER_HALF_OPEN), ==,
      "half-open");
}

/* Notify is emitted without the breaker's lock held: the handler can call
 * back into the breaker (this would deadlock otherwise). */
static void
reenter (GObject * object, GParamSpec * pspec, gpointer data)
{
  GstStructure *s =
      cg_circuit_breaker_get_statistics (CG_CIRCUIT_BREAKER (object));

  (*(guint *) data)++;
  gst_structure_free (s);
}

static void
test_notify_outside_lock (Fixture * f, gconstpointer data)
{
  guint calls = 0;

  g_signal_connect (f->breaker, "notify::state", G_CALLBACK (reenter), &calls);
  fail_n (f, 3);
  advance (f, 10 * S);
  g_assert_true (cg_circuit_breaker_allow (f->breaker));
  cg_circuit_breaker_record_success (f->breaker);
  g_assert_cmpuint (calls, ==, 3);
}

#define N_THREADS 4
#define N_ROUNDS 2000

static gpointer
hammer (gpointer data)
{
  CgCircuitBreaker *breaker = data;
  guint i;

  for (i = 0; i < N_ROUNDS; i++) {
    if (cg_circuit_breaker_allow (breaker)) {
      if (i % 2)
        cg_circuit_breaker_record_failure (breaker);
      else
        cg_circuit_breaker_record_success (breaker);
    }
  }
  return NULL;
}

/* Several threads at once: no outcome is lost and the counters add up. */
static void
test_threads (Fixture * f, gconstpointer data)
{
  GThread *threads[N_THREADS];
  GstStructure *s;
  guint64 failures = 0, successes = 0, rejected = 0;
  guint i;

  /* A high threshold keeps the breaker closed, so every attempt runs. */
  g_object_set (f->breaker, "failure-threshold", G_MAXUINT, NULL);
  for (i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("hammer", hammer, f->breaker);
  for (i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  s = cg_circuit_breaker_get_statistics (f->breaker);
  g_assert_true (gst_structure_get_uint64 (s, "total-failures", &failures));
  g_assert_true (gst_structure_get_uint64 (s, "total-successes", &successes));
  g_assert_true (gst_structure_get_uint64 (s, "rejected", &rejected));
  g_assert_cmpuint (failures, ==, N_THREADS * N_ROUNDS / 2);
  g_assert_cmpuint (successes, ==, N_THREADS * N_ROUNDS / 2);
  g_assert_cmpuint (rejected, ==, 0);
  gst_structure_free (s);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) \
  g_test_add ("/circuit-breaker/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("opens-at-threshold", test_opens_at_threshold);
  ADD ("half-open-timing", test_half_open_timing);
  ADD ("probe-success-closes", test_probe_success_closes);
  ADD ("probe-failure-reopens", test_probe_failure_reopens);
  ADD ("two-probes", test_two_probes);
  ADD ("statistics", test_statistics);
  ADD ("reset", test_reset);
  ADD ("notify-outside-lock", test_notify_outside_lock);
  ADD ("threads", test_threads);
#undef ADD

  return g_test_run ();
}
