/* camguard-gateway - the supervisor of one camera
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-camera
 * @title: Camera supervisor
 * @short_description: one camera's pipeline, bus, state and events
 *
 * A #GwCamera owns one camera's pipeline (gw-pipeline.c), watches its bus
 * on the main context that was the thread-default one when it started, and
 * turns what it sees into a state and events:
 *
 * | state    | when |
 * |----------|------|
 * | stopped  | never started, or stopped |
 * | starting | started; retrysrc has not delivered a buffer yet |
 * | running  | retrysrc's status is running |
 * | retrying | retrysrc's status is failing, waiting or circuit-open |
 * | failed   | retrysrc gave up, the pipeline posted an ERROR, or it could not be built or started |
 *
 * retrysrc's `status` notifications are re-posted on the pipeline's bus
 * (an application message `gw-source-status`), so that they reach the main
 * context in order with retrysrc's `camguard-retry` messages.
 *
 * Every bus message goes through a #CgClassifier (never through its text);
 * each classified #CgError, each `camguard-retry` message (retry,
 * recovery, gave-up, circuit-open) and each qualityladder step
 * (`camguard-quality`, classified on its own with cg_classify_message() so
 * that repeated steps are not folded; a step back to the top carries no
 * error) is emitted as #GwCamera::event with the camera id set on the
 * error. The last error
 * (not warning) is kept for the status.
 *
 * Stopping sets the pipeline to NULL on a helper thread and waits at most
 * %GW_CAMERA_STOP_TIMEOUT_MS; a pipeline that does not get there in time is
 * abandoned (logged) so that the gateway can still exit.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-camera-private.h"

GST_DEBUG_CATEGORY_STATIC (gw_camera_debug);
#define GST_CAT_DEFAULT gw_camera_debug

G_DEFINE_TYPE (GwCamera, gw_camera, G_TYPE_OBJECT);

enum
{
  SIGNAL_EVENT,
  SIGNAL_STATE_CHANGED,
  SIGNAL_PIPELINE_STOPPING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * gw_camera_set_status_func:
 * @camera: a camera
 * @func: (nullable): called on the main context while the status is
 *   written, inside its object, so that the outputs fed from the camera
 *   (live viewers, recordings...) add their members; %NULL for none
 * @user_data: for @func
 *
 * A plain call rather than a signal: the status is the gateway's busiest
 * document, and an emission costs more than what most outputs write.
 */
void
gw_camera_set_status_func (GwCamera * camera, GwCameraStatusFunc func,
    gpointer user_data)
{
  g_return_if_fail (GW_IS_CAMERA (camera));
  camera->status_func = func;
  camera->status_data = user_data;
}

/**
 * gw_camera_changed:
 * @camera: a camera
 *
 * Any thread: something the status shows may have changed; the next
 * status reads it again (gw-camera-status.c).
 */
void
gw_camera_changed (GwCamera * camera)
{
  g_atomic_int_inc (&camera->changes);
}

static const gchar *const state_names[] = {
  "stopped", "starting", "running", "retrying", "failed"
};

/**
 * gw_camera_state_to_string:
 * @state: a camera state
 *
 * Returns: the state's name: stopped, starting, running, retrying, failed
 */
const gchar *
gw_camera_state_to_string (GwCameraState state)
{
  g_return_val_if_fail (state <= GW_CAMERA_STATE_FAILED, NULL);
  return state_names[state];
}

static void
log_camera (GwCamera * self, GLogLevelFlags level, CgError * error,
    const gchar * message)
{
  g_autofree gchar *text = cg_redact (message);

  g_log_structured (G_LOG_DOMAIN, level, "CAMERA", self->spec->id,
      "CODE", error ? cg_error_get_code_name (error) : "",
      "MESSAGE", "%s", text);
}

static void
set_state (GwCamera * self, GwCameraState state)
{
  GwCameraState old = self->state;
  g_autofree gchar *text = NULL;

  if (old == state)
    return;
  self->state = state;
  text = g_strdup_printf ("camera %s: %s -> %s", self->spec->id,
      state_names[old], state_names[state]);
  log_camera (self, state == GW_CAMERA_STATE_FAILED ? G_LOG_LEVEL_WARNING :
      G_LOG_LEVEL_MESSAGE, state == GW_CAMERA_STATE_FAILED ? self->last_error :
      NULL, text);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, (guint) old,
      (guint) state);
}

static void
emit_event (GwCamera * self, const gchar * kind, CgError * error)
{
  g_autofree gchar *text = NULL;

  if (error) {
    cg_error_set_camera_id (error, self->spec->id);
    if (g_str_equal (kind, GW_EVENT_ERROR) || g_str_equal (kind,
            GW_EVENT_GAVE_UP) || g_str_equal (kind, GW_EVENT_RETRY)) {
      g_clear_pointer (&self->last_error, cg_error_unref);
      self->last_error = cg_error_ref (error);
    }
  }
  text = g_strdup_printf ("%s%s%s", kind, error ? ": " : "",
      error ? cg_error_get_message (error) : "");
  log_camera (self, g_str_equal (kind, GW_EVENT_ERROR)
      || g_str_equal (kind, GW_EVENT_GAVE_UP) ? G_LOG_LEVEL_WARNING :
      G_LOG_LEVEL_MESSAGE, error, text);
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, kind, error);
}

/* ------------------------------------------------------------------ */
/* the bus                                                             */

gchar *
gw_camera_enum_nick (GObject * object, const gchar * property)
{
  GParamSpec *ps = g_object_class_find_property (G_OBJECT_GET_CLASS (object),
      property);
  GValue v = G_VALUE_INIT;
  GEnumValue *ev;
  gchar *nick;

  if (ps == NULL || !G_IS_PARAM_SPEC_ENUM (ps))
    return NULL;
  g_value_init (&v, ps->value_type);
  g_object_get_property (object, property, &v);
  ev = g_enum_get_value (G_PARAM_SPEC_ENUM (ps)->enum_class,
      g_value_get_enum (&v));
  nick = ev ? g_strdup (ev->value_nick) : NULL;
  g_value_unset (&v);
  return nick;
}

static void
on_source_status (GwCamera * self)
{
  g_autofree gchar *status = gw_camera_enum_nick (G_OBJECT (self->pipe->source),
      "status");

  if (status == NULL || self->state == GW_CAMERA_STATE_STOPPED)
    return;
  if (g_str_equal (status, "running"))
    set_state (self, GW_CAMERA_STATE_RUNNING);
  else if (g_str_equal (status, "failing") || g_str_equal (status, "waiting")
      || g_str_equal (status, "circuit-open"))
    set_state (self, GW_CAMERA_STATE_RETRYING);
  else if (g_str_equal (status, "failed"))
    set_state (self, GW_CAMERA_STATE_FAILED);
}

static void
on_retry_message (GwCamera * self, const GstStructure * s)
{
  const gchar *event = gst_structure_get_string (s, "event");
  const GValue *ev = gst_structure_get_value (s, "error");
  g_autoptr (CgError) error = NULL;
  const gchar *kind;

  if (ev && GST_VALUE_HOLDS_STRUCTURE (ev))
    error = cg_error_from_structure (gst_value_get_structure (ev));
  if (g_strcmp0 (event, "retrying") == 0)
    kind = GW_EVENT_RETRY;
  else if (g_strcmp0 (event, "recovered") == 0)
    kind = GW_EVENT_RECOVERY;
  else if (g_strcmp0 (event, "gave-up") == 0)
    kind = GW_EVENT_GAVE_UP;
  else if (g_strcmp0 (event, "circuit-open") == 0)
    kind = GW_EVENT_CIRCUIT_OPEN;
  else
    return;
  if (error) {
    GstStructure *d = cg_error_get_details_writable (error);
    guint attempt;
    guint64 ns;

    if (gst_structure_get_uint (s, "attempt", &attempt))
      gst_structure_set (d, "attempt", G_TYPE_UINT, attempt, NULL);
    if (gst_structure_get_uint64 (s, "next-delay", &ns))
      gst_structure_set (d, "next-delay-ms", G_TYPE_UINT64, ns / GST_MSECOND,
          NULL);
    if (gst_structure_get_uint64 (s, "outage", &ns))
      gst_structure_set (d, "outage-ms", G_TYPE_UINT64, ns / GST_MSECOND, NULL);
  }
  if (g_str_equal (kind, GW_EVENT_RECOVERY))
    cg_classifier_reset (self->classifier);
  emit_event (self, kind, error);
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * message, gpointer user_data)
{
  GwCamera *self = user_data;
  const GstStructure *s = gst_message_get_structure (message);
  g_autoptr (CgError) error = NULL;

  /* anything the pipeline says may come with new source statistics */
  gw_camera_changed (self);

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_APPLICATION && s
      && gst_structure_has_name (s, SOURCE_STATUS_MESSAGE)) {
    on_source_status (self);
    return G_SOURCE_CONTINUE;
  }
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ELEMENT && s
      && gst_structure_has_name (s, "camguard-retry")) {
    on_retry_message (self, s);
    return G_SOURCE_CONTINUE;
  }
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ELEMENT && s
      && gst_structure_has_name (s, "camguard-quality")) {
    /* every step is an event of its own, never folded into an incident;
     * back at the top step there is no error */
    error = cg_classify_message (message);
    emit_event (self, GW_EVENT_QUALITY, error);
    return G_SOURCE_CONTINUE;
  }
  error = cg_classifier_push (self->classifier, message);
  if (error == NULL)
    return G_SOURCE_CONTINUE;
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR
      || GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    emit_event (self, GW_EVENT_ERROR, error);
  else
    emit_event (self, GW_EVENT_WARNING, error);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR
      && !cg_error_is_secondary (error))
    set_state (self, GW_CAMERA_STATE_FAILED);
  return G_SOURCE_CONTINUE;
}

/* Any thread: retrysrc's status changed; hop to the bus. */
static void
on_status_notify (GObject * source, GParamSpec * pspec, gpointer user_data)
{
  gw_camera_changed (user_data);
  gst_element_post_message (GST_ELEMENT (source),
      gst_message_new_application (GST_OBJECT (source),
          gst_structure_new_empty (SOURCE_STATUS_MESSAGE)));
}

/* Any thread: a ladder property changed (current-step from the streaming
 * thread, mode and the others on g_object_set(); setting the ladder's
 * steps may move the current step without a current-step notification). */
static void
on_ladder_notify (GObject * ladder, GParamSpec * pspec, gpointer user_data)
{
  gw_camera_changed (user_data);
}

static GstPadProbeReturn
count_frame (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GwCamera *self = user_data;

  g_atomic_int_inc (&self->frames);
  return GST_PAD_PROBE_OK;
}

static gboolean
fps_tick (gpointer user_data)
{
  GwCamera *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint frames = g_atomic_int_get (&self->frames);

  if (now > self->tick_time)
    self->fps = (frames - self->frames_at_tick) * (gdouble) G_USEC_PER_SEC /
        (now - self->tick_time);
  self->frames_at_tick = frames;
  self->tick_time = now;
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* start and stop                                                      */

typedef struct
{
  GstElement *pipeline;
  GMutex lock;
  GCond cond;
  gboolean done;
  gint refs;
} StopJob;

static void
stop_job_unref (StopJob * job)
{
  if (!g_atomic_int_dec_and_test (&job->refs))
    return;
  gst_object_unref (job->pipeline);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_free (job);
}

static gpointer
stop_thread (gpointer data)
{
  StopJob *job = data;

  gst_element_set_state (job->pipeline, GST_STATE_NULL);
  g_mutex_lock (&job->lock);
  job->done = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
  stop_job_unref (job);
  return NULL;
}

/**
 * gw_pipeline_stop_bounded:
 * @pipeline: a pipeline
 * @timeout_ms: how long to wait
 *
 * Sets @pipeline to NULL on a helper thread and waits for it at most
 * @timeout_ms. When the time is up the helper keeps its own reference and
 * finishes (or hangs) on its own.
 *
 * Returns: whether @pipeline reached NULL in time
 */
gboolean
gw_pipeline_stop_bounded (GstElement * pipeline, guint timeout_ms)
{
  StopJob *job = g_new0 (StopJob, 1);
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean done;

  job->pipeline = gst_object_ref (pipeline);
  job->refs = 2;
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  g_thread_unref (g_thread_new ("gw-stop", stop_thread, job));
  g_mutex_lock (&job->lock);
  while (!job->done && g_cond_wait_until (&job->cond, &job->lock, end));
  done = job->done;
  g_mutex_unlock (&job->lock);
  stop_job_unref (job);
  return done;
}

/* Stops and drops the pipeline; returns whether it reached NULL in time. */
static gboolean
teardown (GwCamera * self)
{
  gboolean in_time;
  GstBus *bus;
  GstPad *pad;

  if (self->pipe == NULL)
    return TRUE;
  g_signal_emit (self, signals[SIGNAL_PIPELINE_STOPPING], 0);
  g_signal_handlers_disconnect_by_func (self->pipe->source, on_status_notify,
      self);
  if (self->pipe->ladder)
    g_clear_signal_handler (&self->ladder_notify, self->pipe->ladder);
  pad = gst_element_get_static_pad (self->pipe->tee, "sink");
  gst_pad_remove_probe (pad, self->probe);
  gst_object_unref (pad);
  in_time = gw_pipeline_stop_bounded (self->pipe->pipeline,
      GW_CAMERA_STOP_TIMEOUT_MS);
  if (!in_time)
    log_camera (self, G_LOG_LEVEL_WARNING, NULL, "the pipeline did not stop "
        "in time and was abandoned");
  bus = gst_element_get_bus (self->pipe->pipeline);
  gst_bus_remove_watch (bus);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  self->bus_watch = 0;
  g_clear_handle_id (&self->fps_timer, g_source_remove);
  g_clear_pointer (&self->pipe, gw_pipeline_free);
  gw_camera_forget_status (self);
  self->fps = 0;
  return in_time;
}

static void
fail_start (GwCamera * self, const GError * err)
{
  g_autoptr (CgError) e = cg_error_new (err->domain == CG_CODE_ERROR ?
      (CgCode) err->code : CG_CODE_PIPELINE_ERROR, err->message);

  emit_event (self, GW_EVENT_ERROR, e);
  set_state (self, GW_CAMERA_STATE_FAILED);
}

/**
 * gw_camera_start:
 * @camera: a camera
 * @error: return location for a %CG_CODE_ERROR when the pipeline cannot be
 *   built or started
 *
 * Builds the pipeline and sets it to PLAYING; a camera that is not
 * stopped is restarted. The bus is watched on the thread-default main
 * context. A camera that cannot be reached is not a failure to start: it
 * shows as retrying.
 *
 * Returns: %TRUE when the pipeline is starting; else the camera is failed
 */
gboolean
gw_camera_start (GwCamera * camera, GError ** error)
{
  g_autoptr (GError) err = NULL;
  GstBus *bus;
  GstPad *pad;

  g_return_val_if_fail (GW_IS_CAMERA (camera), FALSE);
  teardown (camera);
  cg_classifier_reset (camera->classifier);
  camera->pipe = gw_pipeline_build (camera->spec, &err);
  if (camera->pipe == NULL) {
    fail_start (camera, err);
    g_propagate_error (error, g_steal_pointer (&err));
    return FALSE;
  }
  bus = gst_element_get_bus (camera->pipe->pipeline);
  camera->bus_watch = gst_bus_add_watch (bus, on_bus_message, camera);
  gst_object_unref (bus);
  g_signal_connect (camera->pipe->source, "notify::status",
      G_CALLBACK (on_status_notify), camera);
  if (camera->pipe->ladder)
    camera->ladder_notify = g_signal_connect (camera->pipe->ladder, "notify",
        G_CALLBACK (on_ladder_notify), camera);
  pad = gst_element_get_static_pad (camera->pipe->tee, "sink");
  camera->probe = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      count_frame, camera, NULL);
  gst_object_unref (pad);
  camera->tick_time = g_get_monotonic_time ();
  camera->frames_at_tick = g_atomic_int_get (&camera->frames);
  camera->fps_timer = g_timeout_add_seconds (1, fps_tick, camera);
  camera->started_at = g_get_monotonic_time ();
  set_state (camera, GW_CAMERA_STATE_STARTING);
  if (gst_element_set_state (camera->pipe->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_autoptr (CgError) cause = cg_classifier_get_cause (camera->classifier);

    g_set_error (&err, CG_CODE_ERROR, cause ? cg_error_get_code (cause) :
        CG_CODE_PIPELINE_ERROR, "camera %s cannot start%s%s",
        camera->spec->id, cause ? ": " : "",
        cause ? cg_error_get_message (cause) : "");
    teardown (camera);
    camera->started_at = 0;
    fail_start (camera, err);
    g_propagate_error (error, g_steal_pointer (&err));
    return FALSE;
  }
  return TRUE;
}

/**
 * gw_camera_stop:
 * @camera: a camera
 *
 * Sets the pipeline to NULL (bounded by %GW_CAMERA_STOP_TIMEOUT_MS) and
 * drops it; the camera is stopped.
 *
 * Returns: %TRUE when the pipeline reached NULL in time (or there was none)
 */
gboolean
gw_camera_stop (GwCamera * camera)
{
  gboolean in_time;

  g_return_val_if_fail (GW_IS_CAMERA (camera), FALSE);
  in_time = teardown (camera);
  camera->started_at = 0;
  set_state (camera, GW_CAMERA_STATE_STOPPED);
  return in_time;
}

/**
 * gw_camera_restart:
 * @camera: a camera
 * @error: as for gw_camera_start()
 *
 * Stops and starts @camera with a new pipeline.
 *
 * Returns: as gw_camera_start()
 */
gboolean
gw_camera_restart (GwCamera * camera, GError ** error)
{
  gw_camera_stop (camera);
  return gw_camera_start (camera, error);
}

/* ------------------------------------------------------------------ */
/* accessors and the type                                              */

/**
 * gw_camera_get_spec:
 * @camera: a camera
 *
 * Returns: (transfer none): the camera's spec
 */
const GwCameraSpec *
gw_camera_get_spec (GwCamera * camera)
{
  return camera->spec;
}

/**
 * gw_camera_get_id:
 * @camera: a camera
 *
 * Returns: (transfer none): the camera's id
 */
const gchar *
gw_camera_get_id (GwCamera * camera)
{
  return camera->spec->id;
}

/**
 * gw_camera_get_state:
 * @camera: a camera
 *
 * Returns: the camera's state
 */
GwCameraState
gw_camera_get_state (GwCamera * camera)
{
  return camera->state;
}

/**
 * gw_camera_get_last_error:
 * @camera: a camera
 *
 * Returns: (transfer full) (nullable): the last error (retries included,
 *   warnings not), with the camera id set
 */
CgError *
gw_camera_get_last_error (GwCamera * camera)
{
  return camera->last_error ? cg_error_ref (camera->last_error) : NULL;
}

/**
 * gw_camera_get_pipeline:
 * @camera: a camera
 *
 * The running pipeline and the elements outputs attach to: `tee` (the
 * "outputs" tee, H.264/H.265: request a pad per output), `snapshot` (the
 * snapshottap for cg_snapshot_request_async()), `ladder` (the qualityladder
 * of a raw camera, else %NULL) and `source` (retrysrc).
 *
 * Returns: (transfer none) (nullable): the pipeline, %NULL when stopped
 */
const GwPipeline *
gw_camera_get_pipeline (GwCamera * camera)
{
  return camera->pipe;
}

/**
 * gw_camera_new:
 * @spec: a checked spec (copied)
 *
 * Returns: (transfer full): a stopped camera
 */
GwCamera *
gw_camera_new (const GwCameraSpec * spec)
{
  GwCamera *self = g_object_new (GW_TYPE_CAMERA, NULL);

  self->spec = gw_camera_spec_copy (spec);
  return self;
}

static void
gw_camera_dispose (GObject * object)
{
  GwCamera *self = GW_CAMERA (object);

  teardown (self);
  G_OBJECT_CLASS (gw_camera_parent_class)->dispose (object);
}

static void
gw_camera_finalize (GObject * object)
{
  GwCamera *self = GW_CAMERA (object);

  g_clear_pointer (&self->last_error, cg_error_unref);
  gw_camera_forget_status (self);
  g_clear_object (&self->classifier);
  gw_camera_spec_free (self->spec);
  G_OBJECT_CLASS (gw_camera_parent_class)->finalize (object);
}

static void
gw_camera_class_init (GwCameraClass * klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);

  oc->dispose = gw_camera_dispose;
  oc->finalize = gw_camera_finalize;

  GST_DEBUG_CATEGORY_INIT (gw_camera_debug, "gw-camera", 0,
      "camguard-gateway camera supervisor");

  /**
   * GwCamera::event:
   * @camera: the camera
   * @kind: error, warning, retry, recovery, gave-up, circuit-open or
   *   quality (the GW_EVENT_ macros)
   * @error: (nullable): the classified error with its catalogue code and
   *   the camera id (a recovery may have none); retry events carry
   *   `attempt` and `next-delay-ms` in the details, recoveries `outage-ms`
   *
   * Emitted on the main context for every classified bus message and
   * every retrysrc and qualityladder event. The event hub subscribes.
   */
  signals[SIGNAL_EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
      CG_TYPE_ERROR);

  /**
   * GwCamera::state-changed:
   * @camera: the camera
   * @old_state: the previous #GwCameraState
   * @new_state: the new #GwCameraState
   *
   * Emitted on the main context when the camera's state changes.
   */
  signals[SIGNAL_STATE_CHANGED] = g_signal_new ("state-changed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  /**
   * GwCamera::pipeline-stopping:
   * @camera: the camera
   *
   * Emitted on the main context just before the running pipeline is set to
   * NULL (stop, restart, dispose), while it still plays: outputs that
   * must finish something (a recording's file) do it now, bounded.
   */
  signals[SIGNAL_PIPELINE_STOPPING] = g_signal_new ("pipeline-stopping",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 0);
}

static void
gw_camera_init (GwCamera * self)
{
  self->classifier = cg_classifier_new ();
  cg_classifier_set_live (self->classifier, TRUE);
}
