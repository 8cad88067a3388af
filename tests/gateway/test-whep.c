/* camguard-gateway - WebRTC live view (WHEP) against the real binary: a
 * webrtcbin viewer watches, is reaped, follows a restart, and a lossy
 * link steps the camera down and back up
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage (meson passes it): test-whep CAMGUARD-GATEWAY
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <camguard.h>

#include "fake-camera-client.h"
#include "third-party-server.h"
#include "gateway-process.h"
#include "whep-client.h"

static const gchar *gateway_path;

/* A camera encoded by the gateway (a ladder of two steps), one viewer at
 * most, reaped 3 s after its receiver reports stop. */
#define CONFIG "[gateway]\nlisten=127.0.0.1\nport=0\nrtsp-port=0\n" \
  "data-dir=%s/data\nwhep-max-viewers=1\nwhep-reap-timeout=3000\n\n" \
  "[camera demo]\ntype=test\npattern=ball\nwidth=160\nheight=120\n" \
  "framerate=15/1\nladder=small:160x120@300,tiny:80x60@100\n"

typedef struct
{
  gchar *tmpdir;
  gchar *config;
  gchar *keys[3];               /* viewer, operator, admin */
  GwProcess gw;
} Fixture;

static void
fixture_setup (Fixture * f, gconstpointer data)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *text = NULL;

  f->tmpdir = g_dir_make_tmp ("gw-whep-XXXXXX", &err);
  g_assert_no_error (err);
  text = g_strdup_printf (CONFIG, f->tmpdir);
  f->config = g_build_filename (f->tmpdir, "gw.conf", NULL);
  g_assert_true (g_file_set_contents (f->config, text, -1, NULL));
  gw_process_create_role_keys (gateway_path, f->config, f->keys);
  gw_process_start (&f->gw, gateway_path, f->config);
  g_assert_true (gw_process_wait_log (&f->gw,
          "camera demo: starting -> running", GW_TEST_WAIT_MS));
}

static void
fixture_teardown (Fixture * f, gconstpointer data)
{
  guint i;

  g_assert_cmpint (gw_process_terminate (&f->gw, GW_TEST_WAIT_MS), ==, 0);
  g_assert_null (strstr (f->gw.log->str, "CRITICAL"));
  gw_process_clear (&f->gw);
  for (i = 0; i < G_N_ELEMENTS (f->keys); i++)
    g_free (f->keys[i]);
  cg_remove_tree (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->config);
}

/* ------------------------------------------------------------------ */
/* helpers                                                              */

typedef gboolean (*Condition) (gpointer data);

typedef struct
{
  Condition cond;
  gpointer data;
  gboolean met;
} Waiter;

static gboolean
check_condition (gpointer user_data)
{
  Waiter *w = user_data;

  if (w->cond (w->data)) {
    w->met = TRUE;
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @cond holds; the bound only detects a
 * hang. */
static gboolean
wait_until (Condition cond, gpointer data, guint timeout_ms)
{
  Waiter w = { cond, data, FALSE };
  guint id = g_timeout_add (50, check_condition, &w);

  cg_iterate_until (&w.met, timeout_ms);
  if (!w.met)
    g_source_remove (id);
  return w.met;
}

static GwReply *
post_offer (Fixture * f, const gchar * camera, const gchar * key,
    const gchar * content_type, const gchar * sdp)
{
  g_autofree gchar *path = g_strdup_printf ("/api/v1/cameras/%s/whep",
      camera);

  return gw_process_send (&f->gw, "POST", path, key, content_type, sdp);
}

static gchar *
text_of (GwReply * r)
{
  return g_strndup (g_bytes_get_data (r->body, NULL),
      g_bytes_get_size (r->body));
}

static JsonObject *
live_status (Fixture * f)
{
  g_autoptr (GwReply) r = gw_process_request (&f->gw, "GET",
      "/api/v1/cameras/demo/status", f->keys[0], NULL);
  JsonObject *status;

  g_assert_cmpuint (r->status, ==, 200);
  status = json_node_get_object (r->json);
  return json_object_ref (status);
}

/* A number of the camera's status, in one of its objects. */
static gint64
status_int (Fixture * f, const gchar * object, const gchar * member)
{
  g_autoptr (JsonObject) status = live_status (f);

  return json_object_get_int_member (json_object_get_object_member (status,
          object), member);
}

static gint64
n_viewers (Fixture * f)
{
  return status_int (f, "live", "viewers");
}

typedef struct
{
  WhepClient *client;
  guint frames;
} FramesWait;

static gboolean
frames_past (gpointer data)
{
  FramesWait *w = data;

  return whep_client_get_frames (w->client) >= w->frames;
}

/* Waits for @n more frames than the viewer has decoded now. */
static gboolean
wait_frames (WhepClient * client, guint n)
{
  FramesWait w = { client, whep_client_get_frames (client) + n };

  return wait_until (frames_past, &w, GW_TEST_WAIT_MS);
}

typedef struct
{
  Fixture *f;
  gint64 viewers;
} ViewersWait;

static gboolean
viewers_are (gpointer data)
{
  ViewersWait *w = data;

  return n_viewers (w->f) == w->viewers;
}

static gboolean
wait_viewers (Fixture * f, gint64 viewers, guint timeout_ms)
{
  ViewersWait w = { f, viewers };

  return wait_until (viewers_are, &w, timeout_ms);
}

/* A viewer with its answer set (directly, or through @relay). Returns the
 * session's Location. */
static gchar *
watch (Fixture * f, WhepClient ** out, WhepRelay * relay)
{
  WhepClient *client = whep_client_new (GW_TEST_WAIT_MS);
  g_autofree gchar *offer = NULL;
  g_autofree gchar *answer = NULL;
  g_autofree gchar *body = NULL;
  g_autoptr (GwReply) r = NULL;

  g_assert_nonnull (client);
  offer = relay ? whep_sdp_rewrite_candidates (whep_client_get_offer (client),
      whep_relay_get_port_for_gateway (relay)) :
      g_strdup (whep_client_get_offer (client));
  r = post_offer (f, "demo", f->keys[0], "application/sdp", offer);
  body = text_of (r);
  if (r->status != 201)
    g_error ("POST whep: %u %s\n%s", r->status, body, f->gw.log->str);
  g_assert_cmpstr (r->content_type, ==, "application/sdp");
  g_assert_true (g_str_has_prefix (r->location, "/api/v1/cameras/demo/whep/"));
  g_assert_nonnull (strstr (body, "a=sendonly"));
  /* the offer's payload type (whep-client.c offers H.264 as 102) */
  g_assert_nonnull (strstr (body, "a=rtpmap:102 H264/90000"));
  g_assert_nonnull (strstr (body, "a=candidate:"));
  if (relay) {
    whep_relay_set_ends (relay,
        whep_sdp_candidate_port (whep_client_get_offer (client)),
        whep_sdp_candidate_port (body));
    answer = whep_sdp_rewrite_candidates (body,
        whep_relay_get_port_for_client (relay));
  } else {
    answer = g_strdup (body);
  }
  g_assert_true (whep_client_set_answer (client, answer));
  *out = client;
  return g_strdup (r->location);
}


static gint64
metric_value (Fixture * f, const gchar * line_prefix)
{
  g_autoptr (GwReply) r = gw_process_request (&f->gw, "GET", "/metrics",
      f->keys[2], NULL);
  g_autofree gchar *text = g_strndup (g_bytes_get_data (r->body, NULL),
      g_bytes_get_size (r->body));
  g_autofree gchar *line = g_strconcat ("\n", line_prefix, NULL);
  const gchar *at;

  g_assert_cmpuint (r->status, ==, 200);
  at = strstr (text, line);     /* a sample line, not its # HELP */
  if (at == NULL)
    return -1;
  return g_ascii_strtoll (at + strlen (line), NULL, 10);
}

/* ------------------------------------------------------------------ */
/* tests                                                                */

/* A viewer watches: 201 with the answer, decoded frames of the camera's
 * size, counted in the status and /metrics; DELETE ends it and its
 * pipeline. */
static void
test_watch (Fixture * f, gconstpointer data)
{
  WhepClient *client = NULL;
  g_autofree gchar *location = watch (f, &client, NULL);
  g_autoptr (GwReply) del = NULL;
  g_autoptr (GwReply) again = NULL;
  g_autoptr (JsonObject) status = NULL;
  JsonObject *live;
  gint w = 0, h = 0;

  g_assert_true (wait_frames (client, 10));
  whep_client_get_size (client, &w, &h);
  g_assert_cmpint (w, ==, 160);
  g_assert_cmpint (h, ==, 120);

  status = live_status (f);
  live = json_object_get_object_member (status, "live");
  g_assert_cmpint (json_object_get_int_member (live, "viewers"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (live, "policy"), ==,
      "weakest-viewer");
  g_assert_true (json_object_get_boolean_member (live, "link_drives_quality"));
  g_assert_cmpint (metric_value (f,
          "camguard_whep_viewers{camera=\"demo\"} "), ==, 1);

  del = gw_process_send (&f->gw, "DELETE", location, f->keys[0], NULL, NULL);
  g_assert_cmpuint (del->status, ==, 200);
  g_assert_cmpint (n_viewers (f), ==, 0);
  g_assert_true (gw_process_wait_log (&f->gw, "viewer ended the session",
          GW_TEST_WAIT_MS));
  g_assert_cmpint (metric_value (f,
          "camguard_whep_viewers{camera=\"demo\"} "), ==, 0);
  again = gw_process_send (&f->gw, "DELETE", location, f->keys[0], NULL, NULL);
  g_assert_cmpuint (again->status, ==, 404);
  g_assert_cmpstr (gw_reply_error_code (again), ==, "RESOURCE_NOT_FOUND");
  whep_client_free (client);
}

#define NO_H264_OFFER "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" \
  "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\n" \
  "a=rtpmap:96 VP8/90000\r\na=recvonly\r\na=mid:0\r\n"

static void
expect_offer (Fixture * f, const gchar * camera, const gchar * key,
    const gchar * content_type, const gchar * sdp, guint status,
    const gchar * code)
{
  g_autoptr (GwReply) r = post_offer (f, camera, key, content_type, sdp);
  g_autofree gchar *body = text_of (r);

  if (r->status != status || g_strcmp0 (gw_reply_error_code (r), code) != 0)
    g_error ("POST whep %s (%s): %u %s, expected %u %s", camera,
        content_type, r->status, body, status, code);
}

/* Every refusal with its catalogue code; PATCH (trickle) is 405. */
static void
test_errors (Fixture * f, gconstpointer data)
{
  WhepClient *client = whep_client_new (GW_TEST_WAIT_MS);
  const gchar *offer = whep_client_get_offer (client);
  WhepClient *watching = NULL;
  g_autofree gchar *location = NULL;
  g_autoptr (GwReply) patch = NULL;

  expect_offer (f, "demo", NULL, "application/sdp", offer, 401,
      "AUTHENTICATION_REQUIRED");
  expect_offer (f, "nope", f->keys[0], "application/sdp", offer, 404,
      "CAMERA_NOT_FOUND");
  expect_offer (f, "demo", f->keys[0], "application/json", "{}", 422,
      "UNSUPPORTED_FORMAT");
  expect_offer (f, "demo", f->keys[0], "application/sdp", "hello", 400,
      "INVALID_REQUEST");
  expect_offer (f, "demo", f->keys[0], "application/sdp", NO_H264_OFFER, 422,
      "UNSUPPORTED_FORMAT");
  g_assert_cmpint (n_viewers (f), ==, 0);

  location = watch (f, &watching, NULL);
  patch = gw_process_send (&f->gw, "PATCH", location, f->keys[0],
      "application/trickle-ice-sdpfrag", "a=end-of-candidates\r\n");
  g_assert_cmpuint (patch->status, ==, 405);
  g_assert_cmpstr (gw_reply_error_code (patch), ==, "METHOD_NOT_ALLOWED");
  /* whep-max-viewers=1 */
  expect_offer (f, "demo", f->keys[0], "application/sdp", offer, 503,
      "TOO_MANY_CONNECTIONS");
  g_assert_cmpint (n_viewers (f), ==, 1);
  whep_client_free (watching);
  whep_client_free (client);
}

/* A viewer that vanishes without DELETE (a closed tab) is reaped once its
 * receiver reports stop. */
static void
test_reap (Fixture * f, gconstpointer data)
{
  WhepClient *client = NULL;
  g_autofree gchar *location = watch (f, &client, NULL);

  g_assert_true (wait_frames (client, 5));
  g_assert_cmpint (n_viewers (f), ==, 1);
  whep_client_free (client);
  g_assert_true (wait_viewers (f, 0, GW_TEST_WAIT_MS));
  g_assert_true (gw_process_wait_log (&f->gw, "receiver reports stopped",
          GW_TEST_WAIT_MS));
  g_assert_cmpint (metric_value (f, "camguard_whep_viewers_reaped_total "),
      ==, 1);
}

/* The camera's second start in the log (the first one was at start-up). */
static gboolean
restarted (gpointer data)
{
  Fixture *f = data;
  const gchar *line = "camera demo: starting -> running";
  const gchar *first = strstr (f->gw.log->str, line);

  return first && strstr (first + 1, line) != NULL;
}

/* The camera restarts while a viewer watches: the viewer moves to the new
 * pipeline's fan-out and frames come again. */
static void
test_restart (Fixture * f, gconstpointer data)
{
  WhepClient *client = NULL;
  g_autofree gchar *location = watch (f, &client, NULL);
  g_autoptr (GwReply) r = NULL;

  g_assert_true (wait_frames (client, 5));
  r = gw_process_request (&f->gw, "POST", "/api/v1/cameras/demo/restart",
      f->keys[1], NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (wait_until (restarted, f, GW_TEST_WAIT_MS));
  g_assert_true (wait_frames (client, 15));
  g_assert_cmpint (n_viewers (f), ==, 1);
  whep_client_free (client);
}

static gint64
quality_step (Fixture * f)
{
  return status_int (f, "quality", "step");
}

static gboolean
step_is_down (gpointer data)
{
  return quality_step (data) == 1;
}

static gboolean
step_is_up (gpointer data)
{
  return quality_step (data) == 0;
}

typedef struct
{
  WhepClient *client;
  gint width;
} SizeWait;

/* The viewer decodes frames @width wide (after a step). */
static gboolean
frames_are_wide (gpointer data)
{
  SizeWait *w = data;
  gint width = 0, height = 0;

  whep_client_get_size (w->client, &width, &height);
  return width == w->width;
}

static void
wait_wide (Fixture * f, SizeWait * sw)
{
  g_autoptr (JsonObject) status = NULL;
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree gchar *text = NULL;
  gint width = 0, height = 0;

  if (wait_until (frames_are_wide, sw, GW_TEST_WAIT_MS))
    return;
  whep_client_get_size (sw->client, &width, &height);
  status = live_status (f);
  json_node_set_object (node, status);
  text = json_to_string (node, FALSE);
  g_error ("no frame %d wide (%u frames, the last %dx%d); status %s\n%s",
      sw->width, whep_client_get_frames (sw->client), width, height, text,
      f->gw.log->str);
}

static gboolean
is_degraded (JsonObject * o, gpointer data)
{
  return gw_ws_is_camera_event (o, "demo", "code", "QUALITY_DEGRADED");
}

/* The link between gateway and viewer loses 30% of the RTP packets (a
 * relay both ICE directions go through): the receiver reports say so, the
 * camera steps down (QUALITY_DEGRADED to subscribers, the step in the
 * status, smaller frames at the viewer), and back up once the loss stops. */
static void
test_lossy_link (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupWebsocketConnection) ws = gw_process_ws_connect (&f->gw);
  WhepRelay *relay = whep_relay_new ();
  WhepClient *client = NULL;
  g_autofree gchar *location = NULL;
  g_autofree gchar *auth = g_strdup_printf ("{\"token\":\"%s\"}", f->keys[0]);
  JsonObject *r;
  SizeWait sw = { NULL, 0 };
  guint64 dropped = 0, forwarded = 0;

  r = gw_ws_call (ws, "authenticate", auth, 1);
  g_assert_false (json_object_has_member (r, "error"));
  json_object_unref (r);
  r = gw_ws_call (ws, "subscribe", "{\"camera\":\"demo\"}", 2);
  g_assert_false (json_object_has_member (r, "error"));
  json_object_unref (r);

  location = watch (f, &client, relay);
  sw.client = client;
  g_assert_true (wait_frames (client, 10));
  g_assert_cmpint (quality_step (f), ==, 0);

  whep_relay_set_loss (relay, 30);
  r = gw_ws_next (ws, is_degraded, NULL, GW_TEST_WAIT_MS);
  if (r == NULL)
    g_error ("no QUALITY_DEGRADED event:\n%s", f->gw.log->str);
  json_object_unref (r);
  g_assert_true (wait_until (step_is_down, f, GW_TEST_WAIT_MS));
  whep_relay_get_counts (relay, &dropped, &forwarded);
  g_assert_cmpuint (dropped, >, 0);
  g_assert_cmpuint (forwarded, >, 2 * dropped);

  /* The smaller frames: once the loss stops (with 30 % lost, the new
   * step's parameter sets may never reach the decoder, which then goes on
   * decoding at the old size), at the next keyframe, before the step up:
   * up-hold and block-time (10 s each by default) are longer than a GOP
   * (60 frames, 4 s). */
  whep_relay_set_loss (relay, 0);
  sw.width = 80;
  wait_wide (f, &sw);
  g_assert_cmpint (quality_step (f), ==, 1);
  g_assert_true (wait_until (step_is_up, f, 3 * GW_TEST_WAIT_MS));
  sw.width = 160;
  wait_wide (f, &sw);
  whep_client_free (client);
  whep_relay_free (relay);
}

int
main (int argc, char **argv)
{
  GstPluginFeature *nice;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  gateway_path = argv[1];
  nice = gst_registry_lookup_feature (gst_registry_get (), "nicesrc");
  if (nice == NULL) {
    g_test_skip ("libnice's GStreamer elements (gstreamer1.0-nice) are "
        "missing: webrtcbin cannot work");
    return g_test_run ();
  }
  gst_object_unref (nice);
#define ADD(path, fn) g_test_add ("/gw/whep/" path, Fixture, NULL, \
    fixture_setup, fn, fixture_teardown)
  ADD ("watch", test_watch);
  ADD ("errors", test_errors);
  ADD ("reap", test_reap);
  ADD ("restart", test_restart);
  ADD ("lossy-link", test_lossy_link);
#undef ADD
  return g_test_run ();
}
