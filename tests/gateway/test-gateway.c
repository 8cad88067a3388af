/* camguard-gateway - the real binary, wired: keys, REST, WebSocket
 * JSON-RPC and events, RTSP, SIGTERM
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage (meson passes it): test-gateway CAMGUARD-GATEWAY FAKE-CAMERA
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <camguard.h>

#include "gateway-process.h"
#include "fake-camera-client.h"

static const gchar *gateway_path;
static const gchar *camera_path;

typedef struct
{
  gchar *tmpdir;
  gchar *config;
  CgFakeCamera door;
  gchar *keys[3];               /* viewer, operator, admin */
  GwProcess gw;
} Fixture;

static const gchar *const roles[] = { "viewer", "operator", "admin" };

static void
fake_command (CgFakeCamera * cam, const gchar * cmd)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *answer = cg_fake_camera_command (cam, cmd,
      GW_TEST_WAIT_MS, &err);

  g_assert_no_error (err);
  g_assert_true (g_str_has_prefix (answer, "OK"));
}

/* A temporary config (free ports, a test-pattern camera and the fake RTSP
 * camera), a key per role, the gateway running. */
static void
fixture_setup (Fixture * f, gconstpointer data)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *text = NULL;
  guint i;

  f->tmpdir = g_dir_make_tmp ("gw-gateway-XXXXXX", &err);
  g_assert_no_error (err);
  g_assert_true (cg_fake_camera_start (&f->door, camera_path, NULL,
          GW_TEST_WAIT_MS, &err));
  text = g_strdup_printf ("[gateway]\nlisten=127.0.0.1\nport=0\n"
      "rtsp-port=0\ndata-dir=%s/data\n\n"
      "[camera demo]\ntype=test\npattern=ball\nwidth=160\nheight=120\n"
      "framerate=15/1\n\n"
      "[camera door]\ntype=rtsp\nuri=%s\nretry-initial-delay=100\n"
      "retry-max-delay=300\nretry-timeout=1500\n", f->tmpdir, f->door.url);
  f->config = g_build_filename (f->tmpdir, "gw.conf", NULL);
  g_assert_true (g_file_set_contents (f->config, text, -1, NULL));
  for (i = 0; i < G_N_ELEMENTS (roles); i++) {
    gint status = -1;

    f->keys[i] = gw_process_create_key (gateway_path, f->config, roles[i],
        &status);
    g_assert_cmpint (status, ==, 0);
    g_assert_true (g_str_has_prefix (f->keys[i], "cgk_"));
  }
  gw_process_start (&f->gw, gateway_path, f->config);
}

static void
rm_rf (const gchar * path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree gchar *child = g_build_filename (path, name, NULL);

    if (g_file_test (child, G_FILE_TEST_IS_DIR))
      rm_rf (child);
    else
      g_unlink (child);
  }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture * f, gconstpointer data)
{
  guint i;

  gw_process_clear (&f->gw);
  cg_fake_camera_stop (&f->door, GW_TEST_WAIT_MS);
  for (i = 0; i < G_N_ELEMENTS (f->keys); i++)
    g_free (f->keys[i]);
  rm_rf (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->config);
}

/* SIGTERM: exit 0 within a bounded wait, the servers stopped first */
static void
terminate_ok (Fixture * f)
{
  gint status = gw_process_terminate (&f->gw, GW_TEST_WAIT_MS);

  if (status != 0)
    g_error ("exit status %d:\n%s", status, f->gw.log->str);
  g_assert_nonnull (strstr (f->gw.log->str, "\"stopped\""));
}

static void
test_create_key_bad_role (Fixture * f, gconstpointer data)
{
  gint status = -1;
  g_autofree gchar *key = gw_process_create_key (gateway_path, f->config,
      "root", &status);

  g_assert_cmpint (status, ==, 2);
  terminate_ok (f);
}

static gboolean
is_error_with_code (JsonObject * o, gpointer data)
{
  JsonObject *params;

  if (g_strcmp0 (json_object_get_string_member_with_default (o, "method",
              NULL), "event") != 0)
    return FALSE;
  params = json_object_get_object_member (o, "params");
  return g_strcmp0 (json_object_get_string_member_with_default (params,
          "cameraId", NULL), "door") == 0
      && json_object_has_member (params, "code")
      && g_strcmp0 (json_object_get_string_member_with_default (params,
          "kind", NULL), data) == 0;
}

static gint64
rpc_error_code (JsonObject * response)
{
  if (!json_object_has_member (response, "error"))
    return 0;
  return json_object_get_int_member (json_object_get_object_member (response,
          "error"), "code");
}

static void
authenticate (SoupWebsocketConnection * ws, const gchar * key, gint id)
{
  g_autofree gchar *params = g_strdup_printf ("{\"token\":\"%s\"}", key);
  JsonObject *r = gw_ws_call (ws, "authenticate", params, id);

  g_assert_cmpint (rpc_error_code (r), ==, 0);
  json_object_unref (r);
}

/* The fake camera dies: a subscriber receives the loss with its catalogue
 * code, then the recovery when it is back. */
static void
test_ws_events (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupWebsocketConnection) ws = gw_process_ws_connect (&f->gw);
  JsonObject *r;
  CgCode code;

  g_assert_true (gw_process_wait_log (&f->gw,
          "camera door: starting -> running", GW_TEST_WAIT_MS));
  r = gw_ws_call (ws, "subscribe", "{}", 1);
  g_assert_cmpint (rpc_error_code (r), ==, -32001);
  json_object_unref (r);
  r = gw_ws_call (ws, "authenticate", "{\"token\":\"cgk_nope\"}", 2);
  g_assert_cmpint (rpc_error_code (r), ==, -32001);
  json_object_unref (r);
  authenticate (ws, f->keys[0], 3);
  r = gw_ws_call (ws, "subscribe", "{\"camera\":\"door\"}", 4);
  g_assert_cmpint (rpc_error_code (r), ==, 0);
  json_object_unref (r);

  fake_command (&f->door, "die 0");
  r = gw_ws_next (ws, is_error_with_code, "retry", GW_TEST_WAIT_MS);
  if (r == NULL)
    g_error ("no retry event:\n%s", f->gw.log->str);
  g_assert_true (cg_code_from_name (json_object_get_string_member
          (json_object_get_object_member (r, "params"), "code"), &code));
  g_assert_true (cg_code_is_retryable (code));
  json_object_unref (r);

  fake_command (&f->door, "revive");
  g_assert_true (gw_process_wait_log (&f->gw, "camera door: retrying -> "
          "running", GW_TEST_WAIT_MS));
  r = gw_ws_next (ws, is_error_with_code, "recovery", GW_TEST_WAIT_MS);
  if (r == NULL)
    g_error ("no recovery event:\n%s", f->gw.log->str);
  json_object_unref (r);
  soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  terminate_ok (f);
}

/* An rtspsrc client reads both cameras' RTSP output. */
static void
test_rtsp (Fixture * f, gconstpointer data)
{
  g_assert_true (gw_process_wait_log (&f->gw,
          "camera demo: starting -> running", GW_TEST_WAIT_MS));
  g_assert_true (gw_process_wait_log (&f->gw,
          "camera door: starting -> running", GW_TEST_WAIT_MS));
  g_assert_true (gw_rtsp_read_frames (f->gw.rtsp_port, "demo", 10,
          GW_TEST_WAIT_MS));
  g_assert_true (gw_rtsp_read_frames (f->gw.rtsp_port, "door", 10,
          GW_TEST_WAIT_MS));
  terminate_ok (f);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 3);
  gateway_path = argv[1];
  camera_path = argv[2];
#define ADD(path, fn) g_test_add ("/gw/gateway/" path, Fixture, NULL, \
    fixture_setup, fn, fixture_teardown)
  ADD ("create-key-bad-role", test_create_key_bad_role);
  ADD ("ws-events", test_ws_events);
  ADD ("rtsp", test_rtsp);
#undef ADD
  return g_test_run ();
}
