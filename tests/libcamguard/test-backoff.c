/* camguard - CgBackoff in virtual time
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <camguard.h>
#include <gst/check/gsttestclock.h>

#define MS GST_MSECOND
#define S GST_SECOND

/* A backoff on a test clock at t = 1000 s, with exact (no jitter) delays of
 * 100 ms doubling up to 1.6 s and no give-up. */
static CgBackoff *
make_backoff (GstClock ** clock_out)
{
  GstClock *clock = gst_test_clock_new_with_start_time (1000 * S);
  CgBackoff *b = cg_backoff_new ();

  g_object_set (b, "initial-delay", (guint64) (100 * MS),
      "max-delay", (guint64) (1600 * MS), "multiplier", 2.0,
      "jitter", CG_JITTER_NONE, "stable-period", (guint64) (10 * S), NULL);
  cg_backoff_set_clock (b, clock);
  *clock_out = clock;
  return b;
}

static void
advance (GstClock * clock, GstClockTime t)
{
  gst_test_clock_advance_time (GST_TEST_CLOCK (clock), t);
}

static void
test_grow_and_cap (void)
{
  static const GstClockTime expected[] = {
    100 * MS, 200 * MS, 400 * MS, 800 * MS, 1600 * MS, 1600 * MS, 1600 * MS
  };
  GstClock *clock;
  CgBackoff *b = make_backoff (&clock);
  GstClockTime d;
  guint i;

  g_assert_cmpuint (cg_backoff_get_attempts (b), ==, 0);
  g_assert_cmpuint (cg_backoff_get_outage_start (b), ==, GST_CLOCK_TIME_NONE);
  for (i = 0; i < G_N_ELEMENTS (expected); i++) {
    g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
    g_assert_cmpuint (d, ==, expected[i]);
    g_assert_cmpuint (cg_backoff_get_attempts (b), ==, i + 1);
    advance (clock, d);
  }
  /* The outage started at the first failure. */
  g_assert_cmpuint (cg_backoff_get_outage_start (b), ==, 1000 * S);

  /* A different multiplier: 100, 300, 900, 1600 (capped). */
  cg_backoff_reset (b);
  g_object_set (b, "multiplier", 3.0, NULL);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CONNECTION_TIMEOUT, &d));
  g_assert_cmpuint (d, ==, 100 * MS);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CONNECTION_TIMEOUT, &d));
  g_assert_cmpuint (d, ==, 300 * MS);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CONNECTION_TIMEOUT, &d));
  g_assert_cmpuint (d, ==, 900 * MS);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CONNECTION_TIMEOUT, &d));
  g_assert_cmpuint (d, ==, 1600 * MS);

  g_object_unref (b);
  gst_object_unref (clock);
}

/* Draws @n delays for a fresh outage with @jitter and @seed. */
static GstClockTime *
draw (CgJitter jitter, guint seed, guint n)
{
  GstClock *clock;
  CgBackoff *b = make_backoff (&clock);
  GstClockTime *out = g_new0 (GstClockTime, n);
  guint i;

  g_object_set (b, "jitter", jitter, "seed", seed, NULL);
  for (i = 0; i < n; i++) {
    g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE,
            &out[i]));
    advance (clock, out[i]);
  }
  g_object_unref (b);
  gst_object_unref (clock);
  return out;
}

static GstClockTime
expo (guint attempt)
{
  GstClockTime d = 100 * MS;

  while (--attempt > 0 && d < 1600 * MS)
    d *= 2;
  return MIN (d, 1600 * MS);
}

static void
check_jitter (CgJitter jitter)
{
  const guint n = 400;
  GstClockTime *a = draw (jitter, 42, n);
  GstClockTime *a2 = draw (jitter, 42, n);
  GstClockTime *c = draw (jitter, 4242, n);
  GstClockTime prev = 100 * MS, lo_seen = G_MAXUINT64, hi_seen = 0;
  guint i, same_as_other = 0;

  for (i = 0; i < n; i++) {
    GstClockTime e = expo (i + 1), lo, hi;

    switch (jitter) {
      case CG_JITTER_FULL:
        lo = 0;
        hi = e;
        break;
      case CG_JITTER_EQUAL:
        lo = e / 2;
        hi = e;
        break;
      case CG_JITTER_DECORRELATED:
        lo = 100 * MS;
        hi = MIN (1600 * MS, prev * 2);
        break;
      default:
        g_assert_not_reached ();
    }
    g_assert_cmpuint (a[i], >=, lo);
    g_assert_cmpuint (a[i], <=, hi);
    g_assert_cmpuint (a[i], ==, a2[i]);
    if (a[i] == c[i])
      same_as_other++;
    prev = a[i];
    /* Spread check on the capped tail, where the bounds are fixed. */
    if (i >= 10) {
      lo_seen = MIN (lo_seen, a[i]);
      hi_seen = MAX (hi_seen, a[i]);
    }
  }
  /* Another seed gives another sequence. */
  g_assert_cmpuint (same_as_other, <, n / 10);
  /* The draws really are spread, not stuck at one value. */
  g_assert_cmpuint (hi_seen - lo_seen, >, 200 * MS);

  g_free (a);
  g_free (a2);
  g_free (c);
}

static void
test_jitter_full (void)
{
  check_jitter (CG_JITTER_FULL);
}

static void
test_jitter_equal (void)
{
  check_jitter (CG_JITTER_EQUAL);
}

static void
test_jitter_decorrelated (void)
{
  check_jitter (CG_JITTER_DECORRELATED);
}

static void
test_max_attempts (void)
{
  GstClock *clock;
  CgBackoff *b = make_backoff (&clock);
  GstClockTime d;
  guint i;

  g_object_set (b, "max-attempts", 3, NULL);
  for (i = 0; i < 3; i++) {
    g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
    advance (clock, d);
  }
  /* the third attempt failed: give up "after 3 attempts" */
  g_assert_false (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  g_assert_cmpuint (d, ==, GST_CLOCK_TIME_NONE);
  g_assert_cmpuint (cg_backoff_get_attempts (b), ==, 3);

  /* After a reset the budget is fresh. */
  cg_backoff_reset (b);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  g_assert_cmpuint (d, ==, 100 * MS);

  g_object_unref (b);
  gst_object_unref (clock);
}

static void
test_max_outage (void)
{
  GstClock *clock;
  CgBackoff *b = make_backoff (&clock);
  GstClockTime d;

  g_object_set (b, "max-outage", (guint64) (5 * S), NULL);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  advance (clock, 3 * S);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  /* Exactly at the limit: still within it. */
  advance (clock, 2 * S);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  advance (clock, 1);
  g_assert_cmpuint (cg_backoff_get_outage_start (b), ==, 1000 * S);
  g_assert_false (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  /* giving up ends the outage */
  g_assert_cmpuint (cg_backoff_get_outage_start (b), ==, GST_CLOCK_TIME_NONE);

  g_object_unref (b);
  gst_object_unref (clock);
}

static void
test_policies (void)
{
  GstClock *clock;
  CgBackoff *b = make_backoff (&clock);
  GstClockTime d;

  /* SLOW (camera credentials): the maximum delay from the first attempt. */
  g_assert_cmpint (cg_backoff_get_policy (b, CG_CODE_PERMISSION_DENIED), ==,
      CG_RETRY_SLOW);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_PERMISSION_DENIED, &d));
  g_assert_cmpuint (d, ==, 1600 * MS);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_PERMISSION_DENIED, &d));
  g_assert_cmpuint (d, ==, 1600 * MS);

  /* NEVER (unsupported format): give up at once. */
  cg_backoff_reset (b);
  g_assert_cmpint (cg_backoff_get_policy (b, CG_CODE_UNSUPPORTED_FORMAT), ==,
      CG_RETRY_NEVER);
  g_assert_false (cg_backoff_next_delay (b, CG_CODE_UNSUPPORTED_FORMAT, &d));
  g_assert_cmpuint (d, ==, GST_CLOCK_TIME_NONE);

  /* Overrides. */
  cg_backoff_reset (b);
  cg_backoff_set_policy (b, CG_CODE_UNSUPPORTED_FORMAT, CG_RETRY_NORMAL);
  g_assert_cmpint (cg_backoff_get_policy (b, CG_CODE_UNSUPPORTED_FORMAT), ==,
      CG_RETRY_NORMAL);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_UNSUPPORTED_FORMAT, &d));
  g_assert_cmpuint (d, ==, 100 * MS);
  cg_backoff_set_policy (b, CG_CODE_CAMERA_UNREACHABLE, CG_RETRY_NEVER);
  g_assert_false (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  cg_backoff_reset (b);
  cg_backoff_set_policy (b, CG_CODE_CAMERA_UNREACHABLE, CG_RETRY_SLOW);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  g_assert_cmpuint (d, ==, 1600 * MS);
  cg_backoff_unset_policy (b, CG_CODE_UNSUPPORTED_FORMAT);
  g_assert_cmpint (cg_backoff_get_policy (b, CG_CODE_UNSUPPORTED_FORMAT), ==,
      CG_RETRY_NEVER);

  g_object_unref (b);
  gst_object_unref (clock);
}

static void
test_stable_period (void)
{
  GstClock *clock;
  CgBackoff *b = make_backoff (&clock);
  GstClockTime d;

  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  advance (clock, d);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  g_assert_cmpuint (d, ==, 200 * MS);
  advance (clock, d);

  /* A recovery ends the outage: it lasted 300 ms, over two attempts. */
  g_assert_cmpuint (cg_backoff_success (b), ==, 300 * MS);
  g_assert_cmpuint (cg_backoff_get_attempts (b), ==, 2);
  g_assert_cmpuint (cg_backoff_get_outage_start (b), ==, GST_CLOCK_TIME_NONE);
  /* a second success is no recovery */
  g_assert_cmpuint (cg_backoff_success (b), ==, GST_CLOCK_TIME_NONE);

  /* Failing again within the stable period (flapping): a new outage whose
   * attempts start at 1, but whose delays continue the sequence. */
  advance (clock, 10 * S - 1);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  g_assert_cmpuint (d, ==, 400 * MS);
  g_assert_cmpuint (cg_backoff_get_attempts (b), ==, 1);
  g_assert_cmpuint (cg_backoff_get_outage_start (b), ==,
      gst_clock_get_time (clock));
  advance (clock, d);
  g_assert_cmpuint (cg_backoff_success (b), ==, 400 * MS);

  /* Healthy for the whole stable period: the delays start over. */
  advance (clock, 10 * S);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  g_assert_cmpuint (d, ==, 100 * MS);
  g_assert_cmpuint (cg_backoff_get_attempts (b), ==, 1);

  g_object_unref (b);
  gst_object_unref (clock);
}

/* Issue 14 item 8: max-attempts=2 and a camera that fails every 4 s and
 * comes back each time: attempts never add up across recoveries, and every
 * outage starts at initial-delay (healthy longer than the stable period). */
static void
test_attempts_per_outage (void)
{
  GstClock *clock;
  CgBackoff *b = make_backoff (&clock);
  GstClockTime d;
  guint i;

  g_object_set (b, "max-attempts", 2, "stable-period", (guint64) (2 * S), NULL);
  for (i = 0; i < 10; i++) {
    g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_DISCONNECTED, &d));
    g_assert_cmpuint (d, ==, 100 * MS);
    g_assert_cmpuint (cg_backoff_get_attempts (b), ==, 1);
    advance (clock, d);
    g_assert_cmpuint (cg_backoff_success (b), ==, 100 * MS);
    advance (clock, 4 * S);
  }
  /* one outage whose two attempts both fail gives up at the third failure */
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_DISCONNECTED, &d));
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_DISCONNECTED, &d));
  g_assert_false (cg_backoff_next_delay (b, CG_CODE_CAMERA_DISCONNECTED, &d));
  g_assert_cmpuint (cg_backoff_get_attempts (b), ==, 2);

  g_object_unref (b);
  gst_object_unref (clock);
}

static void
test_statistics (void)
{
  GstClock *clock;
  CgBackoff *b = make_backoff (&clock);
  GstClockTime d;
  GstStructure *s;
  guint64 v;

  g_object_set (b, "max-attempts", 1, NULL);
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  advance (clock, 250 * MS);
  s = cg_backoff_get_statistics (b);
  g_assert_true (gst_structure_has_name (s, "camguard-backoff-stats"));
  g_assert_true (gst_structure_get_uint64 (s, "current-outage", &v));
  g_assert_cmpuint (v, ==, 250 * MS);
  gst_structure_free (s);
  g_assert_cmpuint (cg_backoff_success (b), ==, 250 * MS);
  advance (clock, S);
  /* a second outage given up after its one attempt, 700 ms long */
  g_assert_true (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));
  advance (clock, 700 * MS);
  g_assert_false (cg_backoff_next_delay (b, CG_CODE_CAMERA_UNREACHABLE, &d));

  s = cg_backoff_get_statistics (b);
  g_assert_true (gst_structure_get_uint64 (s, "attempts", &v));
  g_assert_cmpuint (v, ==, 1);
  g_assert_true (gst_structure_get_uint64 (s, "total-attempts", &v));
  g_assert_cmpuint (v, ==, 2);
  g_assert_true (gst_structure_get_uint64 (s, "outages", &v));
  g_assert_cmpuint (v, ==, 2);
  g_assert_true (gst_structure_get_uint64 (s, "recoveries", &v));
  g_assert_cmpuint (v, ==, 1);
  g_assert_true (gst_structure_get_uint64 (s, "gave-up", &v));
  g_assert_cmpuint (v, ==, 1);
  g_assert_true (gst_structure_get_uint64 (s, "current-outage", &v));
  g_assert_cmpuint (v, ==, 0);
  g_assert_true (gst_structure_get_uint64 (s, "total-outage", &v));
  g_assert_cmpuint (v, ==, 950 * MS);
  g_assert_true (gst_structure_get_uint64 (s, "longest-outage", &v));
  g_assert_cmpuint (v, ==, 700 * MS);
  gst_structure_free (s);

  g_object_unref (b);
  gst_object_unref (clock);
}

static void
test_properties (void)
{
  CgBackoff *b = cg_backoff_new ();
  GstClock *clock = gst_test_clock_new (), *got;
  CgJitter jitter;
  guint seed;
  gchar *name;

  g_object_get (b, "jitter", &jitter, "seed", &seed, NULL);
  g_assert_cmpint (jitter, ==, CG_JITTER_FULL);
  g_assert_cmpuint (seed, ==, 0);
  got = cg_backoff_get_clock (b);
  g_assert_true (GST_IS_SYSTEM_CLOCK (got));
  gst_object_unref (got);
  g_object_set (b, "clock", clock, NULL);
  got = cg_backoff_get_clock (b);
  g_assert_true (got == clock);
  gst_object_unref (got);
  cg_backoff_set_clock (b, NULL);
  got = cg_backoff_get_clock (b);
  g_assert_true (GST_IS_SYSTEM_CLOCK (got));
  gst_object_unref (got);
  name = g_enum_to_string (CG_TYPE_JITTER, CG_JITTER_DECORRELATED);
  g_assert_cmpstr (name, ==, "CG_JITTER_DECORRELATED");
  g_free (name);

  g_object_unref (b);
  gst_object_unref (clock);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/backoff/grow-and-cap", test_grow_and_cap);
  g_test_add_func ("/backoff/jitter/full", test_jitter_full);
  g_test_add_func ("/backoff/jitter/equal", test_jitter_equal);
  g_test_add_func ("/backoff/jitter/decorrelated", test_jitter_decorrelated);
  g_test_add_func ("/backoff/max-attempts", test_max_attempts);
  g_test_add_func ("/backoff/max-outage", test_max_outage);
  g_test_add_func ("/backoff/policies", test_policies);
  g_test_add_func ("/backoff/stable-period", test_stable_period);
  g_test_add_func ("/backoff/attempts-per-outage", test_attempts_per_outage);
  g_test_add_func ("/backoff/statistics", test_statistics);
  g_test_add_func ("/backoff/properties", test_properties);

  return g_test_run ();
}
