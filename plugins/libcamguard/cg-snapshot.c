/* camguard - asynchronous snapshot requests to a snapshottap
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:cg-snapshot
 * @title: Snapshot requests
 * @short_description: ask a snapshottap for a picture without blocking
 *
 * A snapshottap encodes a picture on the thread that emits its `snapshot`
 * action signal. An application or a server must block neither its main
 * loop nor a streaming thread on that, so cg_snapshot_request_async() emits
 * the signal on a worker thread (GTask) and completes on the caller's
 * thread-default main context. A failure becomes a #GError in the
 * #CG_CODE_ERROR domain whose code is the catalogue code the element gave
 * (%CG_CODE_SNAPSHOT_FAILED, %CG_CODE_VALIDATION_ERROR).
 *
 * libcamguard knows no element code: it talks to the element only through
 * the signal, as gst-launch users and bindings do.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cg-snapshot.h"
#include "cg-catalogue.h"
#include "cg-details.h"

typedef struct
{
  gchar *format;
  gint max_width;
  gint max_height;
  gint quality;
} Request;

static void
request_free (Request * req)
{
  g_free (req->format);
  g_free (req);
}

/* The element's answer to a GError, or the sample when it has a picture. */
static GstSample *
check_sample (GstSample * sample, GError ** error)
{
  const GstStructure *info;
  const gchar *message;
  CgCode code = CG_CODE_SNAPSHOT_FAILED;

  if (!sample) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_INTERNAL_ERROR,
        "the element has no snapshot signal answer");
    return NULL;
  }
  if (gst_sample_get_buffer (sample))
    return sample;

  info = gst_sample_get_info (sample);
  cg_details_get_code (info, &code);
  message = info ? gst_structure_get_string (info, "message") : NULL;
  g_set_error_literal (error, CG_CODE_ERROR, code,
      message ? message : cg_code_get_message (code));
  gst_sample_unref (sample);
  return NULL;
}

/**
 * cg_snapshot_request:
 * @tap: a snapshottap element
 * @format: (nullable): "image/jpeg" (the default) or "image/png"
 * @max_width: largest width, 0 for the element's default
 * @max_height: largest height, 0 for the element's default
 * @quality: JPEG quality 1..100, 0 for the element's default
 * @error: return location for a #CG_CODE_ERROR error
 *
 * Takes a snapshot on the calling thread, which blocks while the picture is
 * decoded and encoded. The sample's info structure (`camguard-snapshot`)
 * carries the frame's timestamps and age.
 *
 * Returns: (transfer full) (nullable): the picture, or %NULL with @error set
 */
GstSample *
cg_snapshot_request (GstElement * tap, const gchar * format, gint max_width,
    gint max_height, gint quality, GError ** error)
{
  GstSample *sample = NULL;

  g_return_val_if_fail (GST_IS_ELEMENT (tap), NULL);

  if (!g_signal_lookup ("snapshot", G_OBJECT_TYPE (tap))) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR,
        "%s is not a snapshottap", GST_OBJECT_NAME (tap));
    return NULL;
  }
  g_signal_emit_by_name (tap, "snapshot", format, max_width, max_height,
      quality, &sample);
  return check_sample (sample, error);
}

static void
request_thread (GTask * task, gpointer source, gpointer data,
    GCancellable * cancellable)
{
  Request *req = data;
  GError *error = NULL;
  GstSample *sample;

  sample = cg_snapshot_request (GST_ELEMENT (source), req->format,
      req->max_width, req->max_height, req->quality, &error);
  if (sample)
    g_task_return_pointer (task, sample, (GDestroyNotify) gst_sample_unref);
  else
    g_task_return_error (task, error);
}

/**
 * cg_snapshot_request_async:
 * @tap: a snapshottap element
 * @format: (nullable): "image/jpeg" (the default) or "image/png"
 * @max_width: largest width, 0 for the element's default
 * @max_height: largest height, 0 for the element's default
 * @quality: JPEG quality 1..100, 0 for the element's default
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called on the thread-default main context of
 *   the caller when the picture is ready or the request failed
 * @user_data: data for @callback
 *
 * Takes a snapshot on a worker thread. Finish with
 * cg_snapshot_request_finish().
 */
void
cg_snapshot_request_async (GstElement * tap, const gchar * format,
    gint max_width, gint max_height, gint quality, GCancellable * cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Request *req;

  g_return_if_fail (GST_IS_ELEMENT (tap));

  req = g_new0 (Request, 1);
  req->format = g_strdup (format);
  req->max_width = max_width;
  req->max_height = max_height;
  req->quality = quality;

  task = g_task_new (tap, cancellable, callback, user_data);
  g_task_set_source_tag (task, cg_snapshot_request_async);
  g_task_set_name (task, "camguard snapshot");
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);
  g_task_run_in_thread (task, request_thread);
}

/**
 * cg_snapshot_request_finish:
 * @tap: the element passed to cg_snapshot_request_async()
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #CG_CODE_ERROR error
 *
 * Finishes a request started with cg_snapshot_request_async().
 *
 * Returns: (transfer full) (nullable): the picture, or %NULL with @error set
 */
GstSample *
cg_snapshot_request_finish (GstElement * tap, GAsyncResult * result,
    GError ** error)
{
  g_return_val_if_fail (g_task_is_valid (result, tap), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
