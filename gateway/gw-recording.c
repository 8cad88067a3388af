/* camguard-gateway - recordings of the cameras: manual and continuous
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-recording
 * @title: Recorder
 * @short_description: the recordings of every camera, following its
 *   pipeline, with storage failures reported and retried
 *
 * Every camera has two recording sessions: `manual` (started and stopped
 * through the API, with an optional maximum duration) and `continuous`
 * (on while the camera's spec says `record=true`, in segments of
 * `record-segment` seconds, old files deleted by `record-max-age` and
 * `record-max-size`). A session that is on keeps one #GwRecBranch on the
 * camera's current pipeline: when the camera restarts it follows the new
 * pipeline (the old branch is finalized first, through
 * GwCamera::pipeline-stopping); when the camera fails the file is
 * finalized and the session waits for the camera to come back.
 *
 * A storage failure (the directory cannot be written: STORAGE_DENIED; the
 * disk is full: STORAGE_FULL; other errors: STORAGE_IO) never touches the
 * camera: the branch reports it, an `error` event with the storage code
 * goes to the hub, the session shows RECORDING_FAILED with the cause, the
 * branch is taken out and the session tries again after the delays of a
 * #CgBackoff (storage codes retried with the normal policy, from 500 ms
 * up to 5 s), checking the directory and the free space first. The first
 * file opened again is a `recovery` event.
 *
 * Housekeeping (every 5 s, on a thread): retention of the continuous
 * files, and the free space of the recordings directory: below the
 * configured threshold, one STORAGE_LOW warning (again once the space came
 * back above it and fell again).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-recording-private.h"
#include "gw-recording-branch.h"
#include "gw-recording-files.h"

#define RETRY_INITIAL_NS (500 * GST_MSECOND)
#define RETRY_MAX_NS (5 * GST_SECOND)
#define FAILED_FINALIZE_MS 1000
/* manual recordings without a limit are split this often */
#define MANUAL_SEGMENT_S 600



static void session_sync (Session * s);

/* ------------------------------------------------------------------ */
/* sessions                                                             */

static void
session_init (Session * s, CamRec * cam, const gchar * kind)
{
  s->cam = cam;
  s->kind = kind;
  s->backoff = cg_backoff_new ();
  g_object_set (s->backoff, "initial-delay", (guint64) RETRY_INITIAL_NS,
      "max-delay", (guint64) RETRY_MAX_NS, NULL);
  /* the catalogue never retries storage codes; a recording does, slowly */
  cg_backoff_set_policy (s->backoff, CG_CODE_STORAGE_FULL, CG_RETRY_NORMAL);
  cg_backoff_set_policy (s->backoff, CG_CODE_STORAGE_DENIED, CG_RETRY_NORMAL);
  cg_backoff_set_policy (s->backoff, CG_CODE_PIPELINE_ERROR, CG_RETRY_NORMAL);
}

void
gw_recorder_emit (GwRecorder * rec, const gchar * kind, const CgError * error,
    const gchar * camera_id)
{
  if (rec->func)
    rec->func (kind, error, camera_id, rec->user_data);
}

/* The answer of a stop: `{camera, stopped, finalized, file}`. */
static CgJsonWriter *
stop_result (Session * s, gboolean in_time)
{
  CgJsonWriter *w = cg_json_writer_new ();

  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "camera", s->cam->id);
  cg_json_writer_member_boolean (w, "stopped", TRUE);
  cg_json_writer_member_boolean (w, "finalized", in_time);
  cg_json_writer_member (w, "file");
  if (s->last_file)
    cg_json_writer_string (w, s->last_file);
  else
    cg_json_writer_null (w);
  cg_json_writer_end_object (w);
  return w;
}

static void cam_rec_unref (CamRec * cam);

static void
finalize_done (GwRecBranch * branch, gboolean in_time, gpointer user_data)
{
  Session *s = user_data;
  CamRec *cam = s->cam;
  GwRecorderStopFunc func = s->stop_func;

  gw_rec_branch_disconnect (branch);
  cam->rec->pending--;
  if (func) {
    s->stop_func = NULL;
    func (stop_result (s, in_time), NULL, s->stop_data);
  }
  cam_rec_unref (cam);
}

/* Takes the branch out, on a thread; @s hears when it is done. */
static void
session_release (Session * s, guint timeout_ms)
{
  GwRecBranch *branch = g_steal_pointer (&s->branch);

  g_clear_pointer (&s->current, g_free);
  if (branch == NULL)
    return;
  s->cam->rec->pending++;
  g_atomic_int_inc (&s->cam->refcount);
  gw_rec_branch_finalize_async (branch, timeout_ms, finalize_done, s);
  gw_rec_branch_unref (branch);
}

static gboolean
retry_cb (gpointer data)
{
  Session *s = data;

  s->retry_id = 0;
  session_sync (s);
  return G_SOURCE_REMOVE;
}

/* A failure: one event, a count, the branch out, a retry after a delay. */
static void
session_fail (Session * s, const CgError * cause)
{
  GwRecorder *rec = s->cam->rec;
  g_autoptr (CgError) e = cg_error_copy (cause);
  GstClockTime delay = GST_CLOCK_TIME_NONE;
  const gchar *labels[] = { s->cam->id, cg_error_get_code_name (cause), NULL };

  gst_structure_set (cg_error_get_details_writable (e), "recording",
      G_TYPE_STRING, s->kind, NULL);
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "CAMERA", s->cam->id,
      "CODE", cg_error_get_code_name (e), "MESSAGE", "%s recording failed: "
      "%s", s->kind, cg_error_get_message (e));
  /* one event per outage and code, not one per retry */
  if (s->error == NULL || cg_error_get_code (s->error) != cg_error_get_code (e)) {
    gw_metric_inc (rec->m_failures, labels[0], labels[1], NULL);
    gw_recorder_emit (rec, "error", e, s->cam->id);
  }
  g_clear_pointer (&s->error, cg_error_unref);
  s->error = g_steal_pointer (&e);
  session_release (s, FAILED_FINALIZE_MS);
  if (s->retry_id == 0 && cg_backoff_next_delay (s->backoff,
          cg_error_get_code (cause), &delay))
    s->retry_id = g_timeout_add (MAX (delay / GST_MSECOND, 1), retry_cb, s);
}

static void
on_branch (GwRecBranch * branch, GwRecBranchEvent what, const gchar * path,
    guint64 size, const CgError * error, gpointer user_data)
{
  Session *s = user_data;
  GwRecorder *rec = s->cam->rec;
  const gchar *labels[] = { s->cam->id, NULL };

  switch (what) {
    case GW_REC_BRANCH_OPENED:
      if (branch != s->branch)
        return;
      g_free (s->current);
      s->current = g_strdup (path);
      cg_backoff_success (s->backoff);
      if (s->error) {
        gw_recorder_emit (rec, "recovery", s->error, s->cam->id);
        g_clear_pointer (&s->error, cg_error_unref);
      }
      break;
    case GW_REC_BRANCH_CLOSED:
      g_free (s->last_file);
      s->last_file = g_path_get_basename (path);
      s->bytes += size;
      s->files++;
      gw_metric_add (rec->m_bytes, size, labels);
      gw_metric_inc (rec->m_files, labels[0], NULL);
      break;
    case GW_REC_BRANCH_FAILED:
      if (branch == s->branch)
        session_fail (s, error);
      break;
  }
}

static CgError *
recording_failed (const CgError * cause)
{
  CgError *e = cg_error_new (CG_CODE_RECORDING_FAILED,
      cg_error_get_message (cause));

  gst_structure_set (cg_error_get_details_writable (e), "cause",
      G_TYPE_STRING, cg_error_get_code_name (cause), NULL);
  return e;
}

/* A branch on @tee, after checking the directory. */
static gboolean
session_attach (Session * s, GstElement * tee, CgError ** error)
{
  const GwCameraSpec *spec = gw_camera_get_spec (s->cam->camera);
  g_autoptr (GError) err = NULL;
  CgError *problem = gw_rec_check_storage (s->cam->dir, NULL);
  guint64 segment = (g_str_equal (s->kind, CONTINUOUS) ? spec->record_segment :
      (s->max_duration_s ? s->max_duration_s : MANUAL_SEGMENT_S)) * GST_SECOND;

  if (problem == NULL) {
    s->branch = gw_rec_branch_attach (tee, s->cam->dir, s->kind, segment,
        on_branch, s, &err);
    if (s->branch == NULL)
      problem = cg_error_new (err->domain == CG_CODE_ERROR ?
          (CgCode) err->code : CG_CODE_PIPELINE_ERROR, err->message);
  }
  if (problem == NULL)
    return TRUE;
  if (error)
    *error = recording_failed (problem);
  session_fail (s, problem);
  cg_error_unref (problem);
  return FALSE;
}

static GstElement *
camera_tee (GwCamera * camera)
{
  const GwPipeline *pipe = gw_camera_get_pipeline (camera);
  GwCameraState state = gw_camera_get_state (camera);

  if (pipe == NULL || state == GW_CAMERA_STATE_FAILED
      || state == GW_CAMERA_STATE_STOPPED)
    return NULL;
  return pipe->tee;
}

/* The session on the camera's current pipeline, if it is on. */
static void
session_sync (Session * s)
{
  GstElement *tee = camera_tee (s->cam->camera);

  if (!s->wanted)
    return;
  if (s->branch && gw_rec_branch_get_tee (s->branch) != tee)
    session_release (s, GW_REC_FINALIZE_TIMEOUT_MS);
  if (s->branch == NULL && tee && s->retry_id == 0)
    session_attach (s, tee, NULL);
}

static void
session_off (Session * s, guint timeout_ms)
{
  s->wanted = FALSE;
  g_clear_handle_id (&s->retry_id, g_source_remove);
  g_clear_handle_id (&s->limit_id, g_source_remove);
  g_clear_pointer (&s->error, cg_error_unref);
  cg_backoff_reset (s->backoff);
  session_release (s, timeout_ms);
}

static const gchar *
session_state (Session * s)
{
  if (!s->wanted)
    return "off";
  if (s->error)
    return "failed";
  if (s->current)
    return "recording";
  return s->branch ? "starting" : "waiting";
}

static void
write_session (Session * s, CgJsonWriter * w)
{
  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "state", session_state (s));
  cg_json_writer_member (w, "file");
  if (s->current) {
    g_autofree gchar *name = g_path_get_basename (s->current);

    cg_json_writer_string (w, name);
  } else {
    cg_json_writer_null (w);
  }
  cg_json_writer_member_double (w, "uptime", s->wanted ?
      (g_get_monotonic_time () - s->started_us) / (gdouble) G_USEC_PER_SEC :
      0.0);
  cg_json_writer_member_int (w, "bytes_finalized", (gint64) s->bytes);
  cg_json_writer_member_int (w, "files_finalized", s->files);
  if (s->max_duration_s)
    cg_json_writer_member_int (w, "max_duration_s", s->max_duration_s);
  cg_json_writer_member (w, "error");
  if (s->error) {
    g_autoptr (CgError) e = recording_failed (s->error);

    cg_error_write_json (e, NULL, w);
  } else {
    cg_json_writer_null (w);
  }
  cg_json_writer_end_object (w);
}

/* The session for a status. Off (the state, the file, the uptime and the
 * error then are "off", null, 0 and null) its text changes only with its
 * counts: it is kept while they stay. */
void
gw_rec_session_describe (Session * s, CgJsonWriter * w)
{
  CgJsonWriter *off;

  if (s->wanted || s->current || s->error) {
    write_session (s, w);
    return;
  }
  if (s->off_json == NULL || s->off_bytes != s->bytes
      || s->off_files != s->files
      || s->off_max_duration_s != s->max_duration_s) {
    off = cg_json_writer_new ();
    write_session (s, off);
    g_free (s->off_json);
    s->off_json = cg_json_writer_free_to_string (off, NULL);
    s->off_bytes = s->bytes;
    s->off_files = s->files;
    s->off_max_duration_s = s->max_duration_s;
  }
  cg_json_writer_raw (w, s->off_json);
}

/* ------------------------------------------------------------------ */
/* cameras                                                              */

static void cam_rec_unref (CamRec * cam);

static gboolean
disconnect_later (gpointer data)
{
  gw_rec_branch_disconnect (data);
  gw_rec_branch_unref (data);
  return G_SOURCE_REMOVE;
}

static gboolean
unref_cam_later (gpointer data)
{
  cam_rec_unref (data);
  return G_SOURCE_REMOVE;
}

static void
on_pipeline_stopping (GwCamera * camera, gpointer user_data)
{
  CamRec *cam = user_data;
  Session *sessions[] = { &cam->manual, &cam->continuous };
  guint i;

  /* the pipeline goes to NULL right after this returns: finalize now,
   * bounded (the camera's own stop blocks the same way) */
  for (i = 0; i < G_N_ELEMENTS (sessions); i++) {
    GwRecBranch *branch = g_steal_pointer (&sessions[i]->branch);

    g_clear_pointer (&sessions[i]->current, g_free);
    if (branch == NULL)
      continue;
    gw_rec_branch_finalize (branch, GW_REC_FINALIZE_TIMEOUT_MS);
    /* its last events (the file closed) are queued: disconnect after */
    g_atomic_int_inc (&cam->refcount);
    g_idle_add_full (G_PRIORITY_LOW, disconnect_later, branch, NULL);
    g_idle_add_full (G_PRIORITY_LOW, unref_cam_later, cam, NULL);
  }
}

static void
cam_rec_unref (CamRec * cam)
{
  if (!g_atomic_int_dec_and_test (&cam->refcount))
    return;
  g_clear_object (&cam->manual.backoff);
  g_clear_object (&cam->continuous.backoff);
  g_free (cam->manual.last_file);
  g_free (cam->continuous.last_file);
  g_free (cam->manual.off_json);
  g_free (cam->continuous.off_json);
  g_object_unref (cam->camera);
  g_free (cam->id);
  g_free (cam->dir);
  g_free (cam);
}

/* Out of the table: its sessions off (finalized on threads). */
static void
cam_rec_retire (gpointer data)
{
  CamRec *cam = data;

  g_clear_signal_handler (&cam->stopping_id, cam->camera);
  session_off (&cam->manual, GW_REC_FINALIZE_TIMEOUT_MS);
  session_off (&cam->continuous, GW_REC_FINALIZE_TIMEOUT_MS);
  cam_rec_unref (cam);
}

static CamRec *
cam_rec_get (GwRecorder * rec, GwCamera * camera)
{
  const gchar *id = gw_camera_get_id (camera);
  CamRec *cam = g_hash_table_lookup (rec->cameras, id);

  if (cam && cam->camera == camera)
    return cam;
  if (cam)                      /* replaced by a camera of the same id */
    g_hash_table_remove (rec->cameras, id);
  cam = g_new0 (CamRec, 1);
  cam->refcount = 1;
  cam->rec = rec;
  cam->camera = g_object_ref (camera);
  cam->id = g_strdup (id);
  cam->dir = gw_recorder_camera_dir (rec, id);
  session_init (&cam->manual, cam, MANUAL);
  session_init (&cam->continuous, cam, CONTINUOUS);
  cam->stopping_id = g_signal_connect (camera, "pipeline-stopping",
      G_CALLBACK (on_pipeline_stopping), cam);
  g_hash_table_insert (rec->cameras, cam->id, cam);
  return cam;
}

/**
 * gw_recorder_follow:
 * @rec: the recorder
 * @camera: a camera that was added or changed state
 *
 * Brings the camera's sessions to its current pipeline: the continuous
 * one on when its spec says `record`, every session on follows a new
 * pipeline, a failed camera's files are finalized. Call it for every
 * camera added and every state change.
 */
void
gw_recorder_follow (GwRecorder * rec, GwCamera * camera)
{
  CamRec *cam;

  if (rec->closing)
    return;
  cam = cam_rec_get (rec, camera);
  if (gw_camera_get_spec (camera)->record && !cam->continuous.wanted) {
    cam->continuous.wanted = TRUE;
    cam->continuous.started_us = g_get_monotonic_time ();
  }
  session_sync (&cam->manual);
  session_sync (&cam->continuous);
}

/**
 * gw_recorder_forget:
 * @rec: the recorder
 * @camera: a camera being removed
 *
 * Stops its recordings (finalized on a thread) and forgets it.
 */
void
gw_recorder_forget (GwRecorder * rec, GwCamera * camera)
{
  CamRec *cam = g_hash_table_lookup (rec->cameras, gw_camera_get_id (camera));

  if (cam && cam->camera == camera)
    g_hash_table_remove (rec->cameras, cam->id);
}

static gboolean
limit_reached (gpointer data)
{
  Session *s = data;

  s->limit_id = 0;
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "CAMERA", s->cam->id,
      "MESSAGE", "manual recording reached its %u s limit", s->max_duration_s);
  session_off (s, GW_REC_FINALIZE_TIMEOUT_MS);
  return G_SOURCE_REMOVE;
}

/**
 * gw_recorder_start:
 * @rec: the recorder
 * @camera: a camera
 * @max_duration_s: stop after this long; 0: until stopped
 * @error: return location: %CG_CODE_CAMERA_BUSY when a manual recording
 *   is on, %CG_CODE_RECORDING_FAILED (details `cause`: the storage or
 *   pipeline code) when it cannot start
 *
 * Starts the camera's manual recording.
 *
 * Returns: whether it started (its first file opens at the next keyframe)
 */
gboolean
gw_recorder_start (GwRecorder * rec, GwCamera * camera, guint max_duration_s,
    CgError ** error)
{
  CamRec *cam;
  Session *s;
  GstElement *tee = camera_tee (camera);

  if (rec->closing) {
    *error = cg_error_new (CG_CODE_SERVICE_UNAVAILABLE, "The gateway is "
        "stopping");
    return FALSE;
  }
  cam = cam_rec_get (rec, camera);
  s = &cam->manual;
  if (s->wanted && s->error) {
    *error = recording_failed (s->error);
    return FALSE;
  }
  if (s->wanted) {
    *error = cg_error_new (CG_CODE_CAMERA_BUSY, "A manual recording of this "
        "camera is on; stop it first");
    return FALSE;
  }
  if (tee == NULL) {
    *error = cg_error_new (CG_CODE_RECORDING_FAILED, "The camera is not "
        "running");
    gst_structure_set (cg_error_get_details_writable (*error), "state",
        G_TYPE_STRING, gw_camera_state_to_string (gw_camera_get_state
            (camera)), NULL);
    return FALSE;
  }
  s->max_duration_s = max_duration_s;
  if (!session_attach (s, tee, error)) {
    session_off (s, FAILED_FINALIZE_MS);
    return FALSE;
  }
  s->wanted = TRUE;
  s->started_us = g_get_monotonic_time ();
  if (max_duration_s)
    s->limit_id = g_timeout_add_seconds (max_duration_s, limit_reached, s);
  return TRUE;
}

/**
 * gw_recorder_stop_async:
 * @rec: the recorder
 * @camera: a camera
 * @func: gets `{camera, stopped, finalized, file}` once the file is
 *   finalized, or RESOURCE_NOT_FOUND when no manual recording is on
 * @user_data: for @func
 *
 * Stops the camera's manual recording; the file is finalized on a thread.
 */
void
gw_recorder_stop_async (GwRecorder * rec, GwCamera * camera,
    GwRecorderStopFunc func, gpointer user_data)
{
  CamRec *cam = cam_rec_get (rec, camera);
  Session *s = &cam->manual;
  g_autoptr (CgError) error = NULL;

  if (!s->wanted || s->stop_func) {
    error = cg_error_new (CG_CODE_RESOURCE_NOT_FOUND, "No manual recording "
        "of this camera is on");
    func (NULL, error, user_data);
    return;
  }
  if (s->branch) {
    s->stop_func = func;
    s->stop_data = user_data;
  }
  g_clear_pointer (&s->last_file, g_free);
  session_off (s, GW_REC_FINALIZE_TIMEOUT_MS);
  if (s->stop_func == NULL)
    func (stop_result (s, TRUE), NULL, user_data);
}

/**
 * gw_recorder_camera_dir:
 * @rec: the recorder
 * @camera_id: a (checked) camera id
 *
 * Returns: (transfer full): `<data-dir>/recordings/<camera-id>`
 */
gchar *
gw_recorder_camera_dir (GwRecorder * rec, const gchar * camera_id)
{
  return g_build_filename (rec->root, camera_id, NULL);
}

/* ------------------------------------------------------------------ */
/* life                                                                 */

static gboolean
finalize_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * gw_recorder_finalize_all:
 * @rec: the recorder
 * @timeout_ms: the bound on the whole
 *
 * Stops every recording and finalizes its file, iterating the
 * thread-default main context until all are done or @timeout_ms passed:
 * for the shutdown, before the camera pipelines go to NULL. No recording
 * starts afterwards.
 *
 * Returns: whether every file was finalized in time
 */
gboolean
gw_recorder_finalize_all (GwRecorder * rec, guint timeout_ms)
{
  GMainContext *ctx = g_main_context_ref_thread_default ();
  gboolean timed_out = FALSE;
  GSource *timer;

  rec->closing = TRUE;
  g_hash_table_remove_all (rec->cameras);
  timer = g_timeout_source_new (timeout_ms);
  g_source_set_callback (timer, finalize_timeout, &timed_out, NULL);
  g_source_attach (timer, ctx);
  while (rec->pending > 0 && !timed_out)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
  g_main_context_unref (ctx);
  return rec->pending == 0;
}

/**
 * gw_recorder_new:
 * @data_dir: the data directory (recordings go to its `recordings/`)
 * @low_space_bytes: STORAGE_LOW below this much free space; 0: never
 * @metrics: (nullable): where the recording counters go
 * @func: receives the recordings' events (for the hub)
 * @user_data: for @func
 *
 * Returns: (transfer full): a recorder with no camera yet
 */
GwRecorder *
gw_recorder_new (const gchar * data_dir, guint64 low_space_bytes,
    GwMetrics * metrics, GwRecorderEventFunc func, gpointer user_data)
{
  GwRecorder *rec = g_new0 (GwRecorder, 1);
  const gchar *const camera[] = { "camera", NULL };
  const gchar *const camera_code[] = { "camera", "code", NULL };

  rec->root = g_build_filename (data_dir, "recordings", NULL);
  rec->low_space = low_space_bytes;
  rec->func = func;
  rec->user_data = user_data;
  rec->cameras = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      cam_rec_retire);
  rec->cancellable = g_cancellable_new ();
  if (metrics) {
    rec->m_bytes = gw_metrics_counter (metrics, "recording_bytes_total",
        "Bytes of recording files finalized", camera);
    rec->m_files = gw_metrics_counter (metrics, "recording_files_total",
        "Recording files finalized", camera);
    rec->m_failures = gw_metrics_counter (metrics,
        "recording_failures_total", "Recording failures by storage code",
        camera_code);
  }
  gw_recorder_set_housekeeping (rec, HOUSEKEEPING_MS);
  return rec;
}

/**
 * gw_recorder_free:
 * @rec: (transfer full) (nullable): the recorder
 *
 * Stops every recording, waiting for the files (gw_recorder_finalize_all(),
 * bounded, unless it was called already), and frees @rec.
 */
void
gw_recorder_free (GwRecorder * rec)
{
  if (rec == NULL)
    return;
  if (!rec->closing)
    gw_recorder_finalize_all (rec, GW_REC_FINALIZE_TIMEOUT_MS);
  g_clear_handle_id (&rec->housekeeping_id, g_source_remove);
  g_cancellable_cancel (rec->cancellable);
  g_object_unref (rec->cancellable);
  g_hash_table_unref (rec->cameras);
  if (rec->pending > 0) {
    /* a finalize thread still runs and will report here: left alive */
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "MESSAGE",
        "%u recordings were still being finalized", rec->pending);
    return;
  }
  g_free (rec->off.off_json);
  g_free (rec->root);
  g_free (rec);
}
