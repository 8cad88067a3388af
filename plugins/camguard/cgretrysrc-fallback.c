/* camguard - retrysrc: fallback frames
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * While the source of a raw video stream is away, retrysrc can keep frames
 * flowing: the last frame again, black, or colour bars, at the stream's
 * frame rate, marked GAP, with timestamps that continue the output.
 *
 * The frames are pushed by one thread of the fallback's own, which lives
 * from the first outage until cg_fallback_shutdown() (PAUSED to READY, after
 * the src pad was deactivated). Starting and stopping the frames never
 * waits: cg_fallback_start() and cg_fallback_stop() set a flag, bump the
 * epoch and unschedule the clock wait, under the fallback's own lock, which
 * is never held while the thread waits or pushes. That is the whole point:
 * stopping the fallback happens on the streaming thread of a new source (at
 * its first buffer) and on the thread handling a failure, and neither may
 * wait for a push in progress.
 *
 * A push holds the stream lock of the ghost pad's internal pad, the same
 * lock a source's buffers take on their way through retrysrc, so fallback
 * frames and real frames never interleave: a frame is only pushed if the
 * fallback is still on (same epoch) once that lock is held.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/app.h>
#include <gst/video/video.h>

#include "cgretrysrc-fallback.h"

GST_DEBUG_CATEGORY_STATIC (cg_fallback_debug);
#define GST_CAT_DEFAULT cg_fallback_debug

struct _CgFallback
{
  GstElement *element;          /* not a ref: the owner */
  GstPad *srcpad;               /* not a ref: the owner's ghost pad */
  GstPad *internal;             /* ref: the ghost pad's internal pad */
  CgFallbackPtsFunc pts_func;
  gpointer user_data;

  GMutex lock;                  /* protects everything below */
  GCond cond;
  GThread *thread;
  gboolean quit;
  gboolean active;
  guint epoch;                  /* bumped at every start and stop */
  CgRetrySrcFallback mode;
  GstCaps *caps;
  GstBuffer *last_frame;
  GstClockTime interval;
  GstClockID wait_id;
};

static GstBuffer *
make_black_frame (GstCaps * caps)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buf;
  const GstVideoFormatInfo *finfo, *uinfo;
  guint8 *line;
  gint y, x, width, bpp;

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
  bpp = GST_VIDEO_FORMAT_INFO_BITS (uinfo) > 8 ? 8 : 4;
  /* one unpacked line of opaque black (AYUV or ARGB, 8 or 16 bits) */
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
  for (y = 0; y < GST_VIDEO_INFO_HEIGHT (&info); y++)
    finfo->pack_func (finfo, GST_VIDEO_PACK_FLAG_NONE, line, 0,
        frame.data, frame.info.stride, frame.info.chroma_site, y, width);
  g_free (line);
  gst_video_frame_unmap (&frame);
  return buf;
}

/* Colour bars in exactly the stream's raw format and size, drawn once per
 * outage by videotestsrc in a pipeline of their own. */
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

static GstBuffer *
make_frame (CgRetrySrcFallback mode, GstCaps * caps, GstBuffer * last)
{
  GstBuffer *frame = NULL;

  if (mode == CG_RETRY_SRC_FALLBACK_LAST_FRAME && last)
    return gst_buffer_ref (last);
  if (mode == CG_RETRY_SRC_FALLBACK_PATTERN)
    frame = make_pattern_frame (caps);
  if (frame == NULL)
    frame = make_black_frame (caps);
  return frame;
}

/* Waits on the element's clock until running time @pts; FALSE when the
 * fallback was stopped meanwhile. Lock held; released while waiting. */
static gboolean
wait_until_locked (CgFallback * fb, GstClockTime pts, guint epoch)
{
  GstClock *clock;
  GstClockID id;

  if (!(fb->active && fb->epoch == epoch && !fb->quit))
    return FALSE;
  clock = gst_element_get_clock (fb->element);
  if (clock == NULL)
    clock = gst_system_clock_obtain ();
  id = gst_clock_new_single_shot_id (clock, pts +
      gst_element_get_base_time (fb->element));
  fb->wait_id = id;
  g_mutex_unlock (&fb->lock);
  gst_clock_id_wait (id, NULL);
  g_mutex_lock (&fb->lock);
  fb->wait_id = NULL;
  gst_clock_id_unref (id);
  gst_object_unref (clock);
  return fb->active && fb->epoch == epoch && !fb->quit;
}

/* Pushes one copy of @frame unless the fallback was stopped; serialised
 * with the source's data by the internal pad's stream lock. */
static GstFlowReturn
push_frame (CgFallback * fb, GstBuffer * frame, guint epoch)
{
  GstFlowReturn ret = GST_FLOW_OK;
  gboolean on;
  GstBuffer *out;

  GST_PAD_STREAM_LOCK (fb->internal);
  g_mutex_lock (&fb->lock);
  on = fb->active && fb->epoch == epoch && !fb->quit;
  g_mutex_unlock (&fb->lock);
  if (on) {
    out = gst_buffer_copy (frame);
    GST_BUFFER_PTS (out) = fb->pts_func (fb->user_data, fb->interval, TRUE);
    GST_BUFFER_DTS (out) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION (out) = fb->interval;
    GST_BUFFER_FLAG_SET (out, GST_BUFFER_FLAG_GAP);
    ret = gst_pad_push (fb->srcpad, out);
  }
  GST_PAD_STREAM_UNLOCK (fb->internal);
  return ret;
}

/* One outage: frames until stopped. Lock held. */
static void
run_outage_locked (CgFallback * fb)
{
  guint epoch = fb->epoch;
  GstCaps *caps = gst_caps_ref (fb->caps);
  GstBuffer *last = fb->last_frame ? gst_buffer_ref (fb->last_frame) : NULL;
  CgRetrySrcFallback mode = fb->mode;
  GstBuffer *frame;
  GstClockTime pts;
  GstFlowReturn ret;

  g_mutex_unlock (&fb->lock);
  frame = make_frame (mode, caps, last);
  gst_caps_unref (caps);
  gst_clear_buffer (&last);
  g_mutex_lock (&fb->lock);
  while (frame && fb->active && fb->epoch == epoch && !fb->quit) {
    g_mutex_unlock (&fb->lock);
    pts = fb->pts_func (fb->user_data, fb->interval, FALSE);
    g_mutex_lock (&fb->lock);
    if (!wait_until_locked (fb, pts, epoch))
      break;
    g_mutex_unlock (&fb->lock);
    ret = push_frame (fb, frame, epoch);
    g_mutex_lock (&fb->lock);
    if (ret != GST_FLOW_OK) {
      GST_DEBUG ("fallback push: %s", gst_flow_get_name (ret));
      break;
    }
  }
  gst_clear_buffer (&frame);
  /* until the next start */
  if (fb->epoch == epoch)
    fb->active = FALSE;
}

static gpointer
fallback_thread (gpointer data)
{
  CgFallback *fb = data;

  g_mutex_lock (&fb->lock);
  while (!fb->quit) {
    if (!fb->active) {
      g_cond_wait (&fb->cond, &fb->lock);
      continue;
    }
    run_outage_locked (fb);
  }
  g_mutex_unlock (&fb->lock);
  return NULL;
}

CgFallback *
cg_fallback_new (GstElement * element, GstPad * srcpad,
    CgFallbackPtsFunc pts_func, gpointer user_data)
{
  CgFallback *fb = g_new0 (CgFallback, 1);

  GST_DEBUG_CATEGORY_INIT (cg_fallback_debug, "retrysrc-fallback", 0,
      "camguard retrysrc fallback frames");
  fb->element = element;
  fb->srcpad = srcpad;
  fb->internal = GST_PAD (gst_proxy_pad_get_internal (GST_PROXY_PAD (srcpad)));
  fb->pts_func = pts_func;
  fb->user_data = user_data;
  g_mutex_init (&fb->lock);
  g_cond_init (&fb->cond);
  return fb;
}

/* Starts pushing frames of @mode for raw video @caps, one per @interval.
 * Never waits. */
void
cg_fallback_start (CgFallback * fallback, CgRetrySrcFallback mode,
    GstCaps * caps, GstBuffer * last_frame, GstClockTime interval)
{
  if (mode == CG_RETRY_SRC_FALLBACK_NONE || caps == NULL)
    return;
  g_mutex_lock (&fallback->lock);
  if (!fallback->quit) {
    fallback->epoch++;
    fallback->active = TRUE;
    fallback->mode = mode;
    gst_caps_replace (&fallback->caps, caps);
    gst_buffer_replace (&fallback->last_frame, last_frame);
    fallback->interval = interval;
    if (fallback->thread == NULL)
      fallback->thread = g_thread_new ("retrysrc-fallback", fallback_thread,
          fallback);
    g_cond_signal (&fallback->cond);
  }
  g_mutex_unlock (&fallback->lock);
}

/* Stops the frames: no fallback frame is pushed after the caller next takes
 * the internal pad's stream lock. Never waits. */
void
cg_fallback_stop (CgFallback * fallback)
{
  g_mutex_lock (&fallback->lock);
  fallback->epoch++;
  fallback->active = FALSE;
  if (fallback->wait_id)
    gst_clock_id_unschedule (fallback->wait_id);
  gst_buffer_replace (&fallback->last_frame, NULL);
  g_mutex_unlock (&fallback->lock);
}

/* Ends the thread; only once the src pad is inactive (a push in progress
 * then returns at once). */
void
cg_fallback_shutdown (CgFallback * fallback)
{
  GThread *thread;

  g_mutex_lock (&fallback->lock);
  fallback->quit = TRUE;
  fallback->active = FALSE;
  if (fallback->wait_id)
    gst_clock_id_unschedule (fallback->wait_id);
  g_cond_signal (&fallback->cond);
  thread = fallback->thread;
  fallback->thread = NULL;
  g_mutex_unlock (&fallback->lock);
  if (thread)
    g_thread_join (thread);
  g_mutex_lock (&fallback->lock);
  fallback->quit = FALSE;
  gst_clear_caps (&fallback->caps);
  g_mutex_unlock (&fallback->lock);
}

void
cg_fallback_free (CgFallback * fallback)
{
  cg_fallback_shutdown (fallback);
  gst_object_unref (fallback->internal);
  gst_clear_buffer (&fallback->last_frame);
  g_mutex_clear (&fallback->lock);
  g_cond_clear (&fallback->cond);
  g_free (fallback);
}
