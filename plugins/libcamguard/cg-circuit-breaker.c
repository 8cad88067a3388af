/* camguard - CgCircuitBreaker
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * CgCircuitBreaker:
 *
 * The one circuit breaker of camguard. It stops hammering a camera (or any
 * peer) that keeps failing:
 *
 * - %CG_BREAKER_CLOSED: attempts are allowed. After
 *   #CgCircuitBreaker:failure-threshold consecutive failures the breaker
 *   opens.
 * - %CG_BREAKER_OPEN: cg_circuit_breaker_allow() refuses every attempt
 *   until #CgCircuitBreaker:open-duration has passed since it opened;
 *   cg_circuit_breaker_get_retry_after() says how long that still is.
 * - %CG_BREAKER_HALF_OPEN: the first cg_circuit_breaker_allow() after the
 *   open duration moves the breaker here. It lets
 *   #CgCircuitBreaker:half-open-probes attempts through; that many
 *   successes close it, a single failure opens it again.
 *
 * Time comes from a #GstClock (the system clock unless another one is set
 * with cg_circuit_breaker_set_clock()), so tests run in virtual time.
 *
 * All functions are thread-safe; #GObject::notify for
 * #CgCircuitBreaker:state is emitted after the internal lock is released,
 * from the thread that caused the transition.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cg-circuit-breaker.h"
#include "cg-quarks-private.h"
#include "cg-clock-slot.h"
#include "cg-enumtypes.h"

GST_DEBUG_CATEGORY_STATIC (cg_breaker_debug);
#define GST_CAT_DEFAULT cg_breaker_debug

/* a camera rebooting or a network hiccup fails a handful of times in a
 * row; ten consecutive failures is something else, worth a minute's pause */
#define DEFAULT_FAILURE_THRESHOLD 10
#define DEFAULT_OPEN_DURATION (60 * GST_SECOND)
#define DEFAULT_HALF_OPEN_PROBES 1

struct _CgCircuitBreaker
{
  GObject parent;

  GMutex lock;                  /* protects everything below */

  /* settings */
  guint failure_threshold;
  GstClockTime open_duration;
  guint half_open_probes;
  GstClock *clock;

  /* state */
  CgBreakerState state;
  GstClockTime opened_at;       /* when the breaker last opened */
  guint consecutive_failures;
  guint probes_allowed;         /* in half-open */
  guint probe_successes;        /* in half-open */

  /* statistics */
  guint64 total_failures;
  guint64 total_successes;
  guint64 rejected;
  guint64 times_opened;
  GstClockTime last_opened;
};

enum
{
  PROP_0,
  PROP_FAILURE_THRESHOLD,
  PROP_OPEN_DURATION,
  PROP_HALF_OPEN_PROBES,
  PROP_STATE,
  PROP_STATISTICS,
  PROP_CLOCK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (CgCircuitBreaker, cg_circuit_breaker, G_TYPE_OBJECT);

static void
cg_circuit_breaker_init (CgCircuitBreaker * self)
{
  g_mutex_init (&self->lock);
  self->failure_threshold = DEFAULT_FAILURE_THRESHOLD;
  self->open_duration = DEFAULT_OPEN_DURATION;
  self->half_open_probes = DEFAULT_HALF_OPEN_PROBES;
  self->clock = gst_system_clock_obtain ();
  self->state = CG_BREAKER_CLOSED;
  self->opened_at = GST_CLOCK_TIME_NONE;
  self->last_opened = GST_CLOCK_TIME_NONE;
}

static void
cg_circuit_breaker_finalize (GObject * object)
{
  CgCircuitBreaker *self = CG_CIRCUIT_BREAKER (object);

  gst_object_unref (self->clock);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (cg_circuit_breaker_parent_class)->finalize (object);
}

static void
cg_circuit_breaker_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  CgCircuitBreaker *self = CG_CIRCUIT_BREAKER (object);

  if (prop_id == PROP_CLOCK) {
    cg_circuit_breaker_set_clock (self, g_value_get_object (value));
    return;
  }

  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case PROP_FAILURE_THRESHOLD:
      self->failure_threshold = g_value_get_uint (value);
      break;
    case PROP_OPEN_DURATION:
      self->open_duration = g_value_get_uint64 (value);
      break;
    case PROP_HALF_OPEN_PROBES:
      self->half_open_probes = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
}

static void
cg_circuit_breaker_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  CgCircuitBreaker *self = CG_CIRCUIT_BREAKER (object);

  if (prop_id == PROP_STATISTICS) {
    g_value_take_boxed (value, cg_circuit_breaker_get_statistics (self));
    return;
  }

  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case PROP_FAILURE_THRESHOLD:
      g_value_set_uint (value, self->failure_threshold);
      break;
    case PROP_OPEN_DURATION:
      g_value_set_uint64 (value, self->open_duration);
      break;
    case PROP_HALF_OPEN_PROBES:
      g_value_set_uint (value, self->half_open_probes);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
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
cg_circuit_breaker_class_init (CgCircuitBreakerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->finalize = cg_circuit_breaker_finalize;
  gobject_class->set_property = cg_circuit_breaker_set_property;
  gobject_class->get_property = cg_circuit_breaker_get_property;

  /**
   * CgCircuitBreaker:failure-threshold:
   *
   * Number of consecutive failures that opens a closed breaker.
   */
  properties[PROP_FAILURE_THRESHOLD] =
      g_param_spec_uint ("failure-threshold", "Failure threshold",
      "Consecutive failures that open the breaker", 1, G_MAXUINT,
      DEFAULT_FAILURE_THRESHOLD, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * CgCircuitBreaker:open-duration:
   *
   * How long, in nanoseconds, an open breaker refuses attempts before it
   * lets probes through (half-open).
   */
  properties[PROP_OPEN_DURATION] =
      g_param_spec_uint64 ("open-duration", "Open duration",
      "How long an open breaker refuses attempts before probing, in "
      "nanoseconds", 0, G_MAXUINT64, DEFAULT_OPEN_DURATION,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * CgCircuitBreaker:half-open-probes:
   *
   * Number of probe attempts allowed while half-open, and the number of
   * successes needed to close the breaker again.
   */
  properties[PROP_HALF_OPEN_PROBES] =
      g_param_spec_uint ("half-open-probes", "Half-open probes",
      "Probe attempts allowed while half-open; as many successes close the "
      "breaker", 1, G_MAXUINT, DEFAULT_HALF_OPEN_PROBES,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * CgCircuitBreaker:state:
   *
   * The current state. Notified on every transition, outside any lock.
   * An open breaker becomes half-open on the first
   * cg_circuit_breaker_allow() after the open duration, not by itself.
   */
  properties[PROP_STATE] =
      g_param_spec_enum ("state", "State",
      "Current state: closed, open or half-open", CG_TYPE_BREAKER_STATE,
      CG_BREAKER_CLOSED, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * CgCircuitBreaker:statistics:
   *
   * A snapshot of the counters, as returned by
   * cg_circuit_breaker_get_statistics().
   */
  properties[PROP_STATISTICS] =
      g_param_spec_boxed ("statistics", "Statistics",
      "camguard-breaker-stats: state, consecutive-failures, total-failures, "
      "total-successes, rejected, times-opened, last-opened",
      gst_structure_get_type (), G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * CgCircuitBreaker:clock:
   *
   * The clock that measures the open duration; the system clock by default.
   */
  properties[PROP_CLOCK] =
      g_param_spec_object ("clock", "Clock",
      "Clock used to measure the open duration", GST_TYPE_CLOCK,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (gobject_class, N_PROPS, properties);

  GST_DEBUG_CATEGORY_INIT (cg_breaker_debug, "cgbreaker", 0,
      "camguard circuit breaker");
}

/**
 * cg_circuit_breaker_new:
 *
 * Creates a closed breaker with the default settings: opens after 10
 * consecutive failures, stays open 60 s, one half-open probe, on the
 * system clock.
 *
 * Returns: (transfer full): a new #CgCircuitBreaker
 */
CgCircuitBreaker *
cg_circuit_breaker_new (void)
{
  return g_object_new (CG_TYPE_CIRCUIT_BREAKER, NULL);
}

/**
 * cg_circuit_breaker_set_clock:
 * @breaker: a #CgCircuitBreaker
 * @clock: (nullable): the clock to use, or %NULL for the system clock
 *
 * Sets the clock that measures the open duration.
 */
void
cg_circuit_breaker_set_clock (CgCircuitBreaker * breaker, GstClock * clock)
{
  g_return_if_fail (CG_IS_CIRCUIT_BREAKER (breaker));
  g_return_if_fail (clock == NULL || GST_IS_CLOCK (clock));

  cg_clock_slot_set (&breaker->lock, &breaker->clock, clock);
  g_object_notify_by_pspec (G_OBJECT (breaker), properties[PROP_CLOCK]);
}

/**
 * cg_circuit_breaker_get_clock:
 * @breaker: a #CgCircuitBreaker
 *
 * Gets the clock that measures the open duration: the one set with
 * cg_circuit_breaker_set_clock(), or the system clock.
 *
 * Returns: (transfer full): the clock in use; drop it with
 *   gst_object_unref()
 */
GstClock *
cg_circuit_breaker_get_clock (CgCircuitBreaker * breaker)
{
  g_return_val_if_fail (CG_IS_CIRCUIT_BREAKER (breaker), NULL);
  return cg_clock_slot_get (&breaker->lock, &breaker->clock);
}

/* Returns TRUE when the state changed (the caller notifies after unlock). */
static gboolean
set_state_locked (CgCircuitBreaker * self, CgBreakerState state,
    GstClockTime now)
{
  if (self->state == state)
    return FALSE;
  GST_DEBUG ("%s -> %s", cg_breaker_state_to_string (self->state),
      cg_breaker_state_to_string (state));
  self->state = state;
  switch (state) {
    case CG_BREAKER_OPEN:
      self->opened_at = now;
      self->last_opened = now;
      self->times_opened++;
      break;
    case CG_BREAKER_HALF_OPEN:
      self->probes_allowed = 0;
      self->probe_successes = 0;
      break;
    case CG_BREAKER_CLOSED:
      self->consecutive_failures = 0;
      break;
  }
  return TRUE;
}

static void
notify_state (CgCircuitBreaker * self, gboolean changed)
{
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/**
 * cg_circuit_breaker_allow:
 * @breaker: a #CgCircuitBreaker
 *
 * Asks whether an attempt may be made now. Call it before each attempt,
 * and report the outcome with cg_circuit_breaker_record_success() or
 * cg_circuit_breaker_record_failure().
 *
 * An open breaker whose open duration has passed becomes half-open here.
 * A half-open breaker allows #CgCircuitBreaker:half-open-probes attempts
 * and refuses the rest until the probes have decided.
 *
 * Returns: %TRUE when the attempt may be made, %FALSE when it is refused
 *   (counted in the `rejected` statistic)
 */
gboolean
cg_circuit_breaker_allow (CgCircuitBreaker * breaker)
{
  gboolean allow = FALSE, changed = FALSE;
  GstClockTime now;

  g_return_val_if_fail (CG_IS_CIRCUIT_BREAKER (breaker), FALSE);

  g_mutex_lock (&breaker->lock);
  now = gst_clock_get_time (breaker->clock);
  if (breaker->state == CG_BREAKER_OPEN
      && now >= breaker->opened_at
      && now - breaker->opened_at >= breaker->open_duration)
    changed = set_state_locked (breaker, CG_BREAKER_HALF_OPEN, now);

  switch (breaker->state) {
    case CG_BREAKER_CLOSED:
      allow = TRUE;
      break;
    case CG_BREAKER_OPEN:
      allow = FALSE;
      break;
    case CG_BREAKER_HALF_OPEN:
      allow = breaker->probes_allowed < breaker->half_open_probes;
      if (allow)
        breaker->probes_allowed++;
      break;
  }
  if (!allow)
    breaker->rejected++;
  g_mutex_unlock (&breaker->lock);

  notify_state (breaker, changed);
  return allow;
}

/**
 * cg_circuit_breaker_record_success:
 * @breaker: a #CgCircuitBreaker
 *
 * Reports a successful attempt. It clears the consecutive failure count;
 * in half-open state, #CgCircuitBreaker:half-open-probes successes close
 * the breaker.
 */
void
cg_circuit_breaker_record_success (CgCircuitBreaker * breaker)
{
  gboolean changed = FALSE;

  g_return_if_fail (CG_IS_CIRCUIT_BREAKER (breaker));

  g_mutex_lock (&breaker->lock);
  breaker->total_successes++;
  breaker->consecutive_failures = 0;
  if (breaker->state == CG_BREAKER_HALF_OPEN) {
    breaker->probe_successes++;
    if (breaker->probe_successes >= breaker->half_open_probes)
      changed = set_state_locked (breaker, CG_BREAKER_CLOSED,
          gst_clock_get_time (breaker->clock));
  }
  g_mutex_unlock (&breaker->lock);

  notify_state (breaker, changed);
}

/**
 * cg_circuit_breaker_record_failure:
 * @breaker: a #CgCircuitBreaker
 *
 * Reports a failed attempt. A closed breaker opens when the consecutive
 * failures reach #CgCircuitBreaker:failure-threshold; a half-open breaker
 * opens again at once, for another full open duration.
 */
void
cg_circuit_breaker_record_failure (CgCircuitBreaker * breaker)
{
  gboolean changed = FALSE;
  GstClockTime now;

  g_return_if_fail (CG_IS_CIRCUIT_BREAKER (breaker));

  g_mutex_lock (&breaker->lock);
  now = gst_clock_get_time (breaker->clock);
  breaker->total_failures++;
  breaker->consecutive_failures++;
  switch (breaker->state) {
    case CG_BREAKER_CLOSED:
      if (breaker->consecutive_failures >= breaker->failure_threshold)
        changed = set_state_locked (breaker, CG_BREAKER_OPEN, now);
      break;
    case CG_BREAKER_HALF_OPEN:
      changed = set_state_locked (breaker, CG_BREAKER_OPEN, now);
      break;
    case CG_BREAKER_OPEN:
      /* A late outcome of an attempt allowed before opening: counted, but
       * it does not extend the open period. */
      break;
  }
  g_mutex_unlock (&breaker->lock);

  notify_state (breaker, changed);
}

/**
 * cg_circuit_breaker_reset:
 * @breaker: a #CgCircuitBreaker
 *
 * Closes the breaker and clears the consecutive failure count, e.g. after
 * an operator changed the camera's configuration. The cumulative statistics
 * are kept.
 */
void
cg_circuit_breaker_reset (CgCircuitBreaker * breaker)
{
  gboolean changed;

  g_return_if_fail (CG_IS_CIRCUIT_BREAKER (breaker));

  g_mutex_lock (&breaker->lock);
  changed = set_state_locked (breaker, CG_BREAKER_CLOSED,
      gst_clock_get_time (breaker->clock));
  breaker->consecutive_failures = 0;
  g_mutex_unlock (&breaker->lock);

  notify_state (breaker, changed);
}

/**
 * cg_circuit_breaker_get_state:
 * @breaker: a #CgCircuitBreaker
 *
 * Gets the state of the breaker. Unlike cg_circuit_breaker_allow(), it does
 * not move an open breaker whose open duration has passed to half-open.
 *
 * Returns: the current state (see #CgCircuitBreaker:state)
 */
CgBreakerState
cg_circuit_breaker_get_state (CgCircuitBreaker * breaker)
{
  CgBreakerState state;

  g_return_val_if_fail (CG_IS_CIRCUIT_BREAKER (breaker), CG_BREAKER_CLOSED);

  g_mutex_lock (&breaker->lock);
  state = breaker->state;
  g_mutex_unlock (&breaker->lock);
  return state;
}

/**
 * cg_circuit_breaker_get_retry_after:
 * @breaker: a #CgCircuitBreaker
 *
 * How long an open breaker will still refuse attempts, e.g. for an HTTP
 * `Retry-After` header.
 *
 * Returns: the time left until the open duration ends, in nanoseconds; 0
 *   when the breaker is not open or the open duration has passed
 */
GstClockTime
cg_circuit_breaker_get_retry_after (CgCircuitBreaker * breaker)
{
  GstClockTime left = 0, now, end;

  g_return_val_if_fail (CG_IS_CIRCUIT_BREAKER (breaker), 0);

  g_mutex_lock (&breaker->lock);
  if (breaker->state == CG_BREAKER_OPEN) {
    now = gst_clock_get_time (breaker->clock);
    end = breaker->opened_at + breaker->open_duration;
    if (end > now)
      left = end - now;
  }
  g_mutex_unlock (&breaker->lock);
  return left;
}

/**
 * cg_circuit_breaker_get_statistics:
 * @breaker: a #CgCircuitBreaker
 *
 * A snapshot of the breaker's counters, as a structure named
 * `camguard-breaker-stats` with the fields:
 *
 * - `state` (string): "closed", "open" or "half-open"
 * - `consecutive-failures` (guint): failures since the last success
 * - `total-failures`, `total-successes` (guint64): all reported outcomes
 * - `rejected` (guint64): attempts refused by cg_circuit_breaker_allow()
 * - `times-opened` (guint64): how often the breaker opened
 * - `last-opened` (guint64): clock time it last opened, or
 *   %GST_CLOCK_TIME_NONE
 *
 * Returns: (transfer full): a new #GstStructure
 */
GstStructure *
cg_circuit_breaker_get_statistics (CgCircuitBreaker * breaker)
{
  static const gchar *const names[] = { "camguard-breaker-stats", "state",
    "consecutive-failures", "total-failures", "total-successes", "rejected",
    "times-opened", "last-opened", NULL
  };
  static GQuark quarks[G_N_ELEMENTS (names)];
  static gsize once;
  const GQuark *q = cg_quarks (quarks, names, &once);
  GstStructure *s;

  g_return_val_if_fail (CG_IS_CIRCUIT_BREAKER (breaker), NULL);

  g_mutex_lock (&breaker->lock);
  s = gst_structure_new_id (q[0],
      q[1], G_TYPE_STRING, cg_breaker_state_to_string (breaker->state),
      q[2], G_TYPE_UINT, breaker->consecutive_failures,
      q[3], G_TYPE_UINT64, breaker->total_failures,
      q[4], G_TYPE_UINT64, breaker->total_successes,
      q[5], G_TYPE_UINT64, breaker->rejected,
      q[6], G_TYPE_UINT64, breaker->times_opened,
      q[7], G_TYPE_UINT64, breaker->last_opened, 0);
  g_mutex_unlock (&breaker->lock);
  return s;
}

/**
 * cg_breaker_state_to_string:
 * @state: a #CgBreakerState
 *
 * Gets the name of @state, as the `state` field of
 * cg_circuit_breaker_get_statistics() carries it.
 *
 * Returns: "closed", "open" or "half-open", or "unknown" for an invalid
 *   value
 */
const gchar *
cg_breaker_state_to_string (CgBreakerState state)
{
  switch (state) {
    case CG_BREAKER_CLOSED:
      return "closed";
    case CG_BREAKER_OPEN:
      return "open";
    case CG_BREAKER_HALF_OPEN:
      return "half-open";
  }
  return "unknown";
}
