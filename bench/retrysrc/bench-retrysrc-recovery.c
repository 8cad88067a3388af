/* camguard - retrysrc recovery latency against a naive watchdog
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * "The camera comes back -> first new frame downstream, minus the backoff
 * delay that was scheduled." A fake RTSP camera (camguard-fake-camera,
 * H.264 320x240@30, GOP 15) is played over TCP on loopback, decoded and
 * counted at a fakesink. Each trial: wait for 30 frames, `die 0` (sessions
 * dropped, connections refused), wait until the client noticed and
 * scheduled a retry, stay down 1.5 s + a random 0..D (so that revive falls
 * anywhere in the retry period), `revive`, then wait for the first decoded
 * frame.
 *
 * Every scheduled attempt is recorded with the monotonic time it is due:
 * for retrysrc, the time a `camguard-retry` message (retrying or
 * circuit-open) is posted (bus sync handler, on the posting thread) plus
 * its next-delay; for the watchdog, the time its own retry timer is set
 * plus D. The attempt that brought the frame is the last one due before
 * the frame, so:
 *
 *   raw             = t_frame - t_revive
 *   beyond schedule = t_frame - max (t_revive, that attempt's due time)
 *
 * Two clients, one after the other, same camera, same schedule:
 *
 *   retrysrc: retrysrc source-description="rtspsrc location=URL
 *     protocols=tcp latency=0 ! rtph264depay ! h264parse" timeout=1000
 *     initial-delay=D max-delay=D jitter=none ! avdec_h264 ! fakesink
 *   watchdog: the same chain without retrysrc; on ERROR or EOS, or 1000 ms
 *     without a frame, the whole pipeline goes to NULL and is dropped, and
 *     D ms later it is rebuilt from its description and set to PLAYING,
 *     again and again until frames flow (what applications do by hand).
 *
 * p50 and max of both figures per client are printed with the ratio
 * retrysrc / watchdog of the p50 beyond schedule. Exit status 1 only when a
 * client did not recover (or did not notice the outage) within 15 s.
 *
 * Usage: GST_PLUGIN_PATH=build/plugins/camguard \
 *          build/bench/bench-retrysrc-recovery [TRIALS] [DELAY-MS] [CAMERA]
 * (CAMERA defaults to the fake camera of this build tree.)
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <gst/gst.h>

#include "fake-camera-client.h"

#ifndef CG_FAKE_CAMERA
#define CG_FAKE_CAMERA "camguard-fake-camera"
#endif

#define LIMIT_US (15 * G_USEC_PER_SEC)  /* no recovery within this: failure */
#define STALL_MS 1000           /* retrysrc timeout and watchdog stall limit */
#define SETTLE_FRAMES 30        /* frames before each outage */
#define DOWN_MS 1500            /* outage length before the random part */

typedef struct
{
  gint64 posted;                /* when the retry was scheduled */
  gint64 due;                   /* when the attempt is due */
} Sched;

/* What both clients share with the driver (main thread). */
typedef struct
{
  GMutex lock;
  GCond cond;
  guint64 frames;
  gint64 first_after_mark;      /* first frame at or after mark, 0 = none */
  gint64 mark;                  /* 0 = not watching */
  GArray *sched;                /* Sched */
  gchar *fatal;                 /* an ERROR retrysrc let out */
} Shared;

static void
shared_init (Shared * s)
{
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  s->sched = g_array_new (FALSE, FALSE, sizeof (Sched));
}

static void
shared_reset (Shared * s)
{
  g_mutex_lock (&s->lock);
  s->frames = 0;
  s->first_after_mark = 0;
  s->mark = 0;
  g_array_set_size (s->sched, 0);
  g_clear_pointer (&s->fatal, g_free);
  g_mutex_unlock (&s->lock);
}

static void
shared_add_sched (Shared * s, gint64 posted, gint64 due)
{
  Sched e = { posted, due };

  g_mutex_lock (&s->lock);
  g_array_append_val (s->sched, e);
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
}

static void
handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, gpointer user_data)
{
  Shared *s = user_data;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&s->lock);
  s->frames++;
  if (s->mark && !s->first_after_mark && now >= s->mark)
    s->first_after_mark = now;
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
}

/* Driver side waits; each returns FALSE after LIMIT_US. */
static gboolean
wait_frames (Shared * s, guint64 n)
{
  gint64 end = g_get_monotonic_time () + LIMIT_US;
  gboolean ok = TRUE;
  guint64 target;

  g_mutex_lock (&s->lock);
  target = s->frames + n;
  while (s->frames < target && ok)
    ok = g_cond_wait_until (&s->cond, &s->lock, end);
  ok = s->frames >= target;
  g_mutex_unlock (&s->lock);
  return ok;
}

/* Waits for a retry scheduled at or after @since. */
static gboolean
wait_sched_after (Shared * s, gint64 since)
{
  gint64 end = g_get_monotonic_time () + LIMIT_US;
  gboolean found = FALSE;

  g_mutex_lock (&s->lock);
  while (!found) {
    for (guint i = 0; i < s->sched->len && !found; i++)
      found = g_array_index (s->sched, Sched, i).posted >= since;
    if (!found && !g_cond_wait_until (&s->cond, &s->lock, end))
      break;
  }
  g_mutex_unlock (&s->lock);
  return found;
}

static gint64
wait_first_after_mark (Shared * s)
{
  gint64 end = g_get_monotonic_time () + LIMIT_US;
  gint64 t;

  g_mutex_lock (&s->lock);
  while (!s->first_after_mark && g_cond_wait_until (&s->cond, &s->lock, end));
  t = s->first_after_mark;
  g_mutex_unlock (&s->lock);
  return t;
}

/* Due time of the last attempt scheduled after @since and due before
 * @frame (0 when there is none); *@n_failed: retries scheduled after @since,
 * that is, failures seen in this outage. */
static gint64
attempt_before (Shared * s, gint64 since, gint64 frame, guint * n_failed)
{
  gint64 due = 0;

  *n_failed = 0;
  g_mutex_lock (&s->lock);
  for (guint i = 0; i < s->sched->len; i++) {
    Sched *e = &g_array_index (s->sched, Sched, i);

    if (e->posted >= since)
      (*n_failed)++;
    if (e->posted >= since && e->due <= frame && e->due > due)
      due = e->due;
  }
  g_mutex_unlock (&s->lock);
  return due;
}

/* ------------------------------------------------------------------ */
/* the camera                                                          */

typedef CgFakeCamera Camera;

static gboolean
camera_start (Camera * c, const gchar * path)
{
  static const gchar *const args[] = { "--codec", "h264", "--width", "320",
    "--height", "240", "--framerate", "30", "--gop", "15", NULL
  };
  g_autoptr (GError) error = NULL;

  if (!cg_fake_camera_start (c, path, args, 10000, &error)) {
    g_printerr ("camera: %s\n", error->message);
    return FALSE;
  }
  return TRUE;
}

static void
camera_stop (Camera * c)
{
  cg_fake_camera_stop (c, 10000);
}

/* One command on the control socket; TRUE when answered OK. */
static gboolean
camera_cmd (Camera * c, const gchar * cmd)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *answer = cg_fake_camera_command (c, cmd, 10000, &error);

  if (!answer) {
    g_printerr ("camera: %s: %s\n", cmd, error->message);
    return FALSE;
  }
  if (!g_str_has_prefix (answer, "OK")) {
    g_printerr ("camera: %s -> %s\n", cmd, answer);
    return FALSE;
  }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* client 1: retrysrc                                                  */

static GstBusSyncReply
retrysrc_sync (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Shared *s = user_data;
  gint64 now = g_get_monotonic_time ();

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT) {
    const GstStructure *st = gst_message_get_structure (msg);
    const gchar *event = gst_structure_get_string (st, "event");
    guint64 delay;

    if (gst_structure_has_name (st, "camguard-retry")
        && (g_strcmp0 (event, "retrying") == 0
            || g_strcmp0 (event, "circuit-open") == 0)
        && gst_structure_get_uint64 (st, "next-delay", &delay))
      shared_add_sched (s, now, now + (gint64) (delay / 1000));
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    g_autoptr (GError) err = NULL;

    gst_message_parse_error (msg, &err, NULL);
    g_mutex_lock (&s->lock);
    if (s->fatal == NULL)
      s->fatal = g_strdup (err->message);
    g_cond_broadcast (&s->cond);
    g_mutex_unlock (&s->lock);
  }
  return GST_BUS_DROP;
}

typedef struct
{
  GstElement *pipeline;
} RetryClient;

static gboolean
retry_client_start (RetryClient * rc, Shared * s, const gchar * url,
    guint delay_ms)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autofree gchar *desc = NULL;
  guint64 d = (guint64) delay_ms * GST_MSECOND;

  desc = g_strdup_printf ("retrysrc name=retry source-description=\"rtspsrc "
      "location=%s protocols=tcp latency=0 ! rtph264depay ! h264parse\" "
      "timeout=%u initial-delay=%" G_GUINT64_FORMAT " max-delay=%"
      G_GUINT64_FORMAT " jitter=none ! avdec_h264 "
      "! fakesink name=sink signal-handoffs=true sync=false", url, STALL_MS,
      d, d);
  rc->pipeline = gst_parse_launch (desc, &error);
  if (rc->pipeline == NULL) {
    g_printerr ("retrysrc pipeline: %s\n", error->message);
    return FALSE;
  }
  sink = gst_bin_get_by_name (GST_BIN (rc->pipeline), "sink");
  g_signal_connect (sink, "handoff", G_CALLBACK (handoff), s);
  bus = gst_element_get_bus (rc->pipeline);
  gst_bus_set_sync_handler (bus, retrysrc_sync, s, NULL);
  return gst_element_set_state (rc->pipeline, GST_STATE_PLAYING)
      != GST_STATE_CHANGE_FAILURE;
}

static void
retry_client_stop (RetryClient * rc)
{
  gst_element_set_state (rc->pipeline, GST_STATE_NULL);
  gst_clear_object (&rc->pipeline);
}

/* ------------------------------------------------------------------ */
/* client 2: the naive watchdog, on its own main loop thread           */

typedef struct
{
  Shared *s;
  gchar *desc;
  guint delay_ms;
  GMainContext *ctx;
  GMainLoop *loop;
  GThread *thread;
  GstElement *pipeline;         /* NULL while waiting to retry */
  GSource *bus_source;
  GSource *retry_source;
  GSource *tick_source;
  guint64 frames_at_start;      /* frame count when this pipeline started */
  gint64 started;               /* when it was set to PLAYING */
  gint64 last_progress;         /* its last frame, or its start */
} Watchdog;

static void watchdog_failed (Watchdog * w, const gchar * why);

static gboolean
watchdog_bus (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Watchdog *w = user_data;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    watchdog_failed (w, "error");
  else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
    watchdog_failed (w, "eos");
  return G_SOURCE_CONTINUE;
}

static gboolean
watchdog_build (Watchdog * w)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstBus) bus = NULL;

  w->pipeline = gst_parse_launch (w->desc, &error);
  if (w->pipeline == NULL) {
    g_printerr ("watchdog pipeline: %s\n", error->message);
    return FALSE;
  }
  sink = gst_bin_get_by_name (GST_BIN (w->pipeline), "sink");
  g_signal_connect (sink, "handoff", G_CALLBACK (handoff), w->s);
  bus = gst_element_get_bus (w->pipeline);
  w->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (w->bus_source, G_SOURCE_FUNC (watchdog_bus), w, NULL);
  g_source_attach (w->bus_source, w->ctx);
  g_mutex_lock (&w->s->lock);
  w->frames_at_start = w->s->frames;
  g_mutex_unlock (&w->s->lock);
  w->started = w->last_progress = g_get_monotonic_time ();
  if (gst_element_set_state (w->pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE) {
    watchdog_failed (w, "state change");
    return TRUE;
  }
  return TRUE;
}

static gboolean
watchdog_retry (gpointer user_data)
{
  Watchdog *w = user_data;

  g_clear_pointer (&w->retry_source, g_source_unref);
  if (!watchdog_build (w))
    g_main_loop_quit (w->loop);
  return G_SOURCE_REMOVE;
}

/* Loop thread: drop the pipeline, try again in delay_ms. */
static void
watchdog_failed (Watchdog * w, const gchar * why)
{
  gint64 now;

  if (w->pipeline == NULL)
    return;
  g_source_destroy (w->bus_source);
  g_clear_pointer (&w->bus_source, g_source_unref);
  gst_element_set_state (w->pipeline, GST_STATE_NULL);
  gst_clear_object (&w->pipeline);

  now = g_get_monotonic_time ();
  w->retry_source = g_timeout_source_new (w->delay_ms);
  g_source_set_callback (w->retry_source, watchdog_retry, w, NULL);
  g_source_attach (w->retry_source, w->ctx);
  shared_add_sched (w->s, now, now + (gint64) w->delay_ms * 1000);
}

/* Loop thread, every 100 ms: a pipeline without a frame for STALL_MS (or
 * none since it started) counts as failed. */
static gboolean
watchdog_tick (gpointer user_data)
{
  Watchdog *w = user_data;
  gint64 now = g_get_monotonic_time ();
  guint64 frames;

  if (w->pipeline == NULL)
    return G_SOURCE_CONTINUE;
  g_mutex_lock (&w->s->lock);
  frames = w->s->frames;
  g_mutex_unlock (&w->s->lock);
  if (frames != w->frames_at_start) {
    w->frames_at_start = frames;
    w->last_progress = now;
  } else if (now - w->last_progress > STALL_MS * 1000) {
    watchdog_failed (w, "stall");
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
watchdog_begin (gpointer user_data)
{
  Watchdog *w = user_data;

  w->tick_source = g_timeout_source_new (100);
  g_source_set_callback (w->tick_source, watchdog_tick, w, NULL);
  g_source_attach (w->tick_source, w->ctx);
  if (!watchdog_build (w))
    g_main_loop_quit (w->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
watchdog_thread (gpointer user_data)
{
  Watchdog *w = user_data;

  g_main_context_push_thread_default (w->ctx);
  g_main_context_invoke (w->ctx, watchdog_begin, w);
  g_main_loop_run (w->loop);
  /* shut down on the loop thread */
  if (w->tick_source)
    g_source_destroy (w->tick_source);
  g_clear_pointer (&w->tick_source, g_source_unref);
  if (w->retry_source)
    g_source_destroy (w->retry_source);
  g_clear_pointer (&w->retry_source, g_source_unref);
  if (w->pipeline) {
    g_source_destroy (w->bus_source);
    g_clear_pointer (&w->bus_source, g_source_unref);
    gst_element_set_state (w->pipeline, GST_STATE_NULL);
    gst_clear_object (&w->pipeline);
  }
  g_main_context_pop_thread_default (w->ctx);
  return NULL;
}

static void
watchdog_start (Watchdog * w, Shared * s, const gchar * url, guint delay_ms)
{
  w->s = s;
  w->delay_ms = delay_ms;
  w->desc = g_strdup_printf ("rtspsrc location=%s protocols=tcp latency=0 "
      "! rtph264depay ! h264parse ! avdec_h264 "
      "! fakesink name=sink signal-handoffs=true sync=false", url);
  w->ctx = g_main_context_new ();
  w->loop = g_main_loop_new (w->ctx, FALSE);
  w->thread = g_thread_new ("watchdog", watchdog_thread, w);
}

static void
watchdog_stop (Watchdog * w)
{
  g_main_loop_quit (w->loop);
  g_thread_join (w->thread);
  g_main_loop_unref (w->loop);
  g_main_context_unref (w->ctx);
  g_free (w->desc);
}

/* ------------------------------------------------------------------ */
/* trials                                                              */

typedef struct
{
  gdouble raw_ms;
  gdouble beyond_ms;
  gdouble wait_ms;              /* scheduled wait left at revive */
} Trial;

/* Runs @n trials on the client that feeds @s; FALSE on a real failure. */
static gboolean
run_trials (const gchar * name, Shared * s, Camera * cam, GRand * rand,
    guint n, guint delay_ms, Trial * out)
{
  for (guint i = 0; i < n; i++) {
    gint64 t_die, t_revive, t_frame, due, down_us;
    guint n_failed;

    if (!wait_frames (s, SETTLE_FRAMES)) {
      g_printerr ("%s trial %u: no frames within 15 s\n", name, i + 1);
      return FALSE;
    }
    down_us = (DOWN_MS + g_rand_int_range (rand, 0, delay_ms)) * 1000;
    t_die = g_get_monotonic_time ();
    if (!camera_cmd (cam, "die 0"))
      return FALSE;
    if (!wait_sched_after (s, t_die)) {
      g_printerr ("%s trial %u: outage not noticed within 15 s\n", name, i + 1);
      return FALSE;
    }
    g_usleep (MAX (0, t_die + down_us - g_get_monotonic_time ()));

    g_mutex_lock (&s->lock);
    s->first_after_mark = 0;
    s->mark = g_get_monotonic_time ();
    g_mutex_unlock (&s->lock);
    if (!camera_cmd (cam, "revive"))
      return FALSE;
    t_revive = g_get_monotonic_time ();
    t_frame = wait_first_after_mark (s);
    g_mutex_lock (&s->lock);
    s->mark = 0;
    g_mutex_unlock (&s->lock);
    if (t_frame == 0) {
      g_printerr ("%s trial %u: no frame within 15 s of revive\n", name, i + 1);
      return FALSE;
    }
    due = attempt_before (s, t_die, t_frame, &n_failed);
    out[i].raw_ms = (t_frame - t_revive) / 1000.0;
    out[i].beyond_ms = (t_frame - MAX (t_revive, due)) / 1000.0;
    out[i].wait_ms = MAX (0, due - t_revive) / 1000.0;
    printf ("%s trial %2u: down %4" G_GINT64_FORMAT " ms, %u failures, "
        "scheduled wait %6.1f ms, raw %7.1f ms, beyond schedule %6.1f ms\n",
        name, i + 1, down_us / 1000, n_failed, out[i].wait_ms, out[i].raw_ms,
        out[i].beyond_ms);
    fflush (stdout);
  }
  return TRUE;
}

static gint
cmp_double (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* p50 (lower median) and max of one field over @n trials */
static void
stats (const Trial * t, guint n, gsize offset, gdouble * p50, gdouble * max)
{
  gdouble *v = g_new (gdouble, n);

  for (guint i = 0; i < n; i++)
    v[i] = *(const gdouble *) ((const gchar *) &t[i] + offset);
  qsort (v, n, sizeof (gdouble), cmp_double);
  *p50 = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  *max = v[n - 1];
  g_free (v);
}

int
main (int argc, char **argv)
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 10;
  guint delay_ms = argc > 2 ? (guint) atoi (argv[2]) : 500;
  const gchar *camera_path = argc > 3 ? argv[3] : CG_FAKE_CAMERA;
  Camera cam = { 0 };
  Shared s = { 0 };
  RetryClient rc = { 0 };
  Watchdog w = { 0 };
  Trial *tr, *tw;
  GRand *rand;
  gboolean ok;
  gdouble r_raw50, r_raw_max, r_b50, r_bmax, r_w50, r_wmax;
  gdouble w_raw50, w_raw_max, w_b50, w_bmax, w_w50, w_wmax;

  gst_init (&argc, &argv);
  if (n == 0 || delay_ms == 0) {
    g_printerr ("usage: %s [TRIALS] [DELAY-MS] [CAMERA]\n", argv[0]);
    return 2;
  }
  if (!camera_start (&cam, camera_path)) {
    camera_stop (&cam);
    return 2;
  }
  shared_init (&s);
  rand = g_rand_new_with_seed (20261201);
  tr = g_new0 (Trial, n);
  tw = g_new0 (Trial, n);
  printf ("camera %s (H.264 320x240@30, GOP 15), RTSP over TCP on "
      "loopback, D = %u ms, %u trials per client\n", cam.url, delay_ms, n);

  ok = retry_client_start (&rc, &s, cam.url, delay_ms);
  if (ok)
    ok = run_trials ("retrysrc", &s, &cam, rand, n, delay_ms, tr);
  g_mutex_lock (&s.lock);
  if (s.fatal) {
    g_printerr ("retrysrc posted an ERROR: %s\n", s.fatal);
    ok = FALSE;
  }
  g_mutex_unlock (&s.lock);
  if (rc.pipeline)
    retry_client_stop (&rc);

  if (ok) {
    shared_reset (&s);
    watchdog_start (&w, &s, cam.url, delay_ms);
    ok = run_trials ("watchdog", &s, &cam, rand, n, delay_ms, tw);
    watchdog_stop (&w);
  }
  camera_cmd (&cam, "quit");
  camera_stop (&cam);
  if (!ok) {
    g_printerr ("FAILED: a client did not recover\n");
    return 1;
  }

  stats (tr, n, G_STRUCT_OFFSET (Trial, raw_ms), &r_raw50, &r_raw_max);
  stats (tr, n, G_STRUCT_OFFSET (Trial, beyond_ms), &r_b50, &r_bmax);
  stats (tr, n, G_STRUCT_OFFSET (Trial, wait_ms), &r_w50, &r_wmax);
  stats (tw, n, G_STRUCT_OFFSET (Trial, raw_ms), &w_raw50, &w_raw_max);
  stats (tw, n, G_STRUCT_OFFSET (Trial, beyond_ms), &w_b50, &w_bmax);
  stats (tw, n, G_STRUCT_OFFSET (Trial, wait_ms), &w_w50, &w_wmax);

  printf ("\n| client | scheduled wait p50 / max (ms) | raw p50 / max (ms) "
      "| beyond schedule p50 / max (ms) |\n|---|---|---|---|\n");
  printf ("| retrysrc | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f |\n",
      r_w50, r_wmax, r_raw50, r_raw_max, r_b50, r_bmax);
  printf ("| watchdog | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f |\n",
      w_w50, w_wmax, w_raw50, w_raw_max, w_b50, w_bmax);
  printf ("ratio retrysrc/watchdog (p50 beyond schedule): %.3f; "
      "target <= 500 ms beyond schedule: %s (p50), %s (max)\n",
      w_b50 > 0 ? r_b50 / w_b50 : 0.0, r_b50 <= 500 ? "met" : "missed",
      r_bmax <= 500 ? "met" : "missed");

  g_free (tr);
  g_free (tw);
  g_rand_free (rand);
  return 0;
}
