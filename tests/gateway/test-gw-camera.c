/* camguard-gateway - the camera supervisor against real peers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The fake RTSP camera is killed and revived under a GwCamera: its state
 * goes running -> retrying -> running and its events carry catalogue codes.
 * A camera that cannot start does not stop another one.
 * Usage (meson passes it): test-gw-camera FAKE-CAMERA
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include "fake-camera-client.h"
#include "gw-camera.h"

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

/* Any thread: the ladder took a step; tell the main context. */
static void
on_current_step (GObject * ladder, GParamSpec * pspec, gboolean * flag)
{
  g_main_context_invoke (NULL, flag_up, flag);
}

/* Every quality step is an event (the same step twice included), and a
 * restart brings the camera back to running. */
static void
test_quality_events_and_restart (void)
{
  g_autoptr (GwCameraSpec) spec = gw_camera_spec_new ("demo", GW_CAMERA_TEST);
  g_autoptr (GwCamera) camera = NULL;
  Watch w = { 0 };
  gboolean first_frame = FALSE;
  CgError *e;
  guint i;

  spec->width = 320;
  spec->height = 240;
  spec->fps_n = 30;
  spec->ladder = g_strdup ("240p:600,120p:200");
  g_free (spec->ladder_mode);
  spec->ladder_mode = g_strdup ("manual");
  camera = gw_camera_new (spec);
  watch_init (&w, camera);
  g_assert_true (gw_camera_start (camera, NULL));
  g_assert_true (wait_state (camera, &w, GW_CAMERA_STATE_RUNNING));
  /* a step asked before the first frame reached the encoder is where the
   * ladder starts, not a change: wait for that first frame */
  g_signal_connect (gw_camera_get_pipeline (camera)->ladder,
      "notify::current-step", G_CALLBACK (on_current_step), &first_frame);
  first_frame = status_step (camera) >= 0;
  g_assert_true (cg_iterate_until (&first_frame, WAIT_MS));
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
  CgError *e;
  CgCode code;
  guint i, n_running = 0, n_retrying = 0;
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

  command (&cam, "die 0");
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
  return g_test_run ();
}
