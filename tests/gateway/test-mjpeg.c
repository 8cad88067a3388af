/* camguard-gateway - MJPEG live streams and snapshot modes, end to end
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A gateway (GwGateway, in this process) with a test camera on free ports;
 * real libsoup clients read GET /api/v1/cameras/{id}/mjpeg as multipart
 * parts (SoupMultipartInputStream), each decoded with TurboJPEG; a raw
 * socket client that never reads; the camera pipeline's elements counted.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <sys/socket.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <libsoup/soup.h>

#include "fake-camera-client.h"
#include "gateway-process.h"
#include "gw-camera-ops.h"
#include "gw-gateway.h"
#include "mjpeg-test-client.h"

static GwGateway gw;
static gchar *tmpdir;
static gchar *viewer_key;
static gchar *admin_key;
static gchar *base;
static SoupSession *session;
static const gchar *fake_camera_path;
static CgFakeCamera fake;

static Viewer *
viewer (const gchar * camera, const gchar * query)
{
  return viewer_new (camera, query, viewer_key);
}

/* ------------------------------------------------------------------ */
/* the gateway                                                          */

static GwCamera *
camera (const gchar * id)
{
  return gw_registry_lookup (gw.registry, id);
}

static gboolean
camera_running (gpointer id)
{
  return gw_camera_get_state (camera (id)) == GW_CAMERA_STATE_RUNNING;
}

static guint
count_factory (const gchar * id, const gchar * factory)
{
  const GwPipeline *pipe = gw_camera_get_pipeline (camera (id));
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (pipe->pipeline));
  GValue item = G_VALUE_INIT;
  guint n = 0;

  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
    GstElementFactory *f = gst_element_get_factory (g_value_get_object (&item));

    if (f && g_str_equal (GST_OBJECT_NAME (f), factory))
      n++;
    g_value_reset (&item);
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  return n;
}

static gboolean
no_mjpeg_left (gpointer id)
{
  return gw_mjpeg_get_n_clients (gw.mjpeg, id) == 0
      && count_factory (id, "jpegenc") == 0;
}

static gchar *
create_key (GwRole role, const gchar * name)
{
  g_autoptr (GwKeyStore) keys = gw_key_store_new (tmpdir, NULL);
  g_autoptr (GError) err = NULL;
  gchar *key = NULL;

  g_assert_true (gw_keys_create (keys, role, name, &key, &err));
  g_assert_no_error (err);
  return key;
}

static void
start_gateway (void)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *conf = NULL;
  g_autofree gchar *path = NULL;
  GwSpecPolicy policy;

  tmpdir = g_dir_make_tmp ("test-mjpeg-XXXXXX", &err);
  g_assert_no_error (err);
  g_assert_true (cg_fake_camera_start (&fake, fake_camera_path, NULL, WAIT_MS,
          &err));
  g_assert_no_error (err);
  conf = g_strdup_printf ("[gateway]\nlisten=127.0.0.1\nport=0\n"
      "rtsp-port=0\ndata-dir=%s\nmjpeg-max-clients=4\n\n"
      "[camera demo]\ntype=test\npattern=snow\nwidth=320\nheight=240\n"
      "framerate=30/1\n\n"
      "[camera door]\ntype=rtsp\nuri=%s\nretry-initial-delay=100\n"
      "retry-max-delay=300\nretry-timeout=1500\n", tmpdir, fake.url);
  path = g_build_filename (tmpdir, "gateway.conf", NULL);
  g_assert_true (g_file_set_contents (path, conf, -1, NULL));
  viewer_key = create_key (GW_ROLE_VIEWER, "viewer");
  admin_key = create_key (GW_ROLE_ADMIN, "admin");
  gw.config = gw_config_load (path, &err);
  g_assert_no_error (err);
  policy = gw_config_get_policy (gw.config);
  gw.registry = gw_registry_new (tmpdir, &policy, TRUE);
  g_assert_true (gw_gateway_start_servers (&gw, &err));
  g_assert_no_error (err);
  g_assert_true (gw_registry_load (gw.registry, gw.config->cameras, &err));
  g_assert_no_error (err);
  base = g_strdup_printf ("http://127.0.0.1:%u", gw.http_port);
  session = soup_session_new_with_options ("max-conns", 64,
      "max-conns-per-host", 64, NULL);
  mjpeg_client_init (session, base);
  g_assert_true (wait_for (camera_running, (gpointer) "demo"));
  g_assert_true (wait_for (camera_running, (gpointer) "door"));
}

static void
stop_gateway (void)
{
  gw_gateway_stop_servers (&gw);
  gw_registry_stop_all (gw.registry);
  gw_gateway_release (&gw);
  g_clear_object (&gw.registry);
  g_clear_pointer (&gw.config, gw_config_free);
  g_free (base);
  g_free (viewer_key);
  g_free (admin_key);
}

static void
remove_tmpdir (void)
{
  GDir *dir = g_dir_open (tmpdir, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree gchar *p = g_build_filename (tmpdir, name, NULL);

    g_remove (p);
  }
  if (dir)
    g_dir_close (dir);
  g_rmdir (tmpdir);
  g_free (tmpdir);
}

/* ------------------------------------------------------------------ */
/* tests                                                                */

/* A client gets a multipart/x-mixed-replace stream whose parts are JPEGs
 * of the size it asked for; leaving removes the branch. */
static void
test_stream (void)
{
  Viewer *v = viewer ("demo", "width=160&height=120&fps=15");

  assert_frames (&v, 1, 5, 160, 120);
  g_assert_nonnull (strstr (v->content_type, "multipart/x-mixed-replace"));
  g_assert_nonnull (strstr (v->content_type, "boundary="));
  viewer_free (v);
  g_assert_true (wait_for (no_mjpeg_left, (gpointer) "demo"));
}

/* fps limits what one client is sent, not what the others get: two
 * clients of one branch, a 30 fps camera, one asking for 5 fps. */
static void
test_fps (void)
{
  Viewer *v[2];

  v[0] = viewer ("demo", "width=160&height=120");
  v[1] = viewer ("demo", "width=160&height=120&fps=5");
  assert_frames (v, 2, 1, 160, 120);
  assert_frames (v, 1, 60, 160, 120);
  g_test_message ("%u frames unlimited, %u at fps=5", v[0]->frames,
      v[1]->frames);
  g_assert_cmpuint (v[1]->frames, <=, v[0]->frames / 2);
  g_assert_cmpuint (count_factory ("demo", "jpegenc"), ==, 1);
  viewer_free (v[0]);
  viewer_free (v[1]);
  g_assert_true (wait_for (no_mjpeg_left, (gpointer) "demo"));
}

/* Several clients, one encoder per size; the limit; the last client gone
 * takes the branches out and the camera keeps running, untouched. */
static void
test_shared (void)
{
  const GwPipeline *pipe = gw_camera_get_pipeline (camera ("demo"));
  GstElement *pipeline = pipe->pipeline;
  guint queues = count_factory ("demo", "queue");
  Viewer *v[4];
  Viewer *again;
  guint i;

  for (i = 0; i < 3; i++)
    v[i] = viewer ("demo", NULL);
  v[3] = viewer ("demo", "width=64");
  assert_frames (v, 3, 3, 320, 240);
  assert_frames (v + 3, 1, 3, 64, 48);
  g_assert_cmpuint (count_factory ("demo", "jpegenc"), ==, 2);
  g_assert_cmpuint (gw_mjpeg_get_n_branches (gw.mjpeg, "demo"), ==, 2);
  g_assert_cmpuint (gw_mjpeg_get_n_clients (gw.mjpeg, "demo"), ==, 4);

  /* mjpeg-max-clients=4 */
  assert_error ("/api/v1/cameras/demo/mjpeg", viewer_key, 503,
      "TOO_MANY_CONNECTIONS");

  for (i = 0; i < 4; i++)
    viewer_free (v[i]);
  g_assert_true (wait_for (no_mjpeg_left, (gpointer) "demo"));
  g_assert_cmpuint (gw_mjpeg_get_n_branches (gw.mjpeg, "demo"), ==, 0);
  g_assert_true (gw_camera_get_pipeline (camera ("demo"))->pipeline ==
      pipeline);
  g_assert_cmpint (gw_camera_get_state (camera ("demo")), ==,
      GW_CAMERA_STATE_RUNNING);
  g_assert_cmpuint (count_factory ("demo", "queue"), ==, queues);

  /* the tee still feeds a new branch */
  again = viewer ("demo", NULL);
  assert_frames (&again, 1, 3, 320, 240);
  viewer_free (again);
  g_assert_true (wait_for (no_mjpeg_left, (gpointer) "demo"));
}

/* A client that never reads: a raw socket with a small receive buffer. */
static GSocket *
stalled_client (const gchar * query)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) sa = g_inet_socket_address_new (lo, gw.http_port);
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, &err);
  g_autofree gchar *req = g_strdup_printf ("GET /api/v1/cameras/demo/mjpeg?%s"
      " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: %s\r\n\r\n", query,
      viewer_key);

  g_assert_no_error (err);
  g_assert_true (g_socket_set_option (s, SOL_SOCKET, SO_RCVBUF, 4096, &err));
  g_assert_true (g_socket_connect (s, sa, NULL, &err));
  g_assert_no_error (err);
  g_assert_cmpint (g_socket_send (s, req, strlen (req), NULL, &err), ==,
      (gssize) strlen (req));
  return s;
}

typedef struct
{
  Viewer **v;
  guint frames;
  guint64 dropped;
  guint64 bytes;
} SlowWait;

static gboolean
dropped_and_served (gpointer data)
{
  SlowWait *w = data;

  return gw_mjpeg_get_frames_dropped (gw.mjpeg) >= w->dropped
      && w->v[0]->frames >= w->frames && w->v[1]->frames >= w->frames
      && w->v[0]->bytes + w->v[1]->bytes >= w->bytes;
}

/* This process's resident memory, in bytes. */
static gsize
rss (void)
{
  g_autofree gchar *status = NULL;
  const gchar *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL,
          NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return (gsize) g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10) * 1024;
}

/* The stalled client loses frames (counted), the gateway keeps at most
 * two parts for it, and the others keep getting every frame. */
static void
test_slow_client (void)
{
  const gchar *q = "width=1280&height=720";
  Viewer *v[2];
  GSocket *slow;
  SlowWait w;
  guint64 dropped0 = gw_mjpeg_get_frames_dropped (gw.mjpeg);
  gsize queued, bound, rss0, rss1;

  v[0] = viewer ("demo", q);
  v[1] = viewer ("demo", q);
  /* warmed up: the branch, its pools and the clients' buffers exist */
  assert_frames (v, 2, 30, 1280, 720);
  rss0 = rss ();
  slow = stalled_client (q);
  w.v = v;
  w.dropped = dropped0 + 30;
  w.frames = v[0]->frames + 30;
  /* enough that keeping what was written would show in RSS */
  w.bytes = v[0]->bytes + v[1]->bytes + 64 * 1024 * 1024;
  g_assert_true (wait_for (dropped_and_served, &w));
  rss1 = rss ();
  assert_frames (v, 2, w.frames, 1280, 720);
  g_assert_cmpuint (gw_mjpeg_get_n_branches (gw.mjpeg, "demo"), ==, 1);
  /* two parts per client at most (one being written, one waiting) */
  queued = gw_mjpeg_get_queued_bytes (gw.mjpeg);
  bound = 3 * 2 * (MAX (v[0]->max_part, v[1]->max_part) + 256);
  g_test_message ("queued %" G_GSIZE_FORMAT " bytes (bound %" G_GSIZE_FORMAT
      "), %" G_GUINT64_FORMAT " frames dropped, largest part %" G_GSIZE_FORMAT
      ", RSS %" G_GSIZE_FORMAT " -> %" G_GSIZE_FORMAT " kB", queued, bound,
      gw_mjpeg_get_frames_dropped (gw.mjpeg) - dropped0, v[0]->max_part,
      rss0 / 1024, rss1 / 1024);
  g_assert_cmpuint (queued, <=, bound);
  /* 64 MiB went through the stream meanwhile; a gateway that kept written
   * parts, or queued them for the stalled client, would hold that much */
  g_assert_cmpuint (rss1, <, rss0 + 12 * 1024 * 1024);

  g_socket_close (slow, NULL);
  g_object_unref (slow);
  viewer_free (v[0]);
  viewer_free (v[1]);
  g_assert_true (wait_for (no_mjpeg_left, (gpointer) "demo"));
}

/* Bad parameters list every field; unknown camera; no key; role. */
static void
test_errors (void)
{
  g_autoptr (Reply) r = request ("/api/v1/cameras/demo/mjpeg?fps=0&"
      "width=abc&height=99999", viewer_key);

  g_assert_cmpuint (r->status, ==, 400);
  g_assert_nonnull (strstr (r->body, "\"VALIDATION_ERROR\""));
  g_assert_nonnull (strstr (r->body, "\"fps\""));
  g_assert_nonnull (strstr (r->body, "\"width\""));
  g_assert_nonnull (strstr (r->body, "\"height\""));
  assert_error ("/api/v1/cameras/nope/mjpeg", viewer_key, 404,
      "CAMERA_NOT_FOUND");
  assert_error ("/api/v1/cameras/demo/mjpeg", NULL, 401,
      "AUTHENTICATION_REQUIRED");
  assert_error ("/api/v1/cameras/demo/mjpeg", "cgk_not-a-key", 401,
      "INVALID_API_KEY");
  g_assert_cmpuint (gw_mjpeg_get_n_clients (gw.mjpeg, NULL), ==, 0);
}

static gboolean
viewer_ended (gpointer data)
{
  Viewer *v = data;

  return v->ended || v->failed;
}

/* Stopping the camera ends the stream; a stopped camera is refused. */
static void
test_camera_stopped (void)
{
  Viewer *v = viewer ("demo", "width=160&height=120");

  assert_frames (&v, 1, 2, 160, 120);
  gw_camera_stop (camera ("demo"));
  g_assert_true (wait_for (viewer_ended, v));
  g_assert_true (v->ended);
  g_assert_false (v->failed);
  viewer_free (v);
  g_assert_cmpuint (gw_mjpeg_get_n_clients (gw.mjpeg, NULL), ==, 0);
  assert_error ("/api/v1/cameras/demo/mjpeg", viewer_key, 503,
      "SNAPSHOT_FAILED");
  g_assert_true (gw_camera_start (camera ("demo"), NULL));
  g_assert_true (wait_for (camera_running, (gpointer) "demo"));
}

/* Deleting the camera ends its streams and takes its branch out. */
static void
test_camera_deleted (void)
{
  g_autoptr (GwCameraSpec) spec = gw_camera_spec_new ("temp", GW_CAMERA_TEST);
  g_autoptr (CgError) error = NULL;
  Viewer *v;

  g_assert_nonnull (gw_registry_create (gw.registry, spec, &error));
  g_assert_null (error);
  g_assert_true (wait_for (camera_running, (gpointer) "temp"));
  v = viewer ("temp", "width=160&height=120");
  assert_frames (&v, 1, 2, 160, 120);
  g_assert_true (gw_registry_delete (gw.registry, "temp", &error));
  g_assert_true (wait_for (viewer_ended, v));
  g_assert_true (v->ended);
  g_assert_cmpuint (gw_mjpeg_get_n_clients (gw.mjpeg, "temp"), ==, 0);
  g_assert_cmpuint (gw_mjpeg_get_n_branches (gw.mjpeg, "temp"), ==, 0);
  viewer_free (v);
  assert_error ("/api/v1/cameras/temp/mjpeg", viewer_key, 404,
      "CAMERA_NOT_FOUND");
}

/* A restart builds a new pipeline: the stream stays open and resumes on
 * it, with one branch there and none left in the old one. */
static void
test_camera_restart (void)
{
  Viewer *v = viewer ("demo", "width=160&height=120");
  guint before;

  assert_frames (&v, 1, 2, 160, 120);
  before = v->frames;
  g_assert_true (gw_camera_restart (camera ("demo"), NULL));
  g_assert_true (wait_for (camera_running, (gpointer) "demo"));
  assert_frames (&v, 1, before + 5, 160, 120);
  g_assert_false (v->ended);
  g_assert_cmpuint (count_factory ("demo", "jpegenc"), ==, 1);
  viewer_free (v);
  g_assert_true (wait_for (no_mjpeg_left, (gpointer) "demo"));
}

static void
fake_command (const gchar * cmd)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *answer = cg_fake_camera_command (&fake, cmd, WAIT_MS,
      &err);

  g_assert_no_error (err);
  g_assert_true (g_str_has_prefix (answer, "OK"));
}

static gboolean
camera_retrying (gpointer id)
{
  return gw_camera_get_state (camera (id)) == GW_CAMERA_STATE_RETRYING;
}

/* An H.264 camera: one decoder and one encoder for every client of a
 * size; the camera goes away (killed) and comes back: the streams stay
 * open and frames resume. */
static void
test_h264_camera_away (void)
{
  const GwPipeline *pipe = gw_camera_get_pipeline (camera ("door"));
  Viewer *v[2];
  guint before;

  v[0] = viewer ("door", "width=160&height=120");
  v[1] = viewer ("door", "width=160&height=120&fps=5");
  assert_frames (v, 2, 3, 160, 120);
  g_assert_cmpuint (count_factory ("door", "jpegenc"), ==, 1);
  g_assert_cmpuint (count_factory ("door", "avdec_h264"), ==, 1);

  fake_command ("die 0");
  g_assert_true (wait_for (camera_retrying, (gpointer) "door"));
  before = v[0]->frames;
  fake_command ("revive");
  g_assert_true (wait_for (camera_running, (gpointer) "door"));
  assert_frames (v, 1, before + 3, 160, 120);
  g_assert_false (v[0]->ended);
  g_assert_false (v[1]->ended);
  /* the same pipeline: retrysrc reconnected inside it */
  g_assert_true (gw_camera_get_pipeline (camera ("door")) == pipe);
  g_assert_cmpuint (count_factory ("door", "jpegenc"), ==, 1);

  viewer_free (v[0]);
  viewer_free (v[1]);
  g_assert_true (wait_for (no_mjpeg_left, (gpointer) "door"));
  g_assert_cmpuint (count_factory ("door", "avdec_h264"), ==, 0);
}

/* /metrics: clients, frames sent and dropped. */
static void
test_metrics (void)
{
  g_autoptr (Reply) r = request ("/metrics", admin_key);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (strstr (r->body, "camguard_mjpeg_clients 0"));
  g_assert_nonnull (strstr (r->body, "camguard_mjpeg_frames_sent_total "));
  g_assert_null (strstr (r->body, "camguard_mjpeg_frames_sent_total 0\n"));
  g_assert_nonnull (strstr (r->body, "camguard_mjpeg_frames_dropped_total "));
  /* streams the clients left are counted as the 200 they were, not as the
   * 500 libsoup sets on a write to a closed connection */
  g_assert_nonnull (strstr (r->body, "camguard_http_requests_total{route="
          "\"/api/v1/cameras/{id}/mjpeg\",method=\"GET\",status=\"200\"}"));
  g_assert_null (strstr (r->body, "camguard_http_requests_total{route="
          "\"/api/v1/cameras/{id}/mjpeg\",method=\"GET\",status=\"500\"}"));
}

/* Snapshot modes: latest (default), fresh, anything else refused. */
static void
test_snapshot_modes (void)
{
  const gchar *paths[] = { "/api/v1/cameras/demo/snapshot",
    "/api/v1/cameras/demo/snapshot?mode=latest",
    "/api/v1/cameras/demo/snapshot?mode=fresh&width=160&height=120",
  };
  g_autoptr (Reply) bad = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (paths); i++) {
    g_autoptr (Reply) r = request (paths[i], viewer_key);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (r->content_type, ==, "image/jpeg");
    g_assert_nonnull (r->frame_age);
    g_assert_cmpuint (r->size, >, 4);
    g_assert_cmpuint ((guint8) r->body[0], ==, 0xff);
    g_assert_cmpuint ((guint8) r->body[1], ==, 0xd8);
  }
  bad = request ("/api/v1/cameras/demo/snapshot?mode=oldest", viewer_key);
  g_assert_cmpuint (bad->status, ==, 400);
  g_assert_nonnull (strstr (bad->body, "\"VALIDATION_ERROR\""));
  g_assert_nonnull (strstr (bad->body, "\"mode\""));
  g_assert_nonnull (strstr (bad->body, "latest, fresh"));
}

typedef struct
{
  gboolean done;
  GwSnapshot *snap;
  CgError *error;
} Snap;

static void
snap_cb (GObject * src, GAsyncResult * res, gpointer data)
{
  Snap *s = data;

  s->snap = gw_camera_ops_snapshot_finish (GW_CAMERA (src), res, &s->error);
  s->done = TRUE;
}

static gboolean
snap_done (gpointer data)
{
  return ((Snap *) data)->done;
}

static GstPadProbeReturn
block_frames (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  return GST_PAD_PROBE_OK;
}

/* mode=fresh waits for a frame that arrives after the request: with the
 * frames held back before snapshottap, `latest` answers at once, `fresh`
 * times out (SNAPSHOT_FAILED, mode and timeout in details) or answers once
 * the frames flow again. */
static void
test_snapshot_fresh_waits (void)
{
  GwCamera *cam = camera ("demo");
  GstPad *pad = gst_element_get_static_pad (gw_camera_get_pipeline
      (cam)->snapshot, "sink");
  gulong block = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM,
      block_frames, NULL, NULL);
  Snap latest = { 0 }, timed_out = { 0 }, fresh = { 0 };
  const GstStructure *d;
  guint timeout_ms = 0;

  gw_camera_ops_snapshot_async (cam, 0, 0, 0, NULL, NULL, snap_cb, &latest);
  g_assert_true (wait_for (snap_done, &latest));
  g_assert_nonnull (latest.snap);

  gw_camera_ops_snapshot_fresh_async (cam, 0, 0, 0, NULL, 300, NULL,
      snap_cb, &timed_out);
  g_assert_true (wait_for (snap_done, &timed_out));
  g_assert_null (timed_out.snap);
  g_assert_cmpint (cg_error_get_code (timed_out.error), ==,
      CG_CODE_SNAPSHOT_FAILED);
  d = cg_error_get_details (timed_out.error);
  g_assert_cmpstr (gst_structure_get_string (d, "mode"), ==, "fresh");
  g_assert_true (gst_structure_get_uint (d, "timeout_ms", &timeout_ms));
  g_assert_cmpuint (timeout_ms, ==, 300);

  gw_camera_ops_snapshot_fresh_async (cam, 0, 0, 0, NULL, WAIT_MS, NULL,
      snap_cb, &fresh);
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_false (fresh.done);
  gst_pad_remove_probe (pad, block);
  g_assert_true (wait_for (snap_done, &fresh));
  g_assert_nonnull (fresh.snap);

  gst_object_unref (pad);
  gw_snapshot_free (latest.snap);
  gw_snapshot_free (fresh.snap);
  cg_error_unref (timed_out.error);
}

/* The JSON-RPC take_snapshot takes the same mode. */
static void
test_rpc_snapshot_mode (void)
{
  GwProcess p = { 0 };
  g_autoptr (SoupWebsocketConnection) ws = NULL;
  g_autofree gchar *auth = g_strdup_printf ("{\"token\":\"%s\"}",
      viewer_key);
  g_autoptr (JsonNode) node = NULL;
  g_autofree gchar *text = NULL;
  JsonObject *r, *e;

  p.http_port = gw.http_port;
  p.session = session;
  ws = gw_process_ws_connect (&p);
  r = gw_ws_call (ws, "authenticate", auth, 1);
  g_assert_true (json_object_has_member (r, "result"));
  json_object_unref (r);

  r = gw_ws_call (ws, "take_snapshot", "{\"camera\":\"demo\","
      "\"mode\":\"fresh\",\"width\":80}", 2);
  g_assert_true (json_object_has_member (r, "result"));
  g_assert_true (json_object_has_member (json_object_get_object_member (r,
              "result"), "image"));
  json_object_unref (r);

  r = gw_ws_call (ws, "take_snapshot", "{\"camera\":\"demo\","
      "\"mode\":\"oldest\"}", 3);
  e = json_object_get_object_member (r, "error");
  g_assert_nonnull (e);
  g_assert_cmpint (json_object_get_int_member (e, "code"), ==, -32602);
  node = json_node_init_object (json_node_alloc (), e);
  text = json_to_string (node, FALSE);
  g_assert_nonnull (strstr (text, "\"mode\""));
  g_assert_nonnull (strstr (text, "latest, fresh"));
  json_object_unref (r);
  soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

int
main (int argc, char **argv)
{
  Viewer *last;
  int ret;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  fake_camera_path = argv[1];
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  start_gateway ();
  g_test_add_func ("/mjpeg/stream", test_stream);
  g_test_add_func ("/mjpeg/fps", test_fps);
  g_test_add_func ("/mjpeg/shared", test_shared);
  g_test_add_func ("/mjpeg/slow-client", test_slow_client);
  g_test_add_func ("/mjpeg/errors", test_errors);
  g_test_add_func ("/mjpeg/camera-restart", test_camera_restart);
  g_test_add_func ("/mjpeg/camera-stopped", test_camera_stopped);
  g_test_add_func ("/mjpeg/camera-deleted", test_camera_deleted);
  g_test_add_func ("/mjpeg/h264-camera-away", test_h264_camera_away);
  g_test_add_func ("/mjpeg/metrics", test_metrics);
  g_test_add_func ("/snapshot/modes", test_snapshot_modes);
  g_test_add_func ("/snapshot/fresh-waits", test_snapshot_fresh_waits);
  g_test_add_func ("/snapshot/rpc-mode", test_rpc_snapshot_mode);
  ret = g_test_run ();
  /* stopping the gateway with a client still watching (no critical) */
  last = viewer ("demo", "width=160&height=120");
  assert_frames (&last, 1, 1, 160, 120);
  stop_gateway ();
  g_cancellable_cancel (last->cancel);
  g_assert_true (wait_for (viewer_idle, last));
  g_clear_object (&last->part);
  g_clear_object (&last->multi);
  g_object_unref (last->msg);
  g_object_unref (last->cancel);
  g_byte_array_unref (last->buf);
  g_free (last->content_type);
  g_free (last);
  g_clear_object (&session);
  g_assert_true (cg_fake_camera_stop (&fake, WAIT_MS));
  remove_tmpdir ();
  return ret;
}
