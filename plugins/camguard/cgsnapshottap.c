/* camguard - snapshottap: instant snapshots from a running pipeline
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-snapshottap
 * @title: snapshottap
 *
 * A passthrough element that can answer "the picture from this camera, now"
 * at any time, at almost no cost while nobody asks. Buffers and caps go
 * through untouched; the element only keeps references
 * (cgsnapshottap-held.c):
 *
 * * raw video: a reference to the newest frame (no copy);
 * * H.264 / H.265 (parsed, `alignment=au`): the encoded frames since the
 *   last keyframe, at most #CgSnapshotTap:max-gop-bytes of them, or only
 *   the last keyframe when #CgSnapshotTap:snapshot-mode is `keyframe`;
 * * MJPEG (`image/jpeg`): the newest picture.
 *
 * For byte-stream input the last parameter sets seen go in front of a
 * held keyframe that lacks them, so that every held GOP decodes on its own.
 *
 * The #CgSnapshotTap::snapshot action signal encodes a picture on the
 * calling thread, never on the streaming thread (cgsnapshottap-picture.c):
 * raw frames are JPEG-encoded with libjpeg-turbo (scaled first when a
 * maximum size asks for it); encoded input is decoded on request by a
 * decoder made for the request, or kept warm with
 * #CgSnapshotTap:decoder-mode. An MJPEG picture that needs no scaling is
 * served as it came, whatever its caps say (multipartdemux gives a bare
 * `image/jpeg`: the size is read from the picture). Applications that must
 * not block use cg_snapshot_request_async() from libcamguard.
 *
 * A request gives a format (`image/jpeg` or `image/png`), a largest width
 * and height (0 = the element's #CgSnapshotTap:max-width and
 * #CgSnapshotTap:max-height; otherwise at least %CG_SNAPSHOT_MIN_SIZE) and
 * a JPEG quality (0 = #CgSnapshotTap:quality; otherwise 1..100). Anything
 * else fails with VALIDATION_ERROR, reason `request`.
 *
 * Every picture carries its frame's age. When the newest frame is older
 * than #CgSnapshotTap:max-age the request fails with SNAPSHOT_FAILED rather
 * than passing an old picture off as fresh, unless
 * #CgSnapshotTap:stale-policy is `serve`, which returns it marked stale.
 *
 * A successful snapshot is a #GstSample with `image/jpeg` (or `image/png`)
 * caps carrying width and height, a buffer whose PTS is the frame's, the
 * segment, and an info structure named `camguard-snapshot`:
 *
 * * `pts`, `running-time` (guint64): the frame's timestamps
 * * `age` (guint64): nanoseconds between the frame's arrival and the
 *   request, on the element's clock
 * * `stale` (gboolean): older than max-age (stale-policy `serve` only)
 * * `frame-width`, `frame-height` (gint): the frame's own size
 * * `origin` (string): `frame` (raw), `gop` (decoded frames since a
 *   keyframe), `keyframe`, or `jpeg` (an MJPEG picture served as it came)
 * * `decoded-frames` (guint): frames decoded for it
 * * `encode-time` (guint64): nanoseconds spent decoding and encoding
 *
 * A failed snapshot is a #GstSample without buffer or caps whose info
 * structure is named `camguard-snapshot-error`, with the catalogue code in
 * #CG_DETAILS_CODE_FIELD (SNAPSHOT_FAILED, or VALIDATION_ERROR for a bad
 * request; read it with cg_details_get_code()), `reason` (`no-frame`,
 * `stale`, `decode`, `encode`, `request`), `message` and, when a frame was
 * held, `age` and `last-frame-time` (its PTS).
 *
 * ## States
 *
 * In READY the element holds nothing. From PAUSED it holds frames as they
 * pass and answers requests. Going to PLAYING starts the periodic writer
 * (when #CgSnapshotTap:snapshot-interval and #CgSnapshotTap:location are
 * set); going back to PAUSED stops it; going to READY lets every held frame
 * go. The writer's two properties take effect when it starts: set in
 * PLAYING they change nothing and post a VALIDATION_ERROR WARNING naming the
 * property.
 *
 * ## The periodic writer
 *
 * With #CgSnapshotTap:snapshot-interval and #CgSnapshotTap:location the
 * element writes a JPEG every interval on its own task, timed by the
 * pipeline clock (cgsnapshottap-writer.c), atomically (temporary file and
 * rename), replacing only regular files: a device, a FIFO, a socket or a
 * directory is refused with STORAGE_DENIED.
 * Each write posts an element message `camguard-snapshot`:
 *
 * * `location` (string): the file written
 * * `index` (guint64): the picture's number, from 0
 * * `pts`, `age` (guint64), `stale` (gboolean): as in a snapshot's info
 * * `size` (guint64): bytes written
 *
 * A write that fails posts one WARNING, naming the location, with a
 * catalogued code in its details (STORAGE_FULL, STORAGE_DENIED,
 * STORAGE_IO, or SNAPSHOT_FAILED when there was no fresh frame) when
 * writing starts failing, not once per interval.
 *
 * Holding a reference to a raw frame makes it read-only for the time it is
 * held: a downstream element that writes into frames in place copies the
 * newest one. Raw input must be in system memory.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! snapshottap \
 *     snapshot-interval=2000 location=snap-%05d.jpg max-width=640 \
 *     ! fakesink
 * ]| Writes a picture, at most 640 pixels wide, every two seconds.
 * |[
 * gst-launch-1.0 rtspsrc location=rtsp://127.0.0.1:8554/cam \
 *     ! rtph264depay ! h264parse ! snapshottap snapshot-interval=1000 \
 *     location=latest.jpg ! fakesink
 * ]| Keeps latest.jpg at most one second old, without decoding the stream
 * except once a second.
 *
 * Since: 0.1
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <camguard.h>

#include "cgsnapshottap-private.h"
#include "cgelementutil.h"
#include "gstcamguardelements.h"

GST_DEBUG_CATEGORY (cg_snapshot_tap_debug);
#define GST_CAT_DEFAULT cg_snapshot_tap_debug

#define cg_snapshot_tap_parent_class parent_class
G_DEFINE_TYPE (CgSnapshotTap, cg_snapshot_tap, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (snapshottap, "snapshottap", GST_RANK_NONE,
    CG_TYPE_SNAPSHOT_TAP);

#define TAP_CAPS \
  "video/x-raw; " \
  "video/x-h264, stream-format = (string) { avc, avc3, byte-stream }, " \
  "alignment = (string) au; " \
  "video/x-h265, stream-format = (string) { hvc1, hev1, byte-stream }, " \
  "alignment = (string) au; " \
  "image/jpeg"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (TAP_CAPS));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (TAP_CAPS));

/* ------------------------------------------------------------------ */
/* holding frames (streaming thread)                                   */

/* The time a frame arrived or a request is made: the element's clock when
 * it has one (so a GstTestClock drives ages in tests), else the monotonic
 * clock, which is what the system clock runs on. Object lock held. */
static GstClockTime
now_locked (CgSnapshotTap * self)
{
  GstClock *clock = GST_ELEMENT_CLOCK (self);

  if (clock)
    return gst_clock_get_time (clock);
  return g_get_monotonic_time () * GST_USECOND;
}

static GstFlowReturn
cg_snapshot_tap_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (trans);
  CgSnapshotGarbage garbage = { NULL, };

  GST_OBJECT_LOCK (self);
  self->stats.frames_seen++;
  if (!cg_snapshot_hold_push (&self->state.hold, buf, now_locked (self),
          self->settings.snapshot_mode == CG_SNAPSHOT_MODE_KEYFRAME,
          self->settings.max_gop_bytes, &garbage))
    self->stats.frames_not_held++;
  GST_OBJECT_UNLOCK (self);

  cg_snapshot_garbage_free (&garbage);
  return GST_FLOW_OK;
}

static gboolean
cg_snapshot_tap_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (trans);
  CgSnapshotGarbage garbage = { NULL, };

  GST_DEBUG_OBJECT (self, "caps %" GST_PTR_FORMAT, incaps);
  GST_OBJECT_LOCK (self);
  cg_snapshot_hold_set_caps (&self->state.hold, incaps, &garbage);
  GST_OBJECT_UNLOCK (self);

  cg_snapshot_garbage_free (&garbage);
  return TRUE;
}

/* Lets the held GOP go (a flush), or everything held (@all: stopping). */
static void
forget_held (CgSnapshotTap * self, gboolean all)
{
  CgSnapshotGarbage garbage = { NULL, };

  GST_OBJECT_LOCK (self);
  if (all)
    cg_snapshot_hold_clear (&self->state.hold, &garbage);
  else
    cg_snapshot_hold_flush (&self->state.hold, &garbage);
  GST_OBJECT_UNLOCK (self);
  cg_snapshot_garbage_free (&garbage);
}

static gboolean
cg_snapshot_tap_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (trans);
  const GstSegment *segment;

  if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT) {
    gst_event_parse_segment (event, &segment);
    GST_OBJECT_LOCK (self);
    gst_segment_copy_into (segment, &self->state.segment);
    GST_OBJECT_UNLOCK (self);
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP) {
    forget_held (self, FALSE);
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

static gboolean
cg_snapshot_tap_stop (GstBaseTransform * trans)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (trans);

  forget_held (self, TRUE);
  cg_snapshot_picturer_drop_decoder (&self->picturer);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* snapshots (the requesting thread)                                   */

static void
count_request (CgSnapshotTap * self, gboolean served, GstClockTime spent)
{
  GST_OBJECT_LOCK (self);
  if (served) {
    self->stats.served++;
    self->stats.encode_total += spent;
    self->stats.encode_max = MAX (self->stats.encode_max, spent);
  } else {
    self->stats.failed++;
  }
  GST_OBJECT_UNLOCK (self);
}

/* Takes what a request needs from the settings and the hold. */
static void
take_context (CgSnapshotTap * self, CgSnapshotContext * ctx)
{
  GstClockTime now;

  GST_OBJECT_LOCK (self);
  ctx->have_frame = cg_snapshot_hold_take (&self->state.hold, &ctx->held);
  now = now_locked (self);
  ctx->age = now > ctx->held.arrival ? now - ctx->held.arrival : 0;
  ctx->frames_received = self->stats.frames_seen;
  ctx->segment = self->state.segment;
  ctx->max_age = self->settings.max_age * GST_MSECOND;
  ctx->stale_policy = self->settings.stale_policy;
  ctx->decoder_mode = self->settings.decoder_mode;
  ctx->max_width = self->settings.max_width;
  ctx->max_height = self->settings.max_height;
  ctx->quality = self->settings.quality;
  GST_OBJECT_UNLOCK (self);
}

/* The snapshot signal's handler: see the element documentation and
 * cgsnapshottap-picture.c. */
static GstSample *
cg_snapshot_tap_snapshot (CgSnapshotTap * self, const gchar * format,
    gint max_width, gint max_height, gint quality)
{
  CgSnapshotRequest req = { format && *format ? format : "image/jpeg",
    max_width, max_height, quality
  };
  CgSnapshotContext ctx = { {NULL,}, };
  GstStructure *fail = cg_snapshot_request_validate (&req);
  GstClockTime spent = 0;
  GstSample *sample;

  if (fail) {
    sample = cg_snapshot_failed_sample (fail);
  } else {
    take_context (self, &ctx);
    sample = cg_snapshot_picturer_serve (&self->picturer, &req, &ctx, &spent);
    cg_snapshot_held_clear (&ctx.held);
  }
  if (!gst_sample_get_buffer (sample))
    GST_DEBUG_OBJECT (self, "snapshot failed: %" GST_PTR_FORMAT,
        gst_sample_get_info (sample));
  count_request (self, gst_sample_get_buffer (sample) != NULL, spent);
  return sample;
}

/* The periodic writer's pictures: a JPEG at the element's defaults. */
static GstSample *
writer_take (GstElement * element)
{
  return cg_snapshot_tap_snapshot (CG_SNAPSHOT_TAP (element), "image/jpeg", 0,
      0, 0);
}

/* ------------------------------------------------------------------ */
/* state                                                               */

static GstStateChangeReturn
cg_snapshot_tap_change_state (GstElement * element, GstStateChange transition)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (element);
  GstStateChangeReturn ret;
  GstClockTime interval;
  gchar *location;

  if (transition == GST_STATE_CHANGE_PLAYING_TO_PAUSED)
    cg_snapshot_writer_stop (self->writer);

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      GST_OBJECT_LOCK (self);
      interval = self->settings.interval * GST_MSECOND;
      location = g_strdup (self->settings.location);
      GST_OBJECT_UNLOCK (self);
      cg_snapshot_writer_start (self->writer, interval, location);
      g_free (location);
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      cg_snapshot_writer_join (self->writer);
      break;
    default:
      break;
  }
  return ret;
}

static void
cg_snapshot_tap_finalize (GObject * object)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (object);
  CgSnapshotGarbage garbage = { NULL, };

  cg_snapshot_hold_clear (&self->state.hold, &garbage);
  cg_snapshot_garbage_free (&garbage);
  cg_snapshot_picturer_clear (&self->picturer);
  cg_snapshot_writer_free (self->writer);
  g_free (self->settings.location);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
cg_snapshot_tap_init (CgSnapshotTap * self)
{
  cg_snapshot_tap_settings_init (self);
  gst_segment_init (&self->state.segment, GST_FORMAT_TIME);
  cg_snapshot_picturer_init (&self->picturer);
  self->writer = cg_snapshot_writer_new (GST_ELEMENT (self), writer_take);

  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_gap_aware (GST_BASE_TRANSFORM (self), TRUE);
}

static void
cg_snapshot_tap_class_init (CgSnapshotTapClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (cg_snapshot_tap_debug, "snapshottap", 0,
      "camguard snapshot tap");

  gobject_class->set_property = cg_snapshot_tap_set_property;
  gobject_class->get_property = cg_snapshot_tap_get_property;
  gobject_class->finalize = cg_snapshot_tap_finalize;
  cg_snapshot_tap_install_properties (gobject_class);

  /**
   * CgSnapshotTap::snapshot:
   * @tap: the snapshottap
   * @format: "image/jpeg" (or %NULL) or "image/png"
   * @max_width: largest width, at least %CG_SNAPSHOT_MIN_SIZE, or 0 for
   *   #CgSnapshotTap:max-width
   * @max_height: largest height, at least %CG_SNAPSHOT_MIN_SIZE, or 0 for
   *   #CgSnapshotTap:max-height
   * @quality: JPEG quality 1..100, or 0 for #CgSnapshotTap:quality
   *
   * Encodes the newest frame on the calling thread. See the element
   * documentation for the sample's info structure on success and on
   * failure; arguments out of range fail with VALIDATION_ERROR.
   *
   * Returns: (transfer full): a #GstSample: with a buffer on success, with
   * only a `camguard-snapshot-error` info structure on failure
   *
   * Since: 0.1
   */
  g_signal_new_class_handler ("snapshot", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (cg_snapshot_tap_snapshot), NULL, NULL, NULL,
      GST_TYPE_SAMPLE, 4, G_TYPE_STRING, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Snapshot tap",
      "Filter/Video", "Passthrough that encodes the newest frame into a JPEG "
      "or PNG picture on request or at an interval, raw or encoded input",
      "camguard <dev@camguard.invalid>");
  gst_element_class_add_static_metadata (element_class,
      CG_ELEMENT_METADATA_MESSAGES,
      "element camguard-snapshot: a picture written by the periodic writer "
      "(location, index, pts, age, stale, size)"
      CG_MESSAGES_NEXT
      "WARNING camguard-code=STORAGE_DENIED, STORAGE_FULL, STORAGE_IO or "
      "SNAPSHOT_FAILED: the periodic writer failed (once, until it works "
      "again)"
      CG_MESSAGES_NEXT
      "WARNING camguard-code=VALIDATION_ERROR: an invalid location or size, "
      "or a READY-only property set in PAUSED or PLAYING");

  element_class->change_state =
      GST_DEBUG_FUNCPTR (cg_snapshot_tap_change_state);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (cg_snapshot_tap_transform_ip);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (cg_snapshot_tap_set_caps);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (cg_snapshot_tap_sink_event);
  trans_class->stop = GST_DEBUG_FUNCPTR (cg_snapshot_tap_stop);
  trans_class->passthrough_on_same_caps = TRUE;
  trans_class->transform_ip_on_passthrough = TRUE;

  gst_type_mark_as_plugin_api (CG_TYPE_SNAPSHOT_MODE, 0);
  gst_type_mark_as_plugin_api (CG_TYPE_SNAPSHOT_DECODER_MODE, 0);
  gst_type_mark_as_plugin_api (CG_TYPE_SNAPSHOT_STALE_POLICY, 0);
}
