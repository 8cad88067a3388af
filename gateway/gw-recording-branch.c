/* camguard-gateway - one recording: a tee branch with splitmuxsink
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-recording-branch
 * @title: Recording branch
 * @short_description: queue ! h264parse ! splitmuxsink on a camera's tee
 *
 * A #GwRecBranch is one recording of a running camera: a bin
 *
 * |[
 * outputs. ! queue leaky=downstream max-size-time=3s ! h264parse
 *     ! splitmuxsink muxer="mp4mux reserved-moov-update-period=1s"
 *                    use-robust-muxing=true max-size-time=SEGMENT
 * ]|
 *
 * linked to a request pad of the camera's `outputs` tee. The branch never
 * disturbs the camera or its other outputs:
 *
 * - its sink pad answers every buffer with GST_FLOW_OK, whatever happened
 *   behind it (a full disk, an unwritable directory), so the tee never
 *   sees an error; the queue is leaky, so a slow disk never blocks it;
 * - its bin keeps the branch's ERROR, WARNING, EOS and splitmuxsink
 *   messages to itself (the camera's bus never sees them): errors are
 *   classified with cg_classify_message() and reported through the
 *   #GwRecBranchFunc as %GW_REC_BRANCH_FAILED;
 * - buffers are dropped until the first keyframe, and a keyframe is asked
 *   of the encoder (an upstream force-key-unit event) when it starts;
 * - gw_rec_branch_finalize() takes it out: an IDLE probe on the tee pad
 *   unlinks it and sends EOS into it, the file is finalized (the
 *   `splitmuxsink-fragment-closed` message, waited for a bounded time),
 *   then the bin goes to NULL, is removed and the tee pad released. It
 *   blocks: the main loop calls gw_rec_branch_finalize_async(), which does
 *   it on a thread.
 *
 * Files are written as `NAME.partial.mp4` and renamed `NAME.mp4` once
 * finalized, so a file that lost its end (the gateway was killed) is told
 * apart. The mp4 header is reserved at the start of the file and rewritten
 * every second (robust muxing): a killed recording plays up to its last
 * second.
 *
 * Events are delivered on the thread-default main context of the caller
 * of gw_rec_branch_attach(), until gw_rec_branch_disconnect().
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gst/video/video.h>

#include <fcntl.h>

#include "gw-hop.h"
#include "gw-recording-branch.h"
#include "gw-recording-files.h"
#include "gw-pipeline.h"

GST_DEBUG_CATEGORY_STATIC (gw_rec_branch_debug);
#define GST_CAT_DEFAULT gw_rec_branch_debug

/* the mp4 header is rewritten this often: what a kill loses at most */
#define MOOV_UPDATE_PERIOD (500 * GST_MSECOND)
/* the queue in front of the file: a slow disk drops, never blocks */
#define QUEUE_TIME (3 * GST_SECOND)

struct _GwRecBranch
{
  gint refcount;
  GMutex lock;
  GCond cond;
  GMainContext *context;
  GwRecBranchFunc func;         /* NULL once disconnected */
  gpointer user_data;

  GstElement *pipeline;
  GstElement *tee;
  GstElement *bin;
  GstPad *tee_pad;
  GstPad *sinkpad;              /* the bin's ghost pad */
  gchar *dir;
  gchar *prefix;

  gboolean finalizing;
  gboolean unlinked;
  gboolean closed;              /* the file was finalized (or EOS) */
  gboolean failed;
  gboolean removed;
  gchar *opened;                /* the last file opened */
};

/* ------------------------------------------------------------------ */
/* the bin: keeps the branch's messages to itself                      */

#define GW_TYPE_REC_BIN (gw_rec_bin_get_type ())
G_DECLARE_FINAL_TYPE (GwRecBin, gw_rec_bin, GW, REC_BIN, GstBin)
     struct _GwRecBin
     {
       GstBin parent;
       GwRecBranch *branch;     /* weak: cleared (object lock) by its end */
       gchar *dir;
       gchar *prefix;
       gboolean keyframe_requested;
     };

G_DEFINE_TYPE (GwRecBin, gw_rec_bin, GST_TYPE_BIN)
     typedef struct
     {
       GwRecBranch *branch;
       GwRecBranchEvent what;
       gchar *path;
       guint64 size;
       CgError *error;
     } Notice;

     static void notice_free (gpointer data)
{
  Notice *n = data;

  gw_rec_branch_unref (n->branch);
  g_free (n->path);
  if (n->error)
    cg_error_unref (n->error);
  g_free (n);
}

/* On the owner's main context. */
static gboolean
notice_deliver (gpointer data)
{
  Notice *n = data;
  GwRecBranchFunc func;
  gpointer user_data;

  g_mutex_lock (&n->branch->lock);
  func = n->branch->func;
  user_data = n->branch->user_data;
  g_mutex_unlock (&n->branch->lock);
  if (func)
    func (n->branch, n->what, n->path, n->size, n->error, user_data);
  return G_SOURCE_REMOVE;
}

static void
notify (GwRecBranch * b, GwRecBranchEvent what, const gchar * path,
    guint64 size, CgError * error)
{
  Notice *n = g_new0 (Notice, 1);

  n->branch = gw_rec_branch_ref (b);
  n->what = what;
  n->path = g_strdup (path);
  n->size = size;
  n->error = error ? cg_error_ref (error) : NULL;
  gw_hop (b->context, notice_deliver, n, notice_free);
}

/**
 * gw_rec_final_path:
 * @path: a recording's path
 *
 * Returns: (transfer full): @path without its `.partial` part: the name
 *   the file gets once finalized
 */
gchar *
gw_rec_final_path (const gchar * path)
{
  if (!g_str_has_suffix (path, GW_REC_PARTIAL_SUFFIX))
    return g_strdup (path);
  return g_strdup_printf ("%.*s" GW_REC_SUFFIX,
      (int) (strlen (path) - strlen (GW_REC_PARTIAL_SUFFIX)), path);
}

/* A fragment was finalized: it gets its final name. */
static void
fragment_closed (GwRecBranch * b, const gchar * location)
{
  g_autofree gchar *final = gw_rec_final_path (location);
  GStatBuf st;
  guint64 size = 0;

  gdouble duration = -1;
  gint fd;

  if (g_rename (location, final) != 0)
    GST_WARNING ("cannot rename %s: %s", location, g_strerror (errno));
  if ((fd = g_open (final, O_RDONLY | O_CLOEXEC, 0)) >= 0) {
    duration = gw_rec_mp4_duration (fd);
    g_close (fd, NULL);
  }
  /* stopped before its first frame was written: nothing to keep */
  if (duration == 0) {
    GST_INFO ("removing %s: no frame in it", final);
    g_unlink (final);
    return;
  }
  if (g_stat (final, &st) == 0)
    size = st.st_size;
  GST_INFO ("finalized %s (%" G_GUINT64_FORMAT " bytes)", final, size);
  notify (b, GW_REC_BRANCH_CLOSED, final, size, NULL);
}

static void
mark_closed (GwRecBranch * b)
{
  g_mutex_lock (&b->lock);
  b->closed = TRUE;
  g_cond_broadcast (&b->cond);
  g_mutex_unlock (&b->lock);
}

static void
branch_error (GwRecBranch * b, GstMessage * msg)
{
  g_autoptr (CgError) error = cg_classify_message (msg);
  gboolean first;

  if (error == NULL)
    error = cg_error_new (CG_CODE_RECORDING_FAILED, NULL);
  g_mutex_lock (&b->lock);
  first = !b->failed;
  b->failed = TRUE;
  g_cond_broadcast (&b->cond);
  g_mutex_unlock (&b->lock);
  GST_WARNING ("recording branch failed: %s: %s",
      cg_error_get_code_name (error), cg_error_get_message (error));
  if (first)
    notify (b, GW_REC_BRANCH_FAILED, NULL, 0, error);
}

static void
gw_rec_bin_handle_message (GstBin * bin, GstMessage * msg)
{
  g_autoptr (GwRecBranch) b = NULL;
  const GstStructure *s;

  GST_OBJECT_LOCK (bin);
  if (GW_REC_BIN (bin)->branch)
    b = gw_rec_branch_ref (GW_REC_BIN (bin)->branch);
  GST_OBJECT_UNLOCK (bin);
  if (b == NULL) {
    GST_BIN_CLASS (gw_rec_bin_parent_class)->handle_message (bin, msg);
    return;
  }

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ELEMENT:
      s = gst_message_get_structure (msg);
      if (gst_structure_has_name (s, "splitmuxsink-fragment-opened")) {
        g_mutex_lock (&b->lock);
        g_free (b->opened);
        b->opened = g_strdup (gst_structure_get_string (s, "location"));
        g_mutex_unlock (&b->lock);
        notify (b, GW_REC_BRANCH_OPENED, gst_structure_get_string (s,
                "location"), 0, NULL);
      } else if (gst_structure_has_name (s, "splitmuxsink-fragment-closed")) {
        const gchar *location = gst_structure_get_string (s, "location");

        fragment_closed (b, location);
        /* done once the file open at the EOS is closed (a split just
         * before the EOS closes the one before it first) */
        g_mutex_lock (&b->lock);
        if (b->unlinked && g_strcmp0 (location, b->opened) == 0)
          b->closed = TRUE;
        g_cond_broadcast (&b->cond);
        g_mutex_unlock (&b->lock);
      } else {
        break;
      }
      gst_message_unref (msg);
      return;
    case GST_MESSAGE_ERROR:
      branch_error (b, msg);
      gst_message_unref (msg);
      return;
    case GST_MESSAGE_EOS:
      mark_closed (b);
      gst_message_unref (msg);
      return;
    case GST_MESSAGE_WARNING:
      gst_message_unref (msg);
      return;
    default:
      break;
  }
  GST_BIN_CLASS (gw_rec_bin_parent_class)->handle_message (bin, msg);
}

static void
gw_rec_bin_finalize (GObject * object)
{
  GwRecBin *self = GW_REC_BIN (object);

  g_free (self->dir);
  g_free (self->prefix);
  G_OBJECT_CLASS (gw_rec_bin_parent_class)->finalize (object);
}

static void
gw_rec_bin_class_init (GwRecBinClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gw_rec_bin_finalize;
  GST_BIN_CLASS (klass)->handle_message = gw_rec_bin_handle_message;
}

static void
gw_rec_bin_init (GwRecBin * self)
{
}

/* ------------------------------------------------------------------ */
/* the sink pad: never an error to the tee; from a keyframe on          */

/* Whatever happened behind the pad, the tee hears GST_FLOW_OK. */
static GstFlowReturn
masked (GstPad * pad, GstFlowReturn ret)
{
  if (ret != GST_FLOW_OK)
    GST_LOG_OBJECT (pad, "masked %s", gst_flow_get_name (ret));
  return GST_FLOW_OK;
}

static GstFlowReturn
masked_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  return masked (pad, gst_proxy_pad_chain_default (pad, parent, buffer));
}

static GstFlowReturn
masked_chain_list (GstPad * pad, GstObject * parent, GstBufferList * list)
{
  return masked (pad, gst_proxy_pad_chain_list_default (pad, parent, list));
}

static GstPadProbeReturn
keyframe_gate (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GwRecBin *rb = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

  if (!GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT)) {
    GST_DEBUG_OBJECT (pad, "first keyframe: recording");
    return GST_PAD_PROBE_REMOVE;
  }
  if (!rb->keyframe_requested) {
    rb->keyframe_requested = TRUE;
    gst_pad_push_event (pad,
        gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
            TRUE, 0));
  }
  return GST_PAD_PROBE_DROP;
}

/* ------------------------------------------------------------------ */
/* building                                                             */

/* splitmuxsink's file names: PREFIX-YYYYMMDD-HHMMSS-mmm.partial.mp4, in
 * UTC, with -N added if the name is taken. */
static gchar *
format_location (GstElement * splitmux, guint fragment, gpointer user_data)
{
  GwRecBin *b = user_data;
  gint64 now = g_get_real_time ();
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (now /
      G_USEC_PER_SEC);
  g_autofree gchar *stamp = g_date_time_format (t, "%Y%m%d-%H%M%S");
  gchar *path = NULL;
  guint n;

  for (n = 0; n < 1000; n++) {
    g_autofree gchar *name = n ? g_strdup_printf ("%s-%s-%03d-%u%s",
        b->prefix, stamp, (gint) (now / 1000 % 1000), n, GW_REC_PARTIAL_SUFFIX)
        : g_strdup_printf ("%s-%s-%03d%s", b->prefix, stamp,
        (gint) (now / 1000 % 1000), GW_REC_PARTIAL_SUFFIX);
    g_autofree gchar *final = NULL;

    g_free (path);
    path = g_build_filename (b->dir, name, NULL);
    final = gw_rec_final_path (path);
    if (!g_file_test (path, G_FILE_TEST_EXISTS)
        && !g_file_test (final, G_FILE_TEST_EXISTS))
      break;
  }
  GST_INFO ("fragment %u: %s", fragment, path);
  return path;
}

static gboolean
build_bin (GwRecBranch * b, guint64 segment_ns, GError ** error)
{
  GwRecBin *rb = g_object_new (GW_TYPE_REC_BIN, NULL);
  GstElement *queue, *parse, *mux, *sink;
  GstPad *pad;

  rb->branch = b;
  rb->dir = g_strdup (b->dir);
  rb->prefix = g_strdup (b->prefix);
  b->bin = gst_object_ref_sink (GST_ELEMENT (rb));
  queue = gw_pipeline_make_element (GST_BIN (rb), "queue", NULL, error);
  parse = gw_pipeline_make_element (GST_BIN (rb), "h264parse", NULL, error);
  sink = gw_pipeline_make_element (GST_BIN (rb), "splitmuxsink", NULL, error);
  mux = *error ? NULL : gst_element_factory_make ("mp4mux", NULL);
  if (mux == NULL) {
    if (*error == NULL)
      g_set_error (error, CG_CODE_ERROR, CG_CODE_MISSING_COMPONENT,
          "the element mp4mux is not installed");
    return FALSE;
  }
  g_object_set (queue, "max-size-buffers", 0, "max-size-bytes", 0,
      "max-size-time", (guint64) QUEUE_TIME, NULL);
  gst_util_set_object_arg (G_OBJECT (queue), "leaky", "downstream");
  g_object_set (mux, "reserved-moov-update-period",
      (guint64) MOOV_UPDATE_PERIOD, NULL);
  g_object_set (sink, "muxer", mux, "use-robust-muxing", TRUE,
      "max-size-time", segment_ns, "send-keyframe-requests", TRUE, NULL);
  g_signal_connect (sink, "format-location", G_CALLBACK (format_location), rb);
  if (!gst_element_link_many (queue, parse, sink, NULL)) {
    g_set_error_literal (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "cannot link the recording branch");
    return FALSE;
  }
  pad = gst_element_get_static_pad (queue, "sink");
  b->sinkpad = gst_object_ref (gst_ghost_pad_new ("sink", pad));
  gst_object_unref (pad);
  gst_pad_set_chain_function (b->sinkpad, masked_chain);
  gst_pad_set_chain_list_function (b->sinkpad, masked_chain_list);
  gst_pad_set_active (b->sinkpad, TRUE);
  gst_element_add_pad (b->bin, b->sinkpad);
  gst_pad_add_probe (b->sinkpad, GST_PAD_PROBE_TYPE_BUFFER, keyframe_gate,
      rb, NULL);
  return TRUE;
}

/* Takes the bin out of the pipeline and releases the tee pad. */
static void
remove_bin (GwRecBranch * b)
{
  GstPad *peer;

  if (b->removed)
    return;
  b->removed = TRUE;
  if (b->tee_pad && (peer = gst_pad_get_peer (b->tee_pad))) {
    gst_pad_unlink (b->tee_pad, peer);
    gst_object_unref (peer);
  }
  gst_element_set_locked_state (b->bin, TRUE);
  gst_element_set_state (b->bin, GST_STATE_NULL);
  if (GST_OBJECT_PARENT (b->bin) == GST_OBJECT (b->pipeline))
    gst_bin_remove (GST_BIN (b->pipeline), b->bin);
  if (b->tee_pad)
    gst_element_release_request_pad (b->tee, b->tee_pad);
}

/**
 * gw_rec_branch_attach:
 * @tee: the camera's `outputs` tee, inside its pipeline
 * @dir: the directory of the files (it exists)
 * @prefix: the start of the file names (`manual`, `continuous`)
 * @segment_ns: a new file every this long (also the mp4 header's reserve)
 * @func: receives the branch's events on the caller's main context
 * @user_data: for @func
 * @error: return location for a %CG_CODE_ERROR
 *
 * Adds a recording branch to @tee's pipeline, brings it to the pipeline's
 * state and links it to a new tee pad. The first file opens at the first
 * keyframe.
 *
 * Returns: (transfer full) (nullable): the branch
 */
GwRecBranch *
gw_rec_branch_attach (GstElement * tee, const gchar * dir,
    const gchar * prefix, guint64 segment_ns, GwRecBranchFunc func,
    gpointer user_data, GError ** error)
{
  static gsize once = 0;
  g_autoptr (GwRecBranch) b = g_new0 (GwRecBranch, 1);
  g_autoptr (GError) err = NULL;
  GstObject *parent;

  if (g_once_init_enter (&once)) {
    GST_DEBUG_CATEGORY_INIT (gw_rec_branch_debug, "gw-recording-branch", 0,
        "camguard-gateway recording branches");
    g_once_init_leave (&once, 1);
  }
  b->refcount = 1;
  g_mutex_init (&b->lock);
  g_cond_init (&b->cond);
  b->context = g_main_context_ref_thread_default ();
  b->func = func;
  b->user_data = user_data;
  b->tee = gst_object_ref (tee);
  b->dir = g_strdup (dir);
  b->prefix = g_strdup (prefix);
  parent = gst_element_get_parent (tee);
  if (parent == NULL || !GST_IS_BIN (parent)) {
    if (parent)
      gst_object_unref (parent);
    g_set_error_literal (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "the tee is not in a pipeline");
    return NULL;
  }
  b->pipeline = GST_ELEMENT (parent);
  if (!build_bin (b, segment_ns, &err)) {
    b->removed = TRUE;
    g_propagate_error (error, g_steal_pointer (&err));
    return NULL;
  }
  gst_bin_add (GST_BIN (b->pipeline), b->bin);
  b->tee_pad = gst_element_request_pad_simple (tee, "src_%u");
  if (b->tee_pad == NULL || !gst_element_sync_state_with_parent (b->bin)
      || GST_PAD_LINK_FAILED (gst_pad_link (b->tee_pad, b->sinkpad))) {
    remove_bin (b);
    g_set_error_literal (error, CG_CODE_ERROR, CG_CODE_PIPELINE_ERROR,
        "cannot link the recording branch to the camera's tee");
    return NULL;
  }
  GST_INFO ("recording %s into %s", prefix, dir);
  return g_steal_pointer (&b);
}

/* IDLE probe on the tee pad: no buffer is on its way, unlink and EOS. */
static GstPadProbeReturn
unlink_idle (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GwRecBranch *b = user_data;

  g_mutex_lock (&b->lock);
  if (b->unlinked) {
    g_mutex_unlock (&b->lock);
    return GST_PAD_PROBE_REMOVE;
  }
  b->unlinked = TRUE;
  g_mutex_unlock (&b->lock);
  gst_pad_unlink (b->tee_pad, b->sinkpad);
  gst_pad_send_event (b->sinkpad, gst_event_new_eos ());
  g_mutex_lock (&b->lock);
  g_cond_broadcast (&b->cond);
  g_mutex_unlock (&b->lock);
  return GST_PAD_PROBE_REMOVE;
}

/* A file still being written after the end (splitmuxsink may open the
 * next fragment just before the EOS) that holds no frame is removed. */
static void
drop_empty (GwRecBranch * b)
{
  g_autofree gchar *opened = NULL;
  gdouble duration = -1;
  GStatBuf st;
  gint fd;

  g_mutex_lock (&b->lock);
  opened = g_steal_pointer (&b->opened);
  g_mutex_unlock (&b->lock);
  if (opened == NULL || g_stat (opened, &st) != 0)
    return;                     /* renamed: finalized */
  if (st.st_size > 0 && (fd = g_open (opened, O_RDONLY | O_CLOEXEC, 0)) >= 0) {
    duration = gw_rec_mp4_duration (fd);
    g_close (fd, NULL);
  }
  if (duration <= 0) {
    GST_INFO ("removing %s: no frame in it", opened);
    g_unlink (opened);
  }
}

/* Waits until @flag is set, or @end (monotonic). */
static gboolean
wait_for (GwRecBranch * b, gboolean * flag, gint64 end)
{
  gboolean set;

  g_mutex_lock (&b->lock);
  while (!*flag && !b->failed && g_cond_wait_until (&b->cond, &b->lock, end));
  set = *flag;
  g_mutex_unlock (&b->lock);
  return set;
}

/**
 * gw_rec_branch_finalize:
 * @branch: a branch
 * @timeout_ms: the bound on the whole
 *
 * Takes the branch out of the running pipeline and finalizes its file:
 * IDLE probe on the tee pad, unlink, EOS into the branch, wait for the
 * file to be finalized, NULL, remove, release the tee pad. The camera and
 * its other outputs go on. Blocks at most about @timeout_ms: call it off
 * the main loop (gw_rec_branch_finalize_async()) unless the caller may
 * block. Once only; later calls return %TRUE.
 *
 * Returns: whether the file was finalized in time
 */
gboolean
gw_rec_branch_finalize (GwRecBranch * branch, guint timeout_ms)
{
  GwRecBranch *b = branch;
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean in_time = FALSE;
  gulong probe;

  g_mutex_lock (&b->lock);
  if (b->finalizing) {
    g_mutex_unlock (&b->lock);
    return TRUE;
  }
  b->finalizing = TRUE;
  g_mutex_unlock (&b->lock);
  probe = gst_pad_add_probe (b->tee_pad, GST_PAD_PROBE_TYPE_IDLE,
      unlink_idle, gw_rec_branch_ref (b), (GDestroyNotify) gw_rec_branch_unref);
  if (wait_for (b, &b->unlinked, end))
    in_time = wait_for (b, &b->closed, end);
  else if (probe)
    gst_pad_remove_probe (b->tee_pad, probe);
  if (!in_time)
    GST_WARNING ("the recording in %s was not finalized in time%s", b->dir,
        b->failed ? " (it had failed)" : "");
  remove_bin (b);
  drop_empty (b);
  return in_time;
}

typedef struct
{
  GwRecBranch *branch;
  guint timeout_ms;
  gboolean in_time;
  GwRecBranchDone done;
  gpointer user_data;
} FinalizeJob;

static gboolean
finalize_done (gpointer data)
{
  FinalizeJob *job = data;

  if (job->done)
    job->done (job->branch, job->in_time, job->user_data);
  gw_rec_branch_unref (job->branch);
  g_free (job);
  return G_SOURCE_REMOVE;
}

static gpointer
finalize_thread (gpointer data)
{
  FinalizeJob *job = data;

  job->in_time = gw_rec_branch_finalize (job->branch, job->timeout_ms);
  gw_hop_later (job->branch->context, finalize_done, job, NULL);
  return NULL;
}

/**
 * gw_rec_branch_finalize_async:
 * @branch: a branch
 * @timeout_ms: as for gw_rec_branch_finalize()
 * @done: (nullable): called on the branch's main context when it is done
 * @user_data: for @done
 *
 * gw_rec_branch_finalize() on a thread of its own.
 */
void
gw_rec_branch_finalize_async (GwRecBranch * branch, guint timeout_ms,
    GwRecBranchDone done, gpointer user_data)
{
  FinalizeJob *job = g_new0 (FinalizeJob, 1);

  job->branch = gw_rec_branch_ref (branch);
  job->timeout_ms = timeout_ms;
  job->done = done;
  job->user_data = user_data;
  g_thread_unref (g_thread_new ("gw-rec-finalize", finalize_thread, job));
}

/**
 * gw_rec_branch_disconnect:
 * @branch: a branch
 *
 * No more events from @branch (and no more renaming of its finalized
 * files): call it after finalizing, before the #GwRecBranchFunc's data
 * goes away and before the last gw_rec_branch_unref().
 */
void
gw_rec_branch_disconnect (GwRecBranch * branch)
{
  g_mutex_lock (&branch->lock);
  branch->func = NULL;
  branch->user_data = NULL;
  g_mutex_unlock (&branch->lock);
  if (branch->bin) {
    GST_OBJECT_LOCK (branch->bin);
    GW_REC_BIN (branch->bin)->branch = NULL;
    GST_OBJECT_UNLOCK (branch->bin);
  }
}

/**
 * gw_rec_branch_get_tee:
 * @branch: a branch
 *
 * Returns: (transfer none): the tee it was attached to
 */
GstElement *
gw_rec_branch_get_tee (GwRecBranch * branch)
{
  return branch->tee;
}

/**
 * gw_rec_branch_has_failed:
 * @branch: a branch
 *
 * Returns: whether the branch posted an error
 */
gboolean
gw_rec_branch_has_failed (GwRecBranch * branch)
{
  gboolean failed;

  g_mutex_lock (&branch->lock);
  failed = branch->failed;
  g_mutex_unlock (&branch->lock);
  return failed;
}

/**
 * gw_rec_branch_ref:
 * @branch: a branch
 *
 * Returns: @branch
 */
GwRecBranch *
gw_rec_branch_ref (GwRecBranch * branch)
{
  g_atomic_int_inc (&branch->refcount);
  return branch;
}

/**
 * gw_rec_branch_unref:
 * @branch: (transfer full): a branch
 *
 * Drops a reference. The owner's last reference should follow
 * gw_rec_branch_finalize(), or the end of the camera pipeline (a pipeline
 * that went to NULL took the branch with it).
 */
void
gw_rec_branch_unref (GwRecBranch * branch)
{
  GstElement *bin;

  if (!g_atomic_int_dec_and_test (&branch->refcount))
    return;
  bin = branch->bin;
  branch->bin = NULL;
  if (bin) {
    GST_OBJECT_LOCK (bin);
    GW_REC_BIN (bin)->branch = NULL;
    GST_OBJECT_UNLOCK (bin);
  }
  gst_clear_object (&branch->sinkpad);
  gst_clear_object (&branch->tee_pad);
  gst_clear_object (&branch->tee);
  gst_clear_object (&branch->pipeline);
  if (bin)
    gst_object_unref (bin);
  g_main_context_unref (branch->context);
  g_free (branch->dir);
  g_free (branch->prefix);
  g_free (branch->opened);
  g_mutex_clear (&branch->lock);
  g_cond_clear (&branch->cond);
  g_free (branch);
}
