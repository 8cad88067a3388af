/* camguard - CgBackoff: the one retry-delay policy
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * CgBackoff:
 *
 * The one retry-delay policy of camguard: how long to wait before the next
 * attempt after a failure, and when to give up.
 *
 * An *outage* starts with the first failure. Each failure of the outage is
 * one attempt; cg_backoff_next_delay() records it and returns the delay to
 * wait before the next attempt:
 *
 * - codes whose policy is %CG_RETRY_NORMAL get `initial-delay * multiplier^n`
 *   (n = attempts so far - 1), capped at #CgBackoff:max-delay, with the
 *   #CgBackoff:jitter spread applied;
 * - codes whose policy is %CG_RETRY_SLOW (wrong camera credentials, a device
 *   that is not plugged in) get #CgBackoff:max-delay from the first attempt;
 * - codes whose policy is %CG_RETRY_NEVER give up at once.
 *
 * The policy of a code comes from the error catalogue
 * (cg_code_get_retry_policy()) unless overridden with cg_backoff_set_policy().
 *
 * The backoff gives up when #CgBackoff:max-attempts or #CgBackoff:max-outage
 * is exceeded. cg_backoff_success() marks the source healthy; the outage
 * ends only after it has stayed healthy for #CgBackoff:stable-period, so a
 * source that flaps (connects, then fails at once) keeps backing off.
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

#include "cg-backoff.h"
#include "cg-enumtypes.h"

GST_DEBUG_CATEGORY_STATIC (cg_backoff_debug);
#define GST_CAT_DEFAULT cg_backoff_debug

#define DEFAULT_INITIAL_DELAY (500 * GST_MSECOND)
#define DEFAULT_MAX_DELAY (30 * GST_SECOND)
#define DEFAULT_MULTIPLIER 2.0
#define DEFAULT_JITTER CG_JITTER_FULL
#define DEFAULT_MAX_ATTEMPTS 0
#define DEFAULT_MAX_OUTAGE 0
#define DEFAULT_STABLE_PERIOD (30 * GST_SECOND)
#define DEFAULT_SEED 0

struct _CgBackoff
{
  GObject parent;

  GMutex lock;                  /* protects everything below */

  /* settings */
  GstClockTime initial_delay;
  GstClockTime max_delay;
  gdouble multiplier;
  CgJitter jitter;
  guint max_attempts;
  GstClockTime max_outage;
  GstClockTime stable_period;
  guint seed;
  GstClock *clock;
  gint policy_override[CG_CODE_LAST + 1];       /* -1: catalogue policy */

  /* state */
  GRand *rand;
  guint attempts;               /* failures in the current outage */
  GstClockTime outage_start;    /* NONE when not in an outage */
  GstClockTime healthy_since;   /* NONE unless a success was recorded */
  GstClockTime prev_delay;      /* last NORMAL delay, for decorrelated */
};

enum
{
  PROP_0,
  PROP_INITIAL_DELAY,
  PROP_MAX_DELAY,
  PROP_MULTIPLIER,
  PROP_JITTER,
  PROP_MAX_ATTEMPTS,
  PROP_MAX_OUTAGE,
  PROP_STABLE_PERIOD,
  PROP_SEED,
  PROP_CLOCK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (CgBackoff, cg_backoff, G_TYPE_OBJECT);

static void
reseed_locked (CgBackoff * self)
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
  self->healthy_since = GST_CLOCK_TIME_NONE;
  self->prev_delay = 0;
}

static GstClockTime
now_locked (CgBackoff * self)
{
  return gst_clock_get_time (self->clock);
}

/* Ends the outage when the source has been healthy for the stable period. */
static void
check_stable_locked (CgBackoff * self, GstClockTime now)
{
  if (!GST_CLOCK_TIME_IS_VALID (self->healthy_since))
    return;
  if (now >= self->healthy_since
      && now - self->healthy_since >= self->stable_period) {
    GST_DEBUG ("healthy for %" GST_TIME_FORMAT ", outage of %u attempts over",
        GST_TIME_ARGS (now - self->healthy_since), self->attempts);
    reset_locked (self);
  }
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
  reseed_locked (self);
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
cg_backoff_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  CgBackoff *self = CG_BACKOFF (object);

  if (prop_id == PROP_CLOCK) {
    cg_backoff_set_clock (self, g_value_get_object (value));
    return;
  }

  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case PROP_INITIAL_DELAY:
      self->initial_delay = g_value_get_uint64 (value);
      break;
    case PROP_MAX_DELAY:
      self->max_delay = g_value_get_uint64 (value);
      break;
    case PROP_MULTIPLIER:
      self->multiplier = g_value_get_double (value);
      break;
    case PROP_JITTER:
      self->jitter = g_value_get_enum (value);
      break;
    case PROP_MAX_ATTEMPTS:
      self->max_attempts = g_value_get_uint (value);
      break;
    case PROP_MAX_OUTAGE:
      self->max_outage = g_value_get_uint64 (value);
      break;
    case PROP_STABLE_PERIOD:
      self->stable_period = g_value_get_uint64 (value);
      break;
    case PROP_SEED:
      self->seed = g_value_get_uint (value);
      reseed_locked (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
}

static void
cg_backoff_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  CgBackoff *self = CG_BACKOFF (object);

  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case PROP_INITIAL_DELAY:
      g_value_set_uint64 (value, self->initial_delay);
      break;
    case PROP_MAX_DELAY:
      g_value_set_uint64 (value, self->max_delay);
      break;
    case PROP_MULTIPLIER:
      g_value_set_double (value, self->multiplier);
      break;
    case PROP_JITTER:
      g_value_set_enum (value, self->jitter);
      break;
    case PROP_MAX_ATTEMPTS:
      g_value_set_uint (value, self->max_attempts);
      break;
    case PROP_MAX_OUTAGE:
      g_value_set_uint64 (value, self->max_outage);
      break;
    case PROP_STABLE_PERIOD:
      g_value_set_uint64 (value, self->stable_period);
      break;
    case PROP_SEED:
      g_value_set_uint (value, self->seed);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
}

static void
cg_backoff_class_init (CgBackoffClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->finalize = cg_backoff_finalize;
  gobject_class->set_property = cg_backoff_set_property;
  gobject_class->get_property = cg_backoff_get_property;

  /**
   * CgBackoff:initial-delay:
   *
   * Delay after the first failure of an outage, in nanoseconds, for codes
   * with the %CG_RETRY_NORMAL policy (before jitter).
   */
  properties[PROP_INITIAL_DELAY] =
      g_param_spec_uint64 ("initial-delay", "Initial delay",
      "Delay after the first failure of an outage, in nanoseconds "
      "(before jitter)", 0, G_MAXUINT64, DEFAULT_INITIAL_DELAY,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * CgBackoff:max-delay:
   *
   * Upper bound of every delay, in nanoseconds. Codes with the
   * %CG_RETRY_SLOW policy wait this long from the first attempt.
   */
  properties[PROP_MAX_DELAY] =
      g_param_spec_uint64 ("max-delay", "Maximum delay",
      "Upper bound of every delay in nanoseconds; slow-policy codes "
      "(e.g. wrong camera credentials) wait this long from the first attempt",
      0, G_MAXUINT64, DEFAULT_MAX_DELAY,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * CgBackoff:multiplier:
   *
   * Factor by which the delay grows after each failure.
   */
  properties[PROP_MULTIPLIER] =
      g_param_spec_double ("multiplier", "Multiplier",
      "Factor by which the delay grows after each failure", 1.0, 100.0,
      DEFAULT_MULTIPLIER, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * CgBackoff:jitter:
   *
   * How random spread is added to the exponential delay (see #CgJitter).
   */
  properties[PROP_JITTER] =
      g_param_spec_enum ("jitter", "Jitter",
      "Random spread added to delays so that sources failing together do "
      "not retry together", CG_TYPE_JITTER, DEFAULT_JITTER,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * CgBackoff:max-attempts:
   *
   * Number of failures of one outage that are retried; the next failure
   * gives up. 0 means unlimited.
   */
  properties[PROP_MAX_ATTEMPTS] =
      g_param_spec_uint ("max-attempts", "Maximum attempts",
      "Failures of one outage that are retried before giving up "
      "(0 = unlimited)", 0, G_MAXUINT, DEFAULT_MAX_ATTEMPTS,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * CgBackoff:max-outage:
   *
   * Give up on a failure that comes more than this many nanoseconds after
   * the start of the outage. 0 means unlimited.
   */
  properties[PROP_MAX_OUTAGE] =
      g_param_spec_uint64 ("max-outage", "Maximum outage",
      "Give up when an outage has lasted longer than this, in nanoseconds "
      "(0 = unlimited)", 0, G_MAXUINT64, DEFAULT_MAX_OUTAGE,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * CgBackoff:stable-period:
   *
   * How long, in nanoseconds, the source must stay healthy after
   * cg_backoff_success() before the outage is over and the attempt counter
   * starts again from zero.
   */
  properties[PROP_STABLE_PERIOD] =
      g_param_spec_uint64 ("stable-period", "Stable period",
      "How long the source must stay healthy, in nanoseconds, before the "
      "attempt counter resets", 0, G_MAXUINT64, DEFAULT_STABLE_PERIOD,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * CgBackoff:seed:
   *
   * Seed of the jitter's random number generator. A non-zero seed makes
   * the sequence of delays reproducible; 0 seeds from a random source.
   * Setting it restarts the random sequence.
   */
  properties[PROP_SEED] =
      g_param_spec_uint ("seed", "Seed",
      "Seed of the jitter random generator; non-zero gives reproducible "
      "delays, 0 an unpredictable sequence", 0, G_MAXUINT, DEFAULT_SEED,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * CgBackoff:clock:
   *
   * The clock that timestamps failures and successes; the system clock
   * by default.
   */
  properties[PROP_CLOCK] =
      g_param_spec_object ("clock", "Clock",
      "Clock used to measure outages and stable periods", GST_TYPE_CLOCK,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (gobject_class, N_PROPS, properties);

  GST_DEBUG_CATEGORY_INIT (cg_backoff_debug, "cgbackoff", 0,
      "camguard retry backoff");
}

/**
 * cg_backoff_new:
 *
 * Creates a backoff with the default settings: 500 ms initial delay,
 * doubling, capped at 30 s, full jitter, no limit on attempts or outage,
 * a 30 s stable period, on the system clock.
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
  GstClock *old;

  g_return_if_fail (CG_IS_BACKOFF (backoff));
  g_return_if_fail (clock == NULL || GST_IS_CLOCK (clock));

  if (clock)
    gst_object_ref (clock);
  else
    clock = gst_system_clock_obtain ();
  g_mutex_lock (&backoff->lock);
  old = backoff->clock;
  backoff->clock = clock;
  g_mutex_unlock (&backoff->lock);
  gst_object_unref (old);
  g_object_notify_by_pspec (G_OBJECT (backoff), properties[PROP_CLOCK]);
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
  GstClock *clock;

  g_return_val_if_fail (CG_IS_BACKOFF (backoff), NULL);
  g_mutex_lock (&backoff->lock);
  clock = gst_object_ref (backoff->clock);
  g_mutex_unlock (&backoff->lock);
  return clock;
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

/**
 * cg_backoff_next_delay:
 * @backoff: a #CgBackoff
 * @code: the catalogue code of the failure
 * @delay: (out) (optional): the delay to wait before the next attempt, in
 *   nanoseconds; %GST_CLOCK_TIME_NONE when giving up
 *
 * Records one failure with @code at the clock's current time and computes
 * the delay before the next attempt.
 *
 * The first failure (after cg_backoff_reset(), or after a stable period of
 * health) starts an outage. The failure is counted as an attempt even when
 * the backoff gives up.
 *
 * Returns: %TRUE when the caller should retry after @delay, %FALSE when it
 *   should give up: the code's policy is %CG_RETRY_NEVER, or this failure
 *   exceeds #CgBackoff:max-attempts or #CgBackoff:max-outage
 */
gboolean
cg_backoff_next_delay (CgBackoff * backoff, CgCode code, GstClockTime * delay)
{
  GstClockTime now, d = GST_CLOCK_TIME_NONE, expo;
  CgRetryPolicy policy;
  gboolean retry = FALSE;

  g_return_val_if_fail (CG_IS_BACKOFF (backoff), FALSE);

  g_mutex_lock (&backoff->lock);
  now = now_locked (backoff);
  check_stable_locked (backoff, now);
  backoff->healthy_since = GST_CLOCK_TIME_NONE;
  if (!GST_CLOCK_TIME_IS_VALID (backoff->outage_start))
    backoff->outage_start = now;
  backoff->attempts++;

  policy = policy_locked (backoff, code);
  if (policy == CG_RETRY_NEVER) {
    GST_DEBUG ("%s is never retried", cg_code_to_name (code));
    goto done;
  }
  if (backoff->max_attempts > 0 && backoff->attempts > backoff->max_attempts) {
    GST_DEBUG ("giving up after %u attempts", backoff->max_attempts);
    goto done;
  }
  if (backoff->max_outage > 0
      && now - backoff->outage_start > backoff->max_outage) {
    GST_DEBUG ("giving up: outage of %" GST_TIME_FORMAT " exceeds %"
        GST_TIME_FORMAT, GST_TIME_ARGS (now - backoff->outage_start),
        GST_TIME_ARGS (backoff->max_outage));
    goto done;
  }

  retry = TRUE;
  if (policy == CG_RETRY_SLOW) {
    d = backoff->max_delay;
    goto done;
  }

  expo = exponential_locked (backoff, backoff->attempts);
  switch (backoff->jitter) {
    case CG_JITTER_NONE:
      d = expo;
      break;
    case CG_JITTER_FULL:
      d = uniform_locked (backoff, 0, expo);
      break;
    case CG_JITTER_EQUAL:
      d = expo / 2 + uniform_locked (backoff, 0, expo - expo / 2);
      break;
    case CG_JITTER_DECORRELATED:{
      GstClockTime lo = MIN (backoff->initial_delay, backoff->max_delay);
      GstClockTime prev = MAX (backoff->prev_delay, lo);
      gdouble hi = (gdouble) prev * backoff->multiplier;

      if (hi > (gdouble) backoff->max_delay)
        hi = (gdouble) backoff->max_delay;
      d = uniform_locked (backoff, lo, (GstClockTime) hi);
      break;
    }
    default:
      g_assert_not_reached ();
  }
  backoff->prev_delay = d;

done:
  GST_LOG ("%s attempt %u: %s %" GST_TIME_FORMAT, cg_code_to_name (code),
      backoff->attempts, retry ? "retry in" : "give up", GST_TIME_ARGS (d));
  g_mutex_unlock (&backoff->lock);
  if (delay)
    *delay = d;
  return retry;
}

/**
 * cg_backoff_success:
 * @backoff: a #CgBackoff
 *
 * Marks the source healthy from the clock's current time on (if it was not
 * healthy already). When the next failure comes at least
 * #CgBackoff:stable-period later, it starts a fresh outage; an earlier
 * failure continues the current one.
 */
void
cg_backoff_success (CgBackoff * backoff)
{
  g_return_if_fail (CG_IS_BACKOFF (backoff));

  g_mutex_lock (&backoff->lock);
  if (!GST_CLOCK_TIME_IS_VALID (backoff->healthy_since))
    backoff->healthy_since = now_locked (backoff);
  g_mutex_unlock (&backoff->lock);
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
 * Counts the failures of the current outage. An outage whose source has
 * stayed healthy for #CgBackoff:stable-period is over, so this gives 0 then.
 *
 * Returns: the number of failures recorded in the current outage; 0 when
 *   there is none (never failed, reset, or healthy for the stable period)
 */
guint
cg_backoff_get_attempts (CgBackoff * backoff)
{
  guint attempts;

  g_return_val_if_fail (CG_IS_BACKOFF (backoff), 0);

  g_mutex_lock (&backoff->lock);
  check_stable_locked (backoff, now_locked (backoff));
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
  check_stable_locked (backoff, now_locked (backoff));
  start = backoff->outage_start;
  g_mutex_unlock (&backoff->lock);
  return start;
}
