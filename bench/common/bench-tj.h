/* camguard - shared benchmark baseline: one plain TurboJPEG encode
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BENCH_TJ_H
#define BENCH_TJ_H

#include <gst/gst.h>

G_BEGIN_DECLS

gdouble bench_now_ms (void);
gdouble bench_percentile (gdouble * v, guint n, gdouble p);
GstSample *bench_test_frame (const gchar * pattern, gint width, gint height);
gdouble bench_tj_encode_ms (GstSample * frame);

G_END_DECLS

#endif /* BENCH_TJ_H */
