/* camguard - snapshottap tests: the shared harness
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *
 * Frames carry their identity in their luma: frame n of a test is a flat
 * picture of value 16 + 4n. A snapshot is decoded back with TurboJPEG and
 * its mean luma says which frame it shows.
 */

#ifndef CG_SNAPSHOTTAP_HARNESS_H
#define CG_SNAPSHOTTAP_HARNESS_H

#include <gst/gst.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <camguard.h>

G_BEGIN_DECLS

#define W 320
#define H 240
#define FRAME (40 * GST_MSECOND)
#define LUMA(n) (16 + 4 * (n))
#define RAW_CAPS "video/x-raw,format=I420,width=320,height=240,framerate=25/1"

GstBuffer *make_frame (gint width, gint height, guint n);
gdouble jpeg_mean_luma (GstBuffer * jpeg, gint * w, gint * h);
GstSample *snapshot (GstElement * tap, const gchar * format, gint mw, gint mh);
void assert_shows (GstSample * sample, guint n, gint w, gint h);
guint64 info_u64 (GstSample * sample, const gchar * field);
const gchar *info_str (GstSample * sample, const gchar * field);
CgCode info_code (GstSample * sample);
CgCode message_code (GstMessage * msg);
guint64 stat_u64 (GstElement * tap, const gchar * field);
GstElement *tap_of (GstHarness * h);
GstHarness *raw_harness (const gchar * launch, GstElement ** tap);

G_END_DECLS

#endif /* CG_SNAPSHOTTAP_HARNESS_H */
