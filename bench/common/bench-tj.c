/* camguard - shared benchmark baseline: one plain TurboJPEG encode
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The baseline of the snapshot benchmarks (bench/snapshottap and
 * bench/gateway): what a program without snapshottap pays to encode one
 * I420 frame with TurboJPEG, with the element's flags (quality 85, 4:2:0,
 * fast DCT).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "bench-tj.h"

#include <stdlib.h>
#include <turbojpeg.h>
#include <gst/app/app.h>
#include <gst/video/video.h>

/**
 * bench_now_ms:
 *
 * Returns: the monotonic clock in ms
 */
gdouble
bench_now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static gint
cmp_double (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

/**
 * bench_percentile:
 * @v: values (sorted in place)
 * @n: how many
 * @p: the percentile, 0..100
 *
 * Returns: the @p-th percentile of @v
 */
gdouble
bench_percentile (gdouble * v, guint n, gdouble p)
{
  guint i;

  qsort (v, n, sizeof (gdouble), cmp_double);
  i = (guint) ((p / 100.0) * (n - 1) + 0.5);
  return v[MIN (i, n - 1)];
}

/**
 * bench_test_frame:
 * @pattern: a videotestsrc pattern name
 * @width: frame width
 * @height: frame height
 *
 * Returns: (transfer full): one I420 frame of videotestsrc
 */
GstSample *
bench_test_frame (const gchar * pattern, gint width, gint height)
{
  g_autofree gchar *desc = g_strdup_printf ("videotestsrc pattern=%s "
      "num-buffers=1 ! video/x-raw,format=I420,width=%d,height=%d,"
      "framerate=30/1 ! appsink name=sink", pattern, width, height);
  GstElement *fp = gst_parse_launch (desc, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (fp), "sink");
  GstSample *frame;

  gst_element_set_state (fp, GST_STATE_PLAYING);
  frame = gst_app_sink_pull_sample (GST_APP_SINK (sink));
  gst_element_set_state (fp, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (fp);
  return frame;
}

/**
 * bench_tj_encode_ms:
 * @frame: an I420 frame
 *
 * One TurboJPEG encode of @frame, as a program without snapshottap would
 * do it (quality 85, 4:2:0, TJFLAG_FASTDCT).
 *
 * Returns: the encode time in ms
 */
gdouble
bench_tj_encode_ms (GstSample * frame)
{
  tjhandle tj = tjInitCompress ();
  GstVideoInfo info;
  GstVideoFrame vf;
  const unsigned char *planes[3];
  int strides[3], i;
  unsigned char *jpeg = NULL;
  unsigned long size = 0;
  gdouble t0, t;

  gst_video_info_from_caps (&info, gst_sample_get_caps (frame));
  gst_video_frame_map (&vf, &info, gst_sample_get_buffer (frame), GST_MAP_READ);
  for (i = 0; i < 3; i++) {
    planes[i] = GST_VIDEO_FRAME_PLANE_DATA (&vf, i);
    strides[i] = GST_VIDEO_FRAME_PLANE_STRIDE (&vf, i);
  }
  t0 = bench_now_ms ();
  if (tjCompressFromYUVPlanes (tj, planes, GST_VIDEO_INFO_WIDTH (&info),
          strides, GST_VIDEO_INFO_HEIGHT (&info), TJSAMP_420, &jpeg, &size,
          85, TJFLAG_FASTDCT) != 0)
    g_error ("tjCompressFromYUVPlanes: %s", tjGetErrorStr2 (tj));
  t = bench_now_ms () - t0;
  gst_video_frame_unmap (&vf);
  tjFree (jpeg);
  tjDestroy (tj);
  return t;
}
