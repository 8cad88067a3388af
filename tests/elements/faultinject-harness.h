/* camguard - faultinject tests: the shared harness
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef CG_FAULTINJECT_HARNESS_H
#define CG_FAULTINJECT_HARNESS_H

#include <gst/gst.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

G_BEGIN_DECLS

#define FRAME (40 * GST_MSECOND)
#define BUFSIZE 64

/* Buffer @i: offset @i, PTS @i frames, BUFSIZE bytes of (i * 7 + j). */
GstBuffer *make_buffer (guint64 i);
GstHarness *new_harness (const gchar * launch);
GstElement *fault_element (GstHarness * h);
guint64 stat_u64 (GstElement * e, const gchar * field);
gchar *pulled_offsets (GstHarness * h);

/* Counts the element's "fired" signals. */
typedef struct
{
  GMutex lock;
  GCond cond;
  guint count;
  gint last_fault;
  guint64 last_buffer;
} FiredLog;

void fired_log_init (FiredLog * log, GstElement * e);
gboolean fired_log_wait (FiredLog * log, guint count);
void fired_log_clear (FiredLog * log, GstElement * e);

G_END_DECLS

#endif /* CG_FAULTINJECT_HARNESS_H */
