/* camguard - qualityladder: the step decision, a pure function
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * cg_ladder_decide() is the whole automatic policy of qualityladder: given
 * a snapshot of the signals (#CgLadderSignals), the settings
 * (#CgLadderPolicy), what the previous decision left behind (#CgLadderHold)
 * and the time, it says whether to stay, step down (and to which rung) or
 * step up one rung, and why. It touches nothing else, so it is tested with
 * plain structs and made-up times (tests/elements/qualityladder-decide.c).
 *
 * Pressure (any of these):
 * - available-bitrate below the current rung's bitrate ("bandwidth"; the
 *   step down then goes straight to the best rung that fits);
 * - packet loss above loss-threshold ("packet-loss");
 * - downstream QoS late on average or a proportion above 1.1 ("qos"); the
 *   verdict of the last interval with QoS events holds for
 *   CG_LADDER_QOS_HOLD when none follow;
 * - the internal queue at or above queue-threshold ("queue"), unless the
 *   encoded frames still leave on time (a queue kept full by sinks waiting
 *   for the render time of a live stream, or by a non-live source running
 *   ahead of the clock, is not a backlog);
 * - encoded output more than max-lateness late ("lateness").
 *
 * Headroom: no pressure, available-bitrate (when known) at least up-margin
 * times the next rung up, loss below CG_LADDER_UP_LOSS, QoS not late, the
 * queue below half its threshold and lateness below half of max-lateness.
 *
 * Hysteresis: down once pressure has lasted down-reaction (decided two
 * ticks early, so that the first frame at the lower rung leaves within
 * down-reaction of the onset); up one rung after up-hold of continuous
 * headroom, never before blocked_until. cg_ladder_hold_note_step() sets
 * blocked_until on every step down: block-time after a step down, doubled
 * (up to CG_LADDER_MAX_BLOCK_MULT times) when the step down follows a step
 * up within up-hold + down-reaction (a failed probe).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cgqualityladder-decide.h"

const gchar *
cg_ladder_reason_to_string (CgLadderReason reason)
{
  switch (reason) {
    case CG_LADDER_REASON_BANDWIDTH:
      return "bandwidth";
    case CG_LADDER_REASON_PACKET_LOSS:
      return "packet-loss";
    case CG_LADDER_REASON_QOS:
      return "qos";
    case CG_LADDER_REASON_QUEUE:
      return "queue";
    case CG_LADDER_REASON_LATENESS:
      return "lateness";
    case CG_LADDER_REASON_HEADROOM:
      return "headroom";
    case CG_LADDER_REASON_MANUAL:
      return "manual";
    case CG_LADDER_REASON_NONE:
      break;
  }
  return "none";
}

/* Nothing seen, no timer running. */
void
cg_ladder_hold_init (CgLadderHold * hold)
{
  static const CgLadderHold initial = {
    .lateness_last_time = GST_CLOCK_TIME_NONE,
    .pressure_since = GST_CLOCK_TIME_NONE,
    .headroom_since = GST_CLOCK_TIME_NONE,
    .blocked_until = GST_CLOCK_TIME_NONE,
    .last_up = GST_CLOCK_TIME_NONE,
    .block_mult = 1,
  };

  *hold = initial;
}

gint
cg_ladder_fit_best (const CgLadderRungFit * rungs, guint n_rungs)
{
  guint i;

  for (i = 0; i < n_rungs; i++)
    if (rungs[i].usable)
      return i;
  return 0;
}

gint
cg_ladder_fit_worst (const CgLadderRungFit * rungs, guint n_rungs)
{
  gint i;

  for (i = (gint) n_rungs - 1; i >= 0; i--)
    if (rungs[i].usable)
      return i;
  return 0;
}

/* The next usable rung below @step, or -1. */
gint
cg_ladder_fit_next_down (const CgLadderRungFit * rungs, guint n_rungs,
    gint step)
{
  guint i;

  for (i = step + 1; i < n_rungs; i++)
    if (rungs[i].usable)
      return i;
  return -1;
}

/* The next usable rung above @step, or -1. */
gint
cg_ladder_fit_next_up (const CgLadderRungFit * rungs, guint n_rungs, gint step)
{
  gint i;

  for (i = MIN (step, (gint) n_rungs) - 1; i >= 0; i--)
    if (rungs[i].usable)
      return i;
  return -1;
}

/* The best usable rung whose bitrate fits into @kbps (the lowest if none). */
static gint
bandwidth_fit (const CgLadderSignals * sig, guint kbps)
{
  guint i;

  for (i = 0; i < sig->n_rungs; i++)
    if (sig->rungs[i].usable && sig->rungs[i].kbps <= kbps)
      return i;
  return cg_ladder_fit_worst (sig->rungs, sig->n_rungs);
}

static void
pressure (CgLadderDecision * d, CgLadderReason reason)
{
  d->pressure = TRUE;
  if (d->reason == CG_LADDER_REASON_NONE)
    d->reason = reason;
}

/* QoS: the verdict of this interval, else of the last one with QoS events
 * for CG_LADDER_QOS_HOLD (no QoS for a while: no sink with qos=true, or
 * nothing to report). */
static gboolean
assess_qos (const CgLadderSignals * sig, CgLadderHold * next, GstClockTime now)
{
  if (sig->qos_events > 0) {
    gint64 avg_jitter = sig->qos_jitter_sum / (gint64) sig->qos_events;

    next->qos_late = avg_jitter > 0 || sig->qos_max_proportion > 1.1;
  } else if (!GST_CLOCK_TIME_IS_VALID (sig->qos_last) ||
      !GST_CLOCK_TIME_IS_VALID (now) || now > sig->qos_last +
      CG_LADDER_QOS_HOLD) {
    next->qos_late = FALSE;
  }
  return next->qos_late;
}

/* Whether the encoded output leaves on time: lateness of this interval,
 * else of the last one if output stopped less than two intervals or two
 * frames ago (a stalled encoder has no recent output, so its queue counts
 * again). */
static gboolean
assess_on_time (const CgLadderSignals * sig, CgLadderHold * next,
    GstClockTime now)
{
  GstClockTime hold = 2 * CG_LADDER_TICK;

  if (sig->fps_n > 0 && sig->fps_d > 0)
    hold = MAX (hold, gst_util_uint64_scale (2 * GST_SECOND, sig->fps_d,
            sig->fps_n));
  if (sig->lateness_seen) {
    next->lateness_last = sig->lateness_max;
    next->lateness_last_time = now;
  } else if (GST_CLOCK_TIME_IS_VALID (next->lateness_last_time) &&
      GST_CLOCK_TIME_IS_VALID (now) && now > next->lateness_last_time + hold) {
    next->lateness_last_time = GST_CLOCK_TIME_NONE;
  }
  return GST_CLOCK_TIME_IS_VALID (next->lateness_last_time) &&
      next->lateness_last <= 0;
}

/* Pressure and headroom of this snapshot, into @d. */
static void
assess (const CgLadderPolicy * p, const CgLadderSignals * sig,
    CgLadderHold * next, GstClockTime now, CgLadderDecision * d)
{
  gint up = cg_ladder_fit_next_up (sig->rungs, sig->n_rungs, sig->step);
  gdouble fill = sig->queue_fill;
  GstClockTimeDiff max_late = (GstClockTimeDiff) p->max_lateness;

  d->headroom = TRUE;
  if (sig->available_kbps > 0) {
    if (sig->available_kbps < sig->rungs[sig->step].kbps)
      pressure (d, CG_LADDER_REASON_BANDWIDTH);
    if (up >= 0 && sig->available_kbps < p->up_margin * sig->rungs[up].kbps)
      d->headroom = FALSE;
  }
  if (sig->packet_loss > p->loss_threshold)
    pressure (d, CG_LADDER_REASON_PACKET_LOSS);
  if (sig->packet_loss >= CG_LADDER_UP_LOSS)
    d->headroom = FALSE;
  if (assess_qos (sig, next, now)) {
    pressure (d, CG_LADDER_REASON_QOS);
    d->headroom = FALSE;
  }
  d->output_on_time = assess_on_time (sig, next, now);
  if (d->output_on_time)
    fill = 0.0;
  if (fill >= p->queue_threshold)
    pressure (d, CG_LADDER_REASON_QUEUE);
  if (fill >= p->queue_threshold / 2)
    d->headroom = FALSE;
  if (max_late > 0 && sig->lateness_seen) {
    if (sig->lateness_max > max_late)
      pressure (d, CG_LADDER_REASON_LATENESS);
    if (sig->lateness_max > max_late / 2)
      d->headroom = FALSE;
  }
  if (d->pressure)
    d->headroom = FALSE;
}

/* Under pressure: down once it has lasted down-reaction. */
static void
decide_down (const CgLadderPolicy * p, const CgLadderSignals * sig,
    CgLadderHold * next, GstClockTime now, CgLadderDecision * d)
{
  gint down;

  next->headroom_since = GST_CLOCK_TIME_NONE;
  if (!GST_CLOCK_TIME_IS_VALID (next->pressure_since))
    next->pressure_since = now;
  down = cg_ladder_fit_next_down (sig->rungs, sig->n_rungs, sig->step);
  if (down < 0)
    return;
  /* Two ticks early: pressure may have started up to one tick before it
   * was seen, and the next frame has to cross the queue and the encoder. */
  if (now + 2 * CG_LADDER_TICK < next->pressure_since + p->down_reaction)
    return;
  if (d->reason == CG_LADDER_REASON_BANDWIDTH)
    down = MAX (down, bandwidth_fit (sig, sig->available_kbps));
  d->verdict = CG_LADDER_DOWN;
  d->step = down;
}

/* Without pressure: up one rung after up-hold of headroom, unblocked. */
static void
decide_up (const CgLadderPolicy * p, const CgLadderSignals * sig,
    CgLadderHold * next, GstClockTime now, CgLadderDecision * d)
{
  gint up = cg_ladder_fit_next_up (sig->rungs, sig->n_rungs, sig->step);

  next->pressure_since = GST_CLOCK_TIME_NONE;
  if (!d->headroom || up < 0) {
    next->headroom_since = GST_CLOCK_TIME_NONE;
    return;
  }
  if (!GST_CLOCK_TIME_IS_VALID (next->headroom_since))
    next->headroom_since = now;
  if (GST_CLOCK_TIME_IS_VALID (next->blocked_until) &&
      now < next->blocked_until)
    return;
  if (now >= next->headroom_since + p->up_hold) {
    d->verdict = CG_LADDER_UP;
    d->step = up;
    d->reason = CG_LADDER_REASON_HEADROOM;
  }
}

/**
 * cg_ladder_decide:
 * @policy: the settings
 * @signals: the snapshot
 * @hold: what the previous decision left
 * @now: the element clock's time (valid)
 * @next: (out): what this decision leaves for the next one (may be @hold)
 *
 * Returns: the decision; its reason is the first pressure seen (in the
 *   order above) for a step down, "headroom" for a step up, and for a stay
 *   the pressure that is still waiting for down-reaction, if any
 */
CgLadderDecision
cg_ladder_decide (const CgLadderPolicy * policy,
    const CgLadderSignals * signals, const CgLadderHold * hold,
    GstClockTime now, CgLadderHold * next)
{
  CgLadderDecision d = { CG_LADDER_STAY, signals->step,
    CG_LADDER_REASON_NONE, FALSE, FALSE, FALSE
  };
  CgLadderHold h = *hold;

  if (signals->n_rungs > 0 && signals->step >= 0 &&
      (guint) signals->step < signals->n_rungs) {
    assess (policy, signals, &h, now, &d);
    if (signals->automatic && d.pressure)
      decide_down (policy, signals, &h, now, &d);
    else if (signals->automatic)
      decide_up (policy, signals, &h, now, &d);
  }
  *next = h;
  return d;
}

/**
 * cg_ladder_hold_note_step:
 * @hold: the hold state to update
 * @policy: the settings
 * @from: the step before
 * @to: the step requested (automatic or manual)
 * @now: the element clock's time, or NONE
 *
 * Records a requested step: a step down blocks steps up for block-time
 * (longer after a failed probe), a step up is remembered as a probe, and
 * pressure and headroom start counting again.
 */
void
cg_ladder_hold_note_step (CgLadderHold * hold, const CgLadderPolicy * policy,
    gint from, gint to, GstClockTime now)
{
  if (to > from && GST_CLOCK_TIME_IS_VALID (now)) {
    if (GST_CLOCK_TIME_IS_VALID (hold->last_up) &&
        now < hold->last_up + policy->up_hold + policy->down_reaction)
      hold->block_mult = MIN (hold->block_mult * 2, CG_LADDER_MAX_BLOCK_MULT);
    else
      hold->block_mult = 1;
    hold->blocked_until = now + policy->block_time * hold->block_mult;
  } else if (to < from && GST_CLOCK_TIME_IS_VALID (now)) {
    hold->last_up = now;
  }
  hold->pressure_since = GST_CLOCK_TIME_NONE;
  hold->headroom_since = GST_CLOCK_TIME_NONE;
}
