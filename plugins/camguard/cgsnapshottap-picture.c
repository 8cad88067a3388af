/* camguard - snapshottap: one request, from the held frames to a picture
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs on the thread that asks (the snapshot signal), never on the
 * streaming thread, and without the element's object lock: the element
 * hands over its own references to the held frames (CgSnapshotContext).
 * A request is checked (format image/jpeg or image/png; quality 0 or
 * 1..100; maximum sizes 0 or at least CG_SNAPSHOT_MIN_SIZE), judged for
 * age, and then served: a raw frame is encoded, encoded frames are decoded
 * first (the GOP so far, or only the newest MJPEG picture), and an MJPEG
 * picture that needs no scaling is served as it came.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/video/video.h>
#include <camguard.h>

#include "cgsnapshottap-picture.h"

GST_DEBUG_CATEGORY_STATIC (cg_snapshot_picture_debug);
#define GST_CAT_DEFAULT cg_snapshot_picture_debug

static GstStructure *
failure (CgCode code, const gchar * reason, const gchar * message)
{
  GstStructure *s = gst_structure_new ("camguard-snapshot-error",
      "reason", G_TYPE_STRING, reason, "message", G_TYPE_STRING, message,
      NULL);

  cg_details_set_code (s, code);
  return s;
}

/* A failed snapshot: no buffer, no caps, only @fail as its info. */
GstSample *
cg_snapshot_failed_sample (GstStructure * fail)
{
  return gst_sample_new (NULL, NULL, NULL, fail);
}

/* A largest width or height: 0 (no limit, or the element's) or at least
 * CG_SNAPSHOT_MIN_SIZE. */
gboolean
cg_snapshot_size_is_valid (gint size)
{
  return size == 0 || size >= CG_SNAPSHOT_MIN_SIZE;
}

/* A request's own arguments: NULL when valid, else why not. */
GstStructure *
cg_snapshot_request_validate (const CgSnapshotRequest * req)
{
  g_autofree gchar *msg = NULL;

  if (!g_str_equal (req->format, "image/jpeg")
      && !g_str_equal (req->format, "image/png"))
    msg = g_strdup_printf ("unsupported snapshot format \"%s\" (image/jpeg "
        "or image/png)", req->format);
  else if (req->quality < 0 || req->quality > 100)
    msg = g_strdup_printf ("quality %d is out of range (1..100, or 0 for the "
        "element's quality)", req->quality);
  else if (!cg_snapshot_size_is_valid (req->max_width))
    msg = g_strdup_printf ("max-width %d is out of range (at least %d, or 0 "
        "for the element's)", req->max_width, CG_SNAPSHOT_MIN_SIZE);
  else if (!cg_snapshot_size_is_valid (req->max_height))
    msg = g_strdup_printf ("max-height %d is out of range (at least %d, or 0 "
        "for the element's)", req->max_height, CG_SNAPSHOT_MIN_SIZE);
  return msg ? failure (CG_CODE_VALIDATION_ERROR, "request", msg) : NULL;
}

void
cg_snapshot_picturer_init (CgSnapshotPicturer * p)
{
  static gsize debug_done = 0;

  if (g_once_init_enter (&debug_done)) {
    GST_DEBUG_CATEGORY_INIT (cg_snapshot_picture_debug, "snapshottap-picture",
        0, "snapshottap requests");
    g_once_init_leave (&debug_done, 1);
  }
  g_mutex_init (&p->lock);
  p->encoder = NULL;
  p->decoder = NULL;
}

void
cg_snapshot_picturer_clear (CgSnapshotPicturer * p)
{
  g_clear_pointer (&p->decoder, cg_frame_decoder_free);
  g_clear_pointer (&p->encoder, cg_frame_encoder_free);
  g_mutex_clear (&p->lock);
}

/* Lets a warm decoder go (the stream stopped). */
void
cg_snapshot_picturer_drop_decoder (CgSnapshotPicturer * p)
{
  g_mutex_lock (&p->lock);
  g_clear_pointer (&p->decoder, cg_frame_decoder_free);
  g_mutex_unlock (&p->lock);
}

/* NULL when the held frame may be served, else why not. */
static GstStructure *
judge_age (CgSnapshotContext * ctx)
{
  g_autofree gchar *msg = NULL;
  GstStructure *fail;

  if (!ctx->have_frame) {
    msg = g_strdup_printf ("no frame to take a snapshot of (%" G_GUINT64_FORMAT
        " received, none decodable yet)", ctx->frames_received);
    fail = failure (CG_CODE_SNAPSHOT_FAILED, "no-frame", msg);
    gst_structure_set (fail, "frames-received", G_TYPE_UINT64,
        ctx->frames_received, NULL);
    return fail;
  }
  if (ctx->max_age == 0 || ctx->age <= ctx->max_age
      || ctx->stale_policy == CG_SNAPSHOT_STALE_SERVE)
    return NULL;
  msg = g_strdup_printf ("the newest frame is %" G_GUINT64_FORMAT " ms old, "
      "older than max-age (%" G_GUINT64_FORMAT " ms)", ctx->age / GST_MSECOND,
      ctx->max_age / GST_MSECOND);
  fail = failure (CG_CODE_SNAPSHOT_FAILED, "stale", msg);
  gst_structure_set (fail, "age", G_TYPE_UINT64, ctx->age, "max-age",
      G_TYPE_UINT64, ctx->max_age, "last-frame-time", G_TYPE_UINT64,
      ctx->held.pts, NULL);
  return fail;
}

/* An MJPEG picture that needs no scaling is its own snapshot (at the
 * camera's quality); NULL when it needs decoding. */
static GstBuffer *
jpeg_as_is (CgSnapshotHeld * held, const CgSnapshotRequest * req,
    GstCaps ** pic_caps, GstStructure * info)
{
  gint w, h, fw, fh;

  if (!held->intra_only || !g_str_equal (req->format, "image/jpeg")
      || !cg_snapshot_held_size (held, &w, &h))
    return NULL;
  cg_frame_fit_size (w, h, req->max_width, req->max_height, &fw, &fh);
  if (fw != w || fh != h)
    return NULL;
  gst_structure_set (info, "origin", G_TYPE_STRING, "jpeg", "frame-width",
      G_TYPE_INT, w, "frame-height", G_TYPE_INT, h, "decoded-frames",
      G_TYPE_UINT, 0, NULL);
  *pic_caps = gst_caps_new_simple ("image/jpeg", "width", G_TYPE_INT, w,
      "height", G_TYPE_INT, h, NULL);
  return gst_buffer_ref (held->gop[held->n_gop - 1]);
}

/* Decodes the held frames (only the newest for MJPEG). Lock held. */
static GstSample *
decode_held (CgSnapshotPicturer * p, CgSnapshotHeld * held,
    CgSnapshotDecoderMode mode, GstStructure * info, GError ** error)
{
  GstBuffer **first = held->gop;
  guint n = held->n_gop, decoded = 0;
  CgFrameDecoder *decoder;
  GstSample *frame;

  if (held->intra_only) {
    first = held->gop + held->n_gop - 1;
    n = 1;
  }
  if (mode == CG_SNAPSHOT_DECODER_WARM) {
    if (!p->decoder)
      p->decoder = cg_frame_decoder_new (TRUE);
    decoder = p->decoder;
  } else {
    decoder = cg_frame_decoder_new (FALSE);
  }
  frame = cg_frame_decoder_decode (decoder, held->caps, first, n, &decoded,
      error);
  if (decoder != p->decoder)
    cg_frame_decoder_free (decoder);
  gst_structure_set (info, "origin", G_TYPE_STRING, n == 1 ? "keyframe" :
      "gop", "decoded-frames", G_TYPE_UINT, decoded, NULL);
  return frame;
}

/* Decodes and encodes; lock held. */
static GstBuffer *
make_picture (CgSnapshotPicturer * p, CgSnapshotContext * ctx,
    const CgSnapshotRequest * req, GstCaps ** pic_caps, GstStructure * info,
    GError ** error)
{
  g_autoptr (GstSample) frame = NULL;
  CgSnapshotHeld *held = &ctx->held;
  GstBuffer *picture;
  GstVideoInfo vinfo;

  if (held->frame) {
    frame = gst_sample_new (held->frame, held->caps, NULL, NULL);
    gst_structure_set (info, "origin", G_TYPE_STRING, "frame",
        "decoded-frames", G_TYPE_UINT, 0, NULL);
  } else if ((picture = jpeg_as_is (held, req, pic_caps, info))) {
    return picture;
  } else if (!(frame = decode_held (p, held, ctx->decoder_mode, info, error))) {
    return NULL;
  }

  if (gst_video_info_from_caps (&vinfo, gst_sample_get_caps (frame)))
    gst_structure_set (info, "frame-width", G_TYPE_INT,
        GST_VIDEO_INFO_WIDTH (&vinfo), "frame-height", G_TYPE_INT,
        GST_VIDEO_INFO_HEIGHT (&vinfo), NULL);
  if (!p->encoder)
    p->encoder = cg_frame_encoder_new ();
  return cg_frame_encoder_encode (p->encoder, frame, req->format,
      req->max_width, req->max_height, req->quality, pic_caps, error);
}

/* Serves a valid request from @ctx: a sample with the picture, or a failed
 * sample. @spent is the time spent decoding and encoding. */
GstSample *
cg_snapshot_picturer_serve (CgSnapshotPicturer * p,
    const CgSnapshotRequest * request, CgSnapshotContext * ctx,
    GstClockTime * spent)
{
  CgSnapshotRequest req = *request;
  GstStructure *info, *fail = judge_age (ctx);
  GstCaps *pic_caps = NULL;
  GstBuffer *picture;
  GError *err = NULL;
  GstSample *sample;
  gint64 t0;

  *spent = 0;
  if (fail)
    return cg_snapshot_failed_sample (fail);
  req.max_width = req.max_width ? req.max_width : ctx->max_width;
  req.max_height = req.max_height ? req.max_height : ctx->max_height;
  req.quality = req.quality ? req.quality : ctx->quality;
  info = gst_structure_new ("camguard-snapshot", "pts", G_TYPE_UINT64,
      ctx->held.pts, "running-time", G_TYPE_UINT64,
      gst_segment_to_running_time (&ctx->segment, GST_FORMAT_TIME,
          ctx->held.pts), "age", G_TYPE_UINT64, ctx->age, "stale",
      G_TYPE_BOOLEAN, ctx->max_age > 0 && ctx->age > ctx->max_age, NULL);

  g_mutex_lock (&p->lock);
  t0 = g_get_monotonic_time ();
  picture = make_picture (p, ctx, &req, &pic_caps, info, &err);
  *spent = (g_get_monotonic_time () - t0) * GST_USECOND;
  g_mutex_unlock (&p->lock);

  if (!picture) {
    fail = failure (CG_CODE_SNAPSHOT_FAILED, ctx->held.frame ? "encode" :
        "decode", err->message);
    gst_structure_set (fail, "age", G_TYPE_UINT64, ctx->age,
        "last-frame-time", G_TYPE_UINT64, ctx->held.pts, NULL);
    g_clear_error (&err);
    gst_structure_free (info);
    return cg_snapshot_failed_sample (fail);
  }
  GST_BUFFER_PTS (picture) = ctx->held.pts;
  gst_structure_set (info, "encode-time", G_TYPE_UINT64, *spent, NULL);
  sample = gst_sample_new (picture, pic_caps, &ctx->segment, info);
  gst_buffer_unref (picture);
  gst_caps_unref (pic_caps);
  GST_LOG ("snapshot in %" GST_TIME_FORMAT, GST_TIME_ARGS (*spent));
  return sample;
}
