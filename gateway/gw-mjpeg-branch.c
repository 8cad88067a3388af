/* camguard-gateway - one shared JPEG branch on a camera pipeline
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-mjpeg-branch
 * @short_description: a JPEG encoder on a tee of a running camera pipeline
 *
 * One branch per camera and picture size, whatever the number of MJPEG
 * clients watching it (gw-mjpeg.c shares it):
 *
 * |[
 * raw camera:   raw. ! queue leaky=downstream max-size-buffers=2
 *   ! videoconvert ! videoscale ! video/x-raw,format=I420[,width,height]
 *   ! jpegenc ! appsink
 * H.264/H.265:  outputs. ! queue leaky=downstream max-size-buffers=60
 *   ! avdec_h264 (avdec_h265) ! videoconvert ! ... (as above)
 * ]|
 *
 * Raw cameras are encoded from the raw frames before qualityladder (the
 * pipeline's tee "raw"), so a picture is never an H.264 round trip; a
 * camera passed through has one decoder for the branch. The branch is
 * added to the pipeline in whatever state it is, with an appsink that
 * neither syncs nor prerolls, so the camera's state never changes. Frames
 * faster than the branch's rate limit are dropped before they are
 * converted and encoded (a pad probe on the converter, by PTS). Encoding
 * runs on the queue's streaming thread; each JPEG becomes one multipart
 * part handed to a #GwMjpegFrameFunc on that thread.
 *
 * gw_mjpeg_branch_remove() takes the branch out without disturbing the
 * camera: an IDLE probe on its tee pad unlinks it between two buffers,
 * then, on the main context, the tee pad is released and the branch's
 * elements go to NULL and leave the pipeline. When the pad does not become
 * idle within %GW_MJPEG_REMOVE_TIMEOUT_MS (a streaming thread stuck
 * upstream) the branch is unlinked anyway.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <camguard.h>
#include <gst/app/gstappsink.h>

#include "gw-mjpeg-branch.h"
#include "gw-pipeline.h"

GST_DEBUG_CATEGORY_STATIC (gw_mjpeg_branch_debug);
#define GST_CAT_DEFAULT gw_mjpeg_branch_debug

/* raw frames: at most a frame or two behind; encoded: up to two seconds of
 * a 30 fps camera, so that a decoder that falls behind drops whole GOPs
 * rarely instead of single reference frames often */
#define RAW_QUEUE_BUFFERS 2
#define ENCODED_QUEUE_BUFFERS 60
#define MAX_ELEMENTS 8

struct _GwMjpegBranch
{
  gatomicrefcount ref;
  GMainContext *context;
  GstElement *bin;
  GstElement *tee;
  GstPad *tee_pad;
  GstElement *elements[MAX_ELEMENTS];   /* queue first, appsink last */
  guint n_elements;
  GstElement *convert;
  gint max_fps;                 /* atomic; 0 = every frame */
  GstClockTime last_pts;        /* streaming thread only */
  GwMjpegFrameFunc func;
  gpointer user_data;
  GDestroyNotify notify;
  gint closed;                  /* atomic: no more frames to func */
  gint unlinked;                /* atomic: the idle probe ran */
  gint finished;                /* atomic: taken out */
  gulong probe;
  GSource *timeout;
};

static GwMjpegBranch *
branch_ref (GwMjpegBranch * b)
{
  g_atomic_ref_count_inc (&b->ref);
  return b;
}

static void
branch_unref (gpointer data)
{
  GwMjpegBranch *b = data;
  guint i;

  if (!g_atomic_ref_count_dec (&b->ref))
    return;
  if (b->notify)
    b->notify (b->user_data);
  for (i = 0; i < b->n_elements; i++)
    gst_object_unref (b->elements[i]);
  gst_clear_object (&b->tee_pad);
  gst_clear_object (&b->tee);
  gst_clear_object (&b->bin);
  g_main_context_unref (b->context);
  g_free (b);
}

/* One part of the multipart stream; built once per frame and shared by
 * every client of the branch. */
static GBytes *
make_part (const guint8 * jpeg, gsize size)
{
  g_autofree gchar *head = g_strdup_printf ("--" GW_MJPEG_BOUNDARY "\r\n"
      "Content-Type: image/jpeg\r\nContent-Length: %" G_GSIZE_FORMAT
      "\r\n\r\n", size);
  gsize hlen = strlen (head);
  guint8 *data = g_malloc (hlen + size + 2);

  memcpy (data, head, hlen);
  memcpy (data + hlen, jpeg, size);
  memcpy (data + hlen + size, "\r\n", 2);
  return g_bytes_new_take (data, hlen + size + 2);
}

static GstFlowReturn
on_new_sample (GstAppSink * sink, gpointer user_data)
{
  GwMjpegBranch *b = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  g_autoptr (GBytes) part = NULL;
  GstBuffer *buffer;
  GstMapInfo map;

  if (sample == NULL)
    return GST_FLOW_EOS;
  buffer = gst_sample_get_buffer (sample);
  if (buffer == NULL || g_atomic_int_get (&b->closed)
      || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  part = make_part (map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  b->func (part, b->user_data);
  return GST_FLOW_OK;
}

/* Drops frames that come sooner than the rate limit allows (10% slack for
 * jittery sources), before they cost a conversion and an encode. */
static GstPadProbeReturn
rate_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GwMjpegBranch *b = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  gint fps = g_atomic_int_get (&b->max_fps);
  GstClockTime pts = GST_BUFFER_PTS (buf);

  if (fps <= 0 || !GST_CLOCK_TIME_IS_VALID (pts))
    return GST_PAD_PROBE_OK;
  if (GST_CLOCK_TIME_IS_VALID (b->last_pts) && pts > b->last_pts
      && pts - b->last_pts < GST_SECOND / (guint) fps * 9 / 10)
    return GST_PAD_PROBE_DROP;
  b->last_pts = pts;
  return GST_PAD_PROBE_OK;
}

static GstElement *
add_element (GwMjpegBranch * b, const gchar * factory, GError ** error)
{
  GstElement *e = gw_pipeline_make_element (NULL, factory, NULL, error);

  if (e)
    b->elements[b->n_elements++] = gst_object_ref_sink (e);
  return e;
}

/* The decoder for what the tee carries (H.265 or, by default, H.264). */
static const gchar *
decoder_for (GstElement * tee)
{
  GstPad *pad = gst_element_get_static_pad (tee, "sink");
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const gchar *name = "avdec_h264";

  if (caps && gst_structure_has_name (gst_caps_get_structure (caps, 0),
          "video/x-h265"))
    name = "avdec_h265";
  gst_object_unref (pad);
  return name;
}

static gboolean
make_elements (GwMjpegBranch * b, gboolean encoded, guint width,
    guint height, guint quality, GError ** error)
{
  GstAppSinkCallbacks callbacks = {.new_sample = on_new_sample };
  GstElement *queue, *dec = NULL, *caps, *enc, *sink;
  /* square pixels: a size given on one side keeps the picture's ratio */
  g_autoptr (GstCaps) c = gst_caps_new_simple ("video/x-raw", "format",
      G_TYPE_STRING, "I420", "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
      NULL);

  queue = add_element (b, "queue", error);
  if (encoded)
    dec = add_element (b, decoder_for (b->tee), error);
  b->convert = add_element (b, "videoconvert", error);
  add_element (b, "videoscale", error);
  caps = add_element (b, "capsfilter", error);
  enc = add_element (b, "jpegenc", error);
  sink = add_element (b, "appsink", error);
  if (sink == NULL)
    return FALSE;
  g_object_set (queue, "max-size-buffers", encoded ? ENCODED_QUEUE_BUFFERS :
      RAW_QUEUE_BUFFERS, "max-size-bytes", 0, "max-size-time", (guint64) 0,
      NULL);
  gst_util_set_object_arg (G_OBJECT (queue), "leaky", "downstream");
  /* a frame the branch cannot decode (a reference its queue dropped) is
   * skipped, never an ERROR on the camera's bus */
  if (dec && g_object_class_find_property (G_OBJECT_GET_CLASS (dec),
          "max-errors"))
    g_object_set (dec, "max-errors", -1, NULL);
  if (width)
    gst_caps_set_simple (c, "width", G_TYPE_INT, (gint) width, NULL);
  if (height)
    gst_caps_set_simple (c, "height", G_TYPE_INT, (gint) height, NULL);
  g_object_set (caps, "caps", c, NULL);
  if (quality)
    g_object_set (enc, "quality", (gint) quality, NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, "drop", TRUE,
      "max-buffers", 1, "enable-last-sample", FALSE, "qos", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks,
      branch_ref (b), branch_unref);
  return TRUE;
}

/* Adds the elements to the camera's bin, links them, starts them and
 * links the queue to a new tee pad. */
static gboolean
attach (GwMjpegBranch * b, GError ** error)
{
  GstPad *sinkpad, *convpad;
  guint i;

  for (i = 0; i < b->n_elements; i++)
    if (!gst_bin_add (GST_BIN (b->bin), b->elements[i])
        || (i > 0 && !gst_element_link (b->elements[i - 1], b->elements[i])))
      goto link_failed;
  convpad = gst_element_get_static_pad (b->convert, "sink");
  gst_pad_add_probe (convpad, GST_PAD_PROBE_TYPE_BUFFER, rate_probe, b, NULL);
  gst_object_unref (convpad);
  for (i = b->n_elements; i > 0; i--)
    gst_element_sync_state_with_parent (b->elements[i - 1]);

  b->tee_pad = gst_element_request_pad_simple (b->tee, "src_%u");
  if (b->tee_pad == NULL)
    goto link_failed;
  sinkpad = gst_element_get_static_pad (b->elements[0], "sink");
  if (GST_PAD_LINK_FAILED (gst_pad_link (b->tee_pad, sinkpad))) {
    gst_object_unref (sinkpad);
    goto link_failed;
  }
  gst_object_unref (sinkpad);
  return TRUE;

link_failed:
  g_set_error (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
      "Cannot add the MJPEG branch to %s", GST_OBJECT_NAME (b->bin));
  return FALSE;
}

/**
 * gw_mjpeg_branch_new:
 * @tee: the camera pipeline's tee the branch takes its frames from: raw
 *   frames (the pipeline's "raw" tee), or H.264/H.265 access units
 * @encoded: whether @tee carries H.264/H.265 (a decoder is added)
 * @width: picture width, 0 for the frame's (or to follow @height's ratio)
 * @height: picture height, 0 for the frame's (or to follow @width's ratio)
 * @quality: JPEG quality 1..100, 0 for jpegenc's default
 * @context: the main context that takes the branch out
 * @func: receives each frame's multipart part, on the streaming thread
 * @user_data: its data
 * @notify: (nullable): frees @user_data once no frame can come any more
 * @error: a %CG_CODE_ERROR: MISSING_COMPONENT, PIPELINE_ERROR
 *
 * On failure @notify is called on @user_data (once nothing refers to it).
 *
 * Adds a JPEG branch on a new request pad of @tee, in whatever state the
 * pipeline is; the pipeline's state does not change.
 *
 * Returns: (transfer full) (nullable): the branch; take it out with
 *   gw_mjpeg_branch_remove()
 */
GwMjpegBranch *
gw_mjpeg_branch_new (GstElement * tee, gboolean encoded, guint width,
    guint height, guint quality, GMainContext * context,
    GwMjpegFrameFunc func, gpointer user_data, GDestroyNotify notify,
    GError ** error)
{
  static gsize once = 0;
  GwMjpegBranch *b;
  GstObject *parent;

  g_return_val_if_fail (GST_IS_ELEMENT (tee), NULL);
  g_return_val_if_fail (func != NULL, NULL);
  if (g_once_init_enter (&once)) {
    GST_DEBUG_CATEGORY_INIT (gw_mjpeg_branch_debug, "gw-mjpeg-branch", 0,
        "camguard-gateway MJPEG branches");
    g_once_init_leave (&once, 1);
  }
  parent = gst_element_get_parent (tee);
  if (parent == NULL || !GST_IS_BIN (parent)) {
    g_clear_pointer (&parent, gst_object_unref);
    g_set_error_literal (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "The tee for the MJPEG branch is not inside a pipeline");
    return NULL;
  }
  b = g_new0 (GwMjpegBranch, 1);
  g_atomic_ref_count_init (&b->ref);
  b->context = g_main_context_ref (context ? context :
      g_main_context_default ());
  b->bin = GST_ELEMENT (parent);
  b->tee = gst_object_ref (tee);
  b->last_pts = GST_CLOCK_TIME_NONE;
  b->func = func;
  b->user_data = user_data;
  b->notify = notify;
  if (!make_elements (b, encoded, width, height, quality, error)
      || !attach (b, error)) {
    gw_mjpeg_branch_remove (b);
    return NULL;
  }
  GST_INFO ("JPEG branch %ux%u on %s (%s)", width, height,
      GST_OBJECT_NAME (b->bin), encoded ? "decoded" : "raw frames");
  return b;
}

/**
 * gw_mjpeg_branch_set_max_rate:
 * @branch: a branch
 * @fps: the most frames per second the branch encodes, 0 for every frame
 *
 * Frames that come sooner are dropped before they are converted and
 * encoded. Any thread.
 */
void
gw_mjpeg_branch_set_max_rate (GwMjpegBranch * branch, guint fps)
{
  g_atomic_int_set (&branch->max_fps, (gint) MIN (fps, G_MAXINT));
}

static void
unlink_from_tee (GwMjpegBranch * b)
{
  GstPad *peer = gst_pad_get_peer (b->tee_pad);

  if (peer) {
    gst_pad_unlink (b->tee_pad, peer);
    gst_object_unref (peer);
  }
}

/* Main context, once: the branch leaves the pipeline. */
static gboolean
finish_removal (gpointer data)
{
  GwMjpegBranch *b = data;
  guint i;

  if (!g_atomic_int_compare_and_exchange (&b->finished, 0, 1))
    return G_SOURCE_REMOVE;
  if (b->timeout) {
    g_source_destroy (b->timeout);
    g_clear_pointer (&b->timeout, g_source_unref);
  }
  if (b->tee_pad) {
    if (!g_atomic_int_get (&b->unlinked)) {
      GST_WARNING ("tee pad of the MJPEG branch in %s never idle: unlinking "
          "it anyway", GST_OBJECT_NAME (b->bin));
      gst_pad_remove_probe (b->tee_pad, b->probe);
      unlink_from_tee (b);
    }
    gst_element_release_request_pad (b->tee, b->tee_pad);
  }
  if (b->n_elements > 0 && GST_IS_APP_SINK (b->elements[b->n_elements - 1])) {
    GstAppSinkCallbacks none = { NULL };

    /* drops the appsink's reference on the branch */
    gst_app_sink_set_callbacks (GST_APP_SINK (b->elements[b->n_elements -
                1]), &none, NULL, NULL);
  }
  /* locked first: a pipeline still changing state would set the branch
   * back to PLAYING between its NULL and its removal */
  for (i = 0; i < b->n_elements; i++) {
    GstElement *e = b->elements[i];

    gst_element_set_locked_state (e, TRUE);
    gst_element_set_state (e, GST_STATE_NULL);
    if (GST_OBJECT_PARENT (e) == GST_OBJECT (b->bin))
      gst_bin_remove (GST_BIN (b->bin), e);
  }
  GST_INFO ("JPEG branch taken out of %s", GST_OBJECT_NAME (b->bin));
  return G_SOURCE_REMOVE;
}

static void
schedule_finish (GwMjpegBranch * b)
{
  GSource *idle = g_idle_source_new ();

  g_source_set_callback (idle, finish_removal, branch_ref (b), branch_unref);
  g_source_attach (idle, b->context);
  g_source_unref (idle);
}

static GstPadProbeReturn
idle_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GwMjpegBranch *b = user_data;

  if (!g_atomic_int_compare_and_exchange (&b->unlinked, 0, 1))
    return GST_PAD_PROBE_REMOVE;
  unlink_from_tee (b);
  /* always through an idle source: the probe may run inside
   * gst_pad_add_probe(), on the pad about to be released */
  schedule_finish (b);
  return GST_PAD_PROBE_REMOVE;
}

/**
 * gw_mjpeg_branch_remove:
 * @branch: (transfer full): a branch
 *
 * Takes the branch out of its pipeline without disturbing it: no frame
 * reaches the #GwMjpegFrameFunc after this returns; the branch is unlinked
 * from its tee between two buffers (an IDLE probe, bounded by
 * %GW_MJPEG_REMOVE_TIMEOUT_MS), then on the main context its tee pad is
 * released and its elements go to NULL and leave the pipeline. Call it on
 * the main context.
 */
void
gw_mjpeg_branch_remove (GwMjpegBranch * branch)
{
  GwMjpegBranch *b = branch;

  g_atomic_int_set (&b->closed, 1);
  if (b->tee_pad == NULL) {
    finish_removal (b);
    branch_unref (b);
    return;
  }
  b->timeout = g_timeout_source_new (GW_MJPEG_REMOVE_TIMEOUT_MS);
  g_source_set_callback (b->timeout, finish_removal, branch_ref (b),
      branch_unref);
  g_source_attach (b->timeout, b->context);
  b->probe = gst_pad_add_probe (b->tee_pad, GST_PAD_PROBE_TYPE_IDLE,
      idle_probe, branch_ref (b), branch_unref);
  branch_unref (b);
}
