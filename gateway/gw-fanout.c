/* camguard-gateway - one camera's encoded access units, fanned out to any
 * number of appsrc consumers (RTSP medias, WHEP viewers)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gw-fanout
 * @short_description: one appsink per camera pipeline, many appsrc consumers
 *
 * gw_fanout_acquire() on a camera pipeline's tee returns the tee's fan-out,
 * made on first use: a branch on a tee request pad
 * (`queue leaky=downstream ! appsink sync=false async=false drop=true`) whose
 * callback pushes a shallow copy of every access unit (PTS and DTS cleared:
 * each consumer's appsrc timestamps them in its own pipeline's clock) into
 * every consumer appsrc. Every user (the RTSP server, the WHEP viewers)
 * acquires and releases it; the last release takes the branch out of the
 * camera pipeline, which never changes state for it.
 *
 * A consumer gets nothing until a keyframe (delta units are dropped), an
 * upstream force-key-unit event asks the camera's encoder for one when a
 * consumer joins or starts waiting, and a consumer whose appsrc holds more
 * than its byte bound waits for the next keyframe again instead of growing
 * without bound (a stalled viewer never backs up into the camera or into
 * the other consumers).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-fanout.h"

#include <camguard.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

GST_DEBUG_CATEGORY_STATIC (gw_fanout_debug);
#define GST_CAT_DEFAULT gw_fanout_debug

/* A branch holds a few access units at most: a slow consumer never backs up
 * into the camera pipeline. */
#define GW_FANOUT_QUEUE_BUFFERS 30
#define GW_FANOUT_APPSINK_BUFFERS 5

#define GW_FANOUT_QDATA "gw-fanout"

typedef struct
{
  GstElement *appsrc;
  gconstpointer owner;
  gsize max_bytes;
  GstCaps *caps;
  gboolean need_keyframe;
} Consumer;

struct _GwFanout
{
  gatomicrefcount ref;          /* memory: users and appsink callbacks */
  guint users;                  /* gw_fanout_acquire() calls, under users_lock */
  GMutex lock;
  GList *consumers;             /* Consumer *, under lock */
  GstElement *bin;
  GstElement *tee;
  GstPad *tee_pad;
  GstElement *queue;
  GstElement *appsink;
};

/* Guards the tee's qdata and the users counts. */
static GMutex users_lock;

static void
consumer_free (Consumer * c)
{
  gst_clear_object (&c->appsrc);
  gst_clear_caps (&c->caps);
  g_free (c);
}

static GwFanout *
fanout_ref (GwFanout * f)
{
  g_atomic_ref_count_inc (&f->ref);
  return f;
}

static void
fanout_unref (gpointer data)
{
  GwFanout *f = data;

  if (!g_atomic_ref_count_dec (&f->ref))
    return;
  g_list_free_full (f->consumers, (GDestroyNotify) consumer_free);
  g_mutex_clear (&f->lock);
  gst_clear_object (&f->tee_pad);
  gst_clear_object (&f->queue);
  gst_clear_object (&f->appsink);
  gst_clear_object (&f->tee);
  gst_clear_object (&f->bin);
  g_free (f);
}

/**
 * gw_fanout_request_keyframe:
 * @fanout: a fan-out
 *
 * Sends an upstream force-key-unit event from the fan-out's appsink to the
 * camera's encoder (or parser), for a consumer that cannot decode until one
 * comes (a viewer that joined, or whose receiver asked with a PLI).
 */
void
gw_fanout_request_keyframe (GwFanout * fanout)
{
  GstPad *pad;

  g_return_if_fail (fanout != NULL);
  pad = gst_element_get_static_pad (fanout->appsink, "sink");
  GST_DEBUG ("asking %s for a keyframe", GST_OBJECT_NAME (fanout->tee));
  gst_pad_push_event (pad,
      gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE, TRUE,
          0));
  gst_object_unref (pad);
}

/* Push one access unit into one consumer. Returns TRUE when the consumer has
 * just started waiting for a keyframe (the caller asks upstream for one). */
static gboolean
consumer_push (Consumer * c, GstBuffer * buffer, GstCaps * caps)
{
  GstAppSrc *src = GST_APP_SRC (c->appsrc);
  GstBuffer *copy;

  if (c->need_keyframe
      && GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT))
    return FALSE;

  if (gst_app_src_get_current_level_bytes (src) > c->max_bytes) {
    gboolean was_waiting = c->need_keyframe;

    c->need_keyframe = TRUE;
    return !was_waiting;
  }
  c->need_keyframe = FALSE;

  if (caps && (c->caps == NULL || !gst_caps_is_equal (caps, c->caps))) {
    gst_caps_replace (&c->caps, caps);
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
  GwFanout *f = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  gboolean want_keyframe = FALSE;
  GstBuffer *buffer;
  GList *l;

  if (sample == NULL)
    return GST_FLOW_EOS;

  buffer = gst_sample_get_buffer (sample);
  if (buffer) {
    g_mutex_lock (&f->lock);
    for (l = f->consumers; l; l = l->next)
      want_keyframe |=
          consumer_push (l->data, buffer, gst_sample_get_caps (sample));
    g_mutex_unlock (&f->lock);
  }
  gst_sample_unref (sample);

  if (want_keyframe)
    gw_fanout_request_keyframe (f);
  return GST_FLOW_OK;
}

/* The tee branch: queue ! appsink in the tee's bin, linked to a new tee
 * request pad and brought to the bin's state. */
static gboolean
fanout_add_branch (GwFanout * f, GError ** error)
{
  GstAppSinkCallbacks callbacks = {.new_sample = on_new_sample };
  g_autofree gchar *qname = g_strdup_printf ("gw-fanout-queue-%s",
      GST_OBJECT_NAME (f->tee));
  g_autofree gchar *sname = g_strdup_printf ("gw-fanout-sink-%s",
      GST_OBJECT_NAME (f->tee));
  GstPad *sinkpad;
  GstPadLinkReturn ret;

  f->queue = gst_element_factory_make ("queue", qname);
  f->appsink = gst_element_factory_make ("appsink", sname);
  if (f->queue == NULL || f->appsink == NULL) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_MISSING_COMPONENT,
        "GStreamer elements queue and appsink are needed for the outputs");
    return FALSE;
  }
  gst_object_ref_sink (f->queue);
  gst_object_ref_sink (f->appsink);
  g_object_set (f->queue, "max-size-buffers", GW_FANOUT_QUEUE_BUFFERS,
      "max-size-bytes", 0, "max-size-time", (guint64) 0, NULL);
  gst_util_set_object_arg (G_OBJECT (f->queue), "leaky", "downstream");
  g_object_set (f->appsink, "sync", FALSE, "async", FALSE, "drop", TRUE,
      "max-buffers", GW_FANOUT_APPSINK_BUFFERS, "enable-last-sample", FALSE,
      "qos", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (f->appsink), &callbacks,
      fanout_ref (f), fanout_unref);

  if (!gst_bin_add (GST_BIN (f->bin), f->queue)
      || !gst_bin_add (GST_BIN (f->bin), f->appsink)
      || !gst_element_link (f->queue, f->appsink)) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "Cannot add the output branch to %s's pipeline",
        GST_OBJECT_NAME (f->tee));
    return FALSE;
  }
  gst_element_sync_state_with_parent (f->appsink);
  gst_element_sync_state_with_parent (f->queue);

  f->tee_pad = gst_element_request_pad_simple (f->tee, "src_%u");
  if (f->tee_pad == NULL) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "The camera's tee gave no request pad");
    return FALSE;
  }
  sinkpad = gst_element_get_static_pad (f->queue, "sink");
  ret = gst_pad_link (f->tee_pad, sinkpad);
  gst_object_unref (sinkpad);
  if (GST_PAD_LINK_FAILED (ret)) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "Cannot link the camera's tee to the output branch: %s",
        gst_pad_link_get_name (ret));
    return FALSE;
  }
  return TRUE;
}

static void
remove_element (GwFanout * f, GstElement * element)
{
  /* locked first: a camera pipeline still changing state (an rtspsrc
   * prerolling asynchronously) would set the branch back to PLAYING between
   * its NULL and its removal */
  gst_element_set_locked_state (element, TRUE);
  gst_element_set_state (element, GST_STATE_NULL);
  if (GST_OBJECT_PARENT (element) == GST_OBJECT (f->bin))
    gst_bin_remove (GST_BIN (f->bin), element);
}

/* Undo fanout_add_branch(), whatever part of it was done; the rest of the
 * camera pipeline keeps running. */
static void
fanout_remove_branch (GwFanout * f)
{
  GstAppSinkCallbacks none = { NULL };

  if (f->tee_pad) {
    GstPad *peer = gst_pad_get_peer (f->tee_pad);

    if (peer) {
      gst_pad_unlink (f->tee_pad, peer);
      gst_object_unref (peer);
    }
    gst_element_release_request_pad (f->tee, f->tee_pad);
    gst_clear_object (&f->tee_pad);
  }
  if (f->appsink)
    gst_app_sink_set_callbacks (GST_APP_SINK (f->appsink), &none, NULL, NULL);
  if (f->queue)
    remove_element (f, f->queue);
  if (f->appsink)
    remove_element (f, f->appsink);
}

/**
 * gw_fanout_acquire:
 * @tee: the tee of a camera pipeline that carries its H.264 access units
 *   (parsed); it must be inside a bin, and should have
 *   `allow-not-linked=true` or another branch so that the camera runs while
 *   nothing consumes
 * @error: a #CG_CODE_ERROR error: %CG_CODE_MISSING_COMPONENT or
 *   %CG_CODE_PIPELINE_ERROR
 *
 * Returns the fan-out of @tee, adding its branch (in whatever state the
 * pipeline is; the pipeline's state does not change) on first use. Call
 * gw_fanout_release() once per successful call.
 *
 * Returns: (transfer full) (nullable): the fan-out, or %NULL on error
 */
GwFanout *
gw_fanout_acquire (GstElement * tee, GError ** error)
{
  GwFanout *f;
  GstObject *parent;

  g_return_val_if_fail (GST_IS_ELEMENT (tee), NULL);

  if (gw_fanout_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (gw_fanout_debug, "gw-fanout", 0,
        "camguard-gateway access-unit fan-out");
  g_mutex_lock (&users_lock);
  f = g_object_get_data (G_OBJECT (tee), GW_FANOUT_QDATA);
  if (f) {
    f->users++;
    g_mutex_unlock (&users_lock);
    return f;
  }
  parent = gst_element_get_parent (tee);
  if (parent == NULL || !GST_IS_BIN (parent)) {
    g_mutex_unlock (&users_lock);
    g_clear_pointer (&parent, gst_object_unref);
    g_set_error (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "The camera's tee is not inside a pipeline");
    return NULL;
  }
  f = g_new0 (GwFanout, 1);
  g_atomic_ref_count_init (&f->ref);
  g_mutex_init (&f->lock);
  f->users = 1;
  f->bin = GST_ELEMENT (parent);
  f->tee = gst_object_ref (tee);
  if (!fanout_add_branch (f, error)) {
    g_mutex_unlock (&users_lock);
    fanout_remove_branch (f);
    fanout_unref (f);
    return NULL;
  }
  g_object_set_data (G_OBJECT (tee), GW_FANOUT_QDATA, f);
  g_mutex_unlock (&users_lock);
  GST_INFO ("fan-out on %s", GST_OBJECT_NAME (tee));
  return f;
}

/**
 * gw_fanout_release:
 * @fanout: (transfer full): a fan-out from gw_fanout_acquire()
 *
 * Drops one use. The last one ends the consumers still there (end of
 * stream) and takes the branch out of the camera pipeline, which keeps
 * running. Call it before the camera pipeline is destroyed.
 */
void
gw_fanout_release (GwFanout * fanout)
{
  GList *left, *l;

  g_return_if_fail (fanout != NULL);
  g_mutex_lock (&users_lock);
  if (--fanout->users > 0) {
    g_mutex_unlock (&users_lock);
    return;
  }
  g_object_set_data (G_OBJECT (fanout->tee), GW_FANOUT_QDATA, NULL);
  g_mutex_unlock (&users_lock);

  g_mutex_lock (&fanout->lock);
  left = fanout->consumers;
  fanout->consumers = NULL;
  g_mutex_unlock (&fanout->lock);
  for (l = left; l; l = l->next)
    gst_app_src_end_of_stream (GST_APP_SRC (((Consumer *) l->data)->appsrc));
  g_list_free_full (left, (GDestroyNotify) consumer_free);

  fanout_remove_branch (fanout);
  GST_INFO ("fan-out on %s removed", GST_OBJECT_NAME (fanout->tee));
  fanout_unref (fanout);
}

/**
 * gw_fanout_add_consumer:
 * @fanout: a fan-out
 * @appsrc: an appsrc (live, format time, do-timestamp) in the consumer's
 *   own pipeline
 * @owner: (nullable): who added it (gw_fanout_take_consumers(),
 *   gw_fanout_count_consumers())
 * @max_bytes: bytes @appsrc may hold before the consumer waits for the next
 *   keyframe (0: %GW_FANOUT_DEFAULT_MAX_BYTES)
 *
 * Adds a consumer: it gets the camera's caps now and access units from the
 * next keyframe on, which is asked of the camera at once.
 *
 * Returns: %TRUE (FALSE only for an appsrc that is already a consumer)
 */
gboolean
gw_fanout_add_consumer (GwFanout * fanout, GstElement * appsrc,
    gconstpointer owner, gsize max_bytes)
{
  Consumer *c;
  GstPad *pad;
  GList *l;

  g_return_val_if_fail (fanout != NULL, FALSE);
  g_return_val_if_fail (GST_IS_APP_SRC (appsrc), FALSE);

  c = g_new0 (Consumer, 1);
  c->appsrc = gst_object_ref (appsrc);
  c->owner = owner;
  c->max_bytes = max_bytes ? max_bytes : GW_FANOUT_DEFAULT_MAX_BYTES;
  c->need_keyframe = TRUE;
  pad = gst_element_get_static_pad (fanout->appsink, "sink");
  c->caps = gst_pad_get_current_caps (pad);
  gst_object_unref (pad);
  if (c->caps)
    gst_app_src_set_caps (GST_APP_SRC (appsrc), c->caps);

  g_mutex_lock (&fanout->lock);
  for (l = fanout->consumers; l; l = l->next) {
    if (((Consumer *) l->data)->appsrc == appsrc) {
      g_mutex_unlock (&fanout->lock);
      consumer_free (c);
      return FALSE;
    }
  }
  fanout->consumers = g_list_prepend (fanout->consumers, c);
  g_mutex_unlock (&fanout->lock);
  gw_fanout_request_keyframe (fanout);
  return TRUE;
}

/**
 * gw_fanout_remove_consumer:
 * @fanout: a fan-out
 * @appsrc: a consumer's appsrc
 *
 * Stops feeding @appsrc (no end of stream is sent: the caller owns its
 * pipeline).
 *
 * Returns: whether @appsrc was a consumer
 */
gboolean
gw_fanout_remove_consumer (GwFanout * fanout, GstElement * appsrc)
{
  Consumer *found = NULL;
  GList *l;

  g_return_val_if_fail (fanout != NULL, FALSE);
  g_mutex_lock (&fanout->lock);
  for (l = fanout->consumers; l; l = l->next) {
    Consumer *c = l->data;

    if (c->appsrc == appsrc) {
      found = c;
      fanout->consumers = g_list_delete_link (fanout->consumers, l);
      break;
    }
  }
  g_mutex_unlock (&fanout->lock);
  if (found)
    consumer_free (found);
  return found != NULL;
}

/**
 * gw_fanout_take_consumers:
 * @fanout: a fan-out
 * @owner: (nullable): an owner given to gw_fanout_add_consumer()
 *
 * Removes every consumer of @owner at once.
 *
 * Returns: (transfer full) (element-type GstElement): their appsrcs
 */
GList *
gw_fanout_take_consumers (GwFanout * fanout, gconstpointer owner)
{
  GList *taken = NULL, *l, *next;

  g_return_val_if_fail (fanout != NULL, NULL);
  g_mutex_lock (&fanout->lock);
  for (l = fanout->consumers; l; l = next) {
    Consumer *c = l->data;

    next = l->next;
    if (c->owner != owner)
      continue;
    fanout->consumers = g_list_delete_link (fanout->consumers, l);
    taken = g_list_prepend (taken, g_steal_pointer (&c->appsrc));
    consumer_free (c);
  }
  g_mutex_unlock (&fanout->lock);
  return taken;
}

/**
 * gw_fanout_count_consumers:
 * @fanout: a fan-out
 * @owner: (nullable): an owner given to gw_fanout_add_consumer()
 *
 * Returns: how many consumers of @owner are fed right now
 */
guint
gw_fanout_count_consumers (GwFanout * fanout, gconstpointer owner)
{
  guint n = 0;
  GList *l;

  g_return_val_if_fail (fanout != NULL, 0);
  g_mutex_lock (&fanout->lock);
  for (l = fanout->consumers; l; l = l->next)
    n += ((Consumer *) l->data)->owner == owner;
  g_mutex_unlock (&fanout->lock);
  return n;
}

/**
 * gw_fanout_get_tee:
 * @fanout: a fan-out
 *
 * Returns: (transfer none): the tee it hangs on
 */
GstElement *
gw_fanout_get_tee (GwFanout * fanout)
{
  g_return_val_if_fail (fanout != NULL, NULL);
  return fanout->tee;
}
