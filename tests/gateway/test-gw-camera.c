/* camguard-gateway - the camera supervisor against real peers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The fake RTSP camera is killed and revived under a GwCamera: its state
 * goes running -> retrying -> running and its events carry catalogue codes.
 * A camera that cannot start does not stop another one. The status shows
 * what the elements and the recorder say at every moment, though it keeps
 * texts between changes.
 * Usage (meson passes it): test-gw-camera FAKE-CAMERA
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include <glib/gstdio.h>

#include "fake-camera-client.h"
#include "third-party-server.h"
#include "gw-camera.h"
#include "gw-recording.h"

#define WAIT_MS 20000

static const gchar *camera_path;

typedef struct
{
  GwCameraState want;
  gboolean reached;
  GPtrArray *states;            /* GwCameraState as pointers */
  GPtrArray *kinds;             /* gchar* */
  GPtrArray *errors;            /* CgError*, NULL-able */
  const gchar *want_kind;
  gboolean got_kind;
} Watch;

static void
on_state (GwCamera * c, guint old, guint state, Watch * w)
{
  g_ptr_array_add (w->states, GUINT_TO_POINTER (state));
  if (state == w->want)
    w->reached = TRUE;
}

static void
on_event (GwCamera * c, const gchar * kind, CgError * error, Watch * w)
{
  g_ptr_array_add (w->kinds, g_strdup (kind));
  g_ptr_array_add (w->errors, error ? cg_error_ref (error) : NULL);
  if (g_strcmp0 (kind, w->want_kind) == 0)
    w->got_kind = TRUE;
}

static void
error_unref0 (gpointer e)
{
  if (e)
    cg_error_unref (e);
}

static void
watch_init (Watch * w, GwCamera * c)
{
  w->states = g_ptr_array_new ();
  w->kinds = g_ptr_array_new_with_free_func (g_free);
  w->errors = g_ptr_array_new_with_free_func (error_unref0);
  g_signal_connect (c, "state-changed", G_CALLBACK (on_state), w);
  g_signal_connect (c, "event", G_CALLBACK (on_event), w);
}

static void
watch_clear (Watch * w)
{
  g_ptr_array_unref (w->states);
  g_ptr_array_unref (w->kinds);
  g_ptr_array_unref (w->errors);
}

static gboolean
wait_state (GwCamera * c, Watch * w, GwCameraState state)
{
  w->want = state;
  w->reached = gw_camera_get_state (c) == state;
  return cg_iterate_until (&w->reached, WAIT_MS);
}

/* The first event of @kind, waited for. */
static CgError *
find_event (Watch * w, const gchar * kind)
{
  guint i;

  w->want_kind = kind;
  for (i = 0; i < w->kinds->len; i++)
    if (g_str_equal (g_ptr_array_index (w->kinds, i), kind))
      w->got_kind = TRUE;
  if (!cg_iterate_until (&w->got_kind, WAIT_MS))
    g_error ("no %s event", kind);
  w->got_kind = FALSE;
  w->want_kind = NULL;
  for (i = 0; i < w->kinds->len; i++)
    if (g_str_equal (g_ptr_array_index (w->kinds, i), kind))
      return g_ptr_array_index (w->errors, i);
  g_assert_not_reached ();
  return NULL;
}

static guint
count_events (Watch * w, const gchar * kind)
{
  guint i, n = 0;

  for (i = 0; i < w->kinds->len; i++)
    if (g_str_equal (g_ptr_array_index (w->kinds, i), kind))
      n++;
  return n;
}

/* Waits for the @n-th event of @kind and returns its error. */
static CgError *
wait_nth_event (Watch * w, const gchar * kind, guint n)
{
  guint i, seen = 0;

  while (count_events (w, kind) < n) {
    w->want_kind = kind;
    w->got_kind = FALSE;
    if (!cg_iterate_until (&w->got_kind, WAIT_MS))
      g_error ("no %s event number %u", kind, n);
  }
  w->want_kind = NULL;
  for (i = 0; i < w->kinds->len; i++)
    if (g_str_equal (g_ptr_array_index (w->kinds, i), kind) && ++seen == n)
      return g_ptr_array_index (w->errors, i);
  g_assert_not_reached ();
  return NULL;
}

static gint
status_step (GwCamera * c)
{
  g_autoptr (JsonNode) status = gw_camera_get_status (c);
  JsonObject *q = json_object_get_object_member (json_node_get_object
      (status), "quality");

  g_assert_cmpstr (json_object_get_string_member (q, "mode"), ==, "manual");
  return (gint) json_object_get_int_member (q, "step");
}

static void
set_step (GwCamera * c, gint step)
{
  gboolean ok = FALSE;

  g_signal_emit_by_name (gw_camera_get_pipeline (c)->ladder, "set-step",
      step, &ok);
  g_assert_true (ok);
}

static gboolean
flag_up (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context for about @ms. */
static void
iterate_for (guint ms)
{
  gboolean tick = FALSE;

  g_timeout_add (ms, flag_up, &tick);
  g_assert_true (cg_iterate_until (&tick, WAIT_MS));
}

/* ------------------------------------------------------------------ */
/* the status against fresh reads of the elements                      */

/* Notifications counted on whatever thread they come from. */
typedef struct
{
  gint n;                       /* atomic */
  GMutex lock;
  GCond cond;
} Notified;

static void
notified_init (Notified * n)
{
  n->n = 0;
  g_mutex_init (&n->lock);
  g_cond_init (&n->cond);
}

static void
notified_clear (Notified * n)
{
  g_mutex_clear (&n->lock);
  g_cond_clear (&n->cond);
}

static void
on_notified (GObject * object, GParamSpec * pspec, Notified * n)
{
  g_atomic_int_inc (&n->n);
  g_mutex_lock (&n->lock);
  g_cond_broadcast (&n->cond);
  g_mutex_unlock (&n->lock);
}

/* Waits for a notification after the @seen-th one WITHOUT running the
 * main context (the bus is not read: only the notification itself can
 * tell the camera), reading the status every 2 ms meanwhile, so that the
 * camera keeps a text from just before the change. */
static void
wait_notified (GwCamera * camera, Notified * n, gint seen)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (g_atomic_int_get (&n->n) == seen) {
    json_node_unref (gw_camera_get_status (camera));
    g_assert_cmpint (g_get_monotonic_time (), <, end);
    g_mutex_lock (&n->lock);
    if (g_atomic_int_get (&n->n) == seen)
      g_cond_wait_until (&n->cond, &n->lock, g_get_monotonic_time () +
          2 * G_TIME_SPAN_MILLISECOND);
    g_mutex_unlock (&n->lock);
  }
}

static gchar *
enum_nick (GObject * object, const gchar * name)
{
  GParamSpec *ps = g_object_class_find_property (G_OBJECT_GET_CLASS (object),
      name);
  g_auto (GValue) v = G_VALUE_INIT;
  GEnumValue *ev;

  g_value_init (&v, ps->value_type);
  g_object_get_property (object, name, &v);
  ev = g_enum_get_value (G_PARAM_SPEC_ENUM (ps)->enum_class,
      g_value_get_enum (&v));
  return g_strdup (ev ? ev->value_nick : "(none)");
}

/* retrysrc's status, the ladder's current step and mode, read now. */
static gchar *
fresh_members (GwCamera * camera)
{
  const GwPipeline *pipe = gw_camera_get_pipeline (camera);
  g_autofree gchar *status = enum_nick (G_OBJECT (pipe->source), "status");
  g_autofree gchar *mode = NULL;
  gint step = -1;

  if (pipe->ladder == NULL)
    return g_steal_pointer (&status);
  mode = enum_nick (G_OBJECT (pipe->ladder), "mode");
  g_object_get (pipe->ladder, "current-step", &step, NULL);
  return g_strdup_printf ("%s %d %s", status, step, mode);
}

/* The same as the status shows them. */
static gchar *
shown_members (GwCamera * camera)
{
  g_autoptr (JsonNode) node = gw_camera_get_status (camera);
  JsonObject *o = json_node_get_object (node);
  const gchar *status = json_object_get_string_member
      (json_object_get_object_member (o, "source"), "status");
  JsonObject *q;

  if (!json_object_has_member (o, "quality"))
    return g_strdup (status);
  q = json_object_get_object_member (o, "quality");
  return g_strdup_printf ("%s %d %s", status,
      (gint) json_object_get_int_member (q, "step"),
      json_object_get_string_member (q, "mode"));
}

/* The status shows what the elements say now (read before and after it;
 * again if they moved meanwhile); returns what it shows. */
static gchar *
assert_status_fresh (GwCamera * camera)
{
  guint i;

  for (i = 0; i < 100; i++) {
    g_autofree gchar *before = fresh_members (camera);
    g_autofree gchar *shown = shown_members (camera);
    g_autofree gchar *after = fresh_members (camera);

    if (!g_str_equal (before, after))
      continue;
    if (!g_str_equal (shown, before))
      g_error ("the status shows \"%s\", the elements say \"%s\"", shown,
          before);
    return g_steal_pointer (&shown);
  }
  g_error ("the elements never stood still");
  return NULL;
}

static gint
ladder_step (GwCamera * camera)
{
  gint step = -1;

  g_object_get (gw_camera_get_pipeline (camera)->ladder, "current-step",
      &step, NULL);
  return step;
}

/* A raw camera in manual mode, running, its first frame encoded. */
static GwCamera *
start_raw_camera (Watch * w)
{
  g_autoptr (GwCameraSpec) spec = gw_camera_spec_new ("demo", GW_CAMERA_TEST);
  GwCamera *camera;
  gint64 end;

  spec->width = 320;
  spec->height = 240;
  spec->fps_n = 30;
  spec->ladder = g_strdup ("240p:600,120p:200");
  g_free (spec->ladder_mode);
  spec->ladder_mode = g_strdup ("manual");
  camera = gw_camera_new (spec);
  watch_init (w, camera);
  g_assert_true (gw_camera_start (camera, NULL));
  g_assert_true (wait_state (camera, w, GW_CAMERA_STATE_RUNNING));
  /* a step asked before the first frame reached the encoder is where the
   * ladder starts, not a change: wait for that first frame (polled: a
   * flag set from a notification could be set before the status read that
   * would then clear it, and g_main_context_invoke() may run on the
   * streaming thread when the main context is not running) */
  end = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  while (ladder_step (camera) < 0) {
    g_assert_cmpint (g_get_monotonic_time (), <, end);
    iterate_for (10);
  }
  return camera;
}

/* Every quality step is an event (the same step twice included), and a
 * restart brings the camera back to running. */
static void
test_quality_events_and_restart (void)
{
  g_autoptr (GwCamera) camera = NULL;
  Watch w = { 0 };
  CgError *e;
  guint i;

  camera = start_raw_camera (&w);
  g_assert_cmpint (status_step (camera), ==, 0);

  set_step (camera, 1);
  e = wait_nth_event (&w, GW_EVENT_QUALITY, 1);
  g_assert_nonnull (e);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_QUALITY_DEGRADED);
  g_assert_cmpstr (cg_error_get_camera_id (e), ==, "demo");
  g_assert_cmpint (status_step (camera), ==, 1);
  set_step (camera, 0);
  g_assert_null (wait_nth_event (&w, GW_EVENT_QUALITY, 2));
  set_step (camera, 1);
  e = wait_nth_event (&w, GW_EVENT_QUALITY, 3);
  g_assert_nonnull (e);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_QUALITY_DEGRADED);
  /* steps never disturb the source: the camera stays running */
  for (i = 4; i < 40; i++) {
    set_step (camera, i % 2);
    e = wait_nth_event (&w, GW_EVENT_QUALITY, i);
    g_assert_true ((e == NULL) == (i % 2 == 0));
    g_assert_cmpint (gw_camera_get_state (camera), ==, GW_CAMERA_STATE_RUNNING);
  }
  g_assert_cmpuint (count_events (&w, GW_EVENT_ERROR), ==, 0);

  g_assert_true (gw_camera_restart (camera, NULL));
  g_assert_true (wait_state (camera, &w, GW_CAMERA_STATE_RUNNING));
  g_assert_true (gw_camera_stop (camera));
  watch_clear (&w);
}

/* The status keeps the text of `source` and `quality` while the source
 * runs; a step, the mode both ways and a restart show at once, before the
 * main context ran (it does not here: no bus message is read). */
static void
test_status_follows_quality (void)
{
  g_autoptr (GwCamera) camera = NULL;
  Watch w = { 0 };
  Notified n;
  GstElement *ladder;
  g_autofree gchar *shown = NULL;
  gint step;

  notified_init (&n);
  camera = start_raw_camera (&w);
  ladder = gw_camera_get_pipeline (camera)->ladder;
  g_signal_connect (ladder, "notify::current-step", G_CALLBACK (on_notified),
      &n);
  g_free (assert_status_fresh (camera));
  for (step = 1; step >= 0; step--) {
    gint seen = g_atomic_int_get (&n.n);
    g_autofree gchar *want = g_strdup_printf ("running %d manual", step);

    set_step (camera, step);
    wait_notified (camera, &n, seen);
    g_clear_pointer (&shown, g_free);
    shown = assert_status_fresh (camera);
    g_assert_cmpstr (shown, ==, want);
  }
  g_signal_handlers_disconnect_by_data (ladder, &n);
  notified_clear (&n);

  /* the mode: only a property set says it changed */
  json_node_unref (gw_camera_get_status (camera));
  gst_util_set_object_arg (G_OBJECT (ladder), "mode", "auto");
  g_clear_pointer (&shown, g_free);
  shown = assert_status_fresh (camera);
  g_assert_true (g_str_has_suffix (shown, " auto"));
  g_clear_pointer (&shown, g_free);
  gst_util_set_object_arg (G_OBJECT (ladder), "mode", "manual");
  shown = assert_status_fresh (camera);
  g_assert_true (g_str_has_suffix (shown, " manual"));

  /* a new pipeline: nothing kept from the old one */
  json_node_unref (gw_camera_get_status (camera));
  g_assert_true (gw_camera_restart (camera, NULL));
  g_free (assert_status_fresh (camera));
  g_assert_true (wait_state (camera, &w, GW_CAMERA_STATE_RUNNING));
  g_free (assert_status_fresh (camera));
  g_assert_true (gw_camera_stop (camera));
  watch_clear (&w);
}

/* ------------------------------------------------------------------ */
/* the recording in the status                                          */

typedef struct
{
  gboolean done;
  gchar *file;
} Stopped;

static void
on_stopped (CgJsonWriter * result, const CgError * error, gpointer data)
{
  Stopped *stopped = data;
  g_autoptr (JsonNode) node = NULL;
  JsonObject *o;

  g_assert_nonnull (result);
  node = cg_json_writer_free_to_node (result);
  o = json_node_get_object (node);
  if (!json_object_get_null_member (o, "file"))
    stopped->file = g_strdup (json_object_get_string_member (o, "file"));
  stopped->done = TRUE;
}

/* A session of @id's recording status, as the camera's status shows it. */
static JsonObject *
recording (GwRecorder * rec, const gchar * id, const gchar * kind)
{
  CgJsonWriter *w = cg_json_writer_new ();
  g_autoptr (JsonNode) node = NULL;

  gw_recorder_write_status (rec, id, w);
  node = cg_json_writer_free_to_node (w);
  return json_object_ref (json_object_get_object_member (json_node_get_object
          (node), kind));
}

/* An off session: its counts and nothing else. */
static void
assert_off (GwRecorder * rec, const gchar * id, const gchar * kind,
    gint64 bytes, gint64 files)
{
  g_autoptr (JsonObject) s = recording (rec, id, kind);

  g_assert_cmpstr (json_object_get_string_member (s, "state"), ==, "off");
  g_assert_true (json_object_get_null_member (s, "file"));
  g_assert_cmpfloat (json_object_get_double_member (s, "uptime"), ==, 0.0);
  g_assert_cmpint (json_object_get_int_member (s, "bytes_finalized"), ==,
      bytes);
  g_assert_cmpint (json_object_get_int_member (s, "files_finalized"), ==,
      files);
  g_assert_true (json_object_get_null_member (s, "error"));
}

static gboolean
manual_is (GwRecorder * rec, const gchar * state)
{
  g_autoptr (JsonObject) s = recording (rec, "demo", "manual");

  return g_str_equal (json_object_get_string_member (s, "state"), state);
}

/* An off session keeps its text: a file finalized after the session went
 * off (the stop answers once it is) shows in its counts at once. */
static void
test_recording_status (void)
{
  g_autoptr (GwCameraSpec) spec = gw_camera_spec_new ("demo", GW_CAMERA_TEST);
  g_autoptr (GwCamera) camera = NULL;
  g_autoptr (CgError) error = NULL;
  g_autofree gchar *tmp = g_dir_make_tmp ("gw-camera-XXXXXX", NULL);
  g_autofree gchar *dir = NULL, *path = NULL;
  g_autoptr (GwMetrics) metrics = gw_metrics_new ();
  GwRecorder *rec = gw_recorder_new (tmp, 0, metrics, NULL, NULL);
  Stopped stopped = { 0 };
  Watch w = { 0 };
  GStatBuf st;
  gint64 end;

  spec->width = 160;
  spec->height = 120;
  camera = gw_camera_new (spec);
  watch_init (&w, camera);
  g_assert_true (gw_camera_start (camera, NULL));
  g_assert_true (wait_state (camera, &w, GW_CAMERA_STATE_RUNNING));
  gw_recorder_follow (rec, camera);
  assert_off (rec, "demo", "manual", 0, 0);
  assert_off (rec, "demo", "continuous", 0, 0);
  assert_off (rec, "nobody", "manual", 0, 0);

  g_assert_true (gw_recorder_start (rec, camera, 0, &error));
  end = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  while (!manual_is (rec, "recording")) {
    g_assert_cmpint (g_get_monotonic_time (), <, end);
    iterate_for (20);
  }
  gw_recorder_stop_async (rec, camera, on_stopped, &stopped);
  /* off at once, its file still being finalized */
  assert_off (rec, "demo", "manual", 0, 0);
  g_assert_true (cg_iterate_until (&stopped.done, WAIT_MS));
  g_assert_nonnull (stopped.file);
  dir = gw_recorder_camera_dir (rec, "demo");
  path = g_build_filename (dir, stopped.file, NULL);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  assert_off (rec, "demo", "manual", st.st_size, 1);
  assert_off (rec, "demo", "continuous", 0, 0);

  gw_recorder_free (rec);
  g_assert_true (gw_camera_stop (camera));
  watch_clear (&w);
  g_free (stopped.file);
  cg_remove_tree (tmp);
}

static GwCameraSpec *
rtsp_spec (const gchar * id, const gchar * uri)
{
  GwCameraSpec *s = gw_camera_spec_new (id, GW_CAMERA_RTSP);

  s->uri = g_strdup (uri);
  s->retry_initial_delay = 100;
  s->retry_max_delay = 300;
  s->retry_timeout = 1500;
  return s;
}

static void
command (CgFakeCamera * cam, const gchar * cmd)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *answer = cg_fake_camera_command (cam, cmd, WAIT_MS, &err);

  g_assert_no_error (err);
  g_assert_true (g_str_has_prefix (answer, "OK"));
}

typedef struct
{
  CgFakeCamera *cam;
  const gchar *cmd;
} CommandJob;

static gpointer
command_thread (gpointer data)
{
  CommandJob *job = data;
  GMainContext *ctx = g_main_context_new ();

  g_main_context_push_thread_default (ctx);
  command (job->cam, job->cmd);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
  return NULL;
}

/* command() from a thread with a main context of its own: the test's
 * main context (the camera's bus) does not run meanwhile. */
static void
command_elsewhere (CgFakeCamera * cam, const gchar * cmd)
{
  CommandJob job = { cam, cmd };

  g_thread_join (g_thread_new ("command", command_thread, &job));
}

/* The statistics in the camera's status are the source's own, read now:
 * the status keeps their text between bus messages while the source runs,
 * and must never show an old one. */
static void
assert_statistics_fresh (GwCamera * camera)
{
  g_autoptr (JsonNode) status = gw_camera_get_status (camera);
  GstStructure *stats = NULL;
  g_autoptr (JsonNode) fresh = NULL;
  JsonNode *shown;

  g_object_get (gw_camera_get_pipeline (camera)->source, "statistics",
      &stats, NULL);
  fresh = cg_structure_to_json_node (stats);
  gst_structure_free (stats);
  shown = json_object_get_member (json_object_get_object_member
      (json_node_get_object (status), "source"), "statistics");
  if (!json_node_equal (shown, fresh)) {
    g_autofree gchar *a = cg_json_to_string (shown, FALSE);
    g_autofree gchar *b = cg_json_to_string (fresh, FALSE);

    g_error ("the status shows statistics %s, the source has %s", a, b);
  }
}

static void
test_killed_and_revived (void)
{
  CgFakeCamera cam = { 0 };
  g_autoptr (GError) err = NULL;
  g_autoptr (GwCameraSpec) spec = NULL;
  g_autoptr (GwCamera) camera = NULL;
  g_autoptr (JsonNode) status = NULL;
  Watch w = { 0 };
  Notified n;
  g_autofree gchar *shown = NULL;
  GstElement *source;
  CgError *e;
  CgCode code;
  guint i, n_running = 0, n_retrying = 0;
  gint seen;
  JsonObject *o;

  g_assert_true (cg_fake_camera_start (&cam, camera_path, NULL, WAIT_MS, &err));
  spec = rtsp_spec ("door", cam.url);
  camera = gw_camera_new (spec);
  watch_init (&w, camera);
  g_assert_true (gw_camera_start (camera, &err));
  g_assert_no_error (err);
  g_assert_cmpint (gw_camera_get_state (camera), ==, GW_CAMERA_STATE_STARTING);
  g_assert_true (wait_state (camera, &w, GW_CAMERA_STATE_RUNNING));
  assert_statistics_fresh (camera);     /* kept from here while running */
  assert_statistics_fresh (camera);

  /* the status follows retrysrc's status at once, before its message is
   * read from the bus */
  source = gw_camera_get_pipeline (camera)->source;
  notified_init (&n);
  g_signal_connect (source, "notify::status", G_CALLBACK (on_notified), &n);
  shown = assert_status_fresh (camera);
  g_assert_cmpstr (shown, ==, "running");
  g_clear_pointer (&shown, g_free);
  seen = g_atomic_int_get (&n.n);
  command_elsewhere (&cam, "die 0");
  wait_notified (camera, &n, seen);
  shown = assert_status_fresh (camera);
  g_assert_cmpstr (shown, !=, "running");
  g_signal_handlers_disconnect_by_data (source, &n);
  notified_clear (&n);

  g_assert_true (wait_state (camera, &w, GW_CAMERA_STATE_RETRYING));
  e = find_event (&w, GW_EVENT_RETRY);
  g_assert_nonnull (e);
  g_assert_true (cg_code_from_name (cg_error_get_code_name (e), &code));
  g_assert_true (cg_code_is_retryable (code));
  g_assert_cmpstr (cg_error_get_camera_id (e), ==, "door");
  status = gw_camera_get_status (camera);
  o = json_node_get_object (status);
  g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "retrying");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
          (o, "last_error"), "code"), ==, cg_error_get_code_name (e));
  g_clear_pointer (&status, json_node_unref);

  command (&cam, "revive");
  g_assert_true (wait_state (camera, &w, GW_CAMERA_STATE_RUNNING));
  find_event (&w, GW_EVENT_RECOVERY);
  assert_statistics_fresh (camera);     /* a new start, an outage, a success */
  status = gw_camera_get_status (camera);
  o = json_node_get_object (status);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
          (o, "source"), "status"), ==, "running");
  g_assert_true (json_object_has_member (json_object_get_object_member
          (json_object_get_object_member (o, "source"), "statistics"),
          "sources-started"));
  g_assert_cmpfloat (json_object_get_double_member (o, "uptime"), >, 0.0);

  /* starting -> running -> retrying -> running, in that order */
  for (i = 0; i < w.states->len; i++) {
    GwCameraState s = GPOINTER_TO_UINT (g_ptr_array_index (w.states, i));

    if (s == GW_CAMERA_STATE_RUNNING)
      n_running++;
    if (s == GW_CAMERA_STATE_RETRYING) {
      g_assert_cmpuint (n_running, ==, 1);
      n_retrying++;
    }
  }
  g_assert_cmpuint (n_running, ==, 2);
  g_assert_cmpuint (n_retrying, >=, 1);

  g_assert_true (gw_camera_stop (camera));
  g_assert_cmpint (gw_camera_get_state (camera), ==, GW_CAMERA_STATE_STOPPED);
  g_assert_null (gw_camera_get_pipeline (camera));
  watch_clear (&w);
  g_assert_true (cg_fake_camera_stop (&cam, WAIT_MS));
}

static void
test_bad_camera_does_not_stop_others (void)
{
  g_autoptr (GwCameraSpec) good = gw_camera_spec_new ("demo", GW_CAMERA_TEST);
  g_autoptr (GwCameraSpec) gone = rtsp_spec ("gone",
      "rtsp://127.0.0.1:1/nothing");
  g_autoptr (GwCameraSpec) broken = gw_camera_spec_new ("broken",
      GW_CAMERA_PIPELINE);
  g_autoptr (GwCamera) a = NULL;
  g_autoptr (GwCamera) b = NULL;
  g_autoptr (GwCamera) c = NULL;
  g_autoptr (GError) err = NULL;
  g_autoptr (CgError) last = NULL;
  Watch wa = { 0 }, wb = { 0 };

  good->width = 160;
  good->height = 120;
  /* a description that never checked: the supervisor must cope */
  broken->description = g_strdup ("videotestsrc ! no-such-element");
  a = gw_camera_new (good);
  b = gw_camera_new (gone);
  c = gw_camera_new (broken);
  watch_init (&wa, a);
  watch_init (&wb, b);
  g_assert_true (gw_camera_start (b, NULL));
  g_assert_false (gw_camera_start (c, &err));
  g_assert_nonnull (err);
  g_assert_cmpint (gw_camera_get_state (c), ==, GW_CAMERA_STATE_FAILED);
  last = gw_camera_get_last_error (c);
  g_assert_nonnull (last);
  g_assert_cmpstr (cg_error_get_camera_id (last), ==, "broken");
  g_assert_true (gw_camera_start (a, NULL));
  g_assert_true (wait_state (a, &wa, GW_CAMERA_STATE_RUNNING));
  g_assert_true (wait_state (b, &wb, GW_CAMERA_STATE_RETRYING));
  g_assert_cmpint (cg_error_get_code (find_event (&wb, GW_EVENT_RETRY)), ==,
      CG_CODE_CAMERA_UNREACHABLE);
  g_assert_cmpint (gw_camera_get_state (a), ==, GW_CAMERA_STATE_RUNNING);
  g_assert_true (gw_camera_stop (a));
  g_assert_true (gw_camera_stop (b));
  watch_clear (&wa);
  watch_clear (&wb);
}

int
main (int argc, char **argv)
{
  gst_init (NULL, NULL);
  g_test_init (&argc, &argv, NULL);
  /* a camera that fails logs a warning: expected here; criticals stay
   * fatal */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_assert_cmpint (argc, ==, 2);
  camera_path = argv[1];
  g_test_add_func ("/gw/camera/killed-and-revived", test_killed_and_revived);
  g_test_add_func ("/gw/camera/quality-events-and-restart",
      test_quality_events_and_restart);
  g_test_add_func ("/gw/camera/bad-camera-does-not-stop-others",
      test_bad_camera_does_not_stop_others);
  g_test_add_func ("/gw/camera/status-follows-quality",
      test_status_follows_quality);
  g_test_add_func ("/gw/camera/recording-status", test_recording_status);
  return g_test_run ();
}
