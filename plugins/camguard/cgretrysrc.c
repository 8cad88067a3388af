/* camguard - retrysrc: a camera source that survives errors, stalls and
 * restarts
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-retrysrc
 * @title: retrysrc
 *
 * retrysrc wraps any source (a gst-launch fragment in
 * #CgRetrySrc:source-description, or an element in #CgRetrySrc:source) and
 * keeps it running: when the source posts an ERROR, fails to change state,
 * sends EOS while live, or stops producing buffers for
 * #CgRetrySrc:timeout milliseconds, retrysrc tears it down to NULL and builds
 * it again after a delay chosen by libcamguard's #CgBackoff (exponential, capped,
 * jittered, per-code policy: a camera that answers 401 or 404 is retried at
 * the maximum delay), guarded by a #CgCircuitBreaker.
 *
 * Downstream is not disturbed: the src pad stays linked, no ERROR, EOS or
 * flush leaves the element while it retries, the stream-id and the segment
 * stay the same, and buffer timestamps continue monotonically. For raw video,
 * #CgRetrySrc:fallback-mode can keep frames flowing (black, colour bars or the
 * last frame)
 * while the camera is away; encoded streams resume at a keyframe.
 *
 * A stall is reported between #CgRetrySrc:timeout and timeout + timeout/10
 * after the last buffer: the streaming thread only counts buffers (no clock
 * read, one lock per buffer) and a check on the element's clock looks at the
 * count every timeout/10.
 *
 * A description may end in caps (`v4l2src ! video/x-raw,width=1280`): an
 * explicit capsfilter is added for them. A description whose last element
 * has sometimes pads (`uridecodebin uri=...`) is handled too: the first src
 * pad that the description does not link becomes the output.
 *
 * When the policy gives up (#CgRetrySrc:max-attempts, #CgRetrySrc:max-outage,
 * or a code that is never retried), retrysrc posts exactly one ERROR, with the
 * original error's domain and code and the catalogue code in the details field
 * `camguard-code`, and sends EOS downstream.
 *
 * ## Messages
 *
 * retrysrc posts element messages named `camguard-retry` with these fields:
 *
 * - `event` (string): `retrying`, `recovered`, `gave-up` or `circuit-open`
 * - `attempt` (uint): the attempt number of this outage (1 for the first)
 * - `next-delay` (guint64, ns): delay before the next attempt (retrying,
 *   circuit-open)
 * - `code` (string): the catalogue code of the failure, e.g.
 *   `CAMERA_UNREACHABLE`
 * - `error` (GstStructure `camguard-error`): the classified original error,
 *   secrets redacted (see cg_error_to_structure())
 * - `outage` (guint64, ns): how long the source was away (recovered)
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 retrysrc source-description="rtspsrc location=rtsp://127.0.0.1:8554/cam latency=0 ! rtph264depay ! h264parse" timeout=3000 ! avdec_h264 ! autovideosink
 * gst-launch-1.0 retrysrc source-description="v4l2src device=/dev/video0" fallback-mode=black ! videoconvert ! autovideosink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/gst.h>
#include <gst/app/app.h>
#include <gst/video/video.h>

#include <camguard.h>

#include "gstcamguardelements.h"

#define CG_TYPE_RETRY_SRC (cg_retry_src_get_type ())
G_DECLARE_FINAL_TYPE (CgRetrySrc, cg_retry_src, CG, RETRY_SRC, GstBin);

GST_DEBUG_CATEGORY_STATIC (cg_retry_src_debug);
#define GST_CAT_DEFAULT cg_retry_src_debug

/**
 * CgRetrySrcStatus:
 * @CG_RETRY_SRC_STATUS_RUNNING: the source is producing buffers
 * @CG_RETRY_SRC_STATUS_RETRYING: a new source was started and is awaited
 * @CG_RETRY_SRC_STATUS_WAITING: waiting for the backoff delay to pass
 * @CG_RETRY_SRC_STATUS_CIRCUIT_OPEN: too many failures; waiting for the
 *   circuit breaker to allow a probe
 * @CG_RETRY_SRC_STATUS_FAILED: gave up
 */
typedef enum
{
  CG_RETRY_SRC_STATUS_RUNNING,
  CG_RETRY_SRC_STATUS_RETRYING,
  CG_RETRY_SRC_STATUS_WAITING,
  CG_RETRY_SRC_STATUS_CIRCUIT_OPEN,
  CG_RETRY_SRC_STATUS_FAILED,
} CgRetrySrcStatus;

/**
 * CgRetrySrcFallback:
 * @CG_RETRY_SRC_FALLBACK_NONE: push nothing while the source is away
 * @CG_RETRY_SRC_FALLBACK_LAST_FRAME: repeat the last raw video frame
 * @CG_RETRY_SRC_FALLBACK_BLACK: push black raw video frames
 * @CG_RETRY_SRC_FALLBACK_PATTERN: push colour bars (SMPTE), the picture
 *   every video engineer reads as "no signal"
 */
typedef enum
{
  CG_RETRY_SRC_FALLBACK_NONE,
  CG_RETRY_SRC_FALLBACK_LAST_FRAME,
  CG_RETRY_SRC_FALLBACK_BLACK,
  CG_RETRY_SRC_FALLBACK_PATTERN,
} CgRetrySrcFallback;

static GType
cg_retry_src_status_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {CG_RETRY_SRC_STATUS_RUNNING, "The source is producing buffers",
        "running"},
    {CG_RETRY_SRC_STATUS_RETRYING, "A new source was started and is awaited",
        "retrying"},
    {CG_RETRY_SRC_STATUS_WAITING, "Waiting for the backoff delay", "waiting"},
    {CG_RETRY_SRC_STATUS_CIRCUIT_OPEN,
        "Too many failures: waiting for the circuit breaker", "circuit-open"},
    {CG_RETRY_SRC_STATUS_FAILED, "Gave up", "failed"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("CgRetrySrcStatus", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static GType
cg_retry_src_fallback_get_type (void)
{
  static GType type = 0;
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

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("CgRetrySrcFallback", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define DEFAULT_TIMEOUT 5000
#define DEFAULT_EOS_IS_FAILURE TRUE
#define DEFAULT_INITIAL_DELAY (500 * GST_MSECOND)
#define DEFAULT_MAX_DELAY (30 * GST_SECOND)
#define DEFAULT_MULTIPLIER 2.0
#define DEFAULT_JITTER CG_JITTER_FULL
#define DEFAULT_MAX_ATTEMPTS 0
#define DEFAULT_MAX_OUTAGE 0
#define DEFAULT_BREAKER_THRESHOLD 10
#define DEFAULT_BREAKER_OPEN_TIME (60 * GST_SECOND)
#define DEFAULT_FALLBACK CG_RETRY_SRC_FALLBACK_NONE
#define DEFAULT_FALLBACK_INTERVAL (GST_SECOND / 10)

enum
{
  PROP_0,
  PROP_SOURCE_DESCRIPTION,
  PROP_SOURCE,
  PROP_TIMEOUT,
  PROP_EOS_IS_FAILURE,
  PROP_INITIAL_DELAY,
  PROP_MAX_DELAY,
  PROP_MULTIPLIER,
  PROP_JITTER,
  PROP_MAX_ATTEMPTS,
  PROP_MAX_OUTAGE,
  PROP_SEED,
  PROP_BREAKER_THRESHOLD,
  PROP_BREAKER_OPEN_TIME,
  PROP_FALLBACK_MODE,
  PROP_STATUS,
  PROP_STATISTICS,
  N_PROPERTIES
};

static GParamSpec *properties[N_PROPERTIES];

struct _CgRetrySrc
{
  GstBin parent;

  GstPad *srcpad;               /* ghost pad, always there */

  /* settings, protected by the object lock */
  gchar *description;
  GstElement *user_source;
  guint timeout_ms;
  gboolean eos_is_failure;
  CgRetrySrcFallback fallback;

  /* libcamguard policy objects: thread-safe themselves */
  CgBackoff *backoff;
  CgCircuitBreaker *breaker;

  /* state, protected by the object lock */
  CgRetrySrcStatus status;
  GstElement *current;          /* current source element (owned by the bin) */
  guint generation;             /* bumped for each source instance */
  gboolean handling_failure;    /* a failure of this generation is handled */
  gboolean seen_buffer;         /* current instance produced a buffer */
  gboolean need_keyframe;       /* drop delta units until a keyframe */
  gboolean started;             /* stream-start and segment were sent */
  gboolean shutting_down;
  GstCaps *last_caps;
  GstBuffer *last_buffer;       /* last raw frame, for fallback */
  GstClockTime last_out_pts;
  GstClockTime last_duration;
  GstClockTimeDiff ts_offset;   /* added to the current instance's times */
  gboolean offset_set;
  GstSegment in_segment;        /* segment of the current instance */
  gboolean caps_raw;            /* last_caps are raw (audio or video) */
  gboolean caps_raw_video;      /* last_caps are raw video */
  guint64 buffers_in;           /* buffers of all instances, for stalls */
  guint64 stall_seen;           /* buffers_in at the last stall check */
  GstClockTime last_progress;   /* clock time a stall check saw progress */
  GstClockID stall_id;
  GstClockID delay_id;
  GRecMutex source_lock;        /* serialises building and tearing down */
  GstPad *probe_pad;            /* the current instance's output pad */
  gulong probe_id;
  CgError *last_error;
  GError *last_gerror;
  GstClockTime outage_start;
  gchar *stream_id;

  /* statistics, object lock */
  guint64 attempts;
  guint64 recoveries;
  GstClockTime total_outage;
  GstClockTime longest_outage;

  /* fallback frames */
  GThread *fallback_thread;
  GMutex push_lock;             /* serialises fallback pushes with the source */
  gboolean fallback_stop;
  GstClockID fallback_id;
};

G_DEFINE_TYPE (CgRetrySrc, cg_retry_src, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (retrysrc, "retrysrc", GST_RANK_NONE,
    CG_TYPE_RETRY_SRC);

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static void start_source (CgRetrySrc * self);
static void source_failed (CgRetrySrc * self, guint generation,
    CgError * error, const GError * gerror);

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static GstClock *
get_clock (CgRetrySrc * self)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));

  return clock ? clock : gst_system_clock_obtain ();
}

static GstClockTime
now_running_time (CgRetrySrc * self, GstClockTime * abs_now)
{
  GstClock *clock = get_clock (self);
  GstClockTime now = gst_clock_get_time (clock);
  GstClockTime base = gst_element_get_base_time (GST_ELEMENT (self));

  gst_object_unref (clock);
  if (abs_now)
    *abs_now = now;
  return now > base ? now - base : 0;
}

static void
set_status (CgRetrySrc * self, CgRetrySrcStatus status)
{
  gboolean changed;

  GST_OBJECT_LOCK (self);
  changed = self->status != status;
  self->status = status;
  GST_OBJECT_UNLOCK (self);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
post_retry_message (CgRetrySrc * self, const gchar * event, guint attempt,
    GstClockTime next_delay, CgError * error, GstClockTime outage)
{
  GstStructure *s = gst_structure_new ("camguard-retry",
      "event", G_TYPE_STRING, event, "attempt", G_TYPE_UINT, attempt, NULL);

  if (GST_CLOCK_TIME_IS_VALID (next_delay))
    gst_structure_set (s, "next-delay", G_TYPE_UINT64, next_delay, NULL);
  if (GST_CLOCK_TIME_IS_VALID (outage))
    gst_structure_set (s, "outage", G_TYPE_UINT64, outage, NULL);
  if (error) {
    GstStructure *es = cg_error_to_structure (error);

    gst_structure_set (s, "code", G_TYPE_STRING,
        cg_error_get_code_name (error), "error", GST_TYPE_STRUCTURE, es, NULL);
    gst_structure_free (es);
  }
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

static gboolean
is_raw_video (GstCaps * caps)
{
  GstStructure *s;

  if (caps == NULL || gst_caps_get_size (caps) == 0)
    return FALSE;
  s = gst_caps_get_structure (caps, 0);
  return gst_structure_has_name (s, "video/x-raw");
}

static gboolean
is_raw (GstCaps * caps)
{
  const gchar *name;

  if (caps == NULL || gst_caps_get_size (caps) == 0)
    return FALSE;
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  return g_str_has_suffix (name, "/x-raw");
}

/* ------------------------------------------------------------------ */
/* fallback frames                                                     */

static GstBuffer *
make_black_frame (GstCaps * caps)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buf;
  const GstVideoFormatInfo *finfo, *uinfo;
  guint8 *line;
  gint y, x, width, height, bpp;

  if (!gst_video_info_from_caps (&info, caps))
    return NULL;
  buf = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  if (!gst_video_frame_map (&frame, &info, buf, GST_MAP_WRITE)) {
    gst_buffer_unref (buf);
    return NULL;
  }
  finfo = info.finfo;
  uinfo = gst_video_format_get_info (finfo->unpack_format);
  width = GST_VIDEO_INFO_WIDTH (&info);
  height = GST_VIDEO_INFO_HEIGHT (&info);
  bpp = GST_VIDEO_FORMAT_INFO_BITS (uinfo) > 8 ? 8 : 4;
  line = g_malloc0 ((gsize) width * bpp);
  for (x = 0; x < width; x++) {
    if (bpp == 4) {
      guint8 *p = line + x * 4;
      p[0] = 0xff;
      if (GST_VIDEO_FORMAT_INFO_IS_YUV (finfo)) {
        p[1] = 16;
        p[2] = p[3] = 128;
      }
    } else {
      guint16 *p = (guint16 *) (line + x * 8);
      p[0] = 0xffff;
      if (GST_VIDEO_FORMAT_INFO_IS_YUV (finfo)) {
        p[1] = 16 << 8;
        p[2] = p[3] = 128 << 8;
      }
    }
  }
  for (y = 0; y < height; y++)
    finfo->pack_func (finfo, GST_VIDEO_PACK_FLAG_NONE, line, 0,
        frame.data, frame.info.stride, frame.info.chroma_site, y, width);
  g_free (line);
  gst_video_frame_unmap (&frame);
  return buf;
}

/* Colour bars in exactly the stream's raw format and size, drawn once per
 * outage by videotestsrc on the fallback thread. */
static GstBuffer *
make_pattern_frame (GstCaps * caps)
{
  GstElement *pipeline, *src, *filter, *sink;
  GstSample *sample;
  GstBuffer *buf = NULL;

  pipeline = gst_pipeline_new ("retrysrc-pattern");
  src = gst_element_factory_make ("videotestsrc", NULL);
  filter = gst_element_factory_make ("capsfilter", NULL);
  sink = gst_element_factory_make ("appsink", NULL);
  if (!src || !filter || !sink) {
    gst_clear_object (&src);
    gst_clear_object (&filter);
    gst_clear_object (&sink);
    gst_object_unref (pipeline);
    return NULL;
  }
  g_object_set (src, "num-buffers", 1, "pattern", 0 /* smpte */ , NULL);
  g_object_set (filter, "caps", caps, NULL);
  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, filter, sink, NULL);
  if (gst_element_link_many (src, filter, sink, NULL)
      && gst_element_set_state (pipeline,
          GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE) {
    sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 5 * GST_SECOND);
    if (sample) {
      buf = gst_buffer_ref (gst_sample_get_buffer (sample));
      gst_sample_unref (sample);
    }
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  return buf;
}

static gpointer
fallback_thread_func (gpointer data)
{
  CgRetrySrc *self = data;
  GstClock *clock = get_clock (self);
  GstBuffer *frame = NULL;
  GstCaps *caps = NULL;
  GstVideoInfo vinfo;
  gboolean pattern;
  GstClockTime interval;

  GST_OBJECT_LOCK (self);
  interval = GST_CLOCK_TIME_IS_VALID (self->last_duration) &&
      self->last_duration > 0 ? self->last_duration : DEFAULT_FALLBACK_INTERVAL;
  if (self->fallback == CG_RETRY_SRC_FALLBACK_LAST_FRAME && self->last_buffer)
    frame = gst_buffer_ref (self->last_buffer);
  else if (self->last_caps)
    caps = gst_caps_ref (self->last_caps);
  pattern = self->fallback == CG_RETRY_SRC_FALLBACK_PATTERN;
  GST_OBJECT_UNLOCK (self);

  if (caps) {
    if (pattern && gst_video_info_from_caps (&vinfo, caps))
      frame = make_pattern_frame (caps);
    if (!frame)
      frame = make_black_frame (caps);
    gst_caps_unref (caps);
  }

  while (frame) {
    GstClockTime next, abs_now;
    GstClockID id;
    GstBuffer *out;
    GstFlowReturn ret;

    GST_OBJECT_LOCK (self);
    if (self->fallback_stop) {
      GST_OBJECT_UNLOCK (self);
      break;
    }
    next = GST_CLOCK_TIME_IS_VALID (self->last_out_pts) ?
        self->last_out_pts + interval : 0;
    GST_OBJECT_UNLOCK (self);

    now_running_time (self, &abs_now);
    id = gst_clock_new_single_shot_id (clock,
        next + gst_element_get_base_time (GST_ELEMENT (self)));
    GST_OBJECT_LOCK (self);
    if (self->fallback_stop) {
      GST_OBJECT_UNLOCK (self);
      gst_clock_id_unref (id);
      break;
    }
    self->fallback_id = id;
    GST_OBJECT_UNLOCK (self);
    gst_clock_id_wait (id, NULL);
    GST_OBJECT_LOCK (self);
    self->fallback_id = NULL;
    GST_OBJECT_UNLOCK (self);
    gst_clock_id_unref (id);

    g_mutex_lock (&self->push_lock);
    GST_OBJECT_LOCK (self);
    if (self->fallback_stop) {
      GST_OBJECT_UNLOCK (self);
      g_mutex_unlock (&self->push_lock);
      break;
    }
    self->last_out_pts = next;
    GST_OBJECT_UNLOCK (self);
    out = gst_buffer_copy (frame);
    GST_BUFFER_PTS (out) = next;
    GST_BUFFER_DTS (out) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION (out) = interval;
    GST_BUFFER_FLAG_SET (out, GST_BUFFER_FLAG_GAP);
    ret = gst_pad_push (self->srcpad, out);
    g_mutex_unlock (&self->push_lock);
    if (ret == GST_FLOW_FLUSHING)
      break;
  }
  if (frame)
    gst_buffer_unref (frame);
  gst_object_unref (clock);
  return NULL;
}

static void
start_fallback (CgRetrySrc * self)
{
  GST_OBJECT_LOCK (self);
  if (self->fallback == CG_RETRY_SRC_FALLBACK_NONE || self->fallback_thread
      || !self->started || !is_raw_video (self->last_caps)) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  self->fallback_stop = FALSE;
  self->fallback_thread = g_thread_new ("retrysrc-fallback",
      fallback_thread_func, self);
  GST_OBJECT_UNLOCK (self);
}

/* Stops the fallback thread; must not be called with push_lock held. */
static void
stop_fallback (CgRetrySrc * self)
{
  GThread *thread;

  GST_OBJECT_LOCK (self);
  self->fallback_stop = TRUE;
  if (self->fallback_id)
    gst_clock_id_unschedule (self->fallback_id);
  thread = self->fallback_thread;
  self->fallback_thread = NULL;
  GST_OBJECT_UNLOCK (self);
  if (thread)
    g_thread_join (thread);
}

/* ------------------------------------------------------------------ */
/* stall detection                                                     */

static gboolean stall_fired (GstClock * clock, GstClockTime time,
    GstClockID id, gpointer user_data);
typedef struct _StallCheck StallCheck;

struct _StallCheck
{
  CgRetrySrc *self;
  guint generation;
};

static void
stall_check_free (gpointer data)
{
  StallCheck *sc = data;

  gst_object_unref (sc->self);
  g_free (sc);
}


/* Object lock held. */
static void
schedule_stall_check_locked (CgRetrySrc * self, GstClockTime at)
{
  GstClock *clock;

  if (self->timeout_ms == 0 || self->shutting_down)
    return;
  if (self->stall_id) {
    gst_clock_id_unschedule (self->stall_id);
    gst_clock_id_unref (self->stall_id);
    self->stall_id = NULL;
  }
  clock = GST_ELEMENT_CLOCK (self) ? gst_object_ref (GST_ELEMENT_CLOCK (self))
      : gst_system_clock_obtain ();
  self->stall_id = gst_clock_new_single_shot_id (clock, at);
  {
    StallCheck *sc = g_new0 (StallCheck, 1);

    sc->self = gst_object_ref (self);
    sc->generation = self->generation;
    gst_clock_id_wait_async (self->stall_id, stall_fired, sc, stall_check_free);
  }
  gst_object_unref (clock);
}

/* Interval of the stall checks: a stall is reported between timeout and
 * timeout + timeout / STALL_TICKS after the last buffer. */
#define STALL_TICKS 10

static GstClockTime
stall_tick (CgRetrySrc * self)
{
  return MAX (self->timeout_ms * GST_MSECOND / STALL_TICKS, GST_MSECOND);
}

/* Runs on the element's async thread. The streaming thread only counts
 * buffers; the check notes when the count last moved. */
static void
stall_check_async (GstElement * element, gpointer user_data)
{
  CgRetrySrc *self = CG_RETRY_SRC (element);
  guint generation = GPOINTER_TO_UINT (user_data);
  GstClockTime abs_now;
  gboolean stalled = FALSE;

  now_running_time (self, &abs_now);
  GST_OBJECT_LOCK (self);
  if (generation != self->generation || self->shutting_down
      || self->handling_failure || self->timeout_ms == 0) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  if (self->buffers_in != self->stall_seen) {
    self->stall_seen = self->buffers_in;
    self->last_progress = abs_now;
  }
  if (abs_now >= self->last_progress + self->timeout_ms * GST_MSECOND)
    stalled = TRUE;
  else
    schedule_stall_check_locked (self, abs_now + stall_tick (self));
  GST_OBJECT_UNLOCK (self);

  if (stalled) {
    CgError *err = cg_error_new (CG_CODE_CONNECTION_TIMEOUT,
        "The source produced no buffer within the timeout");

    cg_error_set_message_type (err, "stall");
    GST_OBJECT_LOCK (self);
    if (self->current)
      cg_error_set_source_path (err, GST_OBJECT_NAME (self->current));
    gst_structure_set (cg_error_get_details_writable (err), "timeout-ms",
        G_TYPE_UINT, self->timeout_ms, NULL);
    GST_OBJECT_UNLOCK (self);
    GST_INFO_OBJECT (self, "no buffer for %u ms: stall", self->timeout_ms);
    source_failed (self, generation, err, NULL);
    cg_error_unref (err);
  }
}

static gboolean
stall_fired (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  StallCheck *sc = user_data;

  if (time == GST_CLOCK_TIME_NONE)
    return TRUE;
  gst_element_call_async (GST_ELEMENT (sc->self), stall_check_async,
      GUINT_TO_POINTER (sc->generation), NULL);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* the probe on the source's src pad                                   */

/* Object lock held. Maps a time of the current instance to the continuous
 * output running time. */
static GstClockTime
map_time (CgRetrySrc * self, GstClockTime t)
{
  GstClockTime rt;

  if (!GST_CLOCK_TIME_IS_VALID (t))
    return GST_CLOCK_TIME_NONE;
  rt = gst_segment_to_running_time (&self->in_segment, GST_FORMAT_TIME, t);
  if (!GST_CLOCK_TIME_IS_VALID (rt))
    return GST_CLOCK_TIME_NONE;
  return (GstClockTime) MAX ((GstClockTimeDiff) 0,
      (GstClockTimeDiff) rt + self->ts_offset);
}

/* The first timestamped buffer of an instance fixes the offset that makes
 * its times continue after the last output, never behind the clock. */
static void
compute_offset (CgRetrySrc * self, GstClockTime pts)
{
  GstClockTime running_now = now_running_time (self, NULL);
  GstClockTime pts_rt;

  GST_OBJECT_LOCK (self);
  if (self->offset_set) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  pts_rt = gst_segment_to_running_time (&self->in_segment, GST_FORMAT_TIME,
      pts);
  if (GST_CLOCK_TIME_IS_VALID (pts_rt)) {
    if (GST_CLOCK_TIME_IS_VALID (self->last_out_pts)) {
      GstClockTime floor = MAX (running_now, self->last_out_pts +
          (GST_CLOCK_TIME_IS_VALID (self->last_duration) ?
              self->last_duration : 1));

      self->ts_offset = GST_CLOCK_DIFF (pts_rt, floor);
      if (self->ts_offset < 0 && (GstClockTime) (-self->ts_offset) > pts_rt)
        self->ts_offset = -(GstClockTimeDiff) pts_rt;
    } else {
      self->ts_offset = 0;
    }
    self->offset_set = TRUE;
  }
  GST_OBJECT_UNLOCK (self);
}

/* The first buffer of an instance: the end of an outage, if there was one. */
static void
first_buffer (CgRetrySrc * self, guint generation)
{
  GstClockTime abs_now, outage = GST_CLOCK_TIME_NONE;
  gboolean recovered = FALSE;
  guint attempt = 0;
  CgError *err = NULL;

  now_running_time (self, &abs_now);
  GST_OBJECT_LOCK (self);
  if (self->seen_buffer || generation != self->generation) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  self->seen_buffer = TRUE;
  if (GST_CLOCK_TIME_IS_VALID (self->outage_start)) {
    outage = abs_now > self->outage_start ? abs_now - self->outage_start : 0;
    self->outage_start = GST_CLOCK_TIME_NONE;
    self->recoveries++;
    self->total_outage += outage;
    self->longest_outage = MAX (self->longest_outage, outage);
    recovered = TRUE;
    err = self->last_error ? cg_error_ref (self->last_error) : NULL;
  }
  GST_OBJECT_UNLOCK (self);

  if (recovered) {
    attempt = cg_backoff_get_attempts (self->backoff);
    cg_backoff_success (self->backoff);
    cg_circuit_breaker_record_success (self->breaker);
    stop_fallback (self);
    set_status (self, CG_RETRY_SRC_STATUS_RUNNING);
    post_retry_message (self, "recovered", attempt, GST_CLOCK_TIME_NONE,
        err, outage);
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATISTICS]);
    GST_INFO_OBJECT (self, "recovered after %" GST_TIME_FORMAT,
        GST_TIME_ARGS (outage));
  } else {
    set_status (self, CG_RETRY_SRC_STATUS_RUNNING);
  }
  if (err)
    cg_error_unref (err);
}

static GstPadProbeReturn
source_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  CgRetrySrc *self = CG_RETRY_SRC (user_data);
  guint generation = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (pad),
          "cg-generation"));

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

    switch (GST_EVENT_TYPE (event)) {
      case GST_EVENT_STREAM_START:{
        gboolean first;

        GST_OBJECT_LOCK (self);
        first = !self->started;
        GST_OBJECT_UNLOCK (self);
        if (!first)
          return GST_PAD_PROBE_DROP;
        /* keep one stable stream-id for the element's whole life */
        gst_event_unref (event);
        GST_PAD_PROBE_INFO_DATA (info) =
            gst_event_new_stream_start (self->stream_id);
        return GST_PAD_PROBE_OK;
      }
      case GST_EVENT_CAPS:{
        GstCaps *caps;
        gboolean same;

        gst_event_parse_caps (event, &caps);
        GST_OBJECT_LOCK (self);
        same = self->last_caps && gst_caps_is_equal (caps, self->last_caps);
        if (!same) {
          gst_caps_replace (&self->last_caps, caps);
          self->caps_raw = is_raw (caps);
          self->caps_raw_video = is_raw_video (caps);
        }
        GST_OBJECT_UNLOCK (self);
        return same ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
      }
      case GST_EVENT_SEGMENT:{
        const GstSegment *seg;
        gboolean first;

        gst_event_parse_segment (event, &seg);
        GST_OBJECT_LOCK (self);
        gst_segment_copy_into (seg, &self->in_segment);
        first = !self->started;
        self->started = TRUE;
        GST_OBJECT_UNLOCK (self);
        if (!first)
          return GST_PAD_PROBE_DROP;
        /* downstream gets one running-time segment for ever */
        {
          GstSegment out;

          gst_segment_init (&out, GST_FORMAT_TIME);
          gst_event_unref (event);
          GST_PAD_PROBE_INFO_DATA (info) = gst_event_new_segment (&out);
        }
        return GST_PAD_PROBE_OK;
      }
      case GST_EVENT_EOS:{
        gboolean fail;

        GST_OBJECT_LOCK (self);
        fail = self->eos_is_failure && !self->shutting_down;
        GST_OBJECT_UNLOCK (self);
        if (fail) {
          CgError *err = cg_error_new (CG_CODE_CAMERA_DISCONNECTED,
              "The source ended the stream");

          cg_error_set_message_type (err, "eos");
          cg_error_set_source_path (err, GST_OBJECT_NAME (GST_PAD_PARENT
                  (pad)));
          source_failed (self, generation, err, NULL);
          cg_error_unref (err);
          return GST_PAD_PROBE_DROP;
        }
        return GST_PAD_PROBE_OK;
      }
      case GST_EVENT_FLUSH_START:
      case GST_EVENT_FLUSH_STOP:
        /* a source restarting itself must not flush downstream */
        return GST_PAD_PROBE_DROP;
      default:
        return GST_PAD_PROBE_OK;
    }
  }

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
    GstClockTime pts, dts;
    gboolean first;

    /* The steady state takes the object lock once and never reads the
     * clock: stalls are found by the periodic check counting buffers_in. */
    GST_OBJECT_LOCK (self);
    if (generation != self->generation || self->handling_failure) {
      GST_OBJECT_UNLOCK (self);
      return GST_PAD_PROBE_DROP;
    }
    if (self->need_keyframe && !self->caps_raw
        && GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT)) {
      GST_OBJECT_UNLOCK (self);
      return GST_PAD_PROBE_DROP;
    }
    self->need_keyframe = FALSE;
    self->buffers_in++;
    first = !self->seen_buffer;
    GST_OBJECT_UNLOCK (self);

    if (G_UNLIKELY (first))
      first_buffer (self, generation);

    GST_OBJECT_LOCK (self);
    if (G_UNLIKELY (!self->offset_set) && GST_BUFFER_PTS_IS_VALID (buf)) {
      GST_OBJECT_UNLOCK (self);
      compute_offset (self, GST_BUFFER_PTS (buf));
      GST_OBJECT_LOCK (self);
    }
    pts = map_time (self, GST_BUFFER_PTS (buf));
    dts = map_time (self, GST_BUFFER_DTS (buf));
    if (GST_CLOCK_TIME_IS_VALID (pts)) {
      if (GST_CLOCK_TIME_IS_VALID (self->last_out_pts)
          && pts < self->last_out_pts)
        pts = self->last_out_pts;
      self->last_out_pts = pts;
    }
    if (GST_BUFFER_DURATION_IS_VALID (buf))
      self->last_duration = GST_BUFFER_DURATION (buf);
    GST_OBJECT_UNLOCK (self);

    if (pts != GST_BUFFER_PTS (buf) || dts != GST_BUFFER_DTS (buf)) {
      buf = gst_buffer_make_writable (buf);
      GST_PAD_PROBE_INFO_DATA (info) = buf;
      GST_BUFFER_PTS (buf) = pts;
      GST_BUFFER_DTS (buf) = dts;
    }

    if (self->fallback == CG_RETRY_SRC_FALLBACK_LAST_FRAME) {
      GST_OBJECT_LOCK (self);
      if (self->caps_raw_video)
        gst_buffer_replace (&self->last_buffer, buf);
      GST_OBJECT_UNLOCK (self);
    }
    return GST_PAD_PROBE_OK;
  }
  return GST_PAD_PROBE_OK;
}

/* ------------------------------------------------------------------ */
/* building and tearing down the source                               */

/* gst-launch syntax only accepts caps between two elements; users write
 * "v4l2src ! video/x-raw,width=1280" all the time, so a description that
 * ends in caps gets an explicit capsfilter for them. */
static gchar *
complete_trailing_caps (const gchar * desc)
{
  const gchar *p, *bang = NULL, *tail;
  gboolean quoted = FALSE;
  GstCaps *caps;
  gchar *tail_str, *ret;
  gsize media_len;

  for (p = desc; *p; p++) {
    if (*p == '"')
      quoted = !quoted;
    else if (*p == '!' && !quoted)
      bang = p;
  }
  if (bang == NULL)
    return g_strdup (desc);
  tail_str = g_strstrip (g_strdup (bang + 1));
  tail = tail_str;
  media_len = strcspn (tail, ", \t;");
  if (*tail == '\0' || strchr (tail, '"')
      || memchr (tail, '/', media_len) == NULL
      || memchr (tail, '=', media_len) != NULL) {
    g_free (tail_str);
    return g_strdup (desc);
  }
  caps = gst_caps_from_string (tail);
  if (caps == NULL) {
    g_free (tail_str);
    return g_strdup (desc);
  }
  gst_caps_unref (caps);
  ret = g_strdup_printf ("%.*s! capsfilter caps=\"%s\"", (int) (bang - desc),
      desc, tail);
  g_free (tail_str);
  return ret;
}

static GstElement *
build_source (CgRetrySrc * self, GError ** error)
{
  gchar *desc;
  GstElement *user;
  GstElement *src = NULL;

  GST_OBJECT_LOCK (self);
  desc = g_strdup (self->description);
  user = self->user_source ? gst_object_ref (self->user_source) : NULL;
  GST_OBJECT_UNLOCK (self);

  if (desc && *desc) {
    gchar *full = complete_trailing_caps (desc);

    GST_DEBUG_OBJECT (self, "building source from \"%s\"", full);
    /* no ghost pad on the parsed bin: retrysrc's own ghost pad targets the
     * last element's pad directly, one proxy hop per buffer less */
    src = gst_parse_bin_from_description_full (full, FALSE, NULL,
        GST_PARSE_FLAG_FATAL_ERRORS | GST_PARSE_FLAG_NO_SINGLE_ELEMENT_BINS,
        error);
    g_free (full);
    if (src)
      gst_object_ref_sink (src);
  } else if (user) {
    src = gst_object_ref (user);
  } else {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "retrysrc has neither source-description nor source");
  }
  g_free (desc);
  if (user)
    gst_object_unref (user);
  return src;
}

/* An unlinked src pad of @element itself. */
static GstPad *
unlinked_src_pad (GstElement * element)
{
  GstIterator *it = gst_element_iterate_src_pads (element);
  GValue v = G_VALUE_INIT;
  GstPad *pad = NULL;

  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstPad *p = g_value_get_object (&v);

    if (!gst_pad_is_linked (p)) {
      pad = gst_object_ref (p);
      g_value_unset (&v);
      break;
    }
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  return pad;
}

/* The source's output: an unlinked src pad of the element, else of one of
 * its descendants (a parsed description is a bin without ghost pads). */
static GstPad *
find_src_pad (GstElement * src)
{
  GstIterator *it;
  GValue v = G_VALUE_INIT;
  GstPad *pad = unlinked_src_pad (src);

  if (pad || !GST_IS_BIN (src))
    return pad;
  it = gst_bin_iterate_recurse (GST_BIN (src));
  while (!pad && gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);

    if (!GST_IS_BIN (e))
      pad = unlinked_src_pad (e);
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  return pad;
}

static void
target_pad (CgRetrySrc * self, GstPad * pad, guint generation)
{
  gulong id;

  g_object_set_data (G_OBJECT (pad), "cg-generation",
      GUINT_TO_POINTER (generation));
  id = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, source_probe, self, NULL);
  GST_OBJECT_LOCK (self);
  if (generation == self->generation && self->probe_pad == NULL) {
    self->probe_pad = gst_object_ref (pad);
    self->probe_id = id;
    id = 0;
  }
  GST_OBJECT_UNLOCK (self);
  if (id) {
    /* the instance was replaced meanwhile */
    gst_pad_remove_probe (pad, id);
    return;
  }
  gst_ghost_pad_set_target (GST_GHOST_PAD (self->srcpad), pad);
}

/* Dynamic sources (rtspsrc, uridecodebin, demuxers last in the description):
 * the first src pad that appears and that the description does not link
 * itself becomes the output. gst_parse links its delayed pads in its own
 * pad-added handler, connected before this one. */
static void
on_pad_added (GstElement * element, GstPad * pad, CgRetrySrc * self)
{
  guint generation = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (element),
          "cg-generation"));
  GstPad *target;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC || gst_pad_is_linked (pad))
    return;
  GST_OBJECT_LOCK (self);
  if (generation != self->generation) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  GST_OBJECT_UNLOCK (self);
  target = gst_ghost_pad_get_target (GST_GHOST_PAD (self->srcpad));
  if (target == NULL)
    target_pad (self, pad, generation);
  else
    gst_object_unref (target);
}

static void
watch_pad_added (CgRetrySrc * self, GstElement * src, guint generation)
{
  GstIterator *it;
  GValue v = G_VALUE_INIT;

  g_object_set_data (G_OBJECT (src), "cg-generation",
      GUINT_TO_POINTER (generation));
  g_signal_connect (src, "pad-added", G_CALLBACK (on_pad_added), self);
  if (!GST_IS_BIN (src))
    return;
  it = gst_bin_iterate_recurse (GST_BIN (src));
  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);

    g_object_set_data (G_OBJECT (e), "cg-generation",
        GUINT_TO_POINTER (generation));
    g_signal_connect (e, "pad-added", G_CALLBACK (on_pad_added), self);
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
}

static void
unwatch_pad_added (CgRetrySrc * self, GstElement * src)
{
  GstIterator *it;
  GValue v = G_VALUE_INIT;

  g_signal_handlers_disconnect_by_func (src, on_pad_added, self);
  if (!GST_IS_BIN (src))
    return;
  it = gst_bin_iterate_recurse (GST_BIN (src));
  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    g_signal_handlers_disconnect_by_func (g_value_get_object (&v),
        on_pad_added, self);
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
}

static void
teardown_current (CgRetrySrc * self)
{
  GstElement *old;
  GstPad *probe_pad;
  gulong probe_id;

  g_rec_mutex_lock (&self->source_lock);
  GST_OBJECT_LOCK (self);
  old = self->current;
  self->current = NULL;
  probe_pad = self->probe_pad;
  probe_id = self->probe_id;
  self->probe_pad = NULL;
  self->probe_id = 0;
  if (self->stall_id) {
    gst_clock_id_unschedule (self->stall_id);
    gst_clock_id_unref (self->stall_id);
    self->stall_id = NULL;
  }
  GST_OBJECT_UNLOCK (self);
  gst_ghost_pad_set_target (GST_GHOST_PAD (self->srcpad), NULL);
  if (probe_pad) {
    gst_pad_remove_probe (probe_pad, probe_id);
    gst_object_unref (probe_pad);
  }
  if (old) {
    /* an application's source is restarted in place: no handler of this
     * instance may stay connected to it */
    unwatch_pad_added (self, old);
    gst_element_set_locked_state (old, TRUE);
    gst_element_set_state (old, GST_STATE_NULL);
    gst_bin_remove (GST_BIN (self), old);
    gst_object_unref (old);
  }
  g_rec_mutex_unlock (&self->source_lock);
}

static void
give_up (CgRetrySrc * self, CgError * error, const GError * gerror)
{
  GstStructure *details;
  const gchar *msg = cg_error_get_message (error);
  gchar *debug = cg_redact (cg_error_get_debug (error));
  GQuark domain = gerror ? gerror->domain : GST_RESOURCE_ERROR;
  gint code = gerror ? gerror->code : GST_RESOURCE_ERROR_FAILED;
  GstStructure *es = cg_error_to_structure (error);
  guint attempts;

  if (domain != GST_CORE_ERROR && domain != GST_LIBRARY_ERROR
      && domain != GST_RESOURCE_ERROR && domain != GST_STREAM_ERROR) {
    domain = GST_RESOURCE_ERROR;
    code = GST_RESOURCE_ERROR_FAILED;
  }
  /* the backoff counts failures; the last one was not retried */
  attempts = cg_backoff_get_attempts (self->backoff);
  if (attempts > 0)
    attempts--;
  set_status (self, CG_RETRY_SRC_STATUS_FAILED);
  post_retry_message (self, "gave-up", attempts, GST_CLOCK_TIME_NONE, error,
      GST_CLOCK_TIME_NONE);

  details = gst_structure_new ("details",
      "camguard-code", G_TYPE_STRING, cg_error_get_code_name (error),
      "attempts", G_TYPE_UINT, attempts, "error", GST_TYPE_STRUCTURE, es, NULL);
  gst_structure_free (es);
  gst_element_message_full_with_details (GST_ELEMENT (self),
      GST_MESSAGE_ERROR, domain, code, g_strdup_printf ("%s (gave up after "
          "%u retries)", msg, attempts), debug, __FILE__, GST_FUNCTION,
      __LINE__, details);

  teardown_current (self);
  stop_fallback (self);
  gst_pad_push_event (self->srcpad, gst_event_new_eos ());
}

static gboolean delay_done (GstClock * clock, GstClockTime time,
    GstClockID id, gpointer user_data);

static void
restart_async (GstElement * element, gpointer user_data)
{
  CgRetrySrc *self = CG_RETRY_SRC (element);

  GST_OBJECT_LOCK (self);
  if (self->shutting_down || self->status == CG_RETRY_SRC_STATUS_FAILED) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  GST_OBJECT_UNLOCK (self);
  if (!cg_circuit_breaker_allow (self->breaker)) {
    /* still open: wait for the breaker */
    GstClockTime wait = cg_circuit_breaker_get_retry_after (self->breaker);
    GstClock *clock = get_clock (self);
    GstClockID id;

    set_status (self, CG_RETRY_SRC_STATUS_CIRCUIT_OPEN);
    id = gst_clock_new_single_shot_id (clock, gst_clock_get_time (clock) +
        MAX (wait, GST_MSECOND));
    GST_OBJECT_LOCK (self);
    if (self->delay_id)
      gst_clock_id_unref (self->delay_id);
    self->delay_id = id;
    gst_clock_id_wait_async (id, delay_done, gst_object_ref (self),
        gst_object_unref);
    GST_OBJECT_UNLOCK (self);
    gst_object_unref (clock);
    return;
  }
  set_status (self, CG_RETRY_SRC_STATUS_RETRYING);
  start_source (self);
}

static gboolean
delay_done (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  CgRetrySrc *self = CG_RETRY_SRC (user_data);

  GST_OBJECT_LOCK (self);
  if (self->delay_id != id || self->shutting_down) {
    GST_OBJECT_UNLOCK (self);
    return TRUE;
  }
  gst_clock_id_unref (self->delay_id);
  self->delay_id = NULL;
  GST_OBJECT_UNLOCK (self);
  gst_element_call_async (GST_ELEMENT (self), restart_async, NULL, NULL);
  return TRUE;
}

typedef struct
{
  guint generation;
  CgError *error;
  GError *gerror;
} Failure;

static void
failure_free (gpointer data)
{
  Failure *f = data;

  cg_error_unref (f->error);
  g_clear_error (&f->gerror);
  g_free (f);
}

/* Runs on the element's async thread, never on a streaming thread. */
static void
handle_failure_async (GstElement * element, gpointer user_data)
{
  CgRetrySrc *self = CG_RETRY_SRC (element);
  Failure *f = user_data;
  GstClockTime delay = 0, abs_now;
  CgCode code = cg_error_get_code (f->error);
  gboolean retry, open;
  guint attempt;
  GstClock *clock;
  GstClockID id;

  GST_OBJECT_LOCK (self);
  if (self->shutting_down || f->generation != self->generation) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  GST_OBJECT_UNLOCK (self);

  now_running_time (self, &abs_now);
  teardown_current (self);

  GST_OBJECT_LOCK (self);
  if (!GST_CLOCK_TIME_IS_VALID (self->outage_start))
    self->outage_start = abs_now;
  g_clear_pointer (&self->last_error, cg_error_unref);
  self->last_error = cg_error_ref (f->error);
  g_clear_error (&self->last_gerror);
  self->last_gerror = f->gerror ? g_error_copy (f->gerror) : NULL;
  self->attempts++;
  GST_OBJECT_UNLOCK (self);

  cg_circuit_breaker_record_failure (self->breaker);
  retry = cg_backoff_next_delay (self->backoff, code, &delay);
  attempt = cg_backoff_get_attempts (self->backoff);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATISTICS]);

  if (!retry) {
    GST_WARNING_OBJECT (self, "giving up after %u attempts: %s", attempt,
        cg_error_get_code_name (f->error));
    give_up (self, f->error, f->gerror);
    return;
  }

  open = cg_circuit_breaker_get_state (self->breaker) == CG_BREAKER_OPEN;
  if (open) {
    delay = MAX (delay, cg_circuit_breaker_get_retry_after (self->breaker));
    set_status (self, CG_RETRY_SRC_STATUS_CIRCUIT_OPEN);
    post_retry_message (self, "circuit-open", attempt, delay, f->error,
        GST_CLOCK_TIME_NONE);
  } else {
    set_status (self, CG_RETRY_SRC_STATUS_WAITING);
    post_retry_message (self, "retrying", attempt, delay, f->error,
        GST_CLOCK_TIME_NONE);
  }
  GST_INFO_OBJECT (self, "attempt %u in %" GST_TIME_FORMAT " after %s",
      attempt, GST_TIME_ARGS (delay), cg_error_get_code_name (f->error));

  start_fallback (self);

  clock = get_clock (self);
  id = gst_clock_new_single_shot_id (clock, gst_clock_get_time (clock) + delay);
  GST_OBJECT_LOCK (self);
  if (self->delay_id) {
    gst_clock_id_unschedule (self->delay_id);
    gst_clock_id_unref (self->delay_id);
  }
  self->delay_id = id;
  gst_clock_id_wait_async (id, delay_done, gst_object_ref (self),
      gst_object_unref);
  GST_OBJECT_UNLOCK (self);
  gst_object_unref (clock);
}

/* Called from any thread. Takes refs of what it keeps. */
static void
source_failed (CgRetrySrc * self, guint generation, CgError * error,
    const GError * gerror)
{
  Failure *f;

  GST_OBJECT_LOCK (self);
  if (generation != self->generation || self->handling_failure
      || self->shutting_down) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  self->handling_failure = TRUE;
  GST_OBJECT_UNLOCK (self);

  GST_INFO_OBJECT (self, "source generation %u failed: %s", generation,
      cg_error_get_code_name (error));
  f = g_new0 (Failure, 1);
  f->generation = generation;
  f->error = cg_error_ref (error);
  f->gerror = gerror ? g_error_copy (gerror) : NULL;
  gst_element_call_async (GST_ELEMENT (self), handle_failure_async, f,
      failure_free);
}

/* The state the source should be in: the one retrysrc is in or going to. */
static GstState
wanted_source_state (CgRetrySrc * self)
{
  GstState state;

  GST_OBJECT_LOCK (self);
  state = GST_STATE_NEXT (self) != GST_STATE_VOID_PENDING ?
      GST_STATE_NEXT (self) : GST_STATE (self);
  if (self->shutting_down)
    state = GST_STATE_NULL;
  GST_OBJECT_UNLOCK (self);
  return state;
}

/* A failed state change of the source is a source failure; the ERROR the
 * source posted, if any, was handled first and wins. */
static void
state_change_failed (CgRetrySrc * self, guint generation)
{
  CgError *e = cg_error_new (CG_CODE_PIPELINE_ERROR,
      "The source failed to change state");

  cg_error_set_message_type (e, "state-change");
  source_failed (self, generation, e, NULL);
  cg_error_unref (e);
}

/* A locked child gets no clock and no base time from the bin: hand ours
 * down, so that the source's timestamps are in the pipeline's running time. */
static void
share_clock (CgRetrySrc * self, GstElement * src)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));

  if (clock) {
    gst_element_set_clock (src, clock);
    gst_object_unref (clock);
  }
  gst_element_set_base_time (src, gst_element_get_base_time (GST_ELEMENT
          (self)));
  gst_element_set_start_time (src, GST_CLOCK_TIME_NONE);
}

/* Brings @src to retrysrc's state; again if that changed meanwhile. */
static GstStateChangeReturn
set_source_state (CgRetrySrc * self, GstElement * src)
{
  GstState want = wanted_source_state (self), now;
  GstStateChangeReturn ret = GST_STATE_CHANGE_SUCCESS;

  do {
    if (want < GST_STATE_PAUSED)
      break;
    share_clock (self, src);
    ret = gst_element_set_state (src, want);
    if (ret == GST_STATE_CHANGE_FAILURE)
      break;
    now = want;
    want = wanted_source_state (self);
  } while (want != now);
  return ret;
}

static void
start_source (CgRetrySrc * self)
{
  GError *err = NULL;
  GstElement *src;
  GstPad *pad;
  guint generation;
  GstStateChangeReturn sret;
  gboolean stopping;

  /* a restart racing with the element going down must not leave a source
   * behind: building and tearing down never overlap */
  g_rec_mutex_lock (&self->source_lock);
  GST_OBJECT_LOCK (self);
  stopping = self->shutting_down;
  GST_OBJECT_UNLOCK (self);
  if (stopping) {
    g_rec_mutex_unlock (&self->source_lock);
    return;
  }
  src = build_source (self, &err);
  if (src == NULL) {
    CgError *e = cg_classify_parse_error (err);

    GST_OBJECT_LOCK (self);
    generation = self->generation;
    self->handling_failure = FALSE;
    GST_OBJECT_UNLOCK (self);
    cg_error_set_debug (e, err ? err->message : NULL);
    /* a description that does not parse will never parse: give up */
    give_up (self, e, err);
    cg_error_unref (e);
    g_clear_error (&err);
    g_rec_mutex_unlock (&self->source_lock);
    return;
  }

  GST_OBJECT_LOCK (self);
  generation = ++self->generation;
  self->current = gst_object_ref (src);
  self->handling_failure = FALSE;
  self->seen_buffer = FALSE;
  self->offset_set = FALSE;
  self->need_keyframe = generation > 1;
  gst_segment_init (&self->in_segment, GST_FORMAT_TIME);
  GST_OBJECT_UNLOCK (self);

  g_object_set_data (G_OBJECT (src), "cg-generation",
      GUINT_TO_POINTER (generation));
  /* The source's state is retrysrc's business alone: a failing source must
   * never fail the state changes of the bin (and of the pipeline). */
  gst_element_set_locked_state (src, TRUE);
  gst_bin_add (GST_BIN (self), src);
  pad = find_src_pad (src);
  if (pad) {
    target_pad (self, pad, generation);
    gst_object_unref (pad);
  } else {
    watch_pad_added (self, src, generation);
  }

  GST_OBJECT_LOCK (self);
  if (self->timeout_ms) {
    GstClockTime abs_now;

    GST_OBJECT_UNLOCK (self);
    now_running_time (self, &abs_now);
    GST_OBJECT_LOCK (self);
    self->last_progress = abs_now;
    self->stall_seen = self->buffers_in;
    schedule_stall_check_locked (self, abs_now + stall_tick (self));
  }
  GST_OBJECT_UNLOCK (self);

  sret = set_source_state (self, src);
  if (sret == GST_STATE_CHANGE_FAILURE)
    state_change_failed (self, generation);
  gst_object_unref (src);
  g_rec_mutex_unlock (&self->source_lock);
}

/* ------------------------------------------------------------------ */
/* GstBin / GstElement                                                 */

static gboolean
message_from_current (CgRetrySrc * self, GstMessage * msg, guint * generation)
{
  gboolean ret = FALSE;

  GST_OBJECT_LOCK (self);
  *generation = self->generation;
  if (self->current && GST_MESSAGE_SRC (msg)
      && (GST_MESSAGE_SRC (msg) == GST_OBJECT (self->current)
          || gst_object_has_as_ancestor (GST_MESSAGE_SRC (msg),
              GST_OBJECT (self->current))))
    ret = TRUE;
  GST_OBJECT_UNLOCK (self);
  return ret;
}

static void
cg_retry_src_handle_message (GstBin * bin, GstMessage * msg)
{
  CgRetrySrc *self = CG_RETRY_SRC (bin);
  guint generation;
  gboolean current;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:{
      GError *gerror = NULL;
      CgError *err;

      current = message_from_current (self, msg, &generation);
      if (GST_MESSAGE_SRC (msg) == GST_OBJECT (self))
        break;                  /* our own give-up ERROR goes up */
      if (current) {
        gst_message_parse_error (msg, &gerror, NULL);
        err = cg_classify_message (msg);
        if (err == NULL)
          err = cg_error_new (CG_CODE_MEDIA_PROCESSING_FAILED, NULL);
        source_failed (self, generation, err, gerror);
        cg_error_unref (err);
        g_clear_error (&gerror);
      }
      /* never forwarded: ours to handle */
      gst_message_unref (msg);
      return;
    }
    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (msg, "GstRTSPSrcTimeout")) {
        current = message_from_current (self, msg, &generation);
        if (current) {
          CgError *err = cg_classify_message (msg);

          if (err == NULL)
            err = cg_error_new (CG_CODE_CONNECTION_TIMEOUT, NULL);
          source_failed (self, generation, err, NULL);
          cg_error_unref (err);
        }
        gst_message_unref (msg);
        return;
      }
      break;
    case GST_MESSAGE_EOS:
      /* a bin of sources never posts EOS upwards: it stays inside */
      gst_message_unref (msg);
      return;
    default:
      break;
  }
  GST_BIN_CLASS (cg_retry_src_parent_class)->handle_message (bin, msg);
}

/* The source is in locked state: retrysrc's own state changes reach it
 * here. A failure is a source failure like any other. */
static void
sync_current_state (CgRetrySrc * self, GstState state)
{
  GstElement *cur;
  guint generation;

  g_rec_mutex_lock (&self->source_lock);
  GST_OBJECT_LOCK (self);
  cur = self->current ? gst_object_ref (self->current) : NULL;
  generation = self->generation;
  GST_OBJECT_UNLOCK (self);
  if (cur == NULL) {
    g_rec_mutex_unlock (&self->source_lock);
    return;
  }
  share_clock (self, cur);
  if (gst_element_set_state (cur, state) == GST_STATE_CHANGE_FAILURE)
    state_change_failed (self, generation);
  gst_object_unref (cur);
  g_rec_mutex_unlock (&self->source_lock);
}

static GstStateChangeReturn
cg_retry_src_change_state (GstElement * element, GstStateChange transition)
{
  CgRetrySrc *self = CG_RETRY_SRC (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:{
      gboolean have;

      gchar *sid = gst_pad_create_stream_id (self->srcpad, element, NULL);

      GST_OBJECT_LOCK (self);
      have = (self->description && *self->description) || self->user_source;
      self->shutting_down = FALSE;
      self->started = FALSE;
      self->status = CG_RETRY_SRC_STATUS_RETRYING;
      self->outage_start = GST_CLOCK_TIME_NONE;
      self->last_out_pts = GST_CLOCK_TIME_NONE;
      self->last_duration = GST_CLOCK_TIME_NONE;
      self->generation = 0;
      g_free (self->stream_id);
      self->stream_id = sid;
      GST_OBJECT_UNLOCK (self);
      if (!have) {
        GST_ELEMENT_ERROR_WITH_DETAILS (self, CORE, FAILED,
            ("retrysrc needs a source-description or a source"), (NULL),
            ("camguard-code", G_TYPE_STRING,
                cg_code_to_name (CG_CODE_VALIDATION_ERROR), NULL));
        return GST_STATE_CHANGE_FAILURE;
      }
      cg_backoff_reset (self->backoff);
      cg_circuit_breaker_reset (self->breaker);
      break;
    }
    case GST_STATE_CHANGE_READY_TO_PAUSED:{
      GstClock *clock = get_clock (self);

      cg_backoff_set_clock (self->backoff, clock);
      cg_circuit_breaker_set_clock (self->breaker, clock);
      gst_object_unref (clock);
      break;
    }
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:{
      /* the clock is known now: use it for policy and timers */
      GstClock *clock = get_clock (self);

      cg_backoff_set_clock (self->backoff, clock);
      cg_circuit_breaker_set_clock (self->breaker, clock);
      gst_object_unref (clock);
      sync_current_state (self, GST_STATE_PLAYING);
      break;
    }
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      sync_current_state (self, GST_STATE_PAUSED);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      GST_OBJECT_LOCK (self);
      self->shutting_down = TRUE;
      if (self->delay_id) {
        gst_clock_id_unschedule (self->delay_id);
        gst_clock_id_unref (self->delay_id);
        self->delay_id = NULL;
      }
      GST_OBJECT_UNLOCK (self);
      stop_fallback (self);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (cg_retry_src_parent_class)->change_state (element,
      transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      /* Only now is the ghost pad active: a source started before would
       * push into a flushing pad and fail at once. */
      start_source (self);
      /* live sources: no preroll */
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      teardown_current (self);
      GST_OBJECT_LOCK (self);
      gst_clear_caps (&self->last_caps);
      gst_clear_buffer (&self->last_buffer);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      break;
  }
  return ret;
}

/* ------------------------------------------------------------------ */
/* properties                                                          */

static GstStructure *
get_statistics (CgRetrySrc * self)
{
  GstStructure *s;
  GstClockTime current = 0;

  GST_OBJECT_LOCK (self);
  if (GST_CLOCK_TIME_IS_VALID (self->outage_start)) {
    GstClock *clock = GST_ELEMENT_CLOCK (self);
    GstClockTime now = clock ? gst_clock_get_time (clock) : self->outage_start;

    current = now > self->outage_start ? now - self->outage_start : 0;
  }
  s = gst_structure_new ("camguard-retry-stats",
      "attempts", G_TYPE_UINT64, self->attempts,
      "recoveries", G_TYPE_UINT64, self->recoveries,
      "last-error-code", G_TYPE_STRING, self->last_error ?
      cg_error_get_code_name (self->last_error) : NULL,
      "total-outage", G_TYPE_UINT64, self->total_outage,
      "longest-outage", G_TYPE_UINT64, self->longest_outage,
      "current-outage", G_TYPE_UINT64, current, NULL);
  GST_OBJECT_UNLOCK (self);
  return s;
}

static void
cg_retry_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  CgRetrySrc *self = CG_RETRY_SRC (object);

  switch (prop_id) {
    case PROP_SOURCE_DESCRIPTION:
      GST_OBJECT_LOCK (self);
      g_free (self->description);
      self->description = g_value_dup_string (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_SOURCE:
      GST_OBJECT_LOCK (self);
      gst_clear_object (&self->user_source);
      self->user_source = g_value_dup_object (value);
      if (self->user_source)
        gst_object_ref_sink (self->user_source);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_TIMEOUT:
      GST_OBJECT_LOCK (self);
      self->timeout_ms = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_EOS_IS_FAILURE:
      GST_OBJECT_LOCK (self);
      self->eos_is_failure = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_INITIAL_DELAY:
      g_object_set_property (G_OBJECT (self->backoff), "initial-delay", value);
      break;
    case PROP_MAX_DELAY:
      g_object_set_property (G_OBJECT (self->backoff), "max-delay", value);
      break;
    case PROP_MULTIPLIER:
      g_object_set_property (G_OBJECT (self->backoff), "multiplier", value);
      break;
    case PROP_JITTER:
      g_object_set_property (G_OBJECT (self->backoff), "jitter", value);
      break;
    case PROP_MAX_ATTEMPTS:
      g_object_set_property (G_OBJECT (self->backoff), "max-attempts", value);
      break;
    case PROP_MAX_OUTAGE:
      g_object_set_property (G_OBJECT (self->backoff), "max-outage", value);
      break;
    case PROP_SEED:
      g_object_set_property (G_OBJECT (self->backoff), "seed", value);
      break;
    case PROP_BREAKER_THRESHOLD:
      g_object_set_property (G_OBJECT (self->breaker), "failure-threshold",
          value);
      break;
    case PROP_BREAKER_OPEN_TIME:
      g_object_set_property (G_OBJECT (self->breaker), "open-duration", value);
      break;
    case PROP_FALLBACK_MODE:
      GST_OBJECT_LOCK (self);
      self->fallback = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
cg_retry_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  CgRetrySrc *self = CG_RETRY_SRC (object);

  switch (prop_id) {
    case PROP_SOURCE_DESCRIPTION:
      GST_OBJECT_LOCK (self);
      g_value_set_string (value, self->description);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_SOURCE:
      GST_OBJECT_LOCK (self);
      g_value_set_object (value, self->user_source);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_TIMEOUT:
      GST_OBJECT_LOCK (self);
      g_value_set_uint (value, self->timeout_ms);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_EOS_IS_FAILURE:
      GST_OBJECT_LOCK (self);
      g_value_set_boolean (value, self->eos_is_failure);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_INITIAL_DELAY:
      g_object_get_property (G_OBJECT (self->backoff), "initial-delay", value);
      break;
    case PROP_MAX_DELAY:
      g_object_get_property (G_OBJECT (self->backoff), "max-delay", value);
      break;
    case PROP_MULTIPLIER:
      g_object_get_property (G_OBJECT (self->backoff), "multiplier", value);
      break;
    case PROP_JITTER:
      g_object_get_property (G_OBJECT (self->backoff), "jitter", value);
      break;
    case PROP_MAX_ATTEMPTS:
      g_object_get_property (G_OBJECT (self->backoff), "max-attempts", value);
      break;
    case PROP_MAX_OUTAGE:
      g_object_get_property (G_OBJECT (self->backoff), "max-outage", value);
      break;
    case PROP_SEED:
      g_object_get_property (G_OBJECT (self->backoff), "seed", value);
      break;
    case PROP_BREAKER_THRESHOLD:
      g_object_get_property (G_OBJECT (self->breaker), "failure-threshold",
          value);
      break;
    case PROP_BREAKER_OPEN_TIME:
      g_object_get_property (G_OBJECT (self->breaker), "open-duration", value);
      break;
    case PROP_FALLBACK_MODE:
      GST_OBJECT_LOCK (self);
      g_value_set_enum (value, self->fallback);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_STATUS:
      GST_OBJECT_LOCK (self);
      g_value_set_enum (value, self->status);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_STATISTICS:
      g_value_take_boxed (value, get_statistics (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
cg_retry_src_finalize (GObject * object)
{
  CgRetrySrc *self = CG_RETRY_SRC (object);

  g_free (self->description);
  gst_clear_object (&self->user_source);
  g_clear_object (&self->backoff);
  g_clear_object (&self->breaker);
  gst_clear_caps (&self->last_caps);
  gst_clear_buffer (&self->last_buffer);
  g_clear_pointer (&self->last_error, cg_error_unref);
  g_clear_error (&self->last_gerror);
  if (self->stall_id)
    gst_clock_id_unref (self->stall_id);
  if (self->delay_id)
    gst_clock_id_unref (self->delay_id);
  gst_clear_object (&self->current);
  g_free (self->stream_id);
  g_mutex_clear (&self->push_lock);
  g_rec_mutex_clear (&self->source_lock);
  G_OBJECT_CLASS (cg_retry_src_parent_class)->finalize (object);
}

static void
cg_retry_src_init (CgRetrySrc * self)
{
  self->srcpad = gst_ghost_pad_new_no_target_from_template ("src",
      gst_static_pad_template_get (&src_template));
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);

  self->timeout_ms = DEFAULT_TIMEOUT;
  self->eos_is_failure = DEFAULT_EOS_IS_FAILURE;
  self->fallback = DEFAULT_FALLBACK;
  self->status = CG_RETRY_SRC_STATUS_RETRYING;
  self->outage_start = GST_CLOCK_TIME_NONE;
  self->last_out_pts = GST_CLOCK_TIME_NONE;
  self->last_duration = GST_CLOCK_TIME_NONE;
  g_mutex_init (&self->push_lock);
  g_rec_mutex_init (&self->source_lock);

  self->backoff = cg_backoff_new ();
  g_object_set (self->backoff, "initial-delay", DEFAULT_INITIAL_DELAY,
      "max-delay", DEFAULT_MAX_DELAY, "multiplier", DEFAULT_MULTIPLIER,
      "jitter", DEFAULT_JITTER, "max-attempts", DEFAULT_MAX_ATTEMPTS,
      "max-outage", (guint64) DEFAULT_MAX_OUTAGE, NULL);
  self->breaker = cg_circuit_breaker_new ();
  g_object_set (self->breaker, "failure-threshold", DEFAULT_BREAKER_THRESHOLD,
      "open-duration", (guint64) DEFAULT_BREAKER_OPEN_TIME, NULL);
}

static void
cg_retry_src_class_init (CgRetrySrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBinClass *bin_class = GST_BIN_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  GST_DEBUG_CATEGORY_INIT (cg_retry_src_debug, "retrysrc", 0,
      "camguard retry-on-error source");

  gobject_class->set_property = cg_retry_src_set_property;
  gobject_class->get_property = cg_retry_src_get_property;
  gobject_class->finalize = cg_retry_src_finalize;

  /**
   * CgRetrySrc:source-description:
   *
   * A gst-launch fragment whose one unlinked src pad becomes the output,
   * e.g. `rtspsrc location=rtsp://… ! rtph264depay ! h264parse`. New
   * element instances are built from it at every restart.
   */
  properties[PROP_SOURCE_DESCRIPTION] =
      g_param_spec_string ("source-description", "Source description",
      "gst-launch fragment of the source, ending in one unlinked src pad "
      "(rebuilt from scratch at every restart), e.g. \"rtspsrc "
      "location=rtsp://… ! rtph264depay ! h264parse\"", NULL,
      rw | GST_PARAM_MUTABLE_READY);
  /**
   * CgRetrySrc:source:
   *
   * The source element, for applications. It is reset to NULL and started
   * again at every restart. Ignored when #CgRetrySrc:source-description is
   * set.
   */
  properties[PROP_SOURCE] = g_param_spec_object ("source", "Source",
      "Source element for applications (reset to NULL and restarted at every "
      "restart); source-description wins when both are set",
      GST_TYPE_ELEMENT, rw | GST_PARAM_MUTABLE_READY);
  /**
   * CgRetrySrc:timeout:
   *
   * Data-stall timeout: no buffer for this many milliseconds counts as a
   * failure (CONNECTION_TIMEOUT). 0 disables stall detection.
   */
  properties[PROP_TIMEOUT] = g_param_spec_uint ("timeout", "Timeout",
      "Milliseconds without a buffer that count as a failure "
      "(CONNECTION_TIMEOUT); 0 = no stall detection", 0, G_MAXUINT,
      DEFAULT_TIMEOUT, rw | GST_PARAM_MUTABLE_PLAYING);
  /**
   * CgRetrySrc:eos-is-failure:
   *
   * Treat EOS from the source as a failure (CAMERA_DISCONNECTED) and
   * restart, instead of ending the stream. A live camera never ends by
   * itself.
   */
  properties[PROP_EOS_IS_FAILURE] = g_param_spec_boolean ("eos-is-failure",
      "EOS is failure", "Treat EOS from the source as a failure "
      "(CAMERA_DISCONNECTED) and restart instead of ending the stream",
      DEFAULT_EOS_IS_FAILURE, rw | GST_PARAM_MUTABLE_PLAYING);
  /**
   * CgRetrySrc:initial-delay:
   *
   * Backoff delay before the first restart, in nanoseconds.
   */
  properties[PROP_INITIAL_DELAY] = g_param_spec_uint64 ("initial-delay",
      "Initial delay", "Backoff delay before the first restart (ns)", 0,
      G_MAXUINT64, DEFAULT_INITIAL_DELAY, rw | GST_PARAM_MUTABLE_PLAYING);
  /**
   * CgRetrySrc:max-delay:
   *
   * Cap of the backoff delay, in nanoseconds; also the delay of codes that
   * retry slowly (camera 401/403/404).
   */
  properties[PROP_MAX_DELAY] = g_param_spec_uint64 ("max-delay", "Max delay",
      "Cap of the backoff delay (ns); codes with the slow policy "
      "(camera credentials, missing device) always wait this long", 0,
      G_MAXUINT64, DEFAULT_MAX_DELAY, rw | GST_PARAM_MUTABLE_PLAYING);
  /**
   * CgRetrySrc:multiplier:
   *
   * Growth factor of the backoff delay between attempts.
   */
  properties[PROP_MULTIPLIER] = g_param_spec_double ("multiplier",
      "Multiplier", "Growth factor of the backoff delay between attempts",
      1.0, 100.0, DEFAULT_MULTIPLIER, rw | GST_PARAM_MUTABLE_PLAYING);
  /**
   * CgRetrySrc:jitter:
   *
   * Random spread of the delays, so that cameras that fail together do not
   * retry together.
   */
  properties[PROP_JITTER] = g_param_spec_enum ("jitter", "Jitter",
      "Random spread of the delays (none, full, equal, decorrelated) so that "
      "cameras failing together do not retry together", CG_TYPE_JITTER,
      DEFAULT_JITTER, rw | GST_PARAM_MUTABLE_PLAYING);
  /**
   * CgRetrySrc:max-attempts:
   *
   * Give up after this many failed attempts in one outage (0 = never).
   */
  properties[PROP_MAX_ATTEMPTS] = g_param_spec_uint ("max-attempts",
      "Max attempts", "Give up after this many failures in one outage "
      "(0 = never give up on attempts)", 0, G_MAXUINT, DEFAULT_MAX_ATTEMPTS,
      rw | GST_PARAM_MUTABLE_PLAYING);
  /**
   * CgRetrySrc:max-outage:
   *
   * Give up when one outage lasts longer than this, in nanoseconds
   * (0 = never).
   */
  properties[PROP_MAX_OUTAGE] = g_param_spec_uint64 ("max-outage",
      "Max outage", "Give up when one outage lasts longer than this (ns; "
      "0 = never)", 0, G_MAXUINT64, DEFAULT_MAX_OUTAGE,
      rw | GST_PARAM_MUTABLE_PLAYING);
  /**
   * CgRetrySrc:seed:
   *
   * Seed of the jitter; 0 picks an unpredictable one. The same non-zero seed
   * gives the same delays.
   */
  properties[PROP_SEED] = g_param_spec_uint ("seed", "Seed",
      "Seed of the jitter: the same non-zero seed gives the same delays; "
      "0 = unpredictable", 0, G_MAXUINT, 0, rw | GST_PARAM_MUTABLE_READY);
  /**
   * CgRetrySrc:breaker-threshold:
   *
   * Consecutive failures that open the circuit breaker; while it is open,
   * attempts pause for #CgRetrySrc:breaker-open-time.
   */
  properties[PROP_BREAKER_THRESHOLD] = g_param_spec_uint ("breaker-threshold",
      "Breaker threshold", "Consecutive failures that open the circuit "
      "breaker (attempts then pause for breaker-open-time)", 1, G_MAXUINT,
      DEFAULT_BREAKER_THRESHOLD, rw | GST_PARAM_MUTABLE_READY);
  /**
   * CgRetrySrc:breaker-open-time:
   *
   * How long the circuit breaker stays open before a probe attempt, in
   * nanoseconds.
   */
  properties[PROP_BREAKER_OPEN_TIME] = g_param_spec_uint64
      ("breaker-open-time", "Breaker open time", "How long the circuit "
      "breaker stays open before one probe attempt (ns)", 0, G_MAXUINT64,
      DEFAULT_BREAKER_OPEN_TIME, rw | GST_PARAM_MUTABLE_READY);
  /**
   * CgRetrySrc:fallback-mode:
   *
   * What to push while the source is away, for raw video: nothing, the last
   * frame again, or black frames, at the stream's frame rate.
   */
  properties[PROP_FALLBACK_MODE] = g_param_spec_enum ("fallback-mode",
      "Fallback mode", "Raw video only: what to push while the source is away "
      "(none, last-frame, black, pattern), at the stream's frame rate",
      cg_retry_src_fallback_get_type (), DEFAULT_FALLBACK,
      rw | GST_PARAM_MUTABLE_READY);
  /**
   * CgRetrySrc:status:
   *
   * Where the element is: running, retrying (a new source was started),
   * waiting (backoff delay), circuit-open, or failed (gave up). Notified on
   * every change.
   */
  properties[PROP_STATUS] = g_param_spec_enum ("status", "Status",
      "running, retrying (new source started), waiting (backoff delay), "
      "circuit-open or failed (gave up); notified on change",
      cg_retry_src_status_get_type (), CG_RETRY_SRC_STATUS_RETRYING,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * CgRetrySrc:statistics:
   *
   * A `camguard-retry-stats` structure: `attempts` (guint64), `recoveries`
   * (guint64), `last-error-code` (string), `total-outage`, `longest-outage`
   * and `current-outage` (guint64, ns).
   */
  properties[PROP_STATISTICS] = g_param_spec_boxed ("statistics",
      "Statistics", "attempts, recoveries, last-error-code, total-outage, "
      "longest-outage, current-outage (ns)", GST_TYPE_STRUCTURE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (gobject_class, N_PROPERTIES, properties);

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Retry source", "Source/Generic/Bin",
      "Wraps a camera source and restarts it on error, EOS or stall with "
      "backoff, jitter and a circuit breaker, keeping downstream running",
      "camguard <dev@camguard.invalid>");

  element_class->change_state = GST_DEBUG_FUNCPTR (cg_retry_src_change_state);
  bin_class->handle_message = GST_DEBUG_FUNCPTR (cg_retry_src_handle_message);

  gst_type_mark_as_plugin_api (cg_retry_src_status_get_type (), 0);
  gst_type_mark_as_plugin_api (cg_retry_src_fallback_get_type (), 0);
  gst_type_mark_as_plugin_api (CG_TYPE_JITTER, 0);
}
