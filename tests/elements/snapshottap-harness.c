/* camguard - snapshottap tests: the shared harness (frames, snapshots,
 * statistics)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <turbojpeg.h>
#include <gst/video/video.h>

#include "snapshottap-harness.h"


GstBuffer *
make_frame (gint width, gint height, guint n)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buf;
  gint y;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, width, height);
  buf = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  fail_unless (gst_video_frame_map (&frame, &info, buf, GST_MAP_WRITE));
  for (y = 0; y < height; y++)
    memset (GST_VIDEO_FRAME_COMP_DATA (&frame, 0) +
        y * GST_VIDEO_FRAME_COMP_STRIDE (&frame, 0), LUMA (n), width);
  for (y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (&frame, 1); y++) {
    memset (GST_VIDEO_FRAME_COMP_DATA (&frame, 1) +
        y * GST_VIDEO_FRAME_COMP_STRIDE (&frame, 1), 128,
        GST_VIDEO_FRAME_COMP_WIDTH (&frame, 1));
    memset (GST_VIDEO_FRAME_COMP_DATA (&frame, 2) +
        y * GST_VIDEO_FRAME_COMP_STRIDE (&frame, 2), 128,
        GST_VIDEO_FRAME_COMP_WIDTH (&frame, 2));
  }
  gst_video_frame_unmap (&frame);
  GST_BUFFER_PTS (buf) = n * FRAME;
  GST_BUFFER_DURATION (buf) = FRAME;
  return buf;
}

/* Decodes a JPEG and returns its mean luma; its size in @w, @h. */
gdouble
jpeg_mean_luma (GstBuffer * jpeg, gint * w, gint * h)
{
  tjhandle tj = tjInitDecompress ();
  GstMapInfo map;
  int width, height, subsamp, colorspace;
  guint8 *pixels;
  gdouble sum = 0;
  gint i;

  fail_unless (gst_buffer_map (jpeg, &map, GST_MAP_READ));
  fail_unless (map.size > 4 && map.data[0] == 0xff && map.data[1] == 0xd8);
  fail_unless_equals_int (tjDecompressHeader3 (tj, map.data, map.size,
          &width, &height, &subsamp, &colorspace), 0);
  pixels = g_malloc (width * height);
  fail_unless_equals_int (tjDecompress2 (tj, map.data, map.size, pixels,
          width, 0, height, TJPF_GRAY, 0), 0);
  gst_buffer_unmap (jpeg, &map);
  for (i = 0; i < width * height; i++)
    sum += pixels[i];
  g_free (pixels);
  tjDestroy (tj);
  if (w)
    *w = width;
  if (h)
    *h = height;
  return sum / (width * height);
}

GstSample *
snapshot (GstElement * tap, const gchar * format, gint mw, gint mh)
{
  GstSample *sample = NULL;

  g_signal_emit_by_name (tap, "snapshot", format, mw, mh, 0, &sample);
  fail_unless (sample != NULL);
  return sample;
}

/* Asserts a successful JPEG snapshot of frame @n at @w x @h. */
void
assert_shows (GstSample * sample, guint n, gint w, gint h)
{
  GstBuffer *buf = gst_sample_get_buffer (sample);
  GstStructure *caps;
  gint cw, ch, jw, jh;
  gdouble luma;

  if (!buf) {
    g_autofree gchar *why = gst_structure_to_string (gst_sample_get_info
        (sample));

    fail ("snapshot failed: %s", why);
  }
  caps = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  fail_unless (gst_structure_has_name (caps, "image/jpeg"));
  fail_unless (gst_structure_get_int (caps, "width", &cw));
  fail_unless (gst_structure_get_int (caps, "height", &ch));
  fail_unless_equals_int (cw, w);
  fail_unless_equals_int (ch, h);
  luma = jpeg_mean_luma (buf, &jw, &jh);
  fail_unless_equals_int (jw, w);
  fail_unless_equals_int (jh, h);
  if (ABS (luma - LUMA (n)) > 1.5)
    fail ("snapshot shows luma %.2f, frame %u has %d", luma, n, LUMA (n));
}

guint64
info_u64 (GstSample * sample, const gchar * field)
{
  guint64 v = 0;

  fail_unless (gst_structure_get_uint64 (gst_sample_get_info (sample), field,
          &v), "no %s in %" GST_PTR_FORMAT, field,
      gst_sample_get_info (sample));
  return v;
}

const gchar *
info_str (GstSample * sample, const gchar * field)
{
  return gst_structure_get_string (gst_sample_get_info (sample), field);
}

/* The catalogue code of a failed snapshot. */
CgCode
info_code (GstSample * sample)
{
  CgCode code = 0;

  fail_unless (cg_details_get_code (gst_sample_get_info (sample), &code));
  return code;
}

CgCode
message_code (GstMessage * msg)
{
  CgCode code = 0;

  fail_unless (cg_message_get_code (msg, &code));
  return code;
}

guint64
stat_u64 (GstElement * tap, const gchar * field)
{
  GstStructure *s;
  guint64 v = 0;
  guint u;

  g_object_get (tap, "statistics", &s, NULL);
  fail_unless (gst_structure_has_name (s, "camguard-snapshottap-stats"));
  if (!gst_structure_get_uint64 (s, field, &v)) {
    fail_unless (gst_structure_get_uint (s, field, &u));
    v = u;
  }
  gst_structure_free (s);
  return v;
}

GstElement *
tap_of (GstHarness * h)
{
  GstElement *tap = gst_harness_find_element (h, "snapshottap");

  fail_unless (tap != NULL);
  /* the harness keeps its own reference */
  gst_object_unref (tap);
  return tap;
}

GstHarness *
raw_harness (const gchar * launch, GstElement ** tap)
{
  GstHarness *h = gst_harness_new_parse (launch);

  gst_harness_set_src_caps_str (h, RAW_CAPS);
  *tap = tap_of (h);
  return h;
}
