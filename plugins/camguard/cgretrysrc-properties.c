/* camguard - retrysrc: properties and statistics
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * retrysrc's properties, set and read under the object lock, once around
 * the whole switch. The retry policy properties are those of the
 * #CgBackoff and #CgCircuitBreaker retrysrc owns: they are forwarded to
 * them, and their ranges and defaults are taken from those objects' own
 * property specs, so that the policy has one set of defaults.
 *
 * A property flagged GST_PARAM_MUTABLE_READY only takes effect when the
 * element starts: set in PAUSED or PLAYING it changes nothing and posts a
 * WARNING with the code VALIDATION_ERROR naming the property.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cgretrysrc-private.h"
#include "cgelementutil.h"
#include "cg-quarks-private.h"

#define GST_CAT_DEFAULT cg_retry_src_debug

static GParamSpec *properties[N_PROPERTIES];

GType
cg_retry_src_status_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {CG_RETRY_SRC_STATUS_IDLE, "Not started", "idle"},
    {CG_RETRY_SRC_STATUS_STARTING, "A source was started; its first buffer "
          "is awaited", "starting"},
    {CG_RETRY_SRC_STATUS_RUNNING, "The source is producing buffers",
        "running"},
    {CG_RETRY_SRC_STATUS_FAILING, "The source failed and is being torn down",
        "failing"},
    {CG_RETRY_SRC_STATUS_WAITING, "Waiting for the backoff delay", "waiting"},
    {CG_RETRY_SRC_STATUS_CIRCUIT_OPEN,
        "Too many failures: waiting for the circuit breaker", "circuit-open"},
    {CG_RETRY_SRC_STATUS_FAILED, "Gave up", "failed"},
    {CG_RETRY_SRC_STATUS_ENDED, "The stream ended (EOS)", "ended"},
    {0, NULL, NULL}
  };

  return cg_element_register_enum (&type, "CgRetrySrcStatus", values);
}

GType
cg_retry_src_fallback_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {CG_RETRY_SRC_FALLBACK_NONE, "Push nothing while the source is away",
        "none"},
    {CG_RETRY_SRC_FALLBACK_LAST_FRAME, "Repeat the last raw video frame",
        "last-frame"},
    {CG_RETRY_SRC_FALLBACK_BLACK, "Push black raw video frames", "black"},
    {CG_RETRY_SRC_FALLBACK_PATTERN, "Push colour bars (SMPTE) raw video frames",
        "pattern"},
    {0, NULL, NULL}
  };

  return cg_element_register_enum (&type, "CgRetrySrcFallback", values);
}


void
cg_retry_src_notify_status (CgRetrySrc * self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

void
cg_retry_src_settings_init (CgRetrySrc * self)
{
  self->settings.timeout_ms = DEFAULT_TIMEOUT;
  self->settings.eos_is_failure = DEFAULT_EOS_IS_FAILURE;
  self->settings.fallback = DEFAULT_FALLBACK;
}

/* The object a policy property belongs to, and its name there. */
static GObject *
policy_object (CgRetrySrc * self, guint prop_id, const gchar ** name)
{
  switch (prop_id) {
    case PROP_BREAKER_THRESHOLD:
      *name = "failure-threshold";
      return G_OBJECT (self->breaker);
    case PROP_BREAKER_OPEN_TIME:
      *name = "open-duration";
      return G_OBJECT (self->breaker);
    case PROP_INITIAL_DELAY:
    case PROP_MAX_DELAY:
    case PROP_MULTIPLIER:
    case PROP_JITTER:
    case PROP_MAX_ATTEMPTS:
    case PROP_MAX_OUTAGE:
    case PROP_STABLE_PERIOD:
    case PROP_SEED:
      *name = g_param_spec_get_name (properties[prop_id]);
      return G_OBJECT (self->backoff);
    default:
      return NULL;
  }
}

/* Object lock held (cg_element_set_property). */
static gchar *
set_property_locked (GstElement * element, guint prop_id, const GValue * value)
{
  CgRetrySrc *self = CG_RETRY_SRC (element);
  const gchar *name;
  GObject *policy;

  if ((policy = policy_object (self, prop_id, &name))) {
    g_object_set_property (policy, name, value);
    return NULL;
  }
  switch (prop_id) {
    case PROP_SOURCE_DESCRIPTION:
      g_free (self->settings.description);
      self->settings.description = g_value_dup_string (value);
      break;
    case PROP_URI:
      g_free (self->settings.uri);
      self->settings.uri = g_value_dup_string (value);
      break;
    case PROP_DECODE:
      self->settings.decode = g_value_get_boolean (value);
      break;
    case PROP_SOURCE:
      gst_clear_object (&self->settings.user_source);
      self->settings.user_source = g_value_dup_object (value);
      if (self->settings.user_source)
        gst_object_ref_sink (self->settings.user_source);
      break;
    case PROP_TIMEOUT:
      self->settings.timeout_ms = g_value_get_uint (value);
      break;
    case PROP_EOS_IS_FAILURE:
      self->settings.eos_is_failure = g_value_get_boolean (value);
      break;
    case PROP_FALLBACK_MODE:
      self->settings.fallback = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (self, prop_id, properties[prop_id]);
      break;
  }
  return NULL;
}

/* The one lock around the switch, and READY-only properties refused in
 * PAUSED and PLAYING with a VALIDATION_ERROR WARNING (cgelementutil). */
void
cg_retry_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  cg_element_set_property (GST_ELEMENT (object), pspec, prop_id, value,
      set_property_locked);
}

/* @s's field @name takes @nested (no copy). */
static void
take_structure (GstStructure * s, GQuark name, GstStructure * nested)
{
  GValue v = G_VALUE_INIT;

  g_value_init (&v, GST_TYPE_STRUCTURE);
  g_value_take_boxed (&v, nested);
  gst_structure_id_take_value (s, name, &v);
}

/* Object lock held. Built whenever asked (the gateway's status asks on
 * every request): the nested statistics are taken, not copied. */
static GstStructure *
get_statistics_locked (CgRetrySrc * self)
{
  static const gchar *const names[] = { "camguard-retrysrc-stats",
    "last-error-code", "sources-started", "fallback-frames", "backoff",
    "breaker", NULL
  };
  static GQuark quarks[G_N_ELEMENTS (names)];
  static gsize once;
  const GQuark *q = cg_quarks (quarks, names, &once);
  GstStructure *s = gst_structure_new_id (q[0],
      q[1], G_TYPE_STRING, self->state.last_error ?
      cg_error_get_code_name (self->state.last_error) : NULL,
      q[2], G_TYPE_UINT64, self->stats.sources_started,
      q[3], G_TYPE_UINT64, self->stats.fallback_frames, 0);

  take_structure (s, q[4], cg_backoff_get_statistics (self->backoff));
  take_structure (s, q[5], cg_circuit_breaker_get_statistics (self->breaker));
  return s;
}

void
cg_retry_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  CgRetrySrc *self = CG_RETRY_SRC (object);
  const gchar *name;
  GObject *policy;

  GST_OBJECT_LOCK (self);
  if ((policy = policy_object (self, prop_id, &name))) {
    g_object_get_property (policy, name, value);
  } else {
    switch (prop_id) {
      case PROP_SOURCE_DESCRIPTION:
        g_value_set_string (value, self->settings.description);
        break;
      case PROP_URI:
        g_value_set_string (value, self->settings.uri);
        break;
      case PROP_DECODE:
        g_value_set_boolean (value, self->settings.decode);
        break;
      case PROP_SOURCE:
        g_value_set_object (value, self->settings.user_source);
        break;
      case PROP_TIMEOUT:
        g_value_set_uint (value, self->settings.timeout_ms);
        break;
      case PROP_EOS_IS_FAILURE:
        g_value_set_boolean (value, self->settings.eos_is_failure);
        break;
      case PROP_FALLBACK_MODE:
        g_value_set_enum (value, self->settings.fallback);
        break;
      case PROP_STATUS:
        g_value_set_enum (value, self->state.status);
        break;
      case PROP_STATISTICS:
        g_value_take_boxed (value, get_statistics_locked (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
  }
  GST_OBJECT_UNLOCK (self);
}

/* A property of retrysrc with the type, range and default of the policy
 * object's property @name. */
static GParamSpec *
policy_pspec (GObjectClass * policy_class, const gchar * name,
    const gchar * nick, const gchar * blurb, GParamFlags flags)
{
  GParamSpec *p = g_object_class_find_property (policy_class, name);
  const gchar *own = name;

  g_assert (p != NULL);
  if (g_str_equal (name, "failure-threshold"))
    own = "breaker-threshold";
  else if (g_str_equal (name, "open-duration"))
    own = "breaker-open-time";
  if (G_IS_PARAM_SPEC_UINT64 (p)) {
    GParamSpecUInt64 *u = G_PARAM_SPEC_UINT64 (p);
    return g_param_spec_uint64 (own, nick, blurb, u->minimum, u->maximum,
        u->default_value, flags);
  }
  if (G_IS_PARAM_SPEC_UINT (p)) {
    GParamSpecUInt *u = G_PARAM_SPEC_UINT (p);
    return g_param_spec_uint (own, nick, blurb, u->minimum, u->maximum,
        u->default_value, flags);
  }
  if (G_IS_PARAM_SPEC_DOUBLE (p)) {
    GParamSpecDouble *d = G_PARAM_SPEC_DOUBLE (p);
    return g_param_spec_double (own, nick, blurb, d->minimum, d->maximum,
        d->default_value, flags);
  }
  g_assert (G_IS_PARAM_SPEC_ENUM (p));
  return g_param_spec_enum (own, nick, blurb, p->value_type,
      G_PARAM_SPEC_ENUM (p)->default_value, flags);
}

void
cg_retry_src_install_properties (GObjectClass * klass)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  const GParamFlags ready = rw | GST_PARAM_MUTABLE_READY;
  const GParamFlags playing = rw | GST_PARAM_MUTABLE_PLAYING;
  GObjectClass *backoff = g_type_class_ref (CG_TYPE_BACKOFF);
  GObjectClass *breaker = g_type_class_ref (CG_TYPE_CIRCUIT_BREAKER);

  /**
   * CgRetrySrc:source-description:
   *
   * A gst-launch fragment whose one free src pad becomes the output, e.g.
   * `rtspsrc location=rtsp://… ! rtph264depay ! h264parse`. New element
   * instances are built from it at every restart. READY-only.
   *
   * Since: 0.1
   */
  properties[PROP_SOURCE_DESCRIPTION] =
      g_param_spec_string ("source-description", "Source description",
      "gst-launch fragment of the source, ending in one free src pad "
      "(rebuilt from scratch at every restart), e.g. \"rtspsrc "
      "location=rtsp://… ! rtph264depay ! h264parse\"", NULL, ready);
  /**
   * CgRetrySrc:uri:
   *
   * The camera as a URI, for the common cameras without a gst-launch
   * fragment: `rtsp://user:pass@cam/stream1` (also rtsps, rtspt, rtspu; the
   * video stream only), `http://cam/video.mjpg` (MJPEG over HTTP, also
   * https), `v4l2:///dev/video0` or a plain `/dev/video0`, `file:///clip.mp4`
   * or a plain absolute path (tests, drills). The output is what the camera
   * sends, in the form the rest of camguard takes as is: H.264 or H.265
   * parsed with `alignment=au`, JPEG pictures as `image/jpeg`, raw video;
   * other codecs are decoded to raw video. #CgRetrySrc:decode decodes
   * everything. Credentials stay in the URI and are redacted from every
   * message. #CgRetrySrc:source-description wins when both are set.
   * READY-only.
   *
   * Since: 0.2
   */
  properties[PROP_URI] = g_param_spec_string ("uri", "URI",
      "The camera as a URI: rtsp://user:pass@cam/stream1, http://cam/"
      "video.mjpg (MJPEG), v4l2:///dev/video0 or /dev/video0, file:///clip.mp4;"
      " outputs H.264/H.265 parsed (alignment=au), image/jpeg or raw video",
      NULL, ready);
  /**
   * CgRetrySrc:decode:
   *
   * With #CgRetrySrc:uri: decode the camera's stream to raw video instead
   * of passing H.264, H.265 and JPEG on as they come. READY-only.
   *
   * Since: 0.2
   */
  properties[PROP_DECODE] = g_param_spec_boolean ("decode", "Decode",
      "With uri: output raw video, decoding what the camera sends", FALSE,
      ready);
  /**
   * CgRetrySrc:source:
   *
   * The source element, for applications. It is reset to NULL and started
   * again at every restart. Ignored when #CgRetrySrc:source-description or
   * #CgRetrySrc:uri is set. READY-only.
   *
   * Since: 0.1
   */
  properties[PROP_SOURCE] = g_param_spec_object ("source", "Source",
      "Source element for applications (reset to NULL and restarted at every "
      "restart); source-description and uri win when set",
      GST_TYPE_ELEMENT, ready);
  /**
   * CgRetrySrc:timeout:
   *
   * Data-stall timeout: no buffer for this many milliseconds counts as a
   * failure (CONNECTION_TIMEOUT). 0 disables stall detection. Takes effect
   * at the next (re)start of the source.
   *
   * Since: 0.1
   */
  properties[PROP_TIMEOUT] = g_param_spec_uint ("timeout", "Timeout",
      "Milliseconds without a buffer that count as a failure "
      "(CONNECTION_TIMEOUT); 0 = no stall detection", 0, G_MAXUINT,
      DEFAULT_TIMEOUT, playing);
  /**
   * CgRetrySrc:eos-is-failure:
   *
   * Treat an EOS that the source sends by itself as a failure
   * (CAMERA_DISCONNECTED) and restart, instead of ending the stream. A live
   * camera never ends by itself. An EOS sent by the application always ends
   * the stream.
   *
   * Since: 0.1
   */
  properties[PROP_EOS_IS_FAILURE] = g_param_spec_boolean ("eos-is-failure",
      "EOS is failure", "Treat an EOS the source sends by itself as a "
      "failure (CAMERA_DISCONNECTED) and restart instead of ending the "
      "stream", DEFAULT_EOS_IS_FAILURE, playing);
  /**
   * CgRetrySrc:initial-delay:
   *
   * Backoff delay before the first attempt of an outage, in nanoseconds
   * (#CgBackoff:initial-delay).
   *
   * Since: 0.1
   */
  properties[PROP_INITIAL_DELAY] = policy_pspec (backoff, "initial-delay",
      "Initial delay", "Backoff delay before the first attempt of an outage "
      "(ns)", playing);
  /**
   * CgRetrySrc:max-delay:
   *
   * Cap of the backoff delay, in nanoseconds; also the delay of codes that
   * retry slowly (camera 401/403/404) (#CgBackoff:max-delay).
   *
   * Since: 0.1
   */
  properties[PROP_MAX_DELAY] = policy_pspec (backoff, "max-delay",
      "Max delay", "Cap of the backoff delay (ns); codes with the slow policy "
      "(camera credentials, missing device) always wait this long", playing);
  /**
   * CgRetrySrc:multiplier:
   *
   * Growth factor of the backoff delay between attempts.
   *
   * Since: 0.1
   */
  properties[PROP_MULTIPLIER] = policy_pspec (backoff, "multiplier",
      "Multiplier", "Growth factor of the backoff delay between attempts",
      playing);
  /**
   * CgRetrySrc:jitter:
   *
   * Random spread of the delays, so that cameras that fail together do not
   * retry together.
   *
   * Since: 0.1
   */
  properties[PROP_JITTER] = policy_pspec (backoff, "jitter", "Jitter",
      "Random spread of the delays (none, full, equal, decorrelated) so that "
      "cameras failing together do not retry together", playing);
  /**
   * CgRetrySrc:max-attempts:
   *
   * Attempts (restarts) of one outage: retrysrc gives up when the
   * max-attempts-th attempt fails (0 = never). An outage ends when the
   * source delivers again, so attempts never add up across recoveries.
   *
   * Since: 0.1
   */
  properties[PROP_MAX_ATTEMPTS] = policy_pspec (backoff, "max-attempts",
      "Max attempts", "Restarts of one outage; give up when the last of them "
      "fails (0 = never give up on attempts)", playing);
  /**
   * CgRetrySrc:max-outage:
   *
   * Give up at a failure more than this long after the outage began, in
   * nanoseconds (0 = never).
   *
   * Since: 0.1
   */
  properties[PROP_MAX_OUTAGE] = policy_pspec (backoff, "max-outage",
      "Max outage", "Give up when one outage has lasted longer than this (ns; "
      "0 = never)", playing);
  /**
   * CgRetrySrc:stable-period:
   *
   * A source that fails again less than this long (ns) after it recovered
   * is flapping: its new outage continues the delay sequence instead of
   * starting at initial-delay (its attempts still count from 1). See
   * #CgBackoff:stable-period for the default.
   *
   * Since: 0.2
   */
  properties[PROP_STABLE_PERIOD] = policy_pspec (backoff, "stable-period",
      "Stable period", "Health after a recovery (ns) after which the delays "
      "start at initial-delay again; a source failing sooner continues the "
      "delay sequence", playing);
  /**
   * CgRetrySrc:seed:
   *
   * Seed of the jitter; 0 picks an unpredictable one. The same non-zero seed
   * gives the same delays. READY-only.
   *
   * Since: 0.1
   */
  properties[PROP_SEED] = policy_pspec (backoff, "seed", "Seed",
      "Seed of the jitter: the same non-zero seed gives the same delays; "
      "0 = unpredictable", ready);
  /**
   * CgRetrySrc:breaker-threshold:
   *
   * Consecutive failures that open the circuit breaker; while it is open,
   * attempts pause for #CgRetrySrc:breaker-open-time. READY-only.
   *
   * Since: 0.1
   */
  properties[PROP_BREAKER_THRESHOLD] = policy_pspec (breaker,
      "failure-threshold", "Breaker threshold", "Consecutive failures that "
      "open the circuit breaker (attempts then pause for breaker-open-time)",
      ready);
  /**
   * CgRetrySrc:breaker-open-time:
   *
   * How long the circuit breaker stays open before a probe attempt, in
   * nanoseconds. READY-only.
   *
   * Since: 0.1
   */
  properties[PROP_BREAKER_OPEN_TIME] = policy_pspec (breaker,
      "open-duration", "Breaker open time", "How long the circuit breaker "
      "stays open before one probe attempt (ns)", ready);
  /**
   * CgRetrySrc:fallback-mode:
   *
   * What to push while the source is away, for raw video: nothing, the last
   * frame again, black frames or colour bars, at the stream's frame rate.
   * READY-only.
   *
   * Since: 0.1
   */
  properties[PROP_FALLBACK_MODE] = g_param_spec_enum ("fallback-mode",
      "Fallback mode", "Raw video only: what to push while the source is away "
      "(none, last-frame, black, pattern), at the stream's frame rate",
      CG_TYPE_RETRY_SRC_FALLBACK, DEFAULT_FALLBACK, ready);
  /**
   * CgRetrySrc:status:
   *
   * Where the element is (#CgRetrySrcStatus): idle, starting, running,
   * failing, waiting, circuit-open, failed or ended. Notified on every
   * change.
   *
   * Since: 0.1
   */
  properties[PROP_STATUS] = g_param_spec_enum ("status", "Status",
      "idle, starting, running, failing, waiting (backoff delay), "
      "circuit-open, failed (gave up) or ended (EOS); notified on change",
      CG_TYPE_RETRY_SRC_STATUS, CG_RETRY_SRC_STATUS_IDLE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * CgRetrySrc:statistics:
   *
   * A `camguard-retrysrc-stats` structure: `last-error-code` (string),
   * `sources-started` and `fallback-frames` (guint64), and the statistics
   * of the backoff (`backoff`, see cg_backoff_get_statistics(): attempts,
   * outages, recoveries, outage times) and of the circuit breaker
   * (`breaker`, see cg_circuit_breaker_get_statistics()).
   *
   * Since: 0.1
   */
  properties[PROP_STATISTICS] = g_param_spec_boxed ("statistics",
      "Statistics", "last-error-code, sources-started, fallback-frames, and "
      "the backoff's and the circuit breaker's statistics (backoff, breaker)",
      GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (klass, N_PROPERTIES, properties);
  g_type_class_unref (backoff);
  g_type_class_unref (breaker);
}
