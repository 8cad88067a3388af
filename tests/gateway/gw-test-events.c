/* camguard-gateway tests - events as the camera pipelines produce them,
 * and main-context waits
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>

#include "gw-test-events.h"

/* A bounded wait that only detects a hang. */
#define WAIT_US (30 * G_USEC_PER_SEC)

gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

void
iterate_until (Cond cond, gpointer data)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;

  while (!cond (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cond (data));
}

/* Iterates until nothing is pending (bounded). */
void
drain (void)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;

  while (g_main_context_pending (NULL) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (g_main_context_pending (NULL));
}

CgError *
error_for (CgCode code, const gchar * camera)
{
  CgError *e = cg_error_new (code, NULL);

  cg_error_set_camera_id (e, camera);
  cg_error_set_gst_domain (e, "gst-resource-error-quark");
  cg_error_set_gst_code (e, "open-read");
  cg_error_set_source_path (e, "/GstPipeline:door/GstRTSPSrc:src");
  cg_error_set_factory (e, "rtspsrc");
  cg_error_set_correlation_id (e, "req-42");
  gst_structure_set (cg_error_get_details_writable (e),
      "rtsp-status-code", G_TYPE_UINT, 503, NULL);
  return e;
}

/* camguard-retry as retrysrc posts it. */
GstMessage *
retry_message (const gchar * what, const CgError * cause)
{
  GstStructure *s = gst_structure_new ("camguard-retry", "event",
      G_TYPE_STRING, what, "attempt", G_TYPE_UINT, 3, NULL);

  if (g_str_equal (what, "retrying"))
    gst_structure_set (s, "next-delay", G_TYPE_UINT64, 2 * GST_SECOND, NULL);
  if (g_str_equal (what, "recovered"))
    gst_structure_set (s, "outage", G_TYPE_UINT64, 1500 * GST_MSECOND, NULL);
  if (cause) {
    GstStructure *es = cg_error_to_structure (cause);

    gst_structure_set (s, "code", G_TYPE_STRING,
        cg_error_get_code_name (cause), "error", GST_TYPE_STRUCTURE, es, NULL);
    gst_structure_free (es);
  }
  return gst_message_new_element (NULL, s);
}

/* camguard-quality as qualityladder posts it: below the best step with
 * the QUALITY_DEGRADED error; back at the best as "recovered". */
GstMessage *
quality_message (gboolean degraded)
{
  CgError *e = cg_error_new (CG_CODE_QUALITY_DEGRADED, NULL);
  GstStructure *s, *err;

  gst_structure_set (cg_error_get_details_writable (e),
      "quality", G_TYPE_DOUBLE, 0.5, "packetLoss", G_TYPE_DOUBLE, 0.2,
      "recommendedAction", G_TYPE_STRING, "reduce_quality", NULL);
  err = cg_error_to_structure (e);
  s = gst_structure_new ("camguard-quality", "code", G_TYPE_STRING,
      degraded ? "QUALITY_DEGRADED" : "recovered", "severity", G_TYPE_STRING,
      "warning", "message", G_TYPE_STRING, cg_error_get_message (e),
      "direction", G_TYPE_STRING, degraded ? "down" : "up",
      "quality", G_TYPE_DOUBLE, degraded ? 0.5 : 1.0,
      "step", G_TYPE_INT, degraded ? 2 : 0,
      "step-name", G_TYPE_STRING, degraded ? "480p" : "1080p", NULL);
  if (degraded) {
    cg_details_set_code (s, CG_CODE_QUALITY_DEGRADED);
    gst_structure_set (s, CG_DETAILS_ERROR_FIELD, GST_TYPE_STRUCTURE, err,
        NULL);
  }
  gst_structure_free (err);
  cg_error_unref (e);
  return gst_message_new_element (NULL, s);
}

GwEvent *
event_of_kind (GwEventKind kind, const gchar * camera)
{
  CgError *e;
  GwEvent *ev;
  GstMessage *m;

  switch (kind) {
    case GW_EVENT_KIND_ERROR:
      e = error_for (CG_CODE_CAMERA_UNREACHABLE, camera);
      ev = gw_event_new_from_error (e);
      cg_error_unref (e);
      return ev;
    case GW_EVENT_KIND_WARNING:
      e = error_for (CG_CODE_PROCESSING_SLOW, camera);
      ev = gw_event_new_from_error (e);
      cg_error_unref (e);
      return ev;
    case GW_EVENT_KIND_STATE:
      return gw_event_new_state (camera, "running", "starting", NULL);
    case GW_EVENT_KIND_QUALITY:
      m = quality_message (TRUE);
      break;
    default:
      e = error_for (CG_CODE_CAMERA_UNREACHABLE, NULL);
      m = retry_message (kind == GW_EVENT_KIND_RETRY ? "retrying" :
          kind == GW_EVENT_KIND_RECOVERY ? "recovered" : "gave-up", e);
      cg_error_unref (e);
      break;
  }
  ev = gw_event_new_from_element_message (m, camera);
  gst_message_unref (m);
  g_assert_cmpint (gw_event_get_kind (ev), ==, kind);
  return ev;
}

/* Removes @dir and the files in it. */
void
remove_dir (const gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d && (name = g_dir_read_name (d))) {
    gchar *p = g_build_filename (dir, name, NULL);

    g_unlink (p);
    g_free (p);
  }
  if (d)
    g_dir_close (d);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
flushed (GObject * source, GAsyncResult * res, gpointer data)
{
  g_assert_true (gw_event_store_flush_finish (NULL, res, NULL));
  *(gboolean *) data = TRUE;
}

void
store_flush (GwEventStore * store)
{
  gboolean done = FALSE;

  gw_event_store_flush_async (store, NULL, flushed, &done);
  iterate_until (is_true, &done);
}

typedef struct
{
  gboolean done;
  GPtrArray *events;
  gint64 cursor;
  GError *error;
} QueryResult;

static void
queried (GObject * source, GAsyncResult * res, gpointer data)
{
  QueryResult *r = data;

  r->events = gw_event_store_query_finish (NULL, res, &r->cursor, &r->error);
  r->done = TRUE;
}

GPtrArray *
store_query (GwEventStore * store, const GwEventQuery * q, gint64 * cursor,
    GError ** error)
{
  QueryResult r = { 0 };

  gw_event_store_query_async (store, q, NULL, queried, &r);
  iterate_until (is_true, &r.done);
  if (cursor)
    *cursor = r.cursor;
  if (r.error)
    g_propagate_error (error, r.error);
  return r.events;
}
