/* camguard-gateway - RTSP re-publish of running cameras (gst-rtsp-server)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gw-rtsp
 * @short_description: serve every running camera over RTSP
 *
 * Each camera gets a branch on a tee request pad of its own pipeline
 * (`queue leaky=downstream ! appsink sync=false async=false drop=true`) and a
 * shared #GstRTSPMediaFactory mounted at `/<camera-id>` whose media is
 * `( appsrc name=src ... ! h264parse ! rtph264pay name=pay0 ... )`.
 *
 * When a media is configured its appsrc becomes a *feed* of the camera: the
 * appsink callback pushes a shallow copy of every access unit (PTS and DTS
 * cleared, the appsrc timestamps them in the media's own clock) into every
 * feed, dropping delta units until a feed has seen a keyframe, and an
 * upstream force-key-unit event asks the camera's encoder for one (so does
 * every client's PLAY: a client that joins the running shared media gets a
 * keyframe within a few frames). The feed
 * goes away when the media is unprepared (its last client left), so clients
 * come and go while the camera pipeline never changes state and never gets a
 * second encoder (gateway-platform.md §2: proxysink/proxysrc and media inside
 * the camera pipeline crash or hang; they are not used).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-rtsp.h"

#include <camguard.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/rtsp-server/rtsp-server.h>
#include <gst/video/video.h>

GST_DEBUG_CATEGORY_STATIC (gw_rtsp_debug);
#define GST_CAT_DEFAULT gw_rtsp_debug

#define GW_RTSP_LAUNCH "( appsrc name=src is-live=true format=time " \
  "do-timestamp=true ! h264parse ! rtph264pay name=pay0 pt=96 " \
  "config-interval=-1 )"

/* A branch holds a few access units at most: a slow RTSP side never backs
 * up into the camera pipeline. */
#define GW_RTSP_QUEUE_BUFFERS 30
#define GW_RTSP_APPSINK_BUFFERS 5
/* A feed whose appsrc holds more than this is not consuming: drop until the
 * next keyframe instead of growing without bound. */
#define GW_RTSP_FEED_MAX_BYTES (4 * 1024 * 1024)
/* Client connections run on their own threads (preparing a media waits for
 * the first keyframe): never on the gateway's main context. */
#define GW_RTSP_CLIENT_THREADS 4

/* One appsrc of one prepared media of a camera. */
typedef struct
{
  GstRTSPMedia *media;          /* identity only, not a reference */
  GstElement *appsrc;
  GstCaps *caps;
  gboolean need_keyframe;
} GwRtspFeed;

/* One published camera; shared (reference-counted) between the registry,
 * the appsink callbacks and the media signal handlers. */
typedef struct
{
  gatomicrefcount ref;
  gchar *id;
  gchar *path;
  GMutex lock;
  GList *feeds;                 /* GwRtspFeed *, under lock */
  gboolean removed;             /* under lock */
  GstElement *bin;
  GstElement *tee;
  GstPad *tee_pad;
  GstElement *queue;
  GstElement *appsink;
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
feed_free (GwRtspFeed * feed)
{
  gst_clear_object (&feed->appsrc);
  gst_clear_caps (&feed->caps);
  g_free (feed);
}

static void
camera_unref (gpointer data)
{
  GwRtspCamera *cam = data;

  if (!g_atomic_ref_count_dec (&cam->ref))
    return;
  g_list_free_full (cam->feeds, (GDestroyNotify) feed_free);
  g_mutex_clear (&cam->lock);
  gst_clear_object (&cam->tee_pad);
  gst_clear_object (&cam->queue);
  gst_clear_object (&cam->appsink);
  gst_clear_object (&cam->tee);
  gst_clear_object (&cam->bin);
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
  GstPad *pad = gst_element_get_static_pad (cam->appsink, "sink");

  GST_DEBUG ("camera %s: asking upstream for a keyframe", cam->id);
  gst_pad_push_event (pad,
      gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE, TRUE,
          0));
  gst_object_unref (pad);
}

/* Push one access unit into one feed. Returns TRUE when the feed has just
 * started waiting for a keyframe (the caller asks upstream for one). */
static gboolean
feed_push (GwRtspFeed * feed, GstBuffer * buffer, GstCaps * caps)
{
  GstAppSrc *src = GST_APP_SRC (feed->appsrc);
  GstBuffer *copy;

  if (feed->need_keyframe
      && GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT))
    return FALSE;

  if (gst_app_src_get_current_level_bytes (src) > GW_RTSP_FEED_MAX_BYTES) {
    gboolean was_waiting = feed->need_keyframe;

    feed->need_keyframe = TRUE;
    return !was_waiting;
  }
  feed->need_keyframe = FALSE;

  if (caps && (feed->caps == NULL || !gst_caps_is_equal (caps, feed->caps))) {
    gst_caps_replace (&feed->caps, caps);
    gst_app_src_set_caps (src, caps);
  }

  copy = gst_buffer_copy (buffer);
  GST_BUFFER_PTS (copy) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DTS (copy) = GST_CLOCK_TIME_NONE;
  gst_app_src_push_buffer (src, copy);
  return FALSE;
}

static GstFlowReturn
on_new_sample (GstAppSink * sink, gpointer user_data)
{
  GwRtspCamera *cam = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  gboolean want_keyframe = FALSE;
  GstBuffer *buffer;
  GList *l;

  if (sample == NULL)
    return GST_FLOW_EOS;

  buffer = gst_sample_get_buffer (sample);
  if (buffer) {
    g_mutex_lock (&cam->lock);
    for (l = cam->feeds; l; l = l->next)
      want_keyframe |=
          feed_push (l->data, buffer, gst_sample_get_caps (sample));
    g_mutex_unlock (&cam->lock);
  }
  gst_sample_unref (sample);

  if (want_keyframe)
    camera_request_keyframe (cam);
  return GST_FLOW_OK;
}

static GwRtspFeed *
camera_take_feed (GwRtspCamera * cam, GstRTSPMedia * media)
{
  GwRtspFeed *found = NULL;
  GList *l;

  g_mutex_lock (&cam->lock);
  for (l = cam->feeds; l; l = l->next) {
    GwRtspFeed *feed = l->data;

    if (feed->media == media) {
      found = feed;
      cam->feeds = g_list_delete_link (cam->feeds, l);
      break;
    }
  }
  g_mutex_unlock (&cam->lock);
  return found;
}

static void
on_media_unprepared (GstRTSPMedia * media, gpointer user_data)
{
  GwRtspCamera *cam = user_data;
  GwRtspFeed *feed = camera_take_feed (cam, media);

  GST_DEBUG ("camera %s: media %p unprepared (feed %p)", cam->id, media, feed);
  if (feed)
    feed_free (feed);
}

static void
on_media_configure (GstRTSPMediaFactory * factory, GstRTSPMedia * media,
    gpointer user_data)
{
  GwRtspCamera *cam = user_data;
  GstElement *element = gst_rtsp_media_get_element (media);
  GstElement *appsrc;
  GstPad *pad;
  GwRtspFeed *feed;

  appsrc = gst_bin_get_by_name_recurse_up (GST_BIN (element), "src");
  gst_object_unref (element);
  if (appsrc == NULL) {
    GST_ERROR ("camera %s: media has no appsrc named src", cam->id);
    return;
  }

  feed = g_new0 (GwRtspFeed, 1);
  feed->media = media;
  feed->appsrc = appsrc;
  feed->need_keyframe = TRUE;
  pad = gst_element_get_static_pad (cam->appsink, "sink");
  feed->caps = gst_pad_get_current_caps (pad);
  gst_object_unref (pad);
  if (feed->caps)
    gst_app_src_set_caps (GST_APP_SRC (appsrc), feed->caps);

  g_signal_connect_data (media, "unprepared", G_CALLBACK (on_media_unprepared),
      camera_ref (cam), camera_closure_unref, 0);
  g_object_set_qdata_full (G_OBJECT (media), camera_quark (),
      camera_ref (cam), camera_unref);

  g_mutex_lock (&cam->lock);
  if (cam->removed) {
    g_mutex_unlock (&cam->lock);
    gst_app_src_end_of_stream (GST_APP_SRC (appsrc));
    feed_free (feed);
    return;
  }
  cam->feeds = g_list_prepend (cam->feeds, feed);
  g_mutex_unlock (&cam->lock);

  GST_INFO ("camera %s: new media %p", cam->id, media);
  camera_request_keyframe (cam);
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

/* The tee branch: queue ! appsink in the tee's bin, linked to a new tee
 * request pad and brought to the bin's state. */
static gboolean
camera_add_branch (GwRtspCamera * cam, GError ** error)
{
  GstAppSinkCallbacks callbacks = {.new_sample = on_new_sample };
  g_autofree gchar *qname = g_strdup_printf ("gw-rtsp-queue-%s", cam->id);
  g_autofree gchar *sname = g_strdup_printf ("gw-rtsp-sink-%s", cam->id);
  GstPad *sinkpad;
  GstPadLinkReturn ret;

  cam->queue = gst_element_factory_make ("queue", qname);
  cam->appsink = gst_element_factory_make ("appsink", sname);
  if (cam->queue == NULL || cam->appsink == NULL) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_MISSING_COMPONENT,
        "GStreamer elements queue and appsink are needed for RTSP");
    return FALSE;
  }
  gst_object_ref_sink (cam->queue);
  gst_object_ref_sink (cam->appsink);
  g_object_set (cam->queue, "max-size-buffers", GW_RTSP_QUEUE_BUFFERS,
      "max-size-bytes", 0, "max-size-time", (guint64) 0, NULL);
  gst_util_set_object_arg (G_OBJECT (cam->queue), "leaky", "downstream");
  g_object_set (cam->appsink, "sync", FALSE, "async", FALSE, "drop", TRUE,
      "max-buffers", GW_RTSP_APPSINK_BUFFERS, "enable-last-sample", FALSE,
      "qos", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (cam->appsink), &callbacks,
      camera_ref (cam), camera_unref);

  if (!gst_bin_add (GST_BIN (cam->bin), cam->queue)
      || !gst_bin_add (GST_BIN (cam->bin), cam->appsink)
      || !gst_element_link (cam->queue, cam->appsink)) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "Cannot add the RTSP branch to camera %s's pipeline", cam->id);
    return FALSE;
  }
  gst_element_sync_state_with_parent (cam->appsink);
  gst_element_sync_state_with_parent (cam->queue);

  cam->tee_pad = gst_element_request_pad_simple (cam->tee, "src_%u");
  if (cam->tee_pad == NULL) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "Camera %s's tee gave no request pad", cam->id);
    return FALSE;
  }
  sinkpad = gst_element_get_static_pad (cam->queue, "sink");
  ret = gst_pad_link (cam->tee_pad, sinkpad);
  gst_object_unref (sinkpad);
  if (GST_PAD_LINK_FAILED (ret)) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "Cannot link camera %s's tee to the RTSP branch: %s", cam->id,
        gst_pad_link_get_name (ret));
    return FALSE;
  }
  return TRUE;
}

/* Undo camera_add_branch(), whatever part of it was done; the rest of the
 * camera pipeline keeps running. */
static void
camera_remove_branch (GwRtspCamera * cam)
{
  GstAppSinkCallbacks none = { NULL };

  if (cam->tee_pad) {
    GstPad *peer = gst_pad_get_peer (cam->tee_pad);

    if (peer) {
      gst_pad_unlink (cam->tee_pad, peer);
      gst_object_unref (peer);
    }
    gst_element_release_request_pad (cam->tee, cam->tee_pad);
    gst_clear_object (&cam->tee_pad);
  }
  if (cam->appsink)
    gst_app_sink_set_callbacks (GST_APP_SINK (cam->appsink), &none, NULL, NULL);
  /* locked first: a camera pipeline still changing state (an rtspsrc
   * prerolling asynchronously) would set the branch back to PLAYING between
   * its NULL and its removal */
  if (cam->queue) {
    gst_element_set_locked_state (cam->queue, TRUE);
    gst_element_set_state (cam->queue, GST_STATE_NULL);
    if (GST_OBJECT_PARENT (cam->queue) == GST_OBJECT (cam->bin))
      gst_bin_remove (GST_BIN (cam->bin), cam->queue);
  }
  if (cam->appsink) {
    gst_element_set_locked_state (cam->appsink, TRUE);
    gst_element_set_state (cam->appsink, GST_STATE_NULL);
    if (GST_OBJECT_PARENT (cam->appsink) == GST_OBJECT (cam->bin))
      gst_bin_remove (GST_BIN (cam->bin), cam->appsink);
  }
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

/* End the streams of a camera's clients and drop their sessions. */
static void
gw_rtsp_end_camera_sessions (GwRtsp * self, GwRtspCamera * cam)
{
  GstRTSPSessionPool *pool;
  GList *feeds, *l;

  g_mutex_lock (&cam->lock);
  cam->removed = TRUE;
  feeds = cam->feeds;
  cam->feeds = NULL;
  g_mutex_unlock (&cam->lock);

  for (l = feeds; l; l = l->next) {
    GwRtspFeed *feed = l->data;

    gst_app_src_end_of_stream (GST_APP_SRC (feed->appsrc));
  }
  g_list_free_full (feeds, (GDestroyNotify) feed_free);

  pool = gst_rtsp_server_get_session_pool (self->server);
  g_list_free_full (gst_rtsp_session_pool_filter (pool, session_uses_camera,
          cam->path), g_object_unref);
  g_object_unref (pool);
}

static void
gw_rtsp_unpublish (GwRtsp * self, GwRtspCamera * cam)
{
  GstRTSPMountPoints *mounts = gst_rtsp_server_get_mount_points (self->server);

  gst_rtsp_mount_points_remove_factory (mounts, cam->path);
  g_object_unref (mounts);
  g_signal_handlers_disconnect_by_data (cam->factory, cam);
  gw_rtsp_end_camera_sessions (self, cam);
  camera_remove_branch (cam);
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
 * Publishes a camera: adds a `queue ! appsink` branch on a new request pad of
 * @tee (in whatever state its pipeline is; the pipeline's state does not
 * change) and mounts a shared media factory at `/<camera-id>`.
 *
 * Returns: %TRUE when the camera is published
 */
gboolean
gw_rtsp_add_camera (GwRtsp * self, const gchar * camera_id, GstElement * tee,
    GError ** error)
{
  GwRtspCamera *cam;
  GstObject *parent;
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
  parent = gst_element_get_parent (tee);
  if (parent == NULL || !GST_IS_BIN (parent)) {
    g_clear_pointer (&parent, gst_object_unref);
    g_set_error (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "Camera %s's tee is not inside a pipeline", camera_id);
    return FALSE;
  }

  cam = g_new0 (GwRtspCamera, 1);
  g_atomic_ref_count_init (&cam->ref);
  g_mutex_init (&cam->lock);
  cam->id = g_strdup (camera_id);
  cam->path = g_strconcat ("/", camera_id, NULL);
  cam->bin = GST_ELEMENT (parent);
  cam->tee = gst_object_ref (tee);
  if (!camera_add_branch (cam, error)) {
    camera_remove_branch (cam);
    camera_unref (cam);
    return FALSE;
  }

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
  n = g_list_length (cam->feeds);
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
