/* camguard-gateway - RTSP re-publish of running cameras (gst-rtsp-server)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gw-rtsp
 * @short_description: serve every running camera over RTSP
 *
 * Each camera is served from its pipeline's fan-out (gw-fanout.c: one
 * `queue ! appsink` branch on a tee request pad, shared with the other
 * outputs such as the WHEP viewers) by a shared #GstRTSPMediaFactory
 * mounted at `/<camera-id>` whose media is
 * `( appsrc name=src ... ! h264parse ! rtph264pay name=pay0 ... )`.
 *
 * When a media is configured its appsrc becomes a consumer of the fan-out
 * (owned by the camera): it gets access units from the next keyframe on,
 * which is asked of the camera's encoder (so does every client's PLAY: a
 * client that joins the running shared media gets a keyframe within a few
 * frames). The consumer goes away when the media is unprepared (its last
 * client left), so clients come and go while the camera pipeline never
 * changes state and never gets a second encoder (gateway-platform.md §2:
 * proxysink/proxysrc and media inside the camera pipeline crash or hang;
 * they are not used).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-rtsp.h"
#include "gw-fanout.h"

#include <camguard.h>
#include <gst/app/gstappsrc.h>
#include <gst/rtsp-server/rtsp-server.h>

GST_DEBUG_CATEGORY_STATIC (gw_rtsp_debug);
#define GST_CAT_DEFAULT gw_rtsp_debug

#define GW_RTSP_LAUNCH "( appsrc name=src is-live=true format=time " \
  "do-timestamp=true ! h264parse ! rtph264pay name=pay0 pt=96 " \
  "config-interval=-1 )"

/* Client connections run on their own threads (preparing a media waits for
 * the first keyframe): never on the gateway's main context. */
#define GW_RTSP_CLIENT_THREADS 4

/* One published camera; shared (reference-counted) between the registry
 * and the media signal handlers. Its prepared medias' appsrcs are consumers
 * of the camera's fan-out, owned by it. */
typedef struct
{
  gatomicrefcount ref;
  gchar *id;
  gchar *path;
  GMutex lock;
  gboolean removed;             /* under lock; fanout is NULL once set */
  GwFanout *fanout;
  GstRTSPMediaFactory *factory;
} GwRtspCamera;

struct _GwRtsp
{
  GObject parent;

  GstRTSPServer *server;
  GSource *source;
  gchar *address;
  guint port;
  GHashTable *cameras;          /* id -> GwRtspCamera * */
};

G_DEFINE_TYPE (GwRtsp, gw_rtsp, G_TYPE_OBJECT);

static GQuark
camera_quark (void)
{
  return g_quark_from_static_string ("gw-rtsp-camera");
}

static GwRtspCamera *
camera_ref (GwRtspCamera * cam)
{
  g_atomic_ref_count_inc (&cam->ref);
  return cam;
}

static void
camera_unref (gpointer data)
{
  GwRtspCamera *cam = data;

  if (!g_atomic_ref_count_dec (&cam->ref))
    return;
  g_mutex_clear (&cam->lock);
  g_clear_object (&cam->factory);
  g_free (cam->path);
  g_free (cam->id);
  g_free (cam);
}

static void
camera_closure_unref (gpointer data, GClosure * closure)
{
  camera_unref (data);
}

static void
camera_request_keyframe (GwRtspCamera * cam)
{
  g_mutex_lock (&cam->lock);
  if (!cam->removed)
    gw_fanout_request_keyframe (cam->fanout);
  g_mutex_unlock (&cam->lock);
}

static void
on_media_unprepared (GstRTSPMedia * media, gpointer user_data)
{
  GwRtspCamera *cam = user_data;
  GstElement *element = gst_rtsp_media_get_element (media);
  GstElement *appsrc;

  appsrc = gst_bin_get_by_name_recurse_up (GST_BIN (element), "src");
  gst_object_unref (element);
  GST_DEBUG ("camera %s: media %p unprepared", cam->id, media);
  if (appsrc == NULL)
    return;
  g_mutex_lock (&cam->lock);
  if (!cam->removed)
    gw_fanout_remove_consumer (cam->fanout, appsrc);
  g_mutex_unlock (&cam->lock);
  gst_object_unref (appsrc);
}

static void
on_media_configure (GstRTSPMediaFactory * factory, GstRTSPMedia * media,
    gpointer user_data)
{
  GwRtspCamera *cam = user_data;
  GstElement *element = gst_rtsp_media_get_element (media);
  GstElement *appsrc;

  appsrc = gst_bin_get_by_name_recurse_up (GST_BIN (element), "src");
  gst_object_unref (element);
  if (appsrc == NULL) {
    GST_ERROR ("camera %s: media has no appsrc named src", cam->id);
    return;
  }

  g_signal_connect_data (media, "unprepared", G_CALLBACK (on_media_unprepared),
      camera_ref (cam), camera_closure_unref, 0);
  g_object_set_qdata_full (G_OBJECT (media), camera_quark (),
      camera_ref (cam), camera_unref);

  g_mutex_lock (&cam->lock);
  if (cam->removed) {
    g_mutex_unlock (&cam->lock);
    gst_app_src_end_of_stream (GST_APP_SRC (appsrc));
    gst_object_unref (appsrc);
    return;
  }
  gw_fanout_add_consumer (cam->fanout, appsrc, cam, 0);
  g_mutex_unlock (&cam->lock);
  gst_object_unref (appsrc);
  GST_INFO ("camera %s: new media %p", cam->id, media);
}

/* A client started playing a camera's media: when the media is shared and
 * already running, the client joined mid-GOP; ask for a keyframe so that it
 * can decode at once instead of after a whole GOP. */
static void
on_play_request (GstRTSPClient * client, GstRTSPContext * ctx, gpointer data)
{
  GstRTSPMedia *media = ctx->sessmedia ?
      gst_rtsp_session_media_get_media (ctx->sessmedia) : ctx->media;
  GwRtspCamera *cam;

  if (media == NULL)
    return;
  cam = g_object_get_qdata (G_OBJECT (media), camera_quark ());
  if (cam)
    camera_request_keyframe (cam);
}

static void
on_client_connected (GstRTSPServer * server, GstRTSPClient * client,
    gpointer data)
{
  g_signal_connect (client, "play-request", G_CALLBACK (on_play_request), NULL);
}

static gboolean
camera_id_is_valid (const gchar * id)
{
  const gchar *p;

  if (id == NULL || *id == '\0' || strlen (id) > 64)
    return FALSE;
  for (p = id; *p; p++) {
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  }
  return strcmp (id, ".") != 0 && strcmp (id, "..") != 0;
}

static GstRTSPFilterResult
session_media_is_camera (GstRTSPSession * sess, GstRTSPSessionMedia * sm,
    gpointer user_data)
{
  const gchar *path = user_data;
  gint matched = 0;

  if (gst_rtsp_session_media_matches (sm, path, &matched)
      && matched == (gint) strlen (path))
    return GST_RTSP_FILTER_REF;
  return GST_RTSP_FILTER_KEEP;
}

static GstRTSPFilterResult
session_uses_camera (GstRTSPSessionPool * pool, GstRTSPSession * sess,
    gpointer user_data)
{
  GList *medias = gst_rtsp_session_filter (sess, session_media_is_camera,
      user_data);
  GstRTSPFilterResult res =
      medias ? GST_RTSP_FILTER_REMOVE : GST_RTSP_FILTER_KEEP;

  g_list_free_full (medias, g_object_unref);
  return res;
}

/* End the streams of a camera's clients, drop their sessions and release
 * the camera's fan-out. */
static void
gw_rtsp_end_camera_sessions (GwRtsp * self, GwRtspCamera * cam)
{
  GstRTSPSessionPool *pool;
  GwFanout *fanout;
  GList *feeds, *l;

  g_mutex_lock (&cam->lock);
  cam->removed = TRUE;
  fanout = g_steal_pointer (&cam->fanout);
  feeds = gw_fanout_take_consumers (fanout, cam);
  g_mutex_unlock (&cam->lock);

  for (l = feeds; l; l = l->next)
    gst_app_src_end_of_stream (GST_APP_SRC (l->data));
  g_list_free_full (feeds, gst_object_unref);

  pool = gst_rtsp_server_get_session_pool (self->server);
  g_list_free_full (gst_rtsp_session_pool_filter (pool, session_uses_camera,
          cam->path), g_object_unref);
  g_object_unref (pool);
  gw_fanout_release (fanout);
}

static void
gw_rtsp_unpublish (GwRtsp * self, GwRtspCamera * cam)
{
  GstRTSPMountPoints *mounts = gst_rtsp_server_get_mount_points (self->server);

  gst_rtsp_mount_points_remove_factory (mounts, cam->path);
  g_object_unref (mounts);
  g_signal_handlers_disconnect_by_data (cam->factory, cam);
  gw_rtsp_end_camera_sessions (self, cam);
  GST_INFO ("camera %s no longer published", cam->id);
}

static GstRTSPFilterResult
client_close_all (GstRTSPServer * server, GstRTSPClient * client,
    gpointer user_data)
{
  return GST_RTSP_FILTER_REMOVE;
}

static void
gw_rtsp_dispose (GObject * object)
{
  GwRtsp *self = GW_RTSP (object);

  if (self->cameras) {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->cameras);
    while (g_hash_table_iter_next (&iter, NULL, &value)) {
      gw_rtsp_unpublish (self, value);
      g_hash_table_iter_remove (&iter);
    }
    g_clear_pointer (&self->cameras, g_hash_table_unref);
  }
  if (self->source) {
    g_source_destroy (self->source);
    g_clear_pointer (&self->source, g_source_unref);
  }
  if (self->server)
    g_list_free_full (gst_rtsp_server_client_filter (self->server,
            client_close_all, NULL), g_object_unref);
  g_clear_object (&self->server);
  G_OBJECT_CLASS (gw_rtsp_parent_class)->dispose (object);
}

static void
gw_rtsp_finalize (GObject * object)
{
  GwRtsp *self = GW_RTSP (object);

  g_free (self->address);
  G_OBJECT_CLASS (gw_rtsp_parent_class)->finalize (object);
}

static void
gw_rtsp_class_init (GwRtspClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gw_rtsp_dispose;
  object_class->finalize = gw_rtsp_finalize;
  GST_DEBUG_CATEGORY_INIT (gw_rtsp_debug, "gw-rtsp", 0,
      "camguard-gateway RTSP re-publish");
}

static void
gw_rtsp_init (GwRtsp * self)
{
  self->cameras = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      camera_unref);
}

/**
 * gw_rtsp_new:
 * @address: the address to listen on (e.g. "127.0.0.1")
 * @port: the TCP port, or 0 for a free one (read it with gw_rtsp_get_port())
 * @context: (nullable): the main context that accepts connections (%NULL:
 *   the global default); clients and medias run on their own threads
 * @error: a #CG_CODE_ERROR error: %CG_CODE_SERVICE_UNAVAILABLE when the
 *   address cannot be bound
 *
 * Starts an RTSP server with no camera published yet.
 *
 * Returns: (transfer full) (nullable): the server, or %NULL on error
 */
GwRtsp *
gw_rtsp_new (const gchar * address, guint port, GMainContext * context,
    GError ** error)
{
  g_autoptr (GwRtsp) self = NULL;
  g_autoptr (GError) bind_error = NULL;
  g_autofree gchar *service = g_strdup_printf ("%u", port);
  GstRTSPThreadPool *threads;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (port <= G_MAXUINT16, NULL);

  self = g_object_new (GW_TYPE_RTSP, NULL);
  self->address = g_strdup (address);
  self->server = gst_rtsp_server_new ();
  gst_rtsp_server_set_address (self->server, address);
  gst_rtsp_server_set_service (self->server, service);
  g_signal_connect (self->server, "client-connected",
      G_CALLBACK (on_client_connected), NULL);
  threads = gst_rtsp_server_get_thread_pool (self->server);
  gst_rtsp_thread_pool_set_max_threads (threads, GW_RTSP_CLIENT_THREADS);
  g_object_unref (threads);

  self->source = gst_rtsp_server_create_source (self->server, NULL,
      &bind_error);
  if (self->source == NULL) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_SERVICE_UNAVAILABLE,
        "The RTSP server cannot listen on %s:%u: %s", address, port,
        bind_error ? bind_error->message : "unknown error");
    return NULL;
  }
  g_source_attach (self->source, context);
  self->port = (guint) gst_rtsp_server_get_bound_port (self->server);
  GST_INFO ("RTSP server listening on %s:%u", address, self->port);
  return g_steal_pointer (&self);
}

/**
 * gw_rtsp_get_port:
 * @self: a #GwRtsp
 *
 * Returns: the TCP port the server is bound to (the real one when it was
 *   created with port 0)
 */
guint
gw_rtsp_get_port (GwRtsp * self)
{
  g_return_val_if_fail (GW_IS_RTSP (self), 0);
  return self->port;
}

/**
 * gw_rtsp_get_address:
 * @self: a #GwRtsp
 *
 * Returns: the address the server listens on
 */
const gchar *
gw_rtsp_get_address (GwRtsp * self)
{
  g_return_val_if_fail (GW_IS_RTSP (self), NULL);
  return self->address;
}

/**
 * gw_rtsp_add_camera:
 * @self: a #GwRtsp
 * @camera_id: the camera id, also the mount path (`/<camera-id>`): letters,
 *   digits, '-', '_' and '.'
 * @tee: the tee of the camera pipeline that carries its H.264 access units
 *   (byte-stream or avc, parsed); it must be inside a bin, and should have
 *   `allow-not-linked=true` or another branch so that the camera runs while
 *   it is not published
 * @error: a #CG_CODE_ERROR error: %CG_CODE_VALIDATION_ERROR (bad id),
 *   %CG_CODE_CAMERA_ALREADY_EXISTS, %CG_CODE_MISSING_COMPONENT or
 *   %CG_CODE_PIPELINE_ERROR
 *
 * Publishes a camera: acquires the fan-out of @tee (gw_fanout_acquire(): a
 * `queue ! appsink` branch on a new request pad, made on first use, in
 * whatever state its pipeline is) and mounts a shared media factory at
 * `/<camera-id>`.
 *
 * Returns: %TRUE when the camera is published
 */
gboolean
gw_rtsp_add_camera (GwRtsp * self, const gchar * camera_id, GstElement * tee,
    GError ** error)
{
  GwRtspCamera *cam;
  GwFanout *fanout;
  GstRTSPMountPoints *mounts;

  g_return_val_if_fail (GW_IS_RTSP (self), FALSE);
  g_return_val_if_fail (GST_IS_ELEMENT (tee), FALSE);

  if (!camera_id_is_valid (camera_id)) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR,
        "Invalid camera id for an RTSP mount: '%s'",
        camera_id ? camera_id : "(null)");
    return FALSE;
  }
  if (g_hash_table_contains (self->cameras, camera_id)) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_CAMERA_ALREADY_EXISTS,
        "Camera %s is already published over RTSP", camera_id);
    return FALSE;
  }
  fanout = gw_fanout_acquire (tee, error);
  if (fanout == NULL)
    return FALSE;

  cam = g_new0 (GwRtspCamera, 1);
  g_atomic_ref_count_init (&cam->ref);
  g_mutex_init (&cam->lock);
  cam->id = g_strdup (camera_id);
  cam->path = g_strconcat ("/", camera_id, NULL);
  cam->fanout = fanout;

  cam->factory = gst_rtsp_media_factory_new ();
  gst_rtsp_media_factory_set_launch (cam->factory, GW_RTSP_LAUNCH);
  gst_rtsp_media_factory_set_shared (cam->factory, TRUE);
  g_signal_connect_data (cam->factory, "media-configure",
      G_CALLBACK (on_media_configure), camera_ref (cam),
      camera_closure_unref, 0);
  mounts = gst_rtsp_server_get_mount_points (self->server);
  gst_rtsp_mount_points_add_factory (mounts, cam->path,
      g_object_ref (cam->factory));
  g_object_unref (mounts);

  g_hash_table_insert (self->cameras, g_strdup (camera_id), cam);
  GST_INFO ("camera %s published at %s", camera_id, cam->path);
  return TRUE;
}

/**
 * gw_rtsp_remove_camera:
 * @self: a #GwRtsp
 * @camera_id: a camera published with gw_rtsp_add_camera()
 * @error: a #CG_CODE_ERROR error: %CG_CODE_CAMERA_NOT_FOUND
 *
 * Unpublishes a camera: its mount goes (a new DESCRIBE answers 404), its
 * current clients get end-of-stream and lose their sessions, and its branch
 * leaves the camera pipeline, which keeps running. Other cameras are not
 * touched. Call it before the camera pipeline is destroyed.
 *
 * Returns: %TRUE when the camera was published and is no longer
 */
gboolean
gw_rtsp_remove_camera (GwRtsp * self, const gchar * camera_id, GError ** error)
{
  GwRtspCamera *cam;

  g_return_val_if_fail (GW_IS_RTSP (self), FALSE);

  cam = camera_id ? g_hash_table_lookup (self->cameras, camera_id) : NULL;
  if (cam == NULL) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_CAMERA_NOT_FOUND,
        "Camera %s is not published over RTSP",
        camera_id ? camera_id : "(null)");
    return FALSE;
  }
  gw_rtsp_unpublish (self, cam);
  g_hash_table_remove (self->cameras, camera_id);
  return TRUE;
}

/**
 * gw_rtsp_has_camera:
 * @self: a #GwRtsp
 * @camera_id: a camera id
 *
 * Returns: whether @camera_id is published
 */
gboolean
gw_rtsp_has_camera (GwRtsp * self, const gchar * camera_id)
{
  g_return_val_if_fail (GW_IS_RTSP (self), FALSE);
  return camera_id && g_hash_table_contains (self->cameras, camera_id);
}

/**
 * gw_rtsp_get_n_medias:
 * @self: a #GwRtsp
 * @camera_id: a camera id
 *
 * Returns: how many prepared medias the camera feeds right now (0 or 1 with
 *   a shared factory, briefly 2 while a new media is prepared as the old one
 *   goes); 0 for an unknown camera
 */
guint
gw_rtsp_get_n_medias (GwRtsp * self, const gchar * camera_id)
{
  GwRtspCamera *cam;
  guint n;

  g_return_val_if_fail (GW_IS_RTSP (self), 0);

  cam = camera_id ? g_hash_table_lookup (self->cameras, camera_id) : NULL;
  if (cam == NULL)
    return 0;
  g_mutex_lock (&cam->lock);
  n = cam->removed ? 0 : gw_fanout_count_consumers (cam->fanout, cam);
  g_mutex_unlock (&cam->lock);
  return n;
}

/**
 * gw_rtsp_get_url:
 * @self: a #GwRtsp
 * @host: (nullable): the host name clients use (%NULL: the listen address)
 * @camera_id: a camera id
 *
 * Returns: (transfer full): `rtsp://HOST:PORT/<camera-id>`
 */
gchar *
gw_rtsp_get_url (GwRtsp * self, const gchar * host, const gchar * camera_id)
{
  g_return_val_if_fail (GW_IS_RTSP (self), NULL);
  g_return_val_if_fail (camera_id != NULL, NULL);

  if (host == NULL)
    host = self->address;
  if (strchr (host, ':'))
    return g_strdup_printf ("rtsp://[%s]:%u/%s", host, self->port, camera_id);
  return g_strdup_printf ("rtsp://%s:%u/%s", host, self->port, camera_id);
}
