/* camguard - snapshottap: instant snapshots from a running pipeline
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-snapshottap
 * @title: snapshottap
 *
 * A passthrough element that can answer "the picture from this camera, now"
 * at any time, at almost no cost while nobody asks. Buffers and caps go
 * through untouched; the element only keeps references:
 *
 * * raw video: a reference to the newest frame (no copy);
 * * H.264 / H.265 (parsed, `alignment=au`): the encoded frames since the
 *   last keyframe, at most #CgSnapshotTap:max-gop-bytes of them, or only
 *   the last keyframe when #CgSnapshotTap:snapshot-mode is `keyframe`;
 * * MJPEG (`image/jpeg`): the newest picture.
 *
 * Many cameras send H.264/H.265 parameter sets only once (in the SDP, or
 * before the first keyframe). For byte-stream input the element remembers
 * the last ones seen and puts them in front of a held keyframe that lacks
 * them, so that every held GOP decodes on its own.
 *
 * The #CgSnapshotTap::snapshot action signal encodes a picture on the
 * calling thread, never on the streaming thread: raw frames are JPEG-encoded
 * with libjpeg-turbo straight from the frame's memory (scaled first when a
 * maximum size asks for it); encoded input is decoded on request (only the
 * frames since the last keyframe) by a decoder made for the request, or kept
 * warm with #CgSnapshotTap:decoder-mode. Applications that must not block
 * use cg_snapshot_request_async() from libcamguard.
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
 * structure is named `camguard-snapshot-error`, with `camguard-code`
 * (SNAPSHOT_FAILED, or VALIDATION_ERROR for a bad request), `reason`
 * (`no-frame`, `stale`, `decode`, `encode`, `request`), `message` and, when
 * a frame was held, `age` and `last-frame-time` (its PTS).
 *
 * With #CgSnapshotTap:snapshot-interval and #CgSnapshotTap:location the
 * element also writes a JPEG every interval on its own task, timed by the
 * pipeline clock: timelapses, thumbnails, a `latest.jpg` kept fresh. Each
 * file is written atomically (temporary file and rename); each write posts
 * an element message `camguard-snapshot` (`location`, `index`, `pts`,
 * `age`, `stale`, `size`). A write that fails posts one WARNING with a
 * catalogued `camguard-code` in its details (STORAGE_FULL, STORAGE_DENIED,
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
 * Since: 0.1.0
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/video/video.h>
#include <camguard.h>

#include "cgsnapshottap.h"
#include "cgframedecoder.h"
#include "cgframeencoder.h"
#include "gstcamguardelements.h"

GST_DEBUG_CATEGORY_STATIC (cg_snapshot_tap_debug);
#define GST_CAT_DEFAULT cg_snapshot_tap_debug

#define DEFAULT_SNAPSHOT_MODE CG_SNAPSHOT_MODE_LATEST
#define DEFAULT_DECODER_MODE CG_SNAPSHOT_DECODER_ON_DEMAND
#define DEFAULT_MAX_GOP_BYTES (16 * 1024 * 1024)
#define DEFAULT_MAX_AGE 5000
#define DEFAULT_STALE_POLICY CG_SNAPSHOT_STALE_FAIL
#define DEFAULT_QUALITY 85
#define DEFAULT_MAX_WIDTH 0
#define DEFAULT_MAX_HEIGHT 0
#define DEFAULT_INTERVAL 0
#define DEFAULT_LOCATION NULL

enum
{
  PROP_0,
  PROP_SNAPSHOT_MODE,
  PROP_DECODER_MODE,
  PROP_MAX_GOP_BYTES,
  PROP_MAX_AGE,
  PROP_STALE_POLICY,
  PROP_QUALITY,
  PROP_MAX_WIDTH,
  PROP_MAX_HEIGHT,
  PROP_SNAPSHOT_INTERVAL,
  PROP_LOCATION,
  PROP_STATISTICS,
};

enum
{
  SIGNAL_SNAPSHOT,
  LAST_SIGNAL,
};

static guint signals[LAST_SIGNAL];

typedef enum
{
  KIND_NONE,
  KIND_RAW,
  KIND_ENCODED,
} InputKind;

struct _CgSnapshotTap
{
  GstBaseTransform parent;

  /* properties; object lock */
  CgSnapshotMode snapshot_mode;
  CgSnapshotDecoderMode decoder_mode;
  guint64 max_gop_bytes;
  guint max_age;
  CgSnapshotStalePolicy stale_policy;
  gint quality;
  gint max_width;
  gint max_height;
  guint interval;
  gchar *location;

  /* what is held; object lock */
  InputKind kind;
  gboolean intra_only;          /* every frame is a keyframe (MJPEG) */
  gboolean annexb;              /* H.264 / H.265 byte-stream */
  gboolean h265;
  GstBuffer *param_sets;        /* the last in-band VPS/SPS/PPS seen */
  GstCaps *caps;
  GstSegment segment;
  GstBuffer *latest;            /* raw input */
  GstCaps *latest_caps;
  GPtrArray *gop;               /* encoded input, keyframe first */
  GstCaps *gop_caps;
  gsize gop_bytes;
  gboolean gop_full;
  GstClockTime latest_arrival;
  guint64 frames_seen;
  guint64 frames_not_held;

  /* statistics; object lock */
  guint64 served;
  guint64 failed;
  GstClockTime encode_total;
  GstClockTime encode_max;

  /* decoding and encoding; work lock, taken without the object lock */
  GMutex work_lock;
  CgFrameEncoder *encoder;
  CgFrameDecoder *decoder;      /* kept with decoder-mode=warm */

  /* periodic writer; object lock except where noted */
  GstTask *task;
  GRecMutex task_lock;
  GstClockID writer_id;
  gboolean writer_stopping;
  guint64 written;              /* writer task only */
  gboolean writer_failing;      /* writer task only */
};

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

static GType
cg_snapshot_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {CG_SNAPSHOT_MODE_LATEST, "The newest frame (decodes the GOP so far)",
        "latest"},
    {CG_SNAPSHOT_MODE_KEYFRAME, "The last keyframe (fastest, up to a GOP old)",
        "keyframe"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("CgSnapshotMode",
            values));
  return type;
}

static GType
cg_snapshot_decoder_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {CG_SNAPSHOT_DECODER_ON_DEMAND,
        "A decoder per request, nothing held in between", "on-demand"},
    {CG_SNAPSHOT_DECODER_WARM, "Keep the decoder between requests", "warm"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("CgSnapshotDecoderMode", values));
  return type;
}

static GType
cg_snapshot_stale_policy_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {CG_SNAPSHOT_STALE_FAIL, "Fail with SNAPSHOT_FAILED", "fail"},
    {CG_SNAPSHOT_STALE_SERVE, "Serve the old frame marked stale", "serve"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("CgSnapshotStalePolicy", values));
  return type;
}

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

/* Empties what is held and returns it for freeing without the lock. */
static GPtrArray *
take_gop_locked (CgSnapshotTap * self)
{
  GPtrArray *old = self->gop;

  self->gop = NULL;
  self->gop_bytes = 0;
  self->gop_full = FALSE;
  gst_clear_caps (&self->gop_caps);
  return old;
}

/* The bytes of a byte-stream access unit before its first slice, and
 * whether they hold a sequence parameter set. Scans a keyframe's first few
 * NAL units only. */
static gsize
keyframe_header (GstBuffer * buf, gboolean h265, gboolean * has_sps)
{
  GstMapInfo map;
  gsize i, header = 0;

  *has_sps = FALSE;
  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return 0;
  for (i = 0; i + 3 < map.size; i++) {
    guint type;

    if (map.data[i] != 0 || map.data[i + 1] != 0 || map.data[i + 2] != 1)
      continue;
    type = h265 ? (map.data[i + 3] >> 1) & 0x3f : map.data[i + 3] & 0x1f;
    if (h265 ? type < 32 : (type >= 1 && type <= 5)) {
      /* the first slice; a 4-byte start code begins one byte earlier */
      header = i > 0 && map.data[i - 1] == 0 ? i - 1 : i;
      break;
    }
    if (h265 ? type == 33 : type == 7)
      *has_sps = TRUE;
    i += 2;
  }
  gst_buffer_unmap (buf, &map);
  return header;
}

/* Cameras often send the parameter sets once, in the SDP or before the
 * first keyframe only. A GOP held without them could not be decoded on its
 * own: its keyframe gets the last ones seen in front of it (memory shared,
 * nothing copied). Object lock held; returns a reference. */
static GstBuffer *
keyframe_with_params_locked (CgSnapshotTap * self, GstBuffer * buf)
{
  gboolean has_sps;
  gsize header = keyframe_header (buf, self->h265, &has_sps);

  if (has_sps) {
    gst_clear_buffer (&self->param_sets);
    self->param_sets = gst_buffer_copy_region (buf, GST_BUFFER_COPY_MEMORY, 0,
        header);
    return gst_buffer_ref (buf);
  }
  if (!self->param_sets)
    return gst_buffer_ref (buf);
  return gst_buffer_append (gst_buffer_copy (self->param_sets),
      gst_buffer_copy (buf));
}

static void
hold_encoded_locked (CgSnapshotTap * self, GstBuffer * buf, GstClockTime now,
    GPtrArray ** old_gop)
{
  gsize size = gst_buffer_get_size (buf);
  gboolean keyframe = self->intra_only
      || !GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  GstBuffer *held = NULL;

  if (keyframe) {
    *old_gop = take_gop_locked (self);
    held = self->annexb ? keyframe_with_params_locked (self, buf) :
        gst_buffer_ref (buf);
    if (gst_buffer_get_size (held) > self->max_gop_bytes) {
      /* not even the keyframe fits: hold nothing rather than break the
       * bound the user set */
      gst_buffer_unref (held);
      self->frames_not_held++;
      return;
    }
    self->gop = g_ptr_array_new_with_free_func ((GDestroyNotify)
        gst_buffer_unref);
    self->gop_caps = gst_caps_ref (self->caps);
  } else if (!self->gop) {
    /* no keyframe yet: nothing to decode from */
    self->frames_not_held++;
    return;
  } else if (self->snapshot_mode == CG_SNAPSHOT_MODE_KEYFRAME) {
    return;
  } else if (self->gop_full || self->gop_bytes + size > self->max_gop_bytes) {
    /* the GOP outgrew its budget: snapshots show the newest frame that
     * fitted (its age says how old) until the next keyframe */
    self->gop_full = TRUE;
    self->frames_not_held++;
    return;
  }

  if (!keyframe)
    held = gst_buffer_ref (buf);
  g_ptr_array_add (self->gop, held);
  self->gop_bytes += gst_buffer_get_size (held);
  self->latest_arrival = now;
}

static GstFlowReturn
cg_snapshot_tap_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (trans);
  GstBuffer *old = NULL;
  GPtrArray *old_gop = NULL;
  GstClockTime now;

  GST_OBJECT_LOCK (self);
  now = now_locked (self);
  self->frames_seen++;
  if (self->kind == KIND_RAW) {
    old = self->latest;
    self->latest = gst_buffer_ref (buf);
    gst_caps_replace (&self->latest_caps, self->caps);
    self->latest_arrival = now;
  } else if (self->kind == KIND_ENCODED) {
    hold_encoded_locked (self, buf, now, &old_gop);
  }
  GST_OBJECT_UNLOCK (self);

  if (old)
    gst_buffer_unref (old);
  if (old_gop)
    g_ptr_array_unref (old_gop);
  return GST_FLOW_OK;
}

static gboolean
cg_snapshot_tap_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (trans);
  const gchar *name = gst_structure_get_name (gst_caps_get_structure (incaps,
          0));
  GPtrArray *old_gop = NULL;

  GST_DEBUG_OBJECT (self, "caps %" GST_PTR_FORMAT, incaps);
  GST_OBJECT_LOCK (self);
  gst_caps_replace (&self->caps, incaps);
  self->intra_only = g_str_equal (name, "image/jpeg");
  self->h265 = g_str_equal (name, "video/x-h265");
  self->annexb = g_strcmp0 (gst_structure_get_string (gst_caps_get_structure
          (incaps, 0), "stream-format"), "byte-stream") == 0;
  if (g_str_equal (name, "video/x-raw")) {
    self->kind = KIND_RAW;
    old_gop = take_gop_locked (self);
  } else {
    /* the held frames keep the caps they came with; the next keyframe
     * starts holding with the new ones */
    self->kind = KIND_ENCODED;
  }
  GST_OBJECT_UNLOCK (self);

  if (old_gop)
    g_ptr_array_unref (old_gop);
  return TRUE;
}

static void
clear_held (CgSnapshotTap * self)
{
  GstBuffer *old;
  GPtrArray *old_gop;

  GST_OBJECT_LOCK (self);
  old = g_steal_pointer (&self->latest);
  gst_clear_caps (&self->latest_caps);
  gst_clear_buffer (&self->param_sets);
  old_gop = take_gop_locked (self);
  GST_OBJECT_UNLOCK (self);

  gst_clear_buffer (&old);
  if (old_gop)
    g_ptr_array_unref (old_gop);
}

static gboolean
cg_snapshot_tap_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (trans);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT:{
      const GstSegment *segment;

      gst_event_parse_segment (event, &segment);
      GST_OBJECT_LOCK (self);
      gst_segment_copy_into (segment, &self->segment);
      GST_OBJECT_UNLOCK (self);
      break;
    }
    case GST_EVENT_FLUSH_STOP:{
      /* frames after a flush do not continue the held GOP */
      GPtrArray *old_gop;

      GST_OBJECT_LOCK (self);
      old_gop = take_gop_locked (self);
      GST_OBJECT_UNLOCK (self);
      if (old_gop)
        g_ptr_array_unref (old_gop);
      break;
    }
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

/* ------------------------------------------------------------------ */
/* snapshots (the requesting thread)                                   */

typedef struct
{
  GstCaps *caps;
  GstBuffer *frame;             /* raw */
  GstBuffer **gop;              /* encoded */
  guint n_gop;
  gboolean intra_only;
  GstSegment segment;
  GstClockTime pts;
  GstClockTime age;
  gboolean stale;
  CgSnapshotDecoderMode decoder_mode;
} Held;

static void
held_clear (Held * held)
{
  guint i;

  gst_clear_caps (&held->caps);
  gst_clear_buffer (&held->frame);
  for (i = 0; i < held->n_gop; i++)
    gst_buffer_unref (held->gop[i]);
  g_clear_pointer (&held->gop, g_free);
  held->n_gop = 0;
}

static GstStructure *
failure (CgCode code, const gchar * reason, const gchar * message)
{
  return gst_structure_new ("camguard-snapshot-error",
      "camguard-code", G_TYPE_STRING, cg_code_to_name (code),
      "reason", G_TYPE_STRING, reason, "message", G_TYPE_STRING, message, NULL);
}

/* Takes references to what a snapshot needs, or returns why it cannot. */
static GstStructure *
take_held (CgSnapshotTap * self, Held * held)
{
  GstStructure *fail = NULL;
  GstClockTime now, max_age;
  GstBuffer *last = NULL;
  guint i;

  GST_OBJECT_LOCK (self);
  now = now_locked (self);
  if (self->kind == KIND_RAW && self->latest) {
    last = self->latest;
    held->frame = gst_buffer_ref (last);
    held->caps = gst_caps_ref (self->latest_caps);
  } else if (self->kind == KIND_ENCODED && self->gop && self->gop->len > 0) {
    last = g_ptr_array_index (self->gop, self->gop->len - 1);
    held->n_gop = self->gop->len;
    held->gop = g_new (GstBuffer *, held->n_gop);
    for (i = 0; i < held->n_gop; i++)
      held->gop[i] = gst_buffer_ref (g_ptr_array_index (self->gop, i));
    held->caps = gst_caps_ref (self->gop_caps);
    held->intra_only = self->intra_only;
  }

  if (!last) {
    g_autofree gchar *msg =
        g_strdup_printf ("no frame to take a snapshot of (%" G_GUINT64_FORMAT
        " received, none decodable yet)", self->frames_seen);

    fail = failure (CG_CODE_SNAPSHOT_FAILED, "no-frame", msg);
    gst_structure_set (fail, "frames-received", G_TYPE_UINT64,
        self->frames_seen, NULL);
    GST_OBJECT_UNLOCK (self);
    return fail;
  }

  held->pts = GST_BUFFER_PTS (last);
  held->age = now > self->latest_arrival ? now - self->latest_arrival : 0;
  held->segment = self->segment;
  held->decoder_mode = self->decoder_mode;
  max_age = self->max_age * GST_MSECOND;
  if (max_age > 0 && held->age > max_age) {
    if (self->stale_policy == CG_SNAPSHOT_STALE_SERVE) {
      held->stale = TRUE;
    } else {
      g_autofree gchar *msg =
          g_strdup_printf ("the newest frame is %" G_GUINT64_FORMAT
          " ms old, older than max-age (%u ms)", held->age / GST_MSECOND,
          self->max_age);

      fail = failure (CG_CODE_SNAPSHOT_FAILED, "stale", msg);
      gst_structure_set (fail, "age", G_TYPE_UINT64, held->age,
          "max-age", G_TYPE_UINT64, max_age, "last-frame-time", G_TYPE_UINT64,
          held->pts, NULL);
    }
  }
  GST_OBJECT_UNLOCK (self);
  return fail;
}

/* TRUE when @caps give a size that needs no scaling to fit the request. */
static gboolean
fits_unscaled (GstCaps * caps, gint max_width, gint max_height, gint * width,
    gint * height)
{
  GstStructure *s = gst_caps_get_structure (caps, 0);
  gint w, h;

  if (!gst_structure_get_int (s, "width", width)
      || !gst_structure_get_int (s, "height", height))
    return FALSE;
  cg_frame_fit_size (*width, *height, max_width, max_height, &w, &h);
  return w == *width && h == *height;
}

/* Decodes and encodes; work lock held. */
static GstBuffer *
make_picture (CgSnapshotTap * self, Held * held, const gchar * format,
    gint max_width, gint max_height, gint quality, GstCaps ** pic_caps,
    GstStructure * info, GError ** error)
{
  g_autoptr (GstSample) frame = NULL;
  CgFrameDecoder *decoder;
  const gchar *origin = "frame";
  guint decoded = 0;
  gint w = 0, h = 0;

  if (held->frame) {
    frame = gst_sample_new (held->frame, held->caps, NULL, NULL);
  } else if (held->intra_only && g_str_equal (format, "image/jpeg")
      && fits_unscaled (held->caps, max_width, max_height, &w, &h)) {
    /* an MJPEG picture that needs no scaling is its own snapshot (at the
     * camera's quality) */
    gst_structure_set (info, "origin", G_TYPE_STRING, "jpeg", "frame-width",
        G_TYPE_INT, w, "frame-height", G_TYPE_INT, h, "decoded-frames",
        G_TYPE_UINT, 0, NULL);
    *pic_caps = gst_caps_new_simple ("image/jpeg", "width", G_TYPE_INT, w,
        "height", G_TYPE_INT, h, NULL);
    return gst_buffer_ref (held->gop[held->n_gop - 1]);
  } else {
    GstBuffer **first = held->gop;
    guint n = held->n_gop;

    if (held->intra_only) {
      /* only the newest picture matters */
      first = held->gop + held->n_gop - 1;
      n = 1;
    }
    origin = n == 1 ? "keyframe" : "gop";
    if (held->decoder_mode == CG_SNAPSHOT_DECODER_WARM) {
      if (!self->decoder)
        self->decoder = cg_frame_decoder_new (TRUE);
      decoder = self->decoder;
    } else {
      decoder = cg_frame_decoder_new (FALSE);
    }
    frame = cg_frame_decoder_decode (decoder, held->caps, first, n, &decoded,
        error);
    if (decoder != self->decoder)
      cg_frame_decoder_free (decoder);
    if (!frame)
      return NULL;
  }

  {
    GstVideoInfo vinfo;

    if (gst_video_info_from_caps (&vinfo, gst_sample_get_caps (frame)))
      gst_structure_set (info, "frame-width", G_TYPE_INT,
          GST_VIDEO_INFO_WIDTH (&vinfo), "frame-height", G_TYPE_INT,
          GST_VIDEO_INFO_HEIGHT (&vinfo), NULL);
  }
  gst_structure_set (info, "origin", G_TYPE_STRING, origin, "decoded-frames",
      G_TYPE_UINT, decoded, NULL);

  if (!self->encoder)
    self->encoder = cg_frame_encoder_new ();
  return cg_frame_encoder_encode (self->encoder, frame, format, max_width,
      max_height, quality, pic_caps, error);
}

/* The snapshot signal's handler: see the element documentation. */
static GstSample *
cg_snapshot_tap_snapshot (CgSnapshotTap * self, const gchar * format,
    gint max_width, gint max_height, gint quality)
{
  Held held = { 0, };
  GstStructure *info, *fail;
  GstBuffer *picture;
  GstCaps *pic_caps = NULL;
  GError *err = NULL;
  GstClockTime t0, spent;
  GstSample *sample;

  if (!format || !*format)
    format = "image/jpeg";
  if (!g_str_equal (format, "image/jpeg") && !g_str_equal (format, "image/png")) {
    g_autofree gchar *msg =
        g_strdup_printf ("unsupported snapshot format \"%s\" (image/jpeg or "
        "image/png)", format);

    fail = failure (CG_CODE_VALIDATION_ERROR, "request", msg);
    goto failed;
  }

  GST_OBJECT_LOCK (self);
  if (max_width <= 0)
    max_width = self->max_width;
  if (max_height <= 0)
    max_height = self->max_height;
  if (quality <= 0)
    quality = self->quality;
  GST_OBJECT_UNLOCK (self);

  fail = take_held (self, &held);
  if (fail)
    goto failed;

  info = gst_structure_new ("camguard-snapshot",
      "pts", G_TYPE_UINT64, held.pts,
      "running-time", G_TYPE_UINT64,
      gst_segment_to_running_time (&held.segment, GST_FORMAT_TIME, held.pts),
      "age", G_TYPE_UINT64, held.age, "stale", G_TYPE_BOOLEAN, held.stale,
      NULL);

  g_mutex_lock (&self->work_lock);
  t0 = g_get_monotonic_time ();
  picture = make_picture (self, &held, format, max_width, max_height, quality,
      &pic_caps, info, &err);
  spent = (g_get_monotonic_time () - t0) * GST_USECOND;
  g_mutex_unlock (&self->work_lock);

  if (!picture) {
    gboolean decode = held.frame == NULL;

    fail = failure (CG_CODE_SNAPSHOT_FAILED, decode ? "decode" : "encode",
        err->message);
    gst_structure_set (fail, "age", G_TYPE_UINT64, held.age,
        "last-frame-time", G_TYPE_UINT64, held.pts, NULL);
    g_clear_error (&err);
    gst_structure_free (info);
    goto failed;
  }

  GST_BUFFER_PTS (picture) = held.pts;
  gst_structure_set (info, "encode-time", G_TYPE_UINT64, spent, NULL);
  sample = gst_sample_new (picture, pic_caps, &held.segment, info);
  gst_buffer_unref (picture);
  gst_caps_unref (pic_caps);
  held_clear (&held);

  GST_OBJECT_LOCK (self);
  self->served++;
  self->encode_total += spent;
  self->encode_max = MAX (self->encode_max, spent);
  GST_OBJECT_UNLOCK (self);
  GST_LOG_OBJECT (self, "snapshot in %" GST_TIME_FORMAT, GST_TIME_ARGS (spent));
  return sample;

failed:
  /* a stale frame was taken before it was found stale */
  held_clear (&held);
  GST_DEBUG_OBJECT (self, "snapshot failed: %" GST_PTR_FORMAT, fail);
  GST_OBJECT_LOCK (self);
  self->failed++;
  GST_OBJECT_UNLOCK (self);
  return gst_sample_new (NULL, NULL, NULL, fail);
}

/* ------------------------------------------------------------------ */
/* the periodic writer (its own task)                                  */

/* A location is a path with at most one integer conversion (%d, %05d,
 * ...): the index of the picture. */
static gboolean
location_is_valid (const gchar * location)
{
  const gchar *p;
  guint conversions = 0;

  if (!location || !*location)
    return FALSE;
  for (p = location; *p; p++) {
    if (*p != '%')
      continue;
    if (p[1] == '%') {
      p++;
      continue;
    }
    p++;
    while (g_ascii_isdigit (*p))
      p++;
    if (*p != 'd' && *p != 'u')
      return FALSE;
    conversions++;
  }
  return conversions <= 1;
}

static gchar *
format_location (const gchar * location, guint64 index)
{
  /* validated by location_is_valid(): one %d at most */
  return g_strdup_printf (location, (gint) index);
}

static void
writer_warn (CgSnapshotTap * self, CgCode code, const gchar * message)
{
  if (self->writer_failing)
    return;
  self->writer_failing = TRUE;
  GST_ELEMENT_WARNING_WITH_DETAILS (self, RESOURCE, WRITE,
      ("Periodic snapshot failed: %s", message), ("%s", message),
      ("camguard-code", G_TYPE_STRING, cg_code_to_name (code), NULL));
}

static void
write_snapshot (CgSnapshotTap * self)
{
  g_autoptr (GstSample) sample = NULL;
  g_autofree gchar *location = NULL;
  g_autoptr (GError) err = NULL;
  const GstStructure *info;
  GstBuffer *buf;
  GstMapInfo map;
  guint64 pts = GST_CLOCK_TIME_NONE, age = 0;
  gboolean stale = FALSE, ok;

  sample = cg_snapshot_tap_snapshot (self, "image/jpeg", 0, 0, 0);
  info = gst_sample_get_info (sample);
  buf = gst_sample_get_buffer (sample);
  if (!buf) {
    writer_warn (self, CG_CODE_SNAPSHOT_FAILED, gst_structure_get_string (info,
            "message"));
    return;
  }

  GST_OBJECT_LOCK (self);
  location = format_location (self->location, self->written);
  GST_OBJECT_UNLOCK (self);

  gst_buffer_map (buf, &map, GST_MAP_READ);
  ok = g_file_set_contents (location, (const gchar *) map.data, map.size, &err);
  gst_buffer_unmap (buf, &map);
  if (!ok) {
    writer_warn (self, cg_classify_file_error (err), err->message);
    return;
  }

  self->writer_failing = FALSE;
  gst_structure_get (info, "pts", G_TYPE_UINT64, &pts, "age", G_TYPE_UINT64,
      &age, "stale", G_TYPE_BOOLEAN, &stale, NULL);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self),
          gst_structure_new ("camguard-snapshot",
              "location", G_TYPE_STRING, location,
              "index", G_TYPE_UINT64, self->written,
              "pts", G_TYPE_UINT64, pts, "age", G_TYPE_UINT64, age,
              "stale", G_TYPE_BOOLEAN, stale,
              "size", G_TYPE_UINT64, (guint64) map.size, NULL)));
  self->written++;
}

static void
writer_loop (gpointer data)
{
  CgSnapshotTap *self = data;
  GstClockID id;
  GstClockReturn ret;

  GST_OBJECT_LOCK (self);
  if (self->writer_stopping || !self->writer_id) {
    GST_OBJECT_UNLOCK (self);
    gst_task_pause (self->task);
    return;
  }
  id = gst_clock_id_ref (self->writer_id);
  GST_OBJECT_UNLOCK (self);

  ret = gst_clock_id_wait (id, NULL);
  gst_clock_id_unref (id);
  if (ret == GST_CLOCK_UNSCHEDULED)
    return;
  GST_OBJECT_LOCK (self);
  if (self->writer_stopping) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  GST_OBJECT_UNLOCK (self);
  write_snapshot (self);
}

static void
start_writer (CgSnapshotTap * self)
{
  GstClock *clock;
  GstClockTime interval;

  GST_OBJECT_LOCK (self);
  interval = self->interval * GST_MSECOND;
  clock = GST_ELEMENT_CLOCK (self);
  if (interval == 0 || !self->location || !clock) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  if (!location_is_valid (self->location)) {
    GST_OBJECT_UNLOCK (self);
    GST_ELEMENT_WARNING_WITH_DETAILS (self, RESOURCE, SETTINGS,
        ("Invalid snapshot location"),
        ("location must hold at most one %%d, not \"%s\"", self->location),
        ("camguard-code", G_TYPE_STRING,
            cg_code_to_name (CG_CODE_VALIDATION_ERROR), NULL));
    return;
  }
  self->writer_stopping = FALSE;
  self->writer_id = gst_clock_new_periodic_id (clock,
      gst_clock_get_time (clock) + interval, interval);
  GST_OBJECT_UNLOCK (self);

  GST_DEBUG_OBJECT (self, "writing a snapshot every %" GST_TIME_FORMAT,
      GST_TIME_ARGS (interval));
  gst_task_start (self->task);
}

static void
stop_writer (CgSnapshotTap * self)
{
  GST_OBJECT_LOCK (self);
  self->writer_stopping = TRUE;
  if (self->writer_id)
    gst_clock_id_unschedule (self->writer_id);
  GST_OBJECT_UNLOCK (self);

  gst_task_stop (self->task);
  /* take the task lock: the loop body has returned once we hold it */
  g_rec_mutex_lock (&self->task_lock);
  g_rec_mutex_unlock (&self->task_lock);

  GST_OBJECT_LOCK (self);
  if (self->writer_id) {
    gst_clock_id_unref (self->writer_id);
    self->writer_id = NULL;
  }
  GST_OBJECT_UNLOCK (self);
}

static GstStateChangeReturn
cg_snapshot_tap_change_state (GstElement * element, GstStateChange transition)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_PLAYING_TO_PAUSED)
    stop_writer (self);

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      start_writer (self);
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      gst_task_join (self->task);
      break;
    default:
      break;
  }
  return ret;
}

static gboolean
cg_snapshot_tap_stop (GstBaseTransform * trans)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (trans);

  clear_held (self);
  GST_OBJECT_LOCK (self);
  gst_clear_caps (&self->caps);
  self->kind = KIND_NONE;
  GST_OBJECT_UNLOCK (self);

  g_mutex_lock (&self->work_lock);
  g_clear_pointer (&self->decoder, cg_frame_decoder_free);
  g_mutex_unlock (&self->work_lock);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static GstStructure *
statistics (CgSnapshotTap * self)
{
  GstStructure *s;
  guint frames = 0;
  guint64 bytes = 0;

  GST_OBJECT_LOCK (self);
  if (self->latest) {
    frames = 1;
    bytes = gst_buffer_get_size (self->latest);
  } else if (self->gop) {
    frames = self->gop->len;
    bytes = self->gop_bytes;
  }
  s = gst_structure_new ("camguard-snapshottap-statistics",
      "snapshots-served", G_TYPE_UINT64, self->served,
      "snapshots-failed", G_TYPE_UINT64, self->failed,
      "mean-encode-time", G_TYPE_UINT64,
      self->served ? self->encode_total / self->served : (guint64) 0,
      "max-encode-time", G_TYPE_UINT64, self->encode_max,
      "frames-held", G_TYPE_UINT, frames,
      "bytes-held", G_TYPE_UINT64, bytes,
      "frames-received", G_TYPE_UINT64, self->frames_seen,
      "frames-not-held", G_TYPE_UINT64, self->frames_not_held, NULL);
  GST_OBJECT_UNLOCK (self);
  return s;
}

static void
cg_snapshot_tap_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SNAPSHOT_MODE:
      self->snapshot_mode = g_value_get_enum (value);
      break;
    case PROP_DECODER_MODE:
      self->decoder_mode = g_value_get_enum (value);
      break;
    case PROP_MAX_GOP_BYTES:
      self->max_gop_bytes = g_value_get_uint64 (value);
      break;
    case PROP_MAX_AGE:
      self->max_age = g_value_get_uint (value);
      break;
    case PROP_STALE_POLICY:
      self->stale_policy = g_value_get_enum (value);
      break;
    case PROP_QUALITY:
      self->quality = g_value_get_int (value);
      break;
    case PROP_MAX_WIDTH:
      self->max_width = g_value_get_int (value);
      break;
    case PROP_MAX_HEIGHT:
      self->max_height = g_value_get_int (value);
      break;
    case PROP_SNAPSHOT_INTERVAL:
      self->interval = g_value_get_uint (value);
      break;
    case PROP_LOCATION:
      g_free (self->location);
      self->location = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
cg_snapshot_tap_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (object);

  if (prop_id == PROP_STATISTICS) {
    g_value_take_boxed (value, statistics (self));
    return;
  }

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SNAPSHOT_MODE:
      g_value_set_enum (value, self->snapshot_mode);
      break;
    case PROP_DECODER_MODE:
      g_value_set_enum (value, self->decoder_mode);
      break;
    case PROP_MAX_GOP_BYTES:
      g_value_set_uint64 (value, self->max_gop_bytes);
      break;
    case PROP_MAX_AGE:
      g_value_set_uint (value, self->max_age);
      break;
    case PROP_STALE_POLICY:
      g_value_set_enum (value, self->stale_policy);
      break;
    case PROP_QUALITY:
      g_value_set_int (value, self->quality);
      break;
    case PROP_MAX_WIDTH:
      g_value_set_int (value, self->max_width);
      break;
    case PROP_MAX_HEIGHT:
      g_value_set_int (value, self->max_height);
      break;
    case PROP_SNAPSHOT_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_LOCATION:
      g_value_set_string (value, self->location);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
cg_snapshot_tap_finalize (GObject * object)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (object);

  clear_held (self);
  gst_clear_caps (&self->caps);
  cg_frame_decoder_free (self->decoder);
  cg_frame_encoder_free (self->encoder);
  gst_object_unref (self->task);
  g_rec_mutex_clear (&self->task_lock);
  g_mutex_clear (&self->work_lock);
  g_free (self->location);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
cg_snapshot_tap_init (CgSnapshotTap * self)
{
  self->snapshot_mode = DEFAULT_SNAPSHOT_MODE;
  self->decoder_mode = DEFAULT_DECODER_MODE;
  self->max_gop_bytes = DEFAULT_MAX_GOP_BYTES;
  self->max_age = DEFAULT_MAX_AGE;
  self->stale_policy = DEFAULT_STALE_POLICY;
  self->quality = DEFAULT_QUALITY;
  self->max_width = DEFAULT_MAX_WIDTH;
  self->max_height = DEFAULT_MAX_HEIGHT;
  self->interval = DEFAULT_INTERVAL;
  self->location = g_strdup (DEFAULT_LOCATION);
  gst_segment_init (&self->segment, GST_FORMAT_TIME);
  g_mutex_init (&self->work_lock);
  g_rec_mutex_init (&self->task_lock);
  self->task = gst_task_new (writer_loop, self, NULL);
  gst_object_set_name (GST_OBJECT (self->task), "snapshottap-writer");
  gst_task_set_lock (self->task, &self->task_lock);

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

  /**
   * CgSnapshotTap:snapshot-mode:
   *
   * For encoded input, which frame a snapshot shows: the newest (the frames
   * since the last keyframe are held and decoded on request) or the last
   * keyframe (only it is held; fastest, but up to a GOP old). Takes effect
   * at the next keyframe.
   */
  g_object_class_install_property (gobject_class, PROP_SNAPSHOT_MODE,
      g_param_spec_enum ("snapshot-mode", "Snapshot mode",
          "For encoded input: the newest frame or the last keyframe",
          cg_snapshot_mode_get_type (), DEFAULT_SNAPSHOT_MODE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:decoder-mode:
   *
   * For encoded input: build a decoder for each request (nothing held while
   * nobody asks) or keep one warm between requests.
   */
  g_object_class_install_property (gobject_class, PROP_DECODER_MODE,
      g_param_spec_enum ("decoder-mode", "Decoder mode",
          "For encoded input: a decoder per request or one kept warm",
          cg_snapshot_decoder_mode_get_type (), DEFAULT_DECODER_MODE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:max-gop-bytes:
   *
   * The most encoded bytes held. When the frames since the last keyframe
   * outgrow it, later frames are not held until the next keyframe, and a
   * snapshot shows the newest frame that fitted (its age says how old). A
   * keyframe larger than this is not held at all.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_GOP_BYTES,
      g_param_spec_uint64 ("max-gop-bytes", "Max GOP bytes",
          "Most bytes of encoded frames held for snapshots", 0, G_MAXUINT64,
          DEFAULT_MAX_GOP_BYTES, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:max-age:
   *
   * Milliseconds after which the newest frame is stale: a snapshot of it
   * fails with SNAPSHOT_FAILED, or is served marked stale (see
   * #CgSnapshotTap:stale-policy). 0 accepts any age.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_AGE,
      g_param_spec_uint ("max-age", "Max age",
          "Milliseconds after which the newest frame is stale (0 = never)",
          0, G_MAXUINT, DEFAULT_MAX_AGE, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:stale-policy:
   *
   * What a request gets when the newest frame is older than max-age.
   */
  g_object_class_install_property (gobject_class, PROP_STALE_POLICY,
      g_param_spec_enum ("stale-policy", "Stale policy",
          "When the newest frame is older than max-age: fail, or serve it "
          "marked stale", cg_snapshot_stale_policy_get_type (),
          DEFAULT_STALE_POLICY, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:quality:
   *
   * JPEG quality of requests that do not give one and of the periodic
   * writer.
   */
  g_object_class_install_property (gobject_class, PROP_QUALITY,
      g_param_spec_int ("quality", "Quality", "Default JPEG quality", 1, 100,
          DEFAULT_QUALITY, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:max-width:
   *
   * Default largest picture width (0 = the frame's); pictures are scaled
   * down, keeping the aspect ratio, before encoding.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_WIDTH,
      g_param_spec_int ("max-width", "Max width",
          "Default largest picture width (0 = the frame's)", 0, G_MAXINT,
          DEFAULT_MAX_WIDTH, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:max-height:
   *
   * Default largest picture height (0 = the frame's).
   */
  g_object_class_install_property (gobject_class, PROP_MAX_HEIGHT,
      g_param_spec_int ("max-height", "Max height",
          "Default largest picture height (0 = the frame's)", 0, G_MAXINT,
          DEFAULT_MAX_HEIGHT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:snapshot-interval:
   *
   * Milliseconds between two pictures written to
   * #CgSnapshotTap:location, on the pipeline clock, while PLAYING
   * (0 = write none). Read when the element goes to PLAYING.
   */
  g_object_class_install_property (gobject_class, PROP_SNAPSHOT_INTERVAL,
      g_param_spec_uint ("snapshot-interval", "Snapshot interval",
          "Milliseconds between pictures written to location (0 = none)",
          0, G_MAXUINT, DEFAULT_INTERVAL, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PAUSED));

  /**
   * CgSnapshotTap:location:
   *
   * Where the periodic writer puts its pictures: a path with at most one
   * integer conversion, the picture's index from 0 (`snap-%05d.jpg`), or
   * none to keep replacing one file (`latest.jpg`).
   */
  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "File for periodic pictures, with at most one %d for the index",
          DEFAULT_LOCATION, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PAUSED));

  /**
   * CgSnapshotTap:statistics:
   *
   * A `camguard-snapshottap-statistics` structure: `snapshots-served`,
   * `snapshots-failed` (guint64), `mean-encode-time`, `max-encode-time`
   * (guint64 nanoseconds, decoding included), `frames-held` (guint),
   * `bytes-held`, `frames-received`, `frames-not-held` (guint64: encoded
   * frames dropped from the hold by max-gop-bytes or before the first
   * keyframe).
   */
  g_object_class_install_property (gobject_class, PROP_STATISTICS,
      g_param_spec_boxed ("statistics", "Statistics",
          "Snapshots served and failed, encode times, frames and bytes held",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * CgSnapshotTap::snapshot:
   * @tap: the snapshottap
   * @format: "image/jpeg" (or %NULL) or "image/png"
   * @max_width: largest width, or 0 for #CgSnapshotTap:max-width
   * @max_height: largest height, or 0 for #CgSnapshotTap:max-height
   * @quality: JPEG quality 1..100, or 0 for #CgSnapshotTap:quality
   *
   * Encodes the newest frame on the calling thread. See the element
   * documentation for the sample's info structure on success and on
   * failure.
   *
   * Returns: (transfer full): a #GstSample: with a buffer on success, with
   * only a `camguard-snapshot-error` info structure on failure
   */
  signals[SIGNAL_SNAPSHOT] =
      g_signal_new_class_handler ("snapshot", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (cg_snapshot_tap_snapshot), NULL, NULL, NULL,
      GST_TYPE_SAMPLE, 4, G_TYPE_STRING, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Snapshot tap",
      "Filter/Video", "Passthrough that encodes the newest frame into a JPEG "
      "or PNG picture on request or at an interval, raw or encoded input",
      "camguard developers");

  element_class->change_state =
      GST_DEBUG_FUNCPTR (cg_snapshot_tap_change_state);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (cg_snapshot_tap_transform_ip);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (cg_snapshot_tap_set_caps);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (cg_snapshot_tap_sink_event);
  trans_class->stop = GST_DEBUG_FUNCPTR (cg_snapshot_tap_stop);
  trans_class->passthrough_on_same_caps = TRUE;
  trans_class->transform_ip_on_passthrough = TRUE;

  gst_type_mark_as_plugin_api (cg_snapshot_mode_get_type (), 0);
  gst_type_mark_as_plugin_api (cg_snapshot_decoder_mode_get_type (), 0);
  gst_type_mark_as_plugin_api (cg_snapshot_stale_policy_get_type (), 0);
}
