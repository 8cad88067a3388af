/* camguard - faultinject tests: the shared harness (buffers, statistics, the
 * fired signal)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "faultinject-harness.h"

GstBuffer *
make_buffer (guint64 i)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, BUFSIZE, NULL);
  GstMapInfo map;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (gsize j = 0; j < map.size; j++)
    map.data[j] = (guint8) (i * 7 + j);
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_OFFSET (buf) = i;
  GST_BUFFER_PTS (buf) = i * FRAME;
  GST_BUFFER_DURATION (buf) = FRAME;
  return buf;
}

GstHarness *
new_harness (const gchar * launch)
{
  GstHarness *h = gst_harness_new_parse (launch);

  gst_harness_set_src_caps_str (h, "application/x-camguard-test");
  return h;
}

GstElement *
fault_element (GstHarness * h)
{
  GstElement *e = gst_harness_find_element (h, "faultinject");

  fail_unless (e != NULL);
  /* the harness keeps its own reference */
  gst_object_unref (e);
  return e;
}

guint64
stat_u64 (GstElement * e, const gchar * field)
{
  GstStructure *s;
  guint64 v = G_MAXUINT64;

  g_object_get (e, "statistics", &s, NULL);
  fail_unless (gst_structure_has_name (s, "camguard-faultinject-stats"));
  fail_unless (gst_structure_get_uint64 (s, field, &v), "no field %s", field);
  gst_structure_free (s);
  return v;
}

/* Pull every buffer in the harness output queue; return their offsets as
 * "a,b,c". */
gchar *
pulled_offsets (GstHarness * h)
{
  GString *s = g_string_new (NULL);
  GstBuffer *buf;

  while ((buf = gst_harness_try_pull (h))) {
    g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, s->len ? "," : "",
        GST_BUFFER_OFFSET (buf));
    gst_buffer_unref (buf);
  }
  return g_string_free (s, FALSE);
}

static void
on_fired (GstElement * e, gint fault, guint64 buffer, FiredLog * log)
{
  g_mutex_lock (&log->lock);
  log->count++;
  log->last_fault = fault;
  log->last_buffer = buffer;
  g_cond_broadcast (&log->cond);
  g_mutex_unlock (&log->lock);
}

void
fired_log_init (FiredLog * log, GstElement * e)
{
  memset (log, 0, sizeof (*log));
  g_mutex_init (&log->lock);
  g_cond_init (&log->cond);
  log->last_fault = -1;
  g_signal_connect (e, "fired", G_CALLBACK (on_fired), log);
}

/* Bounded wait until the fault fired @count times (no sleeps). */
gboolean
fired_log_wait (FiredLog * log, guint count)
{
  gint64 end = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
  gboolean ok = TRUE;

  g_mutex_lock (&log->lock);
  while (log->count < count && ok)
    ok = g_cond_wait_until (&log->cond, &log->lock, end);
  ok = log->count >= count;
  g_mutex_unlock (&log->lock);
  return ok;
}

void
fired_log_clear (FiredLog * log, GstElement * e)
{
  g_signal_handlers_disconnect_by_data (e, log);
  g_mutex_clear (&log->lock);
  g_cond_clear (&log->cond);
}
