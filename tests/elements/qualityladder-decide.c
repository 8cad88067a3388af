/* camguard - qualityladder's step decision, with plain structs (no encoder,
 * no pipeline, no clock: the times are made up)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>

#include "cgqualityladder-decide.h"

#define S GST_SECOND
#define MS GST_MSECOND
#define T0 (100 * GST_SECOND)

static CgLadderPolicy
policy (void)
{
  CgLadderPolicy p = {
    .down_reaction = 2 * S,
    .up_hold = 10 * S,
    .block_time = 10 * S,
    .max_lateness = 300 * MS,
    .up_margin = 1.2,
    .loss_threshold = 0.10,
    .queue_threshold = 0.5,
  };
  return p;
}

/* 360p:800,180p:300,90p:100 at step @step, nothing wrong, 10 fps. */
static CgLadderSignals
quiet (gint step)
{
  CgLadderSignals s = {
    .automatic = TRUE,
    .n_rungs = 3,
    .step = step,
    .qos_last = GST_CLOCK_TIME_NONE,
    .lateness_seen = TRUE,
    .lateness_max = -50 * MS,
    .fps_n = 10,
    .fps_d = 1,
  };
  s.rungs[0].kbps = 800;
  s.rungs[1].kbps = 300;
  s.rungs[2].kbps = 100;
  s.rungs[0].usable = s.rungs[1].usable = s.rungs[2].usable = TRUE;
  return s;
}

/* Decide every tick from @from to @to (exclusive) with the same signals;
 * returns the first non-stay decision (its time in @at), or a stay. */
static CgLadderDecision
run (const CgLadderPolicy * p, const CgLadderSignals * s, CgLadderHold * h,
    GstClockTime from, GstClockTime to, GstClockTime * at)
{
  CgLadderDecision d = { CG_LADDER_STAY, s->step, CG_LADDER_REASON_NONE };
  GstClockTime t;

  for (t = from; t < to; t += CG_LADDER_TICK) {
    d = cg_ladder_decide (p, s, h, t, h);
    if (d.verdict != CG_LADDER_STAY) {
      if (at)
        *at = t;
      return d;
    }
  }
  return d;
}

static void
test_quiet_stays (void)
{
  CgLadderPolicy p = policy ();
  CgLadderSignals s = quiet (0);
  CgLadderHold h;
  CgLadderDecision d;

  cg_ladder_hold_init (&h);
  d = run (&p, &s, &h, T0, T0 + 600 * S, NULL);
  g_assert_cmpint (d.verdict, ==, CG_LADDER_STAY);
  g_assert_cmpint (d.step, ==, 0);
  g_assert_false (d.pressure);
  g_assert_true (d.headroom);
}

/* The estimate below the current rung: down after down-reaction (decided
 * two ticks early), straight to the best rung that fits. */
static void
test_bandwidth_goes_to_the_fitting_rung (void)
{
  CgLadderPolicy p = policy ();
  CgLadderSignals s = quiet (0);
  CgLadderHold h;
  CgLadderDecision d;
  GstClockTime at = 0;

  cg_ladder_hold_init (&h);
  s.available_kbps = 150;
  d = run (&p, &s, &h, T0, T0 + 10 * S, &at);
  g_assert_cmpint (d.verdict, ==, CG_LADDER_DOWN);
  g_assert_cmpint (d.step, ==, 2);
  g_assert_cmpint (d.reason, ==, CG_LADDER_REASON_BANDWIDTH);
  g_assert_cmpstr (cg_ladder_reason_to_string (d.reason), ==, "bandwidth");
  g_assert_cmpuint (at, ==, T0 + 2 * S - 2 * CG_LADDER_TICK);
}

/* Late QoS: one rung down; the verdict holds for CG_LADDER_QOS_HOLD
 * without further events, then it is gone. */
static void
test_qos_late_and_its_hold (void)
{
  CgLadderPolicy p = policy ();
  CgLadderSignals s = quiet (0);
  CgLadderHold h, next;
  CgLadderDecision d;

  cg_ladder_hold_init (&h);
  s.qos_events = 2;
  s.qos_jitter_sum = 80 * MS;
  s.qos_max_proportion = 1.3;
  s.qos_last = T0;
  d = cg_ladder_decide (&p, &s, &h, T0, &h);
  g_assert_cmpint (d.verdict, ==, CG_LADDER_STAY);
  g_assert_true (d.pressure);
  g_assert_cmpint (d.reason, ==, CG_LADDER_REASON_QOS);

  s.qos_events = 0;
  s.qos_jitter_sum = 0;
  s.qos_max_proportion = 0;
  d = cg_ladder_decide (&p, &s, &h, T0 + CG_LADDER_QOS_HOLD, &next);
  g_assert_true (d.pressure);
  d = cg_ladder_decide (&p, &s, &h, T0 + CG_LADDER_QOS_HOLD + 1, &next);
  g_assert_false (d.pressure);
  g_assert_false (next.qos_late);

  /* sustained: one rung down, not two */
  s.qos_events = 1;
  s.qos_jitter_sum = 40 * MS;
  s.qos_last = T0;
  cg_ladder_hold_init (&h);
  d = run (&p, &s, &h, T0, T0 + 10 * S, NULL);
  g_assert_cmpint (d.verdict, ==, CG_LADDER_DOWN);
  g_assert_cmpint (d.step, ==, 1);
}

/* A full queue is a backlog only when the output is late (or stopped). */
static void
test_queue_needs_late_output (void)
{
  CgLadderPolicy p = policy ();
  CgLadderSignals s = quiet (0);
  CgLadderHold h;
  CgLadderDecision d;

  cg_ladder_hold_init (&h);
  s.queue_fill = 0.9;
  d = run (&p, &s, &h, T0, T0 + 10 * S, NULL);
  g_assert_cmpint (d.verdict, ==, CG_LADDER_STAY);
  g_assert_false (d.pressure);
  g_assert_true (d.output_on_time);

  /* output stops (last seen at T0 + 9.9 s): after two frames (200 ms at
   * 10 fps) the queue counts */
  s.lateness_seen = FALSE;
  d = cg_ladder_decide (&p, &s, &h, T0 + 10 * S + 100 * MS, &h);
  g_assert_false (d.pressure);
  d = cg_ladder_decide (&p, &s, &h, T0 + 10 * S + 200 * MS, &h);
  g_assert_true (d.pressure);
  g_assert_cmpint (d.reason, ==, CG_LADDER_REASON_QUEUE);
}

static void
test_lateness_and_loss (void)
{
  CgLadderPolicy p = policy ();
  CgLadderSignals s = quiet (1);
  CgLadderHold h;
  CgLadderDecision d;

  cg_ladder_hold_init (&h);
  s.lateness_max = 500 * MS;
  d = cg_ladder_decide (&p, &s, &h, T0, &h);
  g_assert_cmpint (d.reason, ==, CG_LADDER_REASON_LATENESS);
  p.max_lateness = 0;
  d = cg_ladder_decide (&p, &s, &h, T0, &h);
  g_assert_false (d.pressure);

  s = quiet (1);
  s.packet_loss = 0.2;
  d = cg_ladder_decide (&p, &s, &h, T0, &h);
  g_assert_cmpint (d.reason, ==, CG_LADDER_REASON_PACKET_LOSS);
  /* between 2 % and the threshold: neither pressure nor headroom */
  s.packet_loss = 0.05;
  d = cg_ladder_decide (&p, &s, &h, T0, &h);
  g_assert_false (d.pressure);
  g_assert_false (d.headroom);
}

/* Headroom: up one rung after up-hold, only with the margin. */
static void
test_headroom_up_after_hold (void)
{
  CgLadderPolicy p = policy ();
  CgLadderSignals s = quiet (2);
  CgLadderHold h;
  CgLadderDecision d;
  GstClockTime at = 0;

  cg_ladder_hold_init (&h);
  s.available_kbps = 350;       /* < 1.2 x 300 */
  d = run (&p, &s, &h, T0, T0 + 60 * S, NULL);
  g_assert_cmpint (d.verdict, ==, CG_LADDER_STAY);
  g_assert_false (d.headroom);

  s.available_kbps = 360;
  d = run (&p, &s, &h, T0, T0 + 60 * S, &at);
  g_assert_cmpint (d.verdict, ==, CG_LADDER_UP);
  g_assert_cmpint (d.step, ==, 1);
  g_assert_cmpint (d.reason, ==, CG_LADDER_REASON_HEADROOM);
  g_assert_cmpuint (at, ==, T0 + 10 * S);
}

/* A step down blocks steps up for block-time; a step down soon after a
 * step up (a failed probe) doubles it, up to 64 times. */
static void
test_blocking_and_failed_probes (void)
{
  CgLadderPolicy p = policy ();
  CgLadderSignals s = quiet (1);
  CgLadderHold h;
  CgLadderDecision d;
  GstClockTime at = 0, t = T0;
  guint i;

  cg_ladder_hold_init (&h);
  s.available_kbps = 2000;
  cg_ladder_hold_note_step (&h, &p, 0, 1, t);
  g_assert_cmpuint (h.blocked_until, ==, t + 10 * S);
  d = run (&p, &s, &h, t, t + 60 * S, &at);
  g_assert_cmpint (d.verdict, ==, CG_LADDER_UP);
  /* headroom since t, blocked until t + 10 s: up at t + 10 s */
  g_assert_cmpuint (at, ==, t + 10 * S);

  for (i = 1; i <= 8; i++) {
    t += 100 * S;
    cg_ladder_hold_note_step (&h, &p, 1, 0, t);
    cg_ladder_hold_note_step (&h, &p, 0, 1, t + 3 * S);
    g_assert_cmpuint (h.block_mult, ==, MIN (1u << i, 64u));
    g_assert_cmpuint (h.blocked_until, ==, t + 3 * S + 10 * S * h.block_mult);
  }
  /* a step down long after the last step up is not a failed probe */
  cg_ladder_hold_note_step (&h, &p, 1, 0, t + 100 * S);
  cg_ladder_hold_note_step (&h, &p, 0, 1, t + 200 * S);
  g_assert_cmpuint (h.block_mult, ==, 1);
}

/* Rungs that would upscale the input are skipped both ways. */
static void
test_unusable_rungs_skipped (void)
{
  CgLadderPolicy p = policy ();
  CgLadderSignals s = quiet (0);
  CgLadderHold h;
  CgLadderDecision d;

  cg_ladder_hold_init (&h);
  s.rungs[0].usable = FALSE;
  s.step = 1;
  s.available_kbps = 5000;
  d = run (&p, &s, &h, T0, T0 + 60 * S, NULL);
  g_assert_cmpint (d.verdict, ==, CG_LADDER_STAY);
  g_assert_cmpint (cg_ladder_fit_next_up (s.rungs, 3, 1), ==, -1);
  g_assert_cmpint (cg_ladder_fit_best (s.rungs, 3), ==, 1);
  g_assert_cmpint (cg_ladder_fit_worst (s.rungs, 3), ==, 2);

  s.rungs[1].usable = FALSE;
  s.step = 0;
  g_assert_cmpint (cg_ladder_fit_next_down (s.rungs, 3, 0), ==, 2);
}

/* Manual mode assesses but never moves, and leaves the timers alone. */
static void
test_manual_only_assesses (void)
{
  CgLadderPolicy p = policy ();
  CgLadderSignals s = quiet (0);
  CgLadderHold h;
  CgLadderDecision d;

  cg_ladder_hold_init (&h);
  s.automatic = FALSE;
  s.available_kbps = 50;
  d = run (&p, &s, &h, T0, T0 + 60 * S, NULL);
  g_assert_cmpint (d.verdict, ==, CG_LADDER_STAY);
  g_assert_true (d.pressure);
  g_assert_false (GST_CLOCK_TIME_IS_VALID (h.pressure_since));
}

static gboolean
hold_equal (const CgLadderHold * a, const CgLadderHold * b)
{
  return a->qos_late == b->qos_late && a->lateness_last == b->lateness_last
      && a->lateness_last_time == b->lateness_last_time
      && a->pressure_since == b->pressure_since
      && a->headroom_since == b->headroom_since
      && a->blocked_until == b->blocked_until && a->last_up == b->last_up
      && a->block_mult == b->block_mult;
}

/* Pure: the input hold is not touched, and the same inputs give the same
 * decision. */
static void
test_pure (void)
{
  CgLadderPolicy p = policy ();
  CgLadderSignals s = quiet (0);
  CgLadderHold h, before, n1, n2;
  CgLadderDecision d1, d2;

  cg_ladder_hold_init (&h);
  s.available_kbps = 150;
  h.pressure_since = T0;
  before = h;
  d1 = cg_ladder_decide (&p, &s, &h, T0 + 2 * S, &n1);
  d2 = cg_ladder_decide (&p, &s, &h, T0 + 2 * S, &n2);
  g_assert_true (hold_equal (&h, &before));
  g_assert_true (hold_equal (&n1, &n2));
  g_assert_false (hold_equal (&n1, &before));
  g_assert_cmpint (d1.verdict, ==, d2.verdict);
  g_assert_cmpint (d1.step, ==, d2.step);
  g_assert_cmpint (d1.verdict, ==, CG_LADDER_DOWN);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/decide/quiet-stays", test_quiet_stays);
  g_test_add_func ("/decide/bandwidth",
      test_bandwidth_goes_to_the_fitting_rung);
  g_test_add_func ("/decide/qos", test_qos_late_and_its_hold);
  g_test_add_func ("/decide/queue", test_queue_needs_late_output);
  g_test_add_func ("/decide/lateness-loss", test_lateness_and_loss);
  g_test_add_func ("/decide/headroom", test_headroom_up_after_hold);
  g_test_add_func ("/decide/blocking", test_blocking_and_failed_probes);
  g_test_add_func ("/decide/unusable", test_unusable_rungs_skipped);
  g_test_add_func ("/decide/manual", test_manual_only_assesses);
  g_test_add_func ("/decide/pure", test_pure);
  return g_test_run ();
}
