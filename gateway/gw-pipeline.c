/* camguard-gateway - one camera's GstPipeline, built from its spec
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-pipeline
 * @title: Camera pipeline
 * @short_description: a #GwCameraSpec to one #GstPipeline
 *
 * Every camera is one pipeline, built from elements created by factory name
 * (the gateway links no plugin code):
 *
 * |[
 * encoded (rtsp, pipeline with encoded=true):
 *   retrysrc name=source ! snapshottap name=snapshot ! tee name=outputs
 * raw (test, v4l2, http MJPEG, pipeline):
 *   retrysrc name=source ! videoconvert ! video/x-raw,format=I420
 *     ! snapshottap name=snapshot ! tee name=raw allow-not-linked=true
 *     ! qualityladder name=ladder ! video/x-h264,profile=constrained-baseline
 *     ! tee name=outputs
 * outputs. ! queue leaky=downstream ! fakesink async=false sync=false
 * ]|
 *
 * The gateway's encoder makes a keyframe every second where the frame rate
 * is known (qualityladder's `key-int-max`), so that a recording killed
 * mid-file loses about a second and a new viewer starts at once.
 *
 * H.264/H.265 cameras pass through untouched (snapshottap holds the GOP
 * and decodes on request); raw cameras are encoded once by qualityladder,
 * with the caps constrained on both sides (an unconstrained x264enc
 * negotiates High 4:4:4, which browsers and many players refuse).
 * Snapshots of raw cameras come from the raw frames, before the encoder.
 *
 * retrysrc gets the camera as its `uri` where a URI says it all (rtsp,
 * http, a v4l2 device used as it comes; `transport=tcp` or `udp` becomes the
 * rtspt:// or rtspu:// scheme) and as `source-description` otherwise (test
 * patterns, a v4l2 device with a size, rate or format asked of the device,
 * pipeline cameras). The retry options become retrysrc's properties and
 * the snapshot options snapshottap's.
 *
 * The first branch of the tee is a fakesink that does not wait for
 * preroll, so the camera runs with no client; outputs (RTSP re-publish,
 * recordings) request their own tee pads.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gw-pipeline.h"

GST_DEBUG_CATEGORY_STATIC (gw_pipeline_debug);
#define GST_CAT_DEFAULT gw_pipeline_debug

#define H264_OUT_CAPS "video/x-h264,profile=constrained-baseline"

/* A v4l2 camera asks the device for a size, rate or format. */
static gboolean
v4l2_has_caps (const GwCameraSpec * spec)
{
  return spec->width > 0 || spec->fps_n > 0 || spec->format != NULL;
}

static void
append_size_rate (GString * s, const GwCameraSpec * spec)
{
  if (spec->width > 0)
    g_string_append_printf (s, ",width=%u,height=%u", spec->width,
        spec->height);
  if (spec->fps_n > 0)
    g_string_append_printf (s, ",framerate=%d/%d", spec->fps_n, spec->fps_d);
}

/**
 * gw_pipeline_source_description:
 * @spec: a camera spec
 *
 * The gst-launch fragment for retrysrc's `source-description`, for the
 * cameras that are not given as a URI (gw_pipeline_source_uri() returns
 * %NULL for them). Every value in it was checked by gw-camera-spec.c
 * (pattern names, device paths, formats), so nothing needs quoting.
 *
 * Returns: (transfer full) (nullable): the description, or %NULL when the
 *   camera is given by URI
 */
gchar *
gw_pipeline_source_description (const GwCameraSpec * spec)
{
  GString *s;

  switch (spec->type) {
    case GW_CAMERA_TEST:
      s = g_string_new (NULL);
      g_string_append_printf (s, "videotestsrc is-live=true pattern=%s "
          "! video/x-raw", spec->pattern);
      append_size_rate (s, spec);
      return g_string_free (s, FALSE);
    case GW_CAMERA_V4L2:
      if (!v4l2_has_caps (spec))
        return NULL;
      s = g_string_new (NULL);
      g_string_append_printf (s, "v4l2src device=%s ! ", spec->device);
      if (g_strcmp0 (spec->format, "MJPG") == 0)
        g_string_append (s, "image/jpeg");
      else if (spec->format)
        g_string_append_printf (s, "video/x-raw,format=%s", spec->format);
      else
        g_string_append (s, "video/x-raw");
      append_size_rate (s, spec);
      if (g_strcmp0 (spec->format, "MJPG") == 0)
        g_string_append (s, " ! jpegdec");
      return g_string_free (s, FALSE);
    case GW_CAMERA_PIPELINE:
      return g_strdup (spec->description);
    default:
      return NULL;
  }
}

/**
 * gw_pipeline_source_uri:
 * @spec: a camera spec
 *
 * The URI for retrysrc's `uri`, with the RTSP transport folded into the
 * scheme (rtspt:// for tcp, rtspu:// for udp).
 *
 * Returns: (transfer full) (nullable): the URI (with its credentials), or
 *   %NULL when the camera is given by description
 */
gchar *
gw_pipeline_source_uri (const GwCameraSpec * spec)
{
  const gchar *t = spec->transport;

  switch (spec->type) {
    case GW_CAMERA_RTSP:
      if (g_str_has_prefix (spec->uri, "rtsp://") && t
          && !g_str_equal (t, "auto"))
        return g_strdup_printf ("%s%s", g_str_equal (t, "tcp") ? "rtspt" :
            "rtspu", spec->uri + strlen ("rtsp"));
      return g_strdup (spec->uri);
    case GW_CAMERA_HTTP:
      return g_strdup (spec->uri);
    case GW_CAMERA_V4L2:
      return v4l2_has_caps (spec) ? NULL : g_strdup (spec->device);
    default:
      return NULL;
  }
}

/**
 * gw_pipeline_make_element:
 * @bin: (nullable): where the element goes, or %NULL to get it floating
 * @factory: its factory name
 * @name: (nullable): its name
 * @error: return location; a call with an error already set does nothing
 *   (so a chain of calls checks once, at the end)
 *
 * Makes an element by factory name for a camera pipeline or one of its
 * branches, and adds it to @bin when given.
 *
 * Returns: (transfer none) (nullable): the element (floating without
 *   @bin), %NULL with %CG_CODE_MISSING_COMPONENT when it is not installed
 */
GstElement *
gw_pipeline_make_element (GstBin * bin, const gchar * factory,
    const gchar * name, GError ** error)
{
  GstElement *e;

  if (*error)
    return NULL;
  e = gst_element_factory_make (factory, name);
  if (e == NULL)
    g_set_error (error, CG_CODE_ERROR, CG_CODE_MISSING_COMPONENT,
        "the element %s is not installed", factory);
  else if (bin)
    gst_bin_add (bin, e);
  return e;
}

/* the short name the builders below use */
static GstElement *
make (GstBin * bin, const gchar * factory, const gchar * name, GError ** error)
{
  return gw_pipeline_make_element (bin, factory, name, error);
}

static GstElement *
make_caps (GstBin * bin, const gchar * caps, GError ** error)
{
  GstElement *e = make (bin, "capsfilter", NULL, error);
  GstCaps *c;

  if (e == NULL)
    return NULL;
  c = gst_caps_from_string (caps);
  g_object_set (e, "caps", c, NULL);
  gst_caps_unref (c);
  return e;
}

static void
configure_source (GstElement * src, const GwCameraSpec * spec)
{
  g_autofree gchar *uri = gw_pipeline_source_uri (spec);
  g_autofree gchar *desc = gw_pipeline_source_description (spec);

  if (uri)
    g_object_set (src, "uri", uri, "decode", gw_camera_type_is_raw (spec),
        NULL);
  else
    g_object_set (src, "source-description", desc, NULL);
  g_object_set (src, "max-attempts", spec->retry_max_attempts,
      "initial-delay", (guint64) spec->retry_initial_delay * GST_MSECOND,
      "max-delay", (guint64) spec->retry_max_delay * GST_MSECOND,
      "timeout", spec->retry_timeout, NULL);
}

/* retrysrc ! videoconvert ! I420 ! snapshottap ! tee ! qualityladder !
 * H.264 caps: returns the last element. The tee "raw" lets outputs that
 * want raw frames (the MJPEG branch) take them before the encoder. No scaler in front of qualityladder: the
 * ladder scales by itself (its steps never renegotiate upstream). Sizes and
 * rates are asked of the source. */
static GstElement *
build_raw (GwPipeline * p, const GwCameraSpec * spec, GError ** error)
{
  GstBin *bin = GST_BIN (p->pipeline);
  GstElement *conv, *in_caps, *out_caps;

  conv = make (bin, "videoconvert", "convert", error);
  in_caps = make_caps (bin, "video/x-raw,format=I420", error);
  p->snapshot = make (bin, "snapshottap", "snapshot", error);
  p->raw_tee = make (bin, "tee", "raw", error);
  p->ladder = make (bin, "qualityladder", "ladder", error);
  out_caps = make_caps (bin, H264_OUT_CAPS, error);
  if (out_caps == NULL)
    return NULL;
  g_object_set (p->raw_tee, "allow-not-linked", TRUE, NULL);
  if (spec->ladder)
    g_object_set (p->ladder, "ladder", spec->ladder, NULL);
  /* a keyframe a second: a recording killed mid-file loses about one
   * GOP (docs/gateway/recordings.md), and viewers join sooner */
  if (spec->fps_n > 0 && spec->fps_d > 0)
    g_object_set (p->ladder, "key-int-max", (guint) MAX (1,
            (spec->fps_n + spec->fps_d - 1) / spec->fps_d), NULL);
  gst_util_set_object_arg (G_OBJECT (p->ladder), "mode", spec->ladder_mode);
  if (!gst_element_link_many (p->source, conv, in_caps,
          p->snapshot, p->raw_tee, p->ladder, out_caps, NULL)) {
    g_set_error_literal (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "cannot link the raw camera chain");
    return NULL;
  }
  return out_caps;
}

static gboolean
build_outputs (GwPipeline * p, GstElement * last, GError ** error)
{
  GstBin *bin = GST_BIN (p->pipeline);
  GstElement *queue, *sink;

  p->tee = make (bin, "tee", "outputs", error);
  queue = make (bin, "queue", "outputs-queue", error);
  sink = make (bin, "fakesink", "outputs-fakesink", error);
  if (sink == NULL)
    return FALSE;
  g_object_set (p->tee, "allow-not-linked", TRUE, NULL);
  gst_util_set_object_arg (G_OBJECT (queue), "leaky", "downstream");
  g_object_set (sink, "async", FALSE, "sync", FALSE, NULL);
  if (!gst_element_link_many (last, p->tee, queue, sink, NULL)) {
    g_set_error_literal (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "cannot link the outputs");
    return FALSE;
  }
  return TRUE;
}

/**
 * gw_pipeline_build:
 * @spec: a checked camera spec
 * @error: return location for a %CG_CODE_ERROR (MISSING_COMPONENT when
 *   an element is not installed, PIPELINE_ERROR when it cannot be linked)
 *
 * Builds the camera's pipeline, named `camera-ID`, in the NULL state.
 *
 * Returns: (transfer full) (nullable): the pipeline and its elements
 */
GwPipeline *
gw_pipeline_build (const GwCameraSpec * spec, GError ** error)
{
  static gsize once = 0;
  g_autoptr (GwPipeline) p = g_new0 (GwPipeline, 1);
  g_autoptr (GError) err = NULL;
  g_autofree gchar *name = g_strdup_printf ("camera-%s", spec->id);
  GstElement *last = NULL;

  if (g_once_init_enter (&once)) {
    GST_DEBUG_CATEGORY_INIT (gw_pipeline_debug, "gw-pipeline", 0,
        "camguard-gateway camera pipelines");
    g_once_init_leave (&once, 1);
  }
  p->pipeline = gst_object_ref_sink (gst_pipeline_new (name));
  p->source = make (GST_BIN (p->pipeline), "retrysrc", "source", &err);
  if (p->source)
    configure_source (p->source, spec);
  if (p->source && gw_camera_type_is_raw (spec)) {
    last = build_raw (p, spec, &err);
  } else if (p->source) {
    p->snapshot = make (GST_BIN (p->pipeline), "snapshottap", "snapshot", &err);
    if (p->snapshot && !gst_element_link (p->source, p->snapshot))
      g_set_error_literal (&err, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
          "cannot link retrysrc to snapshottap");
    last = err ? NULL : p->snapshot;
  }
  if (last == NULL || !build_outputs (p, last, &err)) {
    g_propagate_error (error, g_steal_pointer (&err));
    return NULL;
  }
  g_object_set (p->snapshot, "max-age", spec->snapshot_max_age, "quality",
      (gint) spec->snapshot_quality, NULL);
  GST_INFO ("built %s (%s camera, %s)", name,
      gw_camera_type_to_string (spec->type),
      p->ladder ? "encoded by qualityladder" : "passed through");
  return g_steal_pointer (&p);
}

/**
 * gw_pipeline_free:
 * @pipeline: (nullable) (transfer full): a built pipeline
 *
 * Drops the pipeline; it must be in the NULL state.
 */
void
gw_pipeline_free (GwPipeline * pipeline)
{
  if (pipeline == NULL)
    return;
  if (pipeline->pipeline)
    gst_object_unref (pipeline->pipeline);
  g_free (pipeline);
}
