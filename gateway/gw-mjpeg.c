/* camguard-gateway - MJPEG live streams: clients, shared branches, drops
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-mjpeg
 * @short_description: `multipart/x-mixed-replace` streams of the cameras
 *
 * Every MJPEG client of a camera is served from one JPEG branch per
 * picture size (a *feed*, gw-mjpeg-branch.c) on the camera's running
 * pipeline: one encode per camera and size, however many clients. A feed
 * exists while a client watches; its branch follows the camera's pipeline
 * (a camera builds a new one on every start) and leaves it with the last
 * client.
 *
 * Frames cross from the branch's streaming thread to the main context
 * through one slot per feed: the newest part replaces an older one that
 * was not delivered yet, and at most one idle source is pending per feed,
 * so a busy main loop never piles up frames. On the main context each
 * client gets the part through its response body (chunked,
 * soup_message_body_append_bytes() then soup_server_message_unpause()).
 * A client has at most one part being written (until libsoup's
 * `wrote-chunk`) and one waiting; a newer frame replaces the waiting one
 * and counts as dropped. A client that stops reading therefore costs two
 * frames at most, and never slows the others.
 *
 * A client's `fps` limits what it is sent (frames arriving sooner after
 * its last one are skipped, not counted as drops); the branch encodes at
 * the highest rate its clients ask for (every frame when one asks for no
 * limit).
 *
 * The stream stays open while the camera is away (retrying, failed,
 * restarting: frames stop and resume on the new pipeline); it ends (final
 * boundary, end of the chunked body) when the camera is stopped or deleted.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-mjpeg.h"
#include "gw-mjpeg-branch.h"

GST_DEBUG_CATEGORY_STATIC (gw_mjpeg_debug);
#define GST_CAT_DEFAULT gw_mjpeg_debug

#define CLOSING "--" GW_MJPEG_BOUNDARY "--\r\n"

typedef struct _Cam Cam;
typedef struct _Feed Feed;
typedef struct _Client Client;

struct _GwMjpeg
{
  GMainContext *context;
  guint max_clients;
  GHashTable *cams;             /* id -> Cam */
  GPtrArray *clients;           /* every Client until its message finished */
  guint64 sent;
  guint64 dropped;
  GSource *stop_check;          /* pending: end the streams of cameras
                                 * still stopped */
};

/* A camera with clients. Main context. */
struct _Cam
{
  GwMjpeg *owner;
  gchar *id;
  GwCamera *camera;
  GstElement *tee;              /* the tee the branches are on, or NULL */
  gboolean encoded;
  guint quality;
  GPtrArray *feeds;
  guint n_clients;
};

/* One picture size of a camera: a branch and its clients. Shared with the
 * branch's streaming thread (lock: the slot). */
struct _Feed
{
  gatomicrefcount ref;
  GMainContext *context;
  GMutex lock;
  GBytes *latest;               /* lock */
  gboolean scheduled;           /* lock */
  gboolean dead;                /* lock */
  /* main context only */
  Cam *cam;
  guint width;
  guint height;
  GwMjpegBranch *branch;
  GPtrArray *clients;
};

/* One HTTP client. Main context. */
struct _Client
{
  GwMjpeg *owner;
  Feed *feed;                   /* NULL once its stream ended */
  SoupServerMessage *msg;
  guint fps;
  gint64 last_offer_us;
  guint in_flight;              /* parts appended, not yet written */
  gsize in_flight_bytes;
  GBytes *pending;              /* the next part, waiting for the socket */
};

/* ------------------------------------------------------------------ */
/* feeds: the hand-off from the streaming thread                        */

static Feed *
feed_ref (Feed * feed)
{
  g_atomic_ref_count_inc (&feed->ref);
  return feed;
}

static void
feed_unref (gpointer data)
{
  Feed *feed = data;

  if (!g_atomic_ref_count_dec (&feed->ref))
    return;
  g_clear_pointer (&feed->latest, g_bytes_unref);
  g_clear_pointer (&feed->clients, g_ptr_array_unref);
  g_mutex_clear (&feed->lock);
  g_main_context_unref (feed->context);
  g_free (feed);
}

static void client_offer (Client * c, GBytes * part);

static gboolean
feed_deliver (gpointer data)
{
  Feed *feed = data;
  g_autoptr (GBytes) part = NULL;
  gboolean dead;
  guint i;

  g_mutex_lock (&feed->lock);
  part = g_steal_pointer (&feed->latest);
  feed->scheduled = FALSE;
  dead = feed->dead;
  g_mutex_unlock (&feed->lock);
  if (dead || part == NULL)
    return G_SOURCE_REMOVE;
  for (i = 0; i < feed->clients->len; i++)
    client_offer (g_ptr_array_index (feed->clients, i), part);
  return G_SOURCE_REMOVE;
}

/* Streaming thread: the newest part replaces one not yet delivered. */
static void
feed_offer (GBytes * part, gpointer user_data)
{
  Feed *feed = user_data;
  GSource *idle = NULL;

  g_mutex_lock (&feed->lock);
  if (!feed->dead) {
    if (feed->latest)
      g_bytes_unref (feed->latest);
    feed->latest = g_bytes_ref (part);
    if (!feed->scheduled) {
      feed->scheduled = TRUE;
      idle = g_idle_source_new ();
      g_source_set_callback (idle, feed_deliver, feed_ref (feed), feed_unref);
    }
  }
  g_mutex_unlock (&feed->lock);
  if (idle) {
    g_source_attach (idle, feed->context);
    g_source_unref (idle);
  }
}

static void
feed_update_rate (Feed * feed)
{
  guint i, fps = 0;

  for (i = 0; i < feed->clients->len; i++) {
    Client *c = g_ptr_array_index (feed->clients, i);

    if (c->fps == 0) {
      fps = 0;
      break;
    }
    fps = MAX (fps, c->fps);
  }
  if (feed->branch)
    gw_mjpeg_branch_set_max_rate (feed->branch, fps);
}

static void
feed_attach (Feed * feed)
{
  Cam *cam = feed->cam;
  g_autoptr (GError) err = NULL;

  if (cam->tee == NULL || feed->branch)
    return;
  feed->branch = gw_mjpeg_branch_new (cam->tee, cam->encoded, feed->width,
      feed->height, cam->quality, feed->context, feed_offer, feed_ref (feed),
      feed_unref, &err);
  if (feed->branch == NULL) {
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "CAMERA", cam->id,
        "CODE", cg_code_to_name ((CgCode) err->code), "MESSAGE",
        "no MJPEG branch: %s", err->message);
    return;
  }
  feed_update_rate (feed);
}

static void
feed_detach (Feed * feed)
{
  if (feed->branch)
    gw_mjpeg_branch_remove (g_steal_pointer (&feed->branch));
  g_mutex_lock (&feed->lock);
  g_clear_pointer (&feed->latest, g_bytes_unref);
  g_mutex_unlock (&feed->lock);
}

/* ------------------------------------------------------------------ */
/* clients                                                              */

static void
client_write (Client * c, GBytes * part)
{
  soup_message_body_append_bytes (soup_server_message_get_response_body
      (c->msg), part);
  c->in_flight++;
  c->in_flight_bytes += g_bytes_get_size (part);
  soup_server_message_unpause (c->msg);
}

static void
client_offer (Client * c, GBytes * part)
{
  gint64 now = g_get_monotonic_time ();

  if (c->fps && c->last_offer_us
      && now - c->last_offer_us < G_USEC_PER_SEC / c->fps * 9 / 10)
    return;                     /* the client's own rate limit */
  c->last_offer_us = now;
  if (c->in_flight == 0) {
    client_write (c, part);
    return;
  }
  if (c->pending) {
    g_bytes_unref (c->pending);
    c->owner->dropped++;
  }
  c->pending = g_bytes_ref (part);
}

static void
on_wrote_chunk (SoupServerMessage * msg, Client * c)
{
  if (c->in_flight == 0)
    return;
  c->in_flight--;
  c->in_flight_bytes = 0;
  if (c->feed == NULL)
    return;                     /* the closing boundary */
  c->owner->sent++;
  if (c->in_flight == 0 && c->pending) {
    g_autoptr (GBytes) next = g_steal_pointer (&c->pending);

    client_write (c, next);
  }
}

static void cam_drop_feed (Cam * cam, Feed * feed);

/* The client leaves its feed (and the feed its camera, with its last
 * client). */
static void
client_leave_feed (Client * c)
{
  Feed *feed = c->feed;
  Cam *cam;

  if (feed == NULL)
    return;
  c->feed = NULL;
  cam = feed->cam;
  g_ptr_array_remove (feed->clients, c);
  cam->n_clients--;
  if (c->pending) {
    c->owner->dropped++;
    g_clear_pointer (&c->pending, g_bytes_unref);
  }
  if (feed->clients->len == 0)
    cam_drop_feed (cam, feed);
  else
    feed_update_rate (feed);
}

static void
client_free (Client * c)
{
  g_signal_handlers_disconnect_by_data (c->msg, c);
  g_clear_pointer (&c->pending, g_bytes_unref);
  g_object_unref (c->msg);
  g_free (c);
}

/* The client's connection finished or broke: everything about it goes. */
static void
on_client_gone (SoupServerMessage * msg, Client * c)
{
  GwMjpeg *owner = c->owner;

  GST_DEBUG ("MJPEG client %p gone", c);
  client_leave_feed (c);
  g_ptr_array_remove (owner->clients, c);
}

/* Ends the stream: the closing boundary and the end of the chunked body;
 * the client is freed when libsoup has written it. */
static void
client_end (Client * c)
{
  SoupMessageBody *body = soup_server_message_get_response_body (c->msg);
  g_autoptr (GBytes) closing = g_bytes_new_static (CLOSING,
      sizeof (CLOSING) - 1);

  client_leave_feed (c);
  soup_message_body_append_bytes (body, closing);
  c->in_flight++;
  soup_message_body_complete (body);
  soup_server_message_unpause (c->msg);
}

/* ------------------------------------------------------------------ */
/* cameras                                                              */

static void
cam_free (Cam * cam)
{
  gst_clear_object (&cam->tee);
  g_object_unref (cam->camera);
  g_ptr_array_unref (cam->feeds);
  g_free (cam->id);
  g_free (cam);
}

static void
cam_drop_feed (Cam * cam, Feed * feed)
{
  g_mutex_lock (&feed->lock);
  feed->dead = TRUE;
  g_mutex_unlock (&feed->lock);
  feed_detach (feed);
  g_ptr_array_remove (cam->feeds, feed);
  if (cam->feeds->len == 0)
    g_hash_table_remove (cam->owner->cams, cam->id);
}

/* Moves the branches to the camera's current pipeline. */
static void
cam_follow (Cam * cam, GwCamera * camera)
{
  const GwPipeline *pipe = gw_camera_get_pipeline (camera);
  GstElement *tee = NULL;
  guint i;

  if (pipe)
    tee = pipe->raw_tee ? pipe->raw_tee : pipe->tee;
  if (tee == cam->tee)
    return;
  for (i = 0; i < cam->feeds->len; i++)
    feed_detach (g_ptr_array_index (cam->feeds, i));
  gst_clear_object (&cam->tee);
  if (tee == NULL)
    return;
  cam->tee = gst_object_ref (tee);
  cam->encoded = pipe->raw_tee == NULL;
  for (i = 0; i < cam->feeds->len; i++)
    feed_attach (g_ptr_array_index (cam->feeds, i));
}

static Cam *
cam_get (GwMjpeg * self, GwCamera * camera)
{
  const gchar *id = gw_camera_get_id (camera);
  Cam *cam = g_hash_table_lookup (self->cams, id);

  if (cam)
    return cam;
  cam = g_new0 (Cam, 1);
  cam->owner = self;
  cam->id = g_strdup (id);
  cam->camera = g_object_ref (camera);
  cam->quality = gw_camera_get_spec (camera)->snapshot_quality;
  cam->feeds = g_ptr_array_new_with_free_func (feed_unref);
  g_hash_table_insert (self->cams, cam->id, cam);
  cam_follow (cam, camera);
  return cam;
}

static Feed *
cam_get_feed (Cam * cam, guint width, guint height)
{
  Feed *feed;
  guint i;

  for (i = 0; i < cam->feeds->len; i++) {
    feed = g_ptr_array_index (cam->feeds, i);
    if (feed->width == width && feed->height == height)
      return feed;
  }
  feed = g_new0 (Feed, 1);
  g_atomic_ref_count_init (&feed->ref);
  g_mutex_init (&feed->lock);
  feed->context = g_main_context_ref (cam->owner->context);
  feed->cam = cam;
  feed->width = width;
  feed->height = height;
  feed->clients = g_ptr_array_new ();
  g_ptr_array_add (cam->feeds, feed);
  feed_attach (feed);
  return feed;
}

/* Ends every stream of a camera. */
static void
cam_end_all (GwMjpeg * self, const gchar * id)
{
  g_autoptr (GPtrArray) ending = g_ptr_array_new ();
  guint i;

  for (i = 0; i < self->clients->len; i++) {
    Client *c = g_ptr_array_index (self->clients, i);

    if (c->feed && g_str_equal (c->feed->cam->id, id))
      g_ptr_array_add (ending, c);
  }
  for (i = 0; i < ending->len; i++)
    client_end (g_ptr_array_index (ending, i));
}

/* ------------------------------------------------------------------ */
/* public                                                               */

/**
 * gw_mjpeg_new:
 * @context: the main context of the HTTP server (frames are written there)
 * @max_clients: MJPEG clients per camera at once (at least 1)
 *
 * Returns: (transfer full): the MJPEG service, with no client
 */
GwMjpeg *
gw_mjpeg_new (GMainContext * context, guint max_clients)
{
  static gsize once = 0;
  GwMjpeg *self = g_new0 (GwMjpeg, 1);

  if (g_once_init_enter (&once)) {
    GST_DEBUG_CATEGORY_INIT (gw_mjpeg_debug, "gw-mjpeg", 0,
        "camguard-gateway MJPEG streams");
    g_once_init_leave (&once, 1);
  }
  self->context = g_main_context_ref (context ? context :
      g_main_context_default ());
  self->max_clients = MAX (max_clients, 1);
  self->cams = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) cam_free);
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify)
      client_free);
  return self;
}

/**
 * gw_mjpeg_free:
 * @mjpeg: (transfer full): the service
 *
 * Ends every stream, takes every branch out of its pipeline and frees the
 * service. Main context.
 */
void
gw_mjpeg_free (GwMjpeg * mjpeg)
{
  guint i;

  if (mjpeg->stop_check) {
    g_source_destroy (mjpeg->stop_check);
    g_source_unref (mjpeg->stop_check);
  }
  for (i = 0; i < mjpeg->clients->len; i++)
    client_leave_feed (g_ptr_array_index (mjpeg->clients, i));
  g_ptr_array_unref (mjpeg->clients);
  g_hash_table_unref (mjpeg->cams);
  g_main_context_unref (mjpeg->context);
  g_free (mjpeg);
}

/**
 * gw_mjpeg_check_admission:
 * @mjpeg: the service
 * @camera: a camera
 * @error: (out): TOO_MANY_CONNECTIONS (details: camera, limit)
 *
 * Returns: whether one more client may watch @camera
 */
gboolean
gw_mjpeg_check_admission (GwMjpeg * mjpeg, GwCamera * camera, CgError ** error)
{
  const gchar *id = gw_camera_get_id (camera);
  g_autofree gchar *text = g_strdup_printf ("Camera %s already has %u MJPEG "
      "clients", id, mjpeg->max_clients);

  if (gw_mjpeg_get_n_clients (mjpeg, id) < mjpeg->max_clients)
    return TRUE;
  *error = cg_error_new (CG_CODE_TOO_MANY_CONNECTIONS, text);
  cg_error_set_camera_id (*error, id);
  gst_structure_set (cg_error_get_details_writable (*error), "camera",
      G_TYPE_STRING, id, "limit", G_TYPE_UINT, mjpeg->max_clients, NULL);
  return FALSE;
}

/**
 * gw_mjpeg_add_client:
 * @mjpeg: the service
 * @camera: the camera to watch
 * @msg: the client's message, already answered with a chunked
 *   `multipart/x-mixed-replace; boundary=` %GW_MJPEG_BOUNDARY
 *   (gw_request_reply_stream())
 * @request: the client's fps and size
 *
 * Streams @camera to @msg until the client goes or the camera is stopped
 * or deleted. Main context.
 */
void
gw_mjpeg_add_client (GwMjpeg * mjpeg, GwCamera * camera,
    SoupServerMessage * msg, const GwMjpegRequest * request)
{
  Cam *cam = cam_get (mjpeg, camera);
  Client *c = g_new0 (Client, 1);

  c->owner = mjpeg;
  c->msg = g_object_ref (msg);
  c->fps = request->fps;
  c->feed = cam_get_feed (cam, request->width, request->height);
  g_ptr_array_add (c->feed->clients, c);
  cam->n_clients++;
  g_ptr_array_add (mjpeg->clients, c);
  feed_update_rate (c->feed);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), c);
  g_signal_connect (msg, "finished", G_CALLBACK (on_client_gone), c);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_client_gone), c);
  GST_INFO ("MJPEG client %p of camera %s (%ux%u, fps %u)", c, cam->id,
      request->width, request->height, request->fps);
}

/* Idle, after a camera was stopped: a restart (stop then start at once)
 * keeps its streams; a camera still stopped ends them. */
static gboolean
end_stopped (gpointer data)
{
  GwMjpeg *self = data;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;
  guint i;

  g_clear_pointer (&self->stop_check, g_source_unref);
  g_hash_table_iter_init (&iter, self->cams);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Cam *cam = value;

    if (gw_camera_get_state (cam->camera) == GW_CAMERA_STATE_STOPPED)
      g_ptr_array_add (ids, g_strdup (cam->id));
  }
  for (i = 0; i < ids->len; i++)
    cam_end_all (self, g_ptr_array_index (ids, i));
  return G_SOURCE_REMOVE;
}

/**
 * gw_mjpeg_sync_camera:
 * @mjpeg: the service
 * @camera: a camera whose state changed
 *
 * The camera's branches follow its current pipeline (none while it has
 * none: the streams stay open and resume with the next pipeline). A camera
 * that is still stopped once the main context is idle again (not a
 * restart) ends its streams. Main context.
 */
void
gw_mjpeg_sync_camera (GwMjpeg * mjpeg, GwCamera * camera)
{
  Cam *cam = g_hash_table_lookup (mjpeg->cams, gw_camera_get_id (camera));

  if (cam == NULL)
    return;
  cam_follow (cam, camera);
  if (gw_camera_get_state (camera) == GW_CAMERA_STATE_STOPPED
      && mjpeg->stop_check == NULL) {
    mjpeg->stop_check = g_idle_source_new ();
    g_source_set_callback (mjpeg->stop_check, end_stopped, mjpeg, NULL);
    g_source_attach (mjpeg->stop_check, mjpeg->context);
  }
}

/**
 * gw_mjpeg_remove_camera:
 * @mjpeg: the service
 * @camera_id: a camera that is being deleted
 *
 * Ends the camera's streams and takes its branches out. Main context.
 */
void
gw_mjpeg_remove_camera (GwMjpeg * mjpeg, const gchar * camera_id)
{
  if (g_hash_table_contains (mjpeg->cams, camera_id))
    cam_end_all (mjpeg, camera_id);
}

/**
 * gw_mjpeg_get_n_clients:
 * @mjpeg: the service
 * @camera_id: (nullable): a camera, or %NULL for all
 *
 * Returns: the clients being streamed to
 */
guint
gw_mjpeg_get_n_clients (GwMjpeg * mjpeg, const gchar * camera_id)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  if (camera_id) {
    Cam *cam = g_hash_table_lookup (mjpeg->cams, camera_id);

    return cam ? cam->n_clients : 0;
  }
  g_hash_table_iter_init (&iter, mjpeg->cams);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((Cam *) value)->n_clients;
  return n;
}

/**
 * gw_mjpeg_get_n_branches:
 * @mjpeg: the service
 * @camera_id: a camera
 *
 * Returns: the JPEG branches the service keeps on the camera's pipeline
 *   (one per picture size being watched)
 */
guint
gw_mjpeg_get_n_branches (GwMjpeg * mjpeg, const gchar * camera_id)
{
  Cam *cam = g_hash_table_lookup (mjpeg->cams, camera_id);
  guint i, n = 0;

  for (i = 0; cam && i < cam->feeds->len; i++)
    n += ((Feed *) g_ptr_array_index (cam->feeds, i))->branch != NULL;
  return n;
}

/**
 * gw_mjpeg_get_frames_sent:
 * @mjpeg: the service
 *
 * Returns: frames written to clients since the start
 */
guint64
gw_mjpeg_get_frames_sent (GwMjpeg * mjpeg)
{
  return mjpeg->sent;
}

/**
 * gw_mjpeg_get_frames_dropped:
 * @mjpeg: the service
 *
 * Returns: frames a client did not get because it had not read the
 *   previous ones yet
 */
guint64
gw_mjpeg_get_frames_dropped (GwMjpeg * mjpeg)
{
  return mjpeg->dropped;
}

/**
 * gw_mjpeg_get_queued_bytes:
 * @mjpeg: the service
 *
 * Returns: the bytes of the parts the clients have not been written yet
 *   (at most two parts per client)
 */
gsize
gw_mjpeg_get_queued_bytes (GwMjpeg * mjpeg)
{
  gsize n = 0;
  guint i;

  for (i = 0; i < mjpeg->clients->len; i++) {
    Client *c = g_ptr_array_index (mjpeg->clients, i);

    n += c->in_flight_bytes + (c->pending ? g_bytes_get_size (c->pending) : 0);
  }
  return n;
}
