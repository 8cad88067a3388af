/* camguard - camguard-fake-camera: the RTSP server and how it misbehaves
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Listening and refusing (die, revive), the clients (close, count),
 * authentication, the status answered to DESCRIBE and SETUP, and the
 * probe that stalls the RTP stream and asks for a key frame after.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "camguard-fake-camera-private.h"

#define GST_CAT_DEFAULT fake_camera_debug

/* Streaming thread: drop buffers while stalled; after a stall, ask for a key
 * frame and drop delta units until it comes, so that the client decodes again
 * at once. */
static GstPadProbeReturn
stall_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  FakeCamera *cam = user_data;
  GstBuffer *buf;

  if (g_atomic_int_get (&cam->stalled))
    return GST_PAD_PROBE_DROP;

  if (g_atomic_int_get (&cam->key_state) == KEY_PASS)
    return GST_PAD_PROBE_OK;

  if (!(GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER))
    return GST_PAD_PROBE_OK;

  buf = GST_PAD_PROBE_INFO_BUFFER (info);
  if (!GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT)) {
    g_atomic_int_set (&cam->key_state, KEY_PASS);
    return GST_PAD_PROBE_OK;
  }

  if (g_atomic_int_compare_and_exchange (&cam->key_state, KEY_WANTED,
          KEY_REQUESTED)) {
    GstStructure *s;

    /* the GstForceKeyUnit upstream event of gst-video, built by hand */
    s = gst_structure_new ("GstForceKeyUnit",
        "running-time", GST_TYPE_CLOCK_TIME, GST_CLOCK_TIME_NONE,
        "all-headers", G_TYPE_BOOLEAN, TRUE, "count", G_TYPE_UINT, 0, NULL);
    GST_DEBUG ("asking the encoder for a key frame");
    gst_pad_push_event (pad, gst_event_new_custom (GST_EVENT_CUSTOM_UPSTREAM,
            s));
  }
  return GST_PAD_PROBE_DROP;
}

static void
media_configure (GstRTSPMediaFactory * factory, GstRTSPMedia * media,
    gpointer user_data)
{
  FakeCamera *cam = user_data;
  g_autoptr (GstElement) element = gst_rtsp_media_get_element (media);
  g_autoptr (GstElement) pay = NULL;
  g_autoptr (GstPad) pad = NULL;

  pay = gst_bin_get_by_name (GST_BIN (element), "pay0");
  if (pay == NULL) {
    GST_WARNING ("media %p has no pay0", media);
    return;
  }
  pad = gst_element_get_static_pad (pay, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, stall_probe, cam, NULL);
  GST_DEBUG ("configured media %p", media);
}

static GstRTSPStatusCode
pre_request (GstRTSPClient * client, GstRTSPContext * ctx, gpointer user_data)
{
  FakeCamera *cam = user_data;
  gint status = g_atomic_int_get (&cam->status);

  if (status != GST_RTSP_STS_OK && status != GST_RTSP_STS_NOT_FOUND) {
    GST_DEBUG ("answering %d", status);
    return status;
  }
  return GST_RTSP_STS_OK;
}

static void
client_connected (GstRTSPServer * server, GstRTSPClient * client,
    gpointer user_data)
{
  FakeCamera *cam = user_data;

  GST_DEBUG ("client %p connected", client);
  g_signal_connect (client, "pre-describe-request", G_CALLBACK (pre_request),
      cam);
  g_signal_connect (client, "pre-setup-request", G_CALLBACK (pre_request), cam);
}

static GstRTSPFilterResult
remove_client (GstRTSPServer * server, GstRTSPClient * client,
    gpointer user_data)
{
  return GST_RTSP_FILTER_REMOVE;
}

static GstRTSPFilterResult
count_client (GstRTSPServer * server, GstRTSPClient * client,
    gpointer user_data)
{
  guint *n = user_data;

  (*n)++;
  return GST_RTSP_FILTER_KEEP;
}

static GstRTSPFilterResult
set_client_auth (GstRTSPServer * server, GstRTSPClient * client,
    gpointer user_data)
{
  gst_rtsp_client_set_auth (client, user_data);
  return GST_RTSP_FILTER_KEEP;
}

void
camera_close_clients (FakeCamera * cam)
{
  GList *kept;

  kept = gst_rtsp_server_client_filter (cam->server, remove_client, NULL);
  g_list_free_full (kept, g_object_unref);
}

guint
camera_n_clients (FakeCamera * cam)
{
  guint n = 0;
  GList *kept;

  kept = gst_rtsp_server_client_filter (cam->server, count_client, &n);
  g_list_free_full (kept, g_object_unref);
  return n;
}

gboolean
camera_listen (FakeCamera * cam, GError ** error)
{
  if (cam->listen_source)
    return TRUE;

  /* After the first bind the server's service is the bound port, so the new
   * socket (SO_REUSEADDR) listens on the same port again. */
  cam->listen_source = gst_rtsp_server_create_source (cam->server, NULL, error);
  if (cam->listen_source == NULL)
    return FALSE;
  g_source_attach (cam->listen_source, NULL);
  cam->bound_port = gst_rtsp_server_get_bound_port (cam->server);
  GST_INFO ("listening on port %d", cam->bound_port);
  return TRUE;
}

void
camera_stop_listening (FakeCamera * cam)
{
  if (cam->listen_source == NULL)
    return;
  /* destroying the source drops the last references to the listening
   * socket, which closes it: new connections get a RST */
  g_source_destroy (cam->listen_source);
  g_clear_pointer (&cam->listen_source, g_source_unref);
  GST_INFO ("stopped listening");
}

static gboolean
revive_timeout (gpointer user_data)
{
  FakeCamera *cam = user_data;
  g_autoptr (GError) error = NULL;

  cam->revive_id = 0;
  g_printerr ("fake-camera: revive (timer)\n");
  if (!camera_listen (cam, &error))
    g_printerr ("fake-camera: could not listen again: %s\n", error->message);
  return G_SOURCE_REMOVE;
}

void
camera_set_auth (FakeCamera * cam, const gchar * mode)
{
  g_autoptr (GstRTSPAuth) auth = NULL;
  g_autoptr (GstRTSPToken) token = NULL;
  GList *kept;

  if (g_strcmp0 (mode, "none") != 0) {
    auth = gst_rtsp_auth_new ();
    token = gst_rtsp_token_new (GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE,
        G_TYPE_STRING, FAKE_CAMERA_ROLE, NULL);
    if (g_strcmp0 (mode, "digest") == 0) {
      gst_rtsp_auth_add_digest (auth, cam->user, cam->password, token);
      gst_rtsp_auth_set_supported_methods (auth, GST_RTSP_AUTH_DIGEST);
    } else {
      g_autofree gchar *basic = gst_rtsp_auth_make_basic (cam->user,
          cam->password);

      gst_rtsp_auth_add_basic (auth, basic, token);
      gst_rtsp_auth_set_supported_methods (auth, GST_RTSP_AUTH_BASIC);
    }
  }
  gst_rtsp_server_set_auth (cam->server, auth);
  kept = gst_rtsp_server_client_filter (cam->server, set_client_auth, auth);
  g_list_free_full (kept, g_object_unref);
}

void
camera_set_mounted (FakeCamera * cam, gboolean mounted)
{
  if (mounted == cam->mounted)
    return;
  if (mounted)
    gst_rtsp_mount_points_add_factory (cam->mounts, cam->path,
        g_object_ref (cam->factory));
  else
    gst_rtsp_mount_points_remove_factory (cam->mounts, cam->path);
  cam->mounted = mounted;
}

void
camera_die (FakeCamera * cam, gdouble down)
{
  camera_stop_listening (cam);
  camera_close_clients (cam);
  if (cam->revive_id)
    g_source_remove (cam->revive_id);
  cam->revive_id = 0;
  if (down > 0)
    cam->revive_id = g_timeout_add ((guint) (down * 1000), revive_timeout, cam);
}


/* Listen again now (cancels a pending timed revive). */
gboolean
camera_revive (FakeCamera * cam, GError ** error)
{
  if (cam->revive_id)
    g_source_remove (cam->revive_id);
  cam->revive_id = 0;
  return camera_listen (cam, error);
}

static gchar *
make_launch (FakeCamera * cam)
{
  g_autofree gchar *src = g_strdup_printf ("( videotestsrc is-live=true "
      "pattern=ball ! video/x-raw,format=I420,width=%d,height=%d,"
      "framerate=%d/1 ! ",
      cam->width, cam->height, cam->framerate);

  if (g_str_equal (cam->codec, "mjpeg"))
    return g_strconcat (src, "jpegenc ! rtpjpegpay name=pay0 pt=26 )", NULL);
  return g_strdup_printf ("%sx264enc tune=zerolatency speed-preset=ultrafast "
      "key-int-max=%d ! rtph264pay name=pay0 pt=96 config-interval=-1 )",
      src, cam->gop);
}


/* The server on 127.0.0.1:port, its shared media factory (the launch line
 * of make_launch()) and the mount; not listening yet. */
void
camera_server_setup (FakeCamera * cam)
{
  g_autofree gchar *launch = NULL;
  g_autofree gchar *service = g_strdup_printf ("%d", cam->port);

  cam->server = gst_rtsp_server_new ();
  gst_rtsp_server_set_address (cam->server, "127.0.0.1");
  gst_rtsp_server_set_service (cam->server, service);
  g_signal_connect (cam->server, "client-connected",
      G_CALLBACK (client_connected), cam);

  launch = make_launch (cam);
  GST_INFO ("launch line: %s", launch);
  cam->factory = gst_rtsp_media_factory_new ();
  gst_rtsp_media_factory_set_launch (cam->factory, launch);
  gst_rtsp_media_factory_set_shared (cam->factory, TRUE);
  gst_rtsp_media_factory_set_protocols (cam->factory,
      GST_RTSP_LOWER_TRANS_TCP | GST_RTSP_LOWER_TRANS_UDP);
  gst_rtsp_media_factory_add_role (cam->factory, FAKE_CAMERA_ROLE,
      GST_RTSP_PERM_MEDIA_FACTORY_ACCESS, G_TYPE_BOOLEAN, TRUE,
      GST_RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, G_TYPE_BOOLEAN, TRUE, NULL);
  g_signal_connect (cam->factory, "media-configure",
      G_CALLBACK (media_configure), cam);

  cam->mounts = gst_rtsp_server_get_mount_points (cam->server);
  camera_set_mounted (cam, TRUE);
  camera_set_auth (cam, cam->auth_mode);
}

/* Stop listening, drop the clients and free the server. */
void
camera_server_clear (FakeCamera * cam)
{
  if (cam->revive_id)
    g_source_remove (cam->revive_id);
  cam->revive_id = 0;
  camera_stop_listening (cam);
  camera_close_clients (cam);
  g_clear_object (&cam->mounts);
  g_clear_object (&cam->factory);
  g_clear_object (&cam->server);
}
