/* camguard - CgBackoff: the one retry-delay policy
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * CgBackoff:
 *
 * The one retry-delay policy of camguard: how long to wait before the next
 * attempt after a failure, and when to give up.
 *
 * An *outage* starts at the first failure of a source that was running (or
 * starting for the first time) and ends when the source delivers again
 * (cg_backoff_success()) or when the backoff gives up. An *attempt* is one
 * restart within an outage. At each failure, cg_backoff_next_delay() decides
 * whether to make one more attempt and how long to wait before it:
 *
 * - codes whose policy is %CG_RETRY_NORMAL get `initial-delay * multiplier^n`
 *   (n = delays drawn so far in the sequence), capped at
 *   #CgBackoff:max-delay, with the #CgBackoff:jitter spread applied;
 * - codes whose policy is %CG_RETRY_SLOW (wrong camera credentials, a device
 *   that is not plugged in) get #CgBackoff:max-delay from the first attempt;
 * - codes whose policy is %CG_RETRY_NEVER give up at once.
 *
 * The policy of a code comes from the error catalogue
 * (cg_code_get_retry_policy()) unless overridden with cg_backoff_set_policy().
 *
 * The backoff gives up when the #CgBackoff:max-attempts-th attempt of one
 * outage fails, or at a failure more than #CgBackoff:max-outage after the
 * outage began. A recovery ends the outage: the next failure starts a new
 * one, with attempts counted from 1 again, so a camera that reboots every
 * few seconds never exhausts max-attempts.
 *
 * #CgBackoff:stable-period only shapes the delays: a source that fails again
 * less than stable-period after it recovered is *flapping*; its new outage
 * continues the delay sequence where the last one stopped, so it is not
 * hammered at initial-delay. After stable-period of health the delays start
 * again at initial-delay.
 *
 * Time comes from a #GstClock (the system clock unless another one is set
 * with cg_backoff_set_clock()), so tests run in virtual time with a
 * #GstTestClock. Jitter comes from a #GRand seeded with #CgBackoff:seed, so
 * a non-zero seed makes every delay reproducible.
 *
 * All functions are thread-safe.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cg-backoff-private.h"
#include "cg-quarks-private.h"
#include "cg-clock-slot.h"

GST_DEBUG_CATEGORY_STATIC (cg_backoff_debug);
#define GST_CAT_DEFAULT cg_backoff_debug

G_DEFINE_TYPE (CgBackoff, cg_backoff, G_TYPE_OBJECT);

/* A new jitter generator from the seed. Lock held. */
void
cg_backoff_reseed_locked (CgBackoff * self)
{
  if (self->rand)
    g_rand_free (self->rand);
  /* Seed 0 asks for an unpredictable sequence, so that many sources
   * created alike do not draw the same jitter. */
  self->rand = self->seed ? g_rand_new_with_seed (self->seed) : g_rand_new ();
}

static void
reset_locked (CgBackoff * self)
{
  self->attempts = 0;
  self->outage_start = GST_CLOCK_TIME_NONE;
  self->recovered_at = GST_CLOCK_TIME_NONE;
  self->sequence = 0;
  self->prev_delay = 0;
}

static GstClockTime
now_locked (CgBackoff * self)
{
  return gst_clock_get_time (self->clock);
}

/* Ends the current outage (recovered or given up) at @now and accounts for
 * its duration. */
static GstClockTime
end_outage_locked (CgBackoff * self, GstClockTime now)
{
  GstClockTime d = now > self->outage_start ? now - self->outage_start : 0;

  self->total_outage += d;
  self->longest_outage = MAX (self->longest_outage, d);
  self->outage_start = GST_CLOCK_TIME_NONE;
  return d;
}

/* The first failure after a recovery: a new outage. A source that stayed
 * healthy for the stable period starts the delays at initial-delay again; a
 * flapping one continues the sequence. */
static void
start_outage_locked (CgBackoff * self, GstClockTime now)
{
  gboolean flapping = GST_CLOCK_TIME_IS_VALID (self->recovered_at)
      && now >= self->recovered_at
      && now - self->recovered_at < self->stable_period;

  if (!flapping) {
    self->sequence = 0;
    self->prev_delay = 0;
  }
  GST_DEBUG ("new outage%s", flapping ? " (flapping: delays continue)" : "");
  self->outage_start = now;
  self->recovered_at = GST_CLOCK_TIME_NONE;
  self->attempts = 0;
  self->outages++;
}

static void
cg_backoff_init (CgBackoff * self)
{
  guint i;

  g_mutex_init (&self->lock);
  self->initial_delay = DEFAULT_INITIAL_DELAY;
  self->max_delay = DEFAULT_MAX_DELAY;
  self->multiplier = DEFAULT_MULTIPLIER;
  self->jitter = DEFAULT_JITTER;
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->max_outage = DEFAULT_MAX_OUTAGE;
  self->stable_period = DEFAULT_STABLE_PERIOD;
  self->seed = DEFAULT_SEED;
  self->clock = gst_system_clock_obtain ();
  for (i = 0; i <= CG_CODE_LAST; i++)
    self->policy_override[i] = -1;
  cg_backoff_reseed_locked (self);
  reset_locked (self);
}

static void
cg_backoff_finalize (GObject * object)
{
  CgBackoff *self = CG_BACKOFF (object);

  g_rand_free (self->rand);
  gst_object_unref (self->clock);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (cg_backoff_parent_class)->finalize (object);
}

static void
cg_backoff_class_init (CgBackoffClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->finalize = cg_backoff_finalize;
  cg_backoff_install_properties (gobject_class);

  GST_DEBUG_CATEGORY_INIT (cg_backoff_debug, "cgbackoff", 0,
      "camguard retry backoff");
}

/**
 * cg_backoff_new:
 *
 * Creates a backoff with the default settings: 500 ms initial delay,
 * doubling, capped at 30 s, full jitter, no limit on attempts or outage,
 * a 2 s stable period, on the system clock.
 *
 * Returns: (transfer full): a new #CgBackoff
 */
CgBackoff *
cg_backoff_new (void)
{
  return g_object_new (CG_TYPE_BACKOFF, NULL);
}

/**
 * cg_backoff_set_clock:
 * @backoff: a #CgBackoff
 * @clock: (nullable): the clock to use, or %NULL for the system clock
 *
 * Sets the clock that timestamps failures and successes. Tests pass a
 * #GstTestClock; elements may pass the pipeline clock.
 */
void
cg_backoff_set_clock (CgBackoff * backoff, GstClock * clock)
{
  g_return_if_fail (CG_IS_BACKOFF (backoff));
  g_return_if_fail (clock == NULL || GST_IS_CLOCK (clock));

  cg_clock_slot_set (&backoff->lock, &backoff->clock, clock);
  cg_backoff_notify_clock (backoff);
}

/**
 * cg_backoff_get_clock:
 * @backoff: a #CgBackoff
 *
 * Gets the clock that timestamps failures and successes: the one set with
 * cg_backoff_set_clock(), or the system clock.
 *
 * Returns: (transfer full): the clock in use; drop it with
 *   gst_object_unref()
 */
GstClock *
cg_backoff_get_clock (CgBackoff * backoff)
{
  g_return_val_if_fail (CG_IS_BACKOFF (backoff), NULL);
  return cg_clock_slot_get (&backoff->lock, &backoff->clock);
}

static CgRetryPolicy
policy_locked (CgBackoff * self, CgCode code)
{
  if (code >= 1 && code <= CG_CODE_LAST && self->policy_override[code] >= 0)
    return (CgRetryPolicy) self->policy_override[code];
  if (cg_catalogue_lookup (code) == NULL)
    return CG_RETRY_NORMAL;
  return cg_code_get_retry_policy (code);
}

/* Exponential delay of attempt number @attempts (1-based), capped. */
static GstClockTime
exponential_locked (CgBackoff * self, guint attempts)
{
  gdouble d = (gdouble) self->initial_delay;
  guint i;

  for (i = 1; i < attempts && d < (gdouble) self->max_delay
      && self->multiplier > 1.0; i++)
    d *= self->multiplier;
  if (d >= (gdouble) self->max_delay)
    return self->max_delay;
  return (GstClockTime) d;
}

static GstClockTime
uniform_locked (CgBackoff * self, GstClockTime lo, GstClockTime hi)
{
  if (hi <= lo)
    return lo;
  return lo + (GstClockTime) (g_rand_double (self->rand) * (gdouble) (hi - lo));
}

/* The delay of the next NORMAL attempt, with jitter. */
static GstClockTime
normal_delay_locked (CgBackoff * self)
{
  GstClockTime d, expo;

  self->sequence++;
  expo = exponential_locked (self, self->sequence);
  switch (self->jitter) {
    case CG_JITTER_NONE:
      d = expo;
      break;
    case CG_JITTER_FULL:
      d = uniform_locked (self, 0, expo);
      break;
    case CG_JITTER_EQUAL:
      d = expo / 2 + uniform_locked (self, 0, expo - expo / 2);
      break;
    case CG_JITTER_DECORRELATED:{
      GstClockTime lo = MIN (self->initial_delay, self->max_delay);
      GstClockTime prev = MAX (self->prev_delay, lo);
      gdouble hi = (gdouble) prev * self->multiplier;

      if (hi > (gdouble) self->max_delay)
        hi = (gdouble) self->max_delay;
      d = uniform_locked (self, lo, (GstClockTime) hi);
      break;
    }
    default:
      g_assert_not_reached ();
  }
  self->prev_delay = d;
  return d;
}

/* Why the failure at @now is not retried, or NULL when it is. */
static const gchar *
give_up_reason_locked (CgBackoff * self, CgRetryPolicy policy, GstClockTime now)
{
  if (policy == CG_RETRY_NEVER)
    return "the code is never retried";
  if (self->max_attempts > 0 && self->attempts >= self->max_attempts)
    return "max-attempts reached";
  if (self->max_outage > 0 && now - self->outage_start > self->max_outage)
    return "max-outage exceeded";
  return NULL;
}

/**
 * cg_backoff_next_delay:
 * @backoff: a #CgBackoff
 * @code: the catalogue code of the failure
 * @delay: (out) (optional): the delay to wait before the next attempt, in
 *   nanoseconds; %GST_CLOCK_TIME_NONE when giving up
 *
 * Records one failure with @code at the clock's current time and decides
 * whether to make one more attempt, and after which delay.
 *
 * The first failure after cg_backoff_reset() or after a recovery
 * (cg_backoff_success()) starts an outage. Every %TRUE return is one attempt
 * of the outage (cg_backoff_get_attempts() counts them); a %FALSE return
 * ends the outage.
 *
 * Returns: %TRUE when the caller should make attempt number
 *   cg_backoff_get_attempts() after @delay, %FALSE when it should give up:
 *   the code's policy is %CG_RETRY_NEVER, the #CgBackoff:max-attempts-th
 *   attempt of this outage has failed, or the outage has lasted longer than
 *   #CgBackoff:max-outage
 */
gboolean
cg_backoff_next_delay (CgBackoff * backoff, CgCode code, GstClockTime * delay)
{
  GstClockTime now, d = GST_CLOCK_TIME_NONE;
  CgRetryPolicy policy;
  const gchar *reason;

  g_return_val_if_fail (CG_IS_BACKOFF (backoff), FALSE);

  g_mutex_lock (&backoff->lock);
  now = now_locked (backoff);
  if (!GST_CLOCK_TIME_IS_VALID (backoff->outage_start))
    start_outage_locked (backoff, now);

  policy = policy_locked (backoff, code);
  reason = give_up_reason_locked (backoff, policy, now);
  if (reason) {
    backoff->gave_up++;
    end_outage_locked (backoff, now);
  } else {
    backoff->attempts++;
    backoff->total_attempts++;
    d = policy == CG_RETRY_SLOW ? backoff->max_delay :
        normal_delay_locked (backoff);
  }
  GST_LOG ("%s, attempt %u: %s %" GST_TIME_FORMAT, cg_code_to_name (code),
      backoff->attempts, reason ? reason : "retry in", GST_TIME_ARGS (d));
  g_mutex_unlock (&backoff->lock);
  if (delay)
    *delay = d;
  return reason == NULL;
}

/**
 * cg_backoff_success:
 * @backoff: a #CgBackoff
 *
 * Marks the source healthy at the clock's current time: the current outage,
 * if any, is over (recovered). The next failure starts a new outage whose
 * attempts count from 1; its delays continue the last sequence when it comes
 * less than #CgBackoff:stable-period after this recovery.
 *
 * Returns: how long the outage that this success ended lasted, in
 *   nanoseconds, or %GST_CLOCK_TIME_NONE when there was no outage
 */
GstClockTime
cg_backoff_success (CgBackoff * backoff)
{
  GstClockTime d = GST_CLOCK_TIME_NONE, now;

  g_return_val_if_fail (CG_IS_BACKOFF (backoff), GST_CLOCK_TIME_NONE);

  g_mutex_lock (&backoff->lock);
  if (GST_CLOCK_TIME_IS_VALID (backoff->outage_start)) {
    now = now_locked (backoff);
    d = end_outage_locked (backoff, now);
    backoff->recovered_at = now;
    backoff->recoveries++;
  }
  g_mutex_unlock (&backoff->lock);
  return d;
}

/**
 * cg_backoff_reset:
 * @backoff: a #CgBackoff
 *
 * Forgets the current outage at once: the next failure is attempt 1 of a
 * new outage. Settings and policy overrides are kept.
 */
void
cg_backoff_reset (CgBackoff * backoff)
{
  g_return_if_fail (CG_IS_BACKOFF (backoff));

  g_mutex_lock (&backoff->lock);
  reset_locked (backoff);
  g_mutex_unlock (&backoff->lock);
}

/**
 * cg_backoff_set_policy:
 * @backoff: a #CgBackoff
 * @code: a catalogue code
 * @policy: the retry policy to use for @code
 *
 * Overrides the catalogue's retry policy of @code for this backoff, e.g.
 * to keep retrying %CG_CODE_DEVICE_NOT_FOUND quickly while a USB camera is
 * re-plugged.
 */
void
cg_backoff_set_policy (CgBackoff * backoff, CgCode code, CgRetryPolicy policy)
{
  g_return_if_fail (CG_IS_BACKOFF (backoff));
  g_return_if_fail (code >= 1 && code <= CG_CODE_LAST);
  g_return_if_fail (policy >= CG_RETRY_NORMAL && policy <= CG_RETRY_NEVER);

  g_mutex_lock (&backoff->lock);
  backoff->policy_override[code] = policy;
  g_mutex_unlock (&backoff->lock);
}

/**
 * cg_backoff_unset_policy:
 * @backoff: a #CgBackoff
 * @code: a catalogue code
 *
 * Removes an override set with cg_backoff_set_policy(): @code follows the
 * catalogue's policy again.
 */
void
cg_backoff_unset_policy (CgBackoff * backoff, CgCode code)
{
  g_return_if_fail (CG_IS_BACKOFF (backoff));
  g_return_if_fail (code >= 1 && code <= CG_CODE_LAST);

  g_mutex_lock (&backoff->lock);
  backoff->policy_override[code] = -1;
  g_mutex_unlock (&backoff->lock);
}

/**
 * cg_backoff_get_policy:
 * @backoff: a #CgBackoff
 * @code: a catalogue code
 *
 * Gets the retry policy this backoff applies to failures with @code.
 *
 * Returns: the retry policy this backoff applies to @code: the override if
 *   one was set, else the catalogue's (%CG_RETRY_NORMAL for an unknown code)
 */
CgRetryPolicy
cg_backoff_get_policy (CgBackoff * backoff, CgCode code)
{
  CgRetryPolicy policy;

  g_return_val_if_fail (CG_IS_BACKOFF (backoff), CG_RETRY_NORMAL);

  g_mutex_lock (&backoff->lock);
  policy = policy_locked (backoff, code);
  g_mutex_unlock (&backoff->lock);
  return policy;
}

/**
 * cg_backoff_get_attempts:
 * @backoff: a #CgBackoff
 *
 * Counts the attempts (restarts) granted in the current outage, or in the
 * last one when none is going on: after a recovery or a give-up this still
 * says how many attempts that outage took, until the next failure.
 *
 * Returns: the number of attempts of the current or last outage; 0 before
 *   the first failure and after cg_backoff_reset()
 */
guint
cg_backoff_get_attempts (CgBackoff * backoff)
{
  guint attempts;

  g_return_val_if_fail (CG_IS_BACKOFF (backoff), 0);

  g_mutex_lock (&backoff->lock);
  attempts = backoff->attempts;
  g_mutex_unlock (&backoff->lock);
  return attempts;
}

/**
 * cg_backoff_get_outage_start:
 * @backoff: a #CgBackoff
 *
 * Gets when the current outage began, on the backoff's clock, e.g. to report
 * how long a camera has been away.
 *
 * Returns: the clock time of the first failure of the current outage, or
 *   %GST_CLOCK_TIME_NONE when there is no outage
 */
GstClockTime
cg_backoff_get_outage_start (CgBackoff * backoff)
{
  GstClockTime start;

  g_return_val_if_fail (CG_IS_BACKOFF (backoff), GST_CLOCK_TIME_NONE);

  g_mutex_lock (&backoff->lock);
  start = backoff->outage_start;
  g_mutex_unlock (&backoff->lock);
  return start;
}

/**
 * cg_backoff_get_statistics:
 * @backoff: a #CgBackoff
 *
 * A snapshot of the backoff's bookkeeping, as a structure named
 * `camguard-backoff-stats` with the fields:
 *
 * - `attempts` (guint64): attempts of the current outage, or of the last
 *   one (see cg_backoff_get_attempts())
 * - `total-attempts` (guint64): attempts of all outages
 * - `outages` (guint64): outages begun
 * - `recoveries` (guint64): outages ended by cg_backoff_success()
 * - `gave-up` (guint64): outages ended by giving up
 * - `current-outage` (guint64, ns): how long the current outage has lasted
 *   so far, 0 when there is none
 * - `total-outage`, `longest-outage` (guint64, ns): over the outages that
 *   have ended
 *
 * Returns: (transfer full): a new #GstStructure
 */
GstStructure *
cg_backoff_get_statistics (CgBackoff * backoff)
{
  static const gchar *const names[] = { "camguard-backoff-stats",
    "attempts", "total-attempts", "outages", "recoveries", "gave-up",
    "current-outage", "total-outage", "longest-outage", NULL
  };
  static GQuark quarks[G_N_ELEMENTS (names)];
  static gsize once;
  const GQuark *q = cg_quarks (quarks, names, &once);
  GstStructure *s;
  GstClockTime current = 0, now;

  g_return_val_if_fail (CG_IS_BACKOFF (backoff), NULL);

  g_mutex_lock (&backoff->lock);
  if (GST_CLOCK_TIME_IS_VALID (backoff->outage_start)) {
    now = now_locked (backoff);
    current = now > backoff->outage_start ? now - backoff->outage_start : 0;
  }
  s = gst_structure_new_id (q[0],
      q[1], G_TYPE_UINT64, (guint64) backoff->attempts,
      q[2], G_TYPE_UINT64, backoff->total_attempts,
      q[3], G_TYPE_UINT64, backoff->outages,
      q[4], G_TYPE_UINT64, backoff->recoveries,
      q[5], G_TYPE_UINT64, backoff->gave_up,
      q[6], G_TYPE_UINT64, current,
      q[7], G_TYPE_UINT64, backoff->total_outage,
      q[8], G_TYPE_UINT64, backoff->longest_outage, 0);
  g_mutex_unlock (&backoff->lock);
  return s;
}
