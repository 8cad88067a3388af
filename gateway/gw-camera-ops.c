/* camguard-gateway - what REST routes and JSON-RPC methods do to a camera
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * The operations both front ends share, each answering a catalogue
 * CgError: look a camera up (CAMERA_NOT_FOUND), describe it (spec,
 * credentials redacted, and status), start it, read and set its quality
 * ladder, and take a snapshot off the main loop (cg_snapshot_request_async:
 * SNAPSHOT_FAILED with the camera's last error while it is away).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-camera-ops.h"

/**
 * gw_cg_error_from_gerror:
 * @error: a #GError
 * @fallback: the code of an error outside the %CG_CODE_ERROR domain
 *
 * Returns: (transfer full): the catalogue error of @error
 */
CgError *
gw_cg_error_from_gerror (const GError * error, CgCode fallback)
{
  return cg_error_new (error->domain == CG_CODE_ERROR ? (CgCode) error->code :
      fallback, error->message);
}

/**
 * gw_camera_ops_lookup:
 * @registry: the registry
 * @id: (nullable): a camera id
 * @error: (out) (optional): CAMERA_NOT_FOUND
 *
 * Returns: (transfer none) (nullable): the camera
 */
GwCamera *
gw_camera_ops_lookup (GwRegistry * registry, const gchar * id, CgError ** error)
{
  GwCamera *camera = id ? gw_registry_lookup (registry, id) : NULL;

  if (camera == NULL && error) {
    *error = cg_error_new (CG_CODE_CAMERA_NOT_FOUND, NULL);
    cg_error_set_camera_id (*error, id);
    gst_structure_set (cg_error_get_details_writable (*error), "camera",
        G_TYPE_STRING, id ? id : "", NULL);
  }
  return camera;
}

/**
 * gw_camera_ops_write_describe:
 * @camera: a camera
 * @w: where the description is written, as a value
 *
 * Writes the camera's spec as shown (credentials redacted) with its
 * `status` member (gw_camera_write_status()).
 */
void
gw_camera_ops_write_describe (GwCamera * camera, CgJsonWriter * w)
{
  cg_json_writer_begin_object (w);
  gw_camera_spec_write_members (gw_camera_get_spec (camera), FALSE, w);
  cg_json_writer_member (w, "status");
  gw_camera_write_status (camera, w);
  cg_json_writer_end_object (w);
}

/**
 * gw_camera_ops_write_list:
 * @registry: the registry
 * @w: where the list is written, as a value
 *
 * Writes `{"cameras": [...], "count": N}`, each camera as
 * gw_camera_ops_write_describe() writes it.
 */
void
gw_camera_ops_write_list (GwRegistry * registry, CgJsonWriter * w)
{
  g_autoptr (GPtrArray) cameras = gw_registry_list (registry);
  guint i;

  cg_json_writer_begin_object (w);
  cg_json_writer_member (w, "cameras");
  cg_json_writer_begin_array (w);
  for (i = 0; i < cameras->len; i++)
    gw_camera_ops_write_describe (g_ptr_array_index (cameras, i), w);
  cg_json_writer_end_array (w);
  cg_json_writer_member_int (w, "count", cameras->len);
  cg_json_writer_end_object (w);
}

/**
 * gw_camera_ops_start:
 * @camera: a camera
 * @error: (out) (optional): the code the start failed with
 *
 * Returns: whether the pipeline is starting
 */
gboolean
gw_camera_ops_start (GwCamera * camera, CgError ** error)
{
  g_autoptr (GError) err = NULL;

  if (gw_camera_start (camera, &err))
    return TRUE;
  if (error)
    *error = gw_cg_error_from_gerror (err, CG_CODE_PIPELINE_ERROR);
  return FALSE;
}

/**
 * gw_camera_ops_control:
 * @camera: a camera
 * @what: "start", "stop" or "restart"
 * @error: (out) (optional): the code a start failed with
 *
 * Starts, stops or restarts (stop, then start with a new pipeline) @camera.
 *
 * Returns: %FALSE when a start failed
 */
gboolean
gw_camera_ops_control (GwCamera * camera, const gchar * what, CgError ** error)
{
  if (g_str_equal (what, "stop")) {
    gw_camera_stop (camera);
    return TRUE;
  }
  if (g_str_equal (what, "restart"))
    gw_camera_stop (camera);
  return gw_camera_ops_start (camera, error);
}

static GstElement *
ladder_of (GwCamera * camera, CgError ** error)
{
  const GwPipeline *pipe = gw_camera_get_pipeline (camera);

  if (pipe && pipe->ladder)
    return pipe->ladder;
  *error = cg_error_new (CG_CODE_CAMERA_BUSY, pipe ? "The camera has no "
      "quality ladder (it is passed through without encoding)" :
      "The camera is stopped");
  gst_structure_set (cg_error_get_details_writable (*error), "camera",
      G_TYPE_STRING, gw_camera_get_id (camera), NULL);
  return NULL;
}

/* The ladder the element runs (its `ladder` property), or NULL */
static CgLadder *
ladder_rungs (GstElement * ladder)
{
  g_autofree gchar *text = NULL;

  g_object_get (ladder, "ladder", &text, NULL);
  return text ? cg_ladder_parse (text, NULL) : NULL;
}

/* The highest step of the ladder the element runs: its `step` property
 * takes any int, and the element itself refuses a step past its ladder by
 * keeping the old one (a warning on the bus), which would answer 200. */
static gint
top_step (GstElement * ladder)
{
  g_autoptr (CgLadder) parsed = ladder_rungs (ladder);
  GParamSpecInt *ps = G_PARAM_SPEC_INT (g_object_class_find_property
      (G_OBJECT_GET_CLASS (ladder), "step"));

  if (parsed == NULL || cg_ladder_get_n_rungs (parsed) == 0)
    return ps->maximum;
  return MIN ((gint) cg_ladder_get_n_rungs (parsed) - 1, ps->maximum);
}

static void
write_steps (GstElement * ladder, CgJsonWriter * w)
{
  g_autoptr (CgLadder) rungs = ladder_rungs (ladder);
  guint i;

  cg_json_writer_member (w, "steps");
  cg_json_writer_begin_array (w);
  for (i = 0; rungs && i < cg_ladder_get_n_rungs (rungs); i++)
    cg_json_writer_string (w, cg_ladder_get_rung_name (rungs, i));
  cg_json_writer_end_array (w);
}

/**
 * gw_camera_ops_write_quality:
 * @camera: a camera
 * @w: where the answer is written, as a value (nothing is written on
 *   failure)
 * @error: (out): CAMERA_BUSY when the camera is stopped or not encoded by
 *   the gateway
 *
 * Writes `{mode, step, current_step, steps}` of the camera's qualityladder,
 * `steps` being the names of its ladder's rungs, best first (the steps PUT
 * accepts are their indexes).
 *
 * Returns: %FALSE with @error set when the camera has no ladder running
 */
gboolean
gw_camera_ops_write_quality (GwCamera * camera, CgJsonWriter * w,
    CgError ** error)
{
  GstElement *ladder = ladder_of (camera, error);
  g_autoptr (GEnumClass) modes = NULL;
  GParamSpec *mode_spec;
  GEnumValue *mode;
  gint step, current, mode_value;

  if (ladder == NULL)
    return FALSE;
  mode_spec = g_object_class_find_property (G_OBJECT_GET_CLASS (ladder),
      "mode");
  g_object_get (ladder, "step", &step, "current-step", &current, "mode",
      &mode_value, NULL);
  modes = g_type_class_ref (mode_spec->value_type);
  mode = g_enum_get_value (modes, mode_value);
  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "mode", mode ? mode->value_nick : "");
  cg_json_writer_member_int (w, "step", step);
  cg_json_writer_member_int (w, "current_step", current);
  write_steps (ladder, w);
  cg_json_writer_end_object (w);
  return TRUE;
}

/**
 * gw_camera_ops_set_quality:
 * @camera: a camera
 * @params: `{mode: auto|manual, step: N}` (both optional; a step alone
 *   means manual)
 * @error: (out): VALIDATION_ERROR listing every bad field, or CAMERA_BUSY
 *
 * Returns: whether the ladder took the setting
 */
gboolean
gw_camera_ops_set_quality (GwCamera * camera, JsonNode * params,
    CgError ** error)
{
  static const gchar *const modes[] = { "auto", "manual", NULL };
  GstElement *ladder = ladder_of (camera, error);
  g_autoptr (GwParams) p = NULL;
  g_auto (GStrv) unused = NULL;
  const gchar *mode;
  gint64 step = -1;

  if (ladder == NULL)
    return FALSE;
  p = gw_params_new (params);
  mode = gw_params_get_string (p, "mode", FALSE);
  if (mode && !g_strv_contains (modes, mode))
    gw_params_add_error (p, "mode", "expected auto or manual");
  gw_params_get_int (p, "step", FALSE, 0, top_step (ladder), &step);
  gw_params_reject_unknown (p);
  if (!gw_params_finish (p, error))
    return FALSE;
  if (mode == NULL)
    mode = step >= 0 ? "manual" : NULL;
  if (mode)
    gst_util_set_object_arg (G_OBJECT (ladder), "mode", mode);
  if (step >= 0)
    g_object_set (ladder, "step", (gint) step, NULL);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* snapshots                                                            */

/**
 * gw_snapshot_free:
 * @snapshot: a snapshot
 */
void
gw_snapshot_free (GwSnapshot * snapshot)
{
  g_bytes_unref (snapshot->jpeg);
  g_free (snapshot);
}

/**
 * gw_camera_ops_snapshot_error:
 * @camera: a camera
 * @why: the message
 *
 * Returns: (transfer full): SNAPSHOT_FAILED with the camera, its state and
 *   its last error (`last-error-code`, `last-error-message`) in details
 */
CgError *
gw_camera_ops_snapshot_error (GwCamera * camera, const gchar * why)
{
  CgError *e = cg_error_new (CG_CODE_SNAPSHOT_FAILED, why);
  g_autoptr (CgError) last = gw_camera_get_last_error (camera);
  GstStructure *d = cg_error_get_details_writable (e);

  cg_error_set_camera_id (e, gw_camera_get_id (camera));
  gst_structure_set (d, "camera", G_TYPE_STRING, gw_camera_get_id (camera),
      "state", G_TYPE_STRING,
      gw_camera_state_to_string (gw_camera_get_state (camera)), NULL);
  if (last)
    gst_structure_set (d, "last-error-code", G_TYPE_STRING,
        cg_error_get_code_name (last), "last-error-message", G_TYPE_STRING,
        cg_error_get_message (last), NULL);
  return e;
}

/* What a snapshot task keeps: when it began, where it is counted, and its
 * error once it failed. */
typedef struct
{
  gint64 started;
  GwMetrics *metrics;
  CgError *error;
} SnapshotJob;

static void
snapshot_job_free (SnapshotJob * job)
{
  g_clear_pointer (&job->error, cg_error_unref);
  g_free (job);
}

/* snapshots_total{result} and snapshot_duration_seconds{result} */
static void
count_snapshot (SnapshotJob * job, const gchar * result)
{
  const gchar *const labels[] = { "result", NULL };
  const gchar *const values[] = { result, NULL };
  const gdouble buckets[] = { 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5 };

  if (job->metrics == NULL)
    return;
  gw_metric_inc (gw_metrics_counter (job->metrics, "snapshots_total",
          "Snapshots served and failed", labels), result, NULL);
  gw_metric_observe (gw_metrics_histogram (job->metrics,
          "snapshot_duration_seconds", "Time to answer a snapshot", labels,
          buckets, G_N_ELEMENTS (buckets)),
      (g_get_monotonic_time () - job->started) / (gdouble) G_USEC_PER_SEC,
      values);
}

/* A failed task keeps its CgError in its job and returns NULL. */
static void
fail_task (GTask * task, CgError * error)
{
  SnapshotJob *job = g_task_get_task_data (task);

  job->error = error;
  count_snapshot (job, "failed");
  g_task_return_pointer (task, NULL, NULL);
}

static void
snapshot_done (GObject * source, GAsyncResult * result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GwCamera *camera = g_task_get_source_object (task);
  g_autoptr (GError) err = NULL;
  g_autoptr (GstSample) sample = cg_snapshot_request_finish (GST_ELEMENT
      (source), result, &err);
  const GstStructure *info;
  GwSnapshot *snap;
  GstBuffer *buf;
  GstMapInfo map;
  guint64 age = 0;

  if (sample == NULL) {
    CgError *e = gw_camera_ops_snapshot_error (camera, err->message);

    if (err->domain == CG_CODE_ERROR)
      gst_structure_set (cg_error_get_details_writable (e), "cause",
          G_TYPE_STRING, cg_code_to_name ((CgCode) err->code), NULL);
    fail_task (task, e);
    return;
  }
  info = gst_sample_get_info (sample);
  if (info)
    gst_structure_get_uint64 (info, "age", &age);
  buf = gst_sample_get_buffer (sample);
  gst_buffer_map (buf, &map, GST_MAP_READ);
  snap = g_new0 (GwSnapshot, 1);
  snap->jpeg = g_bytes_new (map.data, map.size);
  snap->age_ms = age / GST_MSECOND;
  gst_buffer_unmap (buf, &map);
  count_snapshot (g_task_get_task_data (task), "served");
  g_task_return_pointer (task, snap, (GDestroyNotify) gw_snapshot_free);
}

static GTask *
snapshot_task_new (GwCamera * camera, GwMetrics * metrics,
    GCancellable * cancellable, GAsyncReadyCallback callback,
    gpointer user_data)
{
  GTask *task = g_task_new (camera, cancellable, callback, user_data);
  SnapshotJob *job = g_new0 (SnapshotJob, 1);

  job->started = g_get_monotonic_time ();
  job->metrics = metrics;
  g_task_set_task_data (task, job, (GDestroyNotify) snapshot_job_free);
  return task;
}

/**
 * gw_camera_ops_snapshot_async:
 * @camera: a camera
 * @width: largest width, 0 for the camera's default
 * @height: largest height, 0 for the default
 * @quality: JPEG quality 1..100, 0 for the default
 * @metrics: (nullable): where snapshots are counted (`snapshots_total`,
 *   `snapshot_duration_seconds`, by result: served or failed)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: its data
 *
 * A JPEG of the camera's last frame, encoded on a worker thread. While the
 * camera is not running it fails at once with SNAPSHOT_FAILED and the
 * camera's last error in details.
 */
void
gw_camera_ops_snapshot_async (GwCamera * camera, guint width, guint height,
    guint quality, GwMetrics * metrics, GCancellable * cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = snapshot_task_new (camera, metrics, cancellable, callback,
      user_data);
  const GwPipeline *pipe = gw_camera_get_pipeline (camera);

  if (pipe == NULL || gw_camera_get_state (camera) != GW_CAMERA_STATE_RUNNING) {
    fail_task (task, gw_camera_ops_snapshot_error (camera,
            "The camera is not running"));
    g_object_unref (task);
    return;
  }
  cg_snapshot_request_async (pipe->snapshot, "image/jpeg", width, height,
      quality, cancellable, snapshot_done, task);
}

/* A `fresh` snapshot waiting for the next frame through snapshottap. */
typedef struct
{
  gatomicrefcount ref;
  GwCamera *camera;
  guint width, height, quality, timeout_ms;
  GwMetrics *metrics;
  GCancellable *cancellable;
  GAsyncReadyCallback callback;
  gpointer user_data;
  GMainContext *context;
  GstPad *pad;
  gulong probe;
  GSource *timeout;
  gint fired;                   /* atomic: frame or timeout, once */
} FreshWait;

static FreshWait *
fresh_ref (FreshWait * w)
{
  g_atomic_ref_count_inc (&w->ref);
  return w;
}

static void
fresh_unref (gpointer data)
{
  FreshWait *w = data;

  if (!g_atomic_ref_count_dec (&w->ref))
    return;
  g_clear_pointer (&w->timeout, g_source_unref);
  gst_clear_object (&w->pad);
  g_clear_object (&w->cancellable);
  g_main_context_unref (w->context);
  g_object_unref (w->camera);
  g_free (w);
}

/* Main context: a frame newer than the request went through the tap. */
static gboolean
fresh_frame_arrived (gpointer data)
{
  FreshWait *w = data;

  g_source_destroy (w->timeout);
  gw_camera_ops_snapshot_async (w->camera, w->width, w->height, w->quality,
      w->metrics, w->cancellable, w->callback, w->user_data);
  return G_SOURCE_REMOVE;
}

/* Streaming thread: snapshottap holds the buffer once it leaves the tap. */
static GstPadProbeReturn
fresh_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  FreshWait *w = data;
  GSource *idle;

  if (!g_atomic_int_compare_and_exchange (&w->fired, 0, 1))
    return GST_PAD_PROBE_REMOVE;
  idle = g_idle_source_new ();
  g_source_set_callback (idle, fresh_frame_arrived, fresh_ref (w), fresh_unref);
  g_source_attach (idle, w->context);
  g_source_unref (idle);
  return GST_PAD_PROBE_REMOVE;
}

static gboolean
fresh_timed_out (gpointer data)
{
  FreshWait *w = data;
  g_autofree gchar *why = NULL;
  GTask *task;
  CgError *e;

  if (!g_atomic_int_compare_and_exchange (&w->fired, 0, 1))
    return G_SOURCE_REMOVE;
  gst_pad_remove_probe (w->pad, w->probe);
  why = g_strdup_printf ("No new frame within %u ms", w->timeout_ms);
  e = gw_camera_ops_snapshot_error (w->camera, why);
  gst_structure_set (cg_error_get_details_writable (e), "mode",
      G_TYPE_STRING, "fresh", "timeout_ms", G_TYPE_UINT, w->timeout_ms, NULL);
  task = snapshot_task_new (w->camera, w->metrics, w->cancellable,
      w->callback, w->user_data);
  fail_task (task, e);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/**
 * gw_camera_ops_snapshot_fresh_async:
 * @camera: a camera
 * @width: largest width, 0 for the camera's default
 * @height: largest height, 0 for the default
 * @quality: JPEG quality 1..100, 0 for the default
 * @metrics: (nullable): where snapshots are counted
 * @timeout_ms: how long to wait for the next frame
 * @cancellable: (nullable): a #GCancellable, for the encode
 * @callback: called on the thread-default main context; finish with
 *   gw_camera_ops_snapshot_finish()
 * @user_data: its data
 *
 * Like gw_camera_ops_snapshot_async(), but of a frame that reaches the
 * camera's snapshottap after this call (a pad probe on its source pad
 * waits for the next buffer), for clients that must not get a frame older
 * than their request. No frame within @timeout_ms: SNAPSHOT_FAILED (details
 * mode=fresh, timeout_ms). A camera that is not running fails at once.
 */
void
gw_camera_ops_snapshot_fresh_async (GwCamera * camera, guint width,
    guint height, guint quality, GwMetrics * metrics, guint timeout_ms,
    GCancellable * cancellable, GAsyncReadyCallback callback,
    gpointer user_data)
{
  const GwPipeline *pipe = gw_camera_get_pipeline (camera);
  FreshWait *w;

  if (pipe == NULL || gw_camera_get_state (camera) != GW_CAMERA_STATE_RUNNING) {
    gw_camera_ops_snapshot_async (camera, width, height, quality, metrics,
        cancellable, callback, user_data);
    return;
  }
  w = g_new0 (FreshWait, 1);
  w->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  g_atomic_ref_count_init (&w->ref);
  w->camera = g_object_ref (camera);
  w->width = width;
  w->height = height;
  w->quality = quality;
  w->timeout_ms = timeout_ms;
  w->metrics = metrics;
  w->callback = callback;
  w->user_data = user_data;
  w->context = g_main_context_ref_thread_default ();
  w->pad = gst_element_get_static_pad (pipe->snapshot, "src");
  w->timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (w->timeout, fresh_timed_out, fresh_ref (w),
      fresh_unref);
  g_source_attach (w->timeout, w->context);
  w->probe = gst_pad_add_probe (w->pad, GST_PAD_PROBE_TYPE_BUFFER,
      fresh_probe, w, fresh_unref);
}

/**
 * gw_camera_ops_snapshot_finish:
 * @camera: a camera
 * @result: the result
 * @error: (out): SNAPSHOT_FAILED (details: camera, state, the last error,
 *   the element's cause)
 *
 * Returns: (transfer full) (nullable): the snapshot
 */
GwSnapshot *
gw_camera_ops_snapshot_finish (GwCamera * camera, GAsyncResult * result,
    CgError ** error)
{
  GTask *task = G_TASK (result);
  GwSnapshot *snap = g_task_propagate_pointer (task, NULL);

  if (snap == NULL) {
    SnapshotJob *job = g_task_get_task_data (task);

    *error = job->error ? cg_error_ref (job->error) :
        cg_error_new (CG_CODE_SNAPSHOT_FAILED, NULL);
  }
  return snap;
}

static void
parse_dimension (GwParams * params, const gchar * name, const gchar * text,
    guint64 min, guint64 max, guint * value)
{
  guint64 v = 0;

  *value = 0;
  if (text == NULL)
    return;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &v, NULL)) {
    g_autofree gchar *reason = g_strdup_printf ("expected an integer in "
        "[%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "]", min, max);

    gw_params_add_error (params, name, reason);
    return;
  }
  *value = (guint) v;
}

/**
 * gw_camera_ops_snapshot_mode:
 * @params: where a bad mode is listed (with the allowed values)
 * @mode: (nullable): the `mode` parameter as given: `latest` (the default)
 *   or `fresh`
 *
 * Returns: whether the snapshot must be of a frame that arrives after the
 *   request (gw_camera_ops_snapshot_fresh_async())
 */
gboolean
gw_camera_ops_snapshot_mode (GwParams * params, const gchar * mode)
{
  if (mode && !g_str_equal (mode, "latest") && !g_str_equal (mode, "fresh"))
    gw_params_add_error (params, "mode", "expected one of: latest, fresh");
  return g_strcmp0 (mode, "fresh") == 0;
}

/**
 * gw_camera_ops_snapshot_params:
 * @params: where bad fields are listed
 * @width: (nullable): the `width` parameter as given
 *   (%CG_SNAPSHOT_MIN_SIZE..%GW_SNAPSHOT_MAX_WIDTH)
 * @height: (nullable): the `height` parameter
 *   (%CG_SNAPSHOT_MIN_SIZE..%GW_SNAPSHOT_MAX_HEIGHT)
 * @quality: (nullable): the `quality` parameter (1..100)
 * @w: (out): the width, 0 when absent or bad
 * @h: (out): the height
 * @q: (out): the quality
 *
 * Reads the snapshot parameters of a query string (REST) the same way for
 * every caller.
 */
void
gw_camera_ops_snapshot_params (GwParams * params, const gchar * width,
    const gchar * height, const gchar * quality, guint * w, guint * h,
    guint * q)
{
  parse_dimension (params, "width", width, CG_SNAPSHOT_MIN_SIZE,
      GW_SNAPSHOT_MAX_WIDTH, w);
  parse_dimension (params, "height", height, CG_SNAPSHOT_MIN_SIZE,
      GW_SNAPSHOT_MAX_HEIGHT, h);
  parse_dimension (params, "quality", quality, 1, 100, q);
}
