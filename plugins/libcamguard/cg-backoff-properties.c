/* camguard - CgBackoff: its properties
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The settings of the retry-delay policy (cg-backoff.c) as GObject
 * properties, read and written under the backoff's lock.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cg-backoff-private.h"
#include "cg-enumtypes.h"

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
      cg_backoff_reseed_locked (self);
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

/* Installs the properties and the set/get functions. */
void
cg_backoff_install_properties (GObjectClass * gobject_class)
{
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
   * Attempts (restarts) of one outage: when the max-attempts-th attempt
   * fails, the backoff gives up. A recovery ends the outage, so attempts
   * never add up across recoveries. 0 means unlimited.
   */
  properties[PROP_MAX_ATTEMPTS] =
      g_param_spec_uint ("max-attempts", "Maximum attempts",
      "Restarts of one outage; give up when the last of them fails "
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
   * How long, in nanoseconds, a source must stay healthy after a recovery
   * for its next outage to start the delays at #CgBackoff:initial-delay
   * again. A source that fails sooner is flapping: its next outage continues
   * the delay sequence where the last one stopped (its attempts still count
   * from 1). The default, 2 s, is longer than a source that connects and
   * dies at once stays up, and shorter than any real camera reboot, so a
   * camera that reboots now and then always gets a fast first retry.
   */
  properties[PROP_STABLE_PERIOD] =
      g_param_spec_uint64 ("stable-period", "Stable period",
      "Health after a recovery, in nanoseconds, after which the next outage "
      "starts the delays at initial-delay again; a source failing sooner "
      "continues the delay sequence (flapping)", 0, G_MAXUINT64,
      DEFAULT_STABLE_PERIOD, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

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
}

/* Notifies #CgBackoff:clock (after cg_backoff_set_clock()). */
void
cg_backoff_notify_clock (CgBackoff * self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK]);
}
