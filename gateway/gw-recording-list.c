/* camguard-gateway - recordings: the listing and the housekeeping
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * What the recorder reads from the disk, always on a thread: the listing
 * of a camera's files (gw_recorder_list_async()), and every 5 s the
 * housekeeping: retention of the continuous files (record-max-age,
 * record-max-size) and, while any camera records, the free space of the
 * recordings directory (STORAGE_LOW below the [gateway] storage-low-mb
 * threshold).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/statvfs.h>

#include "gw-recording-private.h"
#include "gw-recording-files.h"

/**
 * gw_recorder_write_status:
 * @rec: the recorder
 * @camera_id: a camera id
 * @w: where the object is written, as a value
 *
 * The camera's recordings now, for its status: `{manual, continuous}`,
 * each `{state (off, waiting, starting, recording, failed), file,
 * uptime, bytes_finalized, files_finalized, max_duration_s, error}`;
 * `error` is a RECORDING_FAILED body whose details name the `cause`.
 */
void
gw_recorder_write_status (GwRecorder * rec, const gchar * camera_id,
    CgJsonWriter * w)
{
  CamRec *cam = g_hash_table_lookup (rec->cameras, camera_id);

  cg_json_writer_begin_object (w);
  cg_json_writer_member (w, MANUAL);
  gw_rec_session_describe (cam ? &cam->manual : &rec->off, w);
  cg_json_writer_member (w, CONTINUOUS);
  gw_rec_session_describe (cam ? &cam->continuous : &rec->off, w);
  cg_json_writer_end_object (w);
}

/* A listing: its head (camera and recording status) is written on the
 * main context, where the recorder lives; the thread reads the directory
 * and writes the files after it. */
typedef struct
{
  gchar *dir;
  CgJsonWriter *w;
  gchar *current[2];
} ListJob;

static void
list_job_free (gpointer data)
{
  ListJob *job = data;

  g_free (job->dir);
  cg_json_writer_free (job->w);
  g_free (job->current[0]);
  g_free (job->current[1]);
  g_free (job);
}

static void
list_thread (GTask * task, gpointer source, gpointer data,
    GCancellable * cancellable)
{
  ListJob *job = data;
  g_autoptr (GPtrArray) files = gw_rec_dir_scan (job->dir);
  CgJsonWriter *w = g_steal_pointer (&job->w);
  guint i;

  for (i = 0; i < files->len; i++) {
    GwRecFile *f = g_ptr_array_index (files, i);
    gboolean current = g_strcmp0 (f->name, job->current[0]) == 0
        || g_strcmp0 (f->name, job->current[1]) == 0;

    gw_rec_file_write_json (f, current, w);
  }
  cg_json_writer_end_array (w);
  cg_json_writer_end_object (w);
  g_task_return_pointer (task, w, (GDestroyNotify) cg_json_writer_free);
}

/**
 * gw_recorder_list_async:
 * @rec: the recorder
 * @camera: a camera
 * @callback: called on the caller's main context
 * @user_data: for @callback
 *
 * Lists the camera's recordings on a thread: `{camera, recording (as
 * gw_recorder_write_status()), files: [{name, start, duration, size,
 * finalized, current}]}`, oldest first.
 */
void
gw_recorder_list_async (GwRecorder * rec, GwCamera * camera,
    GAsyncReadyCallback callback, gpointer user_data)
{
  const gchar *id = gw_camera_get_id (camera);
  CamRec *cam = g_hash_table_lookup (rec->cameras, id);
  g_autoptr (GTask) task = g_task_new (NULL, NULL, callback, user_data);
  ListJob *job = g_new0 (ListJob, 1);

  job->dir = gw_recorder_camera_dir (rec, id);
  job->w = cg_json_writer_new ();
  cg_json_writer_begin_object (job->w);
  cg_json_writer_member_string (job->w, "camera", id);
  cg_json_writer_member (job->w, "recording");
  gw_recorder_write_status (rec, id, job->w);
  cg_json_writer_member (job->w, "files");
  cg_json_writer_begin_array (job->w);
  if (cam && cam->manual.current)
    job->current[0] = g_path_get_basename (cam->manual.current);
  if (cam && cam->continuous.current)
    job->current[1] = g_path_get_basename (cam->continuous.current);
  g_task_set_task_data (task, job, list_job_free);
  g_task_run_in_thread (task, list_thread);
}

/**
 * gw_recorder_list_finish:
 * @result: the result
 *
 * Returns: (transfer full): the listing, one complete value, for
 *   gw_request_reply_writer() or cg_json_writer_free_to_node()
 */
CgJsonWriter *
gw_recorder_list_finish (GAsyncResult * result)
{
  return g_task_propagate_pointer (G_TASK (result), NULL);
}

/* ------------------------------------------------------------------ */
/* housekeeping                                                         */

typedef struct
{
  gchar *dir;
  gchar *keep;
  gint64 max_age_s;
  guint64 max_bytes;
} Retention;

typedef struct
{
  gchar *root;
  GPtrArray *retention;         /* (element-type Retention) */
  gboolean check_space;         /* something records (or is meant to) */
  guint64 free_bytes;
  gboolean have_free;
} Housekeeping;

static void
retention_free (gpointer data)
{
  Retention *r = data;

  g_free (r->dir);
  g_free (r->keep);
  g_free (r);
}

static void
housekeeping_free (gpointer data)
{
  Housekeeping *h = data;

  g_free (h->root);
  g_ptr_array_unref (h->retention);
  g_free (h);
}

static void
housekeeping_thread (GTask * task, gpointer source, gpointer data,
    GCancellable * cancellable)
{
  Housekeeping *h = data;
  struct statvfs vfs;
  guint i;

  for (i = 0; i < h->retention->len; i++) {
    Retention *r = g_ptr_array_index (h->retention, i);
    guint n = gw_rec_apply_retention (r->dir, CONTINUOUS "-", r->keep,
        r->max_age_s, r->max_bytes);

    if (n)
      g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE",
          "retention deleted %u recordings in %s", n, r->dir);
  }
  if (h->check_space && g_mkdir_with_parents (h->root, 0755) == 0
      && statvfs (h->root, &vfs) == 0) {
    h->free_bytes = (guint64) vfs.f_bavail * vfs.f_frsize;
    h->have_free = TRUE;
  }
  g_task_return_boolean (task, TRUE);
}

static void
housekeeping_done (GObject * source, GAsyncResult * result, gpointer data)
{
  GwRecorder *rec = data;
  Housekeeping *h = g_task_get_task_data (G_TASK (result));
  g_autoptr (CgError) e = NULL;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;                     /* @rec is gone */
  rec->housekeeping_busy = FALSE;
  if (!h->have_free || rec->low_space == 0)
    return;
  if (h->free_bytes >= rec->low_space) {
    rec->low_warned = FALSE;
    return;
  }
  if (rec->low_warned)
    return;
  rec->low_warned = TRUE;
  e = cg_error_new (CG_CODE_STORAGE_LOW, NULL);
  gst_structure_set (cg_error_get_details_writable (e), "directory",
      G_TYPE_STRING, rec->root, "free_bytes", G_TYPE_UINT64, h->free_bytes,
      "threshold_bytes", G_TYPE_UINT64, rec->low_space, NULL);
  gw_recorder_emit (rec, "warning", e, NULL);
}

static gboolean
housekeeping_cb (gpointer data)
{
  GwRecorder *rec = data;
  Housekeeping *h;
  GTask *task;
  GHashTableIter it;
  gpointer value;

  if (rec->housekeeping_busy)
    return G_SOURCE_CONTINUE;
  h = g_new0 (Housekeeping, 1);
  h->root = g_strdup (rec->root);
  h->retention = g_ptr_array_new_with_free_func (retention_free);
  g_hash_table_iter_init (&it, rec->cameras);
  while (g_hash_table_iter_next (&it, NULL, &value)) {
    CamRec *cam = value;
    const GwCameraSpec *spec = gw_camera_get_spec (cam->camera);
    Retention *r;

    h->check_space |= cam->manual.wanted || cam->continuous.wanted;
    if (spec->record_max_age == 0 && spec->record_max_size == 0)
      continue;
    r = g_new0 (Retention, 1);
    r->dir = g_strdup (cam->dir);
    r->keep = cam->continuous.current ?
        g_path_get_basename (cam->continuous.current) : NULL;
    r->max_age_s = spec->record_max_age;
    r->max_bytes = (guint64) spec->record_max_size * 1024 * 1024;
    g_ptr_array_add (h->retention, r);
  }
  rec->housekeeping_busy = TRUE;
  task = g_task_new (NULL, rec->cancellable, housekeeping_done, rec);
  g_task_set_task_data (task, h, housekeeping_free);
  g_task_run_in_thread (task, housekeeping_thread);
  g_object_unref (task);
  return G_SOURCE_CONTINUE;
}

/**
 * gw_recorder_set_housekeeping:
 * @rec: the recorder
 * @interval_ms: how often retention and the free space are checked
 */
void
gw_recorder_set_housekeeping (GwRecorder * rec, guint interval_ms)
{
  g_clear_handle_id (&rec->housekeeping_id, g_source_remove);
  rec->housekeeping_id = g_timeout_add (interval_ms, housekeeping_cb, rec);
}
