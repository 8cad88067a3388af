/* camguard benchmarks - live view: glass-to-glass latency of WHEP, RTSP
 * and MJPEG in one run, and what each WebRTC viewer costs the gateway
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-live latency GATEWAY [TOGGLES]
 *
 * latency: this program serves a camera itself over RTSP (gst-rtsp-server,
 * videotestsrc → x264enc zerolatency, 640x360@30, H.264) and runs the real
 * gateway binary with that camera (`type=rtsp`: passed through, no
 * transcoding). It then watches the camera four ways at once, each
 * decoding to I420 in an appsink:
 *   direct  rtspsrc on the camera itself (the baseline: no gateway)
 *   rtsp    rtspsrc on the gateway's RTSP re-publish
 *   whep    a webrtcbin viewer of the gateway's WHEP endpoint
 *   mjpeg   the gateway's multipart MJPEG stream
 * Every second the picture turns from black to white or back (the pattern
 * of videotestsrc is switched at T0, on this process's monotonic clock);
 * each path's latency is the time from T0 to the first frame it decodes
 * whose centre has the new brightness. Glass to glass, then, minus the
 * display: the same camera encode is in every path, so the difference to
 * `direct` is what the gateway adds.
 *
 * What each WebRTC viewer costs is bench/whep (viewers.sh).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <gst/rtsp-server/rtsp-server.h>

#include "fake-camera-client.h"
#include "gateway-process.h"
#include "whep-client.h"

#define WAIT_MS 30000
#define SOURCE_LAUNCH "( videotestsrc name=src is-live=true pattern=black " \
  "! video/x-raw,width=640,height=360,framerate=30/1 " \
  "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 " \
  "bframes=0 ! video/x-h264,profile=constrained-baseline " \
  "! rtph264pay name=pay0 pt=96 config-interval=-1 )"

enum
{ PATH_DIRECT, PATH_RTSP, PATH_WHEP, PATH_MJPEG, N_PATHS };
static const gchar *path_names[N_PATHS] = { "direct RTSP (no gateway)",
  "gateway RTSP", "gateway WHEP", "gateway MJPEG"
};

/* One way of watching: the brightness it saw last, and when it first saw
 * the brightness asked for since T0. */
typedef struct
{
  GMutex lock;
  gint64 t0;                    /* the switch, 0 while none pending */
  gboolean want_white;
  gint64 seen;                  /* when the new brightness arrived */
  guint frames;
  GArray *latencies_ms;         /* gdouble */
} Path;

static Path paths[N_PATHS];
static GstElement *source_src;  /* the camera's videotestsrc */

static void iterate_for (guint ms);

/* ------------------------------------------------------------------ */
/* the frames                                                           */

/* The luma at the centre of an I420 frame. */
static gint
centre_luma (GstSample * sample)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  gint y;

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || !gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample),
          GST_MAP_READ))
    return -1;
  y = ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0))
      [(info.height / 2) * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0)
      + info.width / 2];
  gst_video_frame_unmap (&frame);
  return y;
}

static void
path_frame (Path * p, GstSample * sample)
{
  gint64 now = g_get_monotonic_time ();
  gint y = centre_luma (sample);

  g_mutex_lock (&p->lock);
  p->frames++;
  if (p->t0 && !p->seen && y >= 0 && (p->want_white ? y > 200 : y < 60))
    p->seen = now;
  g_mutex_unlock (&p->lock);
}

static GstFlowReturn
on_sample (GstAppSink * sink, gpointer user_data)
{
  GstSample *sample = gst_app_sink_pull_sample (sink);

  if (sample == NULL)
    return GST_FLOW_EOS;
  path_frame (user_data, sample);
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

static void
on_whep_frame (GstSample * sample, gpointer user_data)
{
  path_frame (user_data, sample);
}

/* A receiving pipeline ending in an I420 appsink that feeds @p. */
static GstElement *
receiver (const gchar * head, Path * p)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *desc = g_strdup_printf ("%s ! videoconvert "
      "! appsink name=out sync=false caps=video/x-raw,format=I420", head);
  GstElement *pipeline = gst_parse_launch (desc, &error);
  GstAppSinkCallbacks callbacks = {.new_sample = on_sample };
  GstElement *sink;

  if (pipeline == NULL)
    g_error ("%s: %s", desc, error->message);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, p, NULL);
  gst_object_unref (sink);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  return pipeline;
}

/* ------------------------------------------------------------------ */
/* the camera                                                           */

static void
media_configure (GstRTSPMediaFactory * factory, GstRTSPMedia * media,
    gpointer user_data)
{
  GstElement *bin = gst_rtsp_media_get_element (media);

  g_clear_object (&source_src);
  source_src = gst_bin_get_by_name (GST_BIN (bin), "src");
  gst_object_unref (bin);
}

static gpointer
run_context (gpointer data)
{
  GMainContext *ctx = data;
  GMainLoop *loop = g_main_loop_new (ctx, FALSE);

  g_main_loop_run (loop);       /* until the process ends */
  return NULL;
}

/* The camera's RTSP server runs on a context and thread of its own. */
static guint
camera_start (void)
{
  GMainContext *ctx = g_main_context_new ();
  GstRTSPServer *server = gst_rtsp_server_new ();
  GstRTSPMediaFactory *factory = gst_rtsp_media_factory_new ();
  GstRTSPMountPoints *mounts = gst_rtsp_server_get_mount_points (server);

  gst_rtsp_server_set_address (server, "127.0.0.1");
  gst_rtsp_server_set_service (server, "0");
  gst_rtsp_media_factory_set_launch (factory, SOURCE_LAUNCH);
  gst_rtsp_media_factory_set_shared (factory, TRUE);
  g_signal_connect (factory, "media-configure", G_CALLBACK (media_configure),
      NULL);
  gst_rtsp_mount_points_add_factory (mounts, "/cam", factory);
  g_object_unref (mounts);
  if (gst_rtsp_server_attach (server, ctx) == 0)
    g_error ("the camera's RTSP server did not start");
  g_thread_unref (g_thread_new ("camera", run_context, ctx));
  return (guint) gst_rtsp_server_get_bound_port (server);
}

/* ------------------------------------------------------------------ */
/* the gateway                                                          */

static gchar *
write_config (const gchar * dir, const gchar * camera)
{
  g_autoptr (GError) error = NULL;
  gchar *path = g_build_filename (dir, "gateway.conf", NULL);
  g_autofree gchar *text = g_strdup_printf ("[gateway]\nlisten=127.0.0.1\n"
      "port=0\nrtsp-port=0\ndata-dir=%s/data\nauth=false\n\n%s\n", dir,
      camera);

  if (!g_file_set_contents (path, text, -1, &error))
    g_error ("%s", error->message);
  return path;
}

static gboolean
camera_running (GwProcess * gw, const gchar * id)
{
  g_autofree gchar *path = g_strdup_printf ("/api/v1/cameras/%s/status", id);
  g_autoptr (GwReply) r = gw_process_request (gw, "GET", path, NULL, NULL);
  JsonObject *o;

  if (r->status != 200 || r->json == NULL)
    return FALSE;
  o = json_node_get_object (r->json);
  return g_strcmp0 (json_object_get_string_member_with_default (o, "state",
          ""), "running") == 0;
}

static void
wait_running (GwProcess * gw, const gchar * id)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * (gint64) 1000;

  while (!camera_running (gw, id)) {
    if (g_get_monotonic_time () > end)
      g_error ("camera %s never ran:\n%s", id, gw->log->str);
    iterate_for (100);
  }
}

/* A WHEP viewer of @camera with its answer set; NULL on failure. */
static WhepClient *
whep_watch (GwProcess * gw, const gchar * camera, WhepFrameFunc func,
    gpointer data)
{
  WhepClient *c = whep_client_new (WAIT_MS);
  g_autofree gchar *path = g_strdup_printf ("/api/v1/cameras/%s/whep",
      camera);
  g_autoptr (GwReply) r = NULL;
  g_autofree gchar *answer = NULL;

  if (c == NULL)
    g_error ("the WHEP viewer made no offer");
  if (func)
    whep_client_set_frame_func (c, func, data);
  r = gw_process_send (gw, "POST", path, NULL, "application/sdp",
      whep_client_get_offer (c));
  if (r->status != 201)
    g_error ("POST %s: %u\n%s", path, r->status, gw->log->str);
  answer = g_strndup (g_bytes_get_data (r->body, NULL),
      g_bytes_get_size (r->body));
  if (!whep_client_set_answer (c, answer))
    g_error ("the WHEP viewer refused the answer");
  return c;
}

/* Runs the default main context for @ms (the gateway's log is read there). */
static void
iterate_for (guint ms)
{
  gboolean never = FALSE;

  cg_iterate_until (&never, ms);
}

/* ------------------------------------------------------------------ */
/* latency                                                              */

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

static gdouble
quantile (GArray * sorted, gdouble q)
{
  guint i;

  if (sorted->len == 0)
    return -1;
  i = MIN ((guint) (q * sorted->len), sorted->len - 1);
  return g_array_index (sorted, gdouble, i);
}

/* Switches the picture and waits (bounded) until every path saw it. */
static void
toggle (gboolean white)
{
  gint64 t0 = g_get_monotonic_time ();
  guint i;

  for (i = 0; i < N_PATHS; i++) {
    g_mutex_lock (&paths[i].lock);
    paths[i].t0 = t0;
    paths[i].want_white = white;
    paths[i].seen = 0;
    g_mutex_unlock (&paths[i].lock);
  }
  gst_util_set_object_arg (G_OBJECT (source_src), "pattern",
      white ? "white" : "black");
  iterate_for (1000);
  for (i = 0; i < N_PATHS; i++) {
    Path *p = &paths[i];

    g_mutex_lock (&p->lock);
    if (p->seen) {
      gdouble ms = (p->seen - p->t0) / 1000.0;

      g_array_append_val (p->latencies_ms, ms);
    }
    p->t0 = 0;
    g_mutex_unlock (&p->lock);
  }
}

static void
print_latency (guint toggles)
{
  gdouble base;
  guint i;

  for (i = 0; i < N_PATHS; i++)
    g_array_sort (paths[i].latencies_ms, compare_doubles);
  base = quantile (paths[PATH_DIRECT].latencies_ms, 0.5);
  g_print ("| path | switches seen | p50 (ms) | p90 (ms) | max (ms) | "
      "p50 minus direct (ms) |\n|---|---|---|---|---|---|\n");
  for (i = 0; i < N_PATHS; i++) {
    GArray *l = paths[i].latencies_ms;

    g_print ("| %s | %u of %u | %.1f | %.1f | %.1f | %.1f |\n",
        path_names[i], l->len, toggles, quantile (l, 0.5),
        quantile (l, 0.9), quantile (l, 1.0), quantile (l, 0.5) - base);
  }
}

static int
run_latency (const gchar * gateway, guint toggles)
{
  g_autofree gchar *dir = g_dir_make_tmp ("bench-live-XXXXXX", NULL);
  guint port = camera_start (), i;
  g_autofree gchar *camera = g_strdup_printf ("[camera lat]\ntype=rtsp\n"
      "uri=rtsp://127.0.0.1:%u/cam\ntransport=tcp\n", port);
  g_autofree gchar *config = write_config (dir, camera);
  GwProcess gw = { 0 };
  GstElement *direct, *rtsp, *mjpeg;
  WhepClient *whep;
  g_autofree gchar *head = NULL;

  for (i = 0; i < N_PATHS; i++) {
    g_mutex_init (&paths[i].lock);
    paths[i].latencies_ms = g_array_new (FALSE, FALSE, sizeof (gdouble));
  }
  gw_process_start (&gw, gateway, config);
  wait_running (&gw, "lat");
  head = g_strdup_printf ("rtspsrc location=rtsp://127.0.0.1:%u/cam "
      "latency=0 protocols=tcp ! rtph264depay ! avdec_h264", port);
  direct = receiver (head, &paths[PATH_DIRECT]);
  g_free (head);
  head = g_strdup_printf ("rtspsrc location=rtsp://127.0.0.1:%u/lat "
      "latency=0 protocols=tcp ! rtph264depay ! avdec_h264", gw.rtsp_port);
  rtsp = receiver (head, &paths[PATH_RTSP]);
  g_free (head);
  head = g_strdup_printf ("souphttpsrc is-live=true "
      "location=%s/api/v1/cameras/lat/mjpeg ! multipartdemux ! jpegdec",
      gw.base);
  mjpeg = receiver (head, &paths[PATH_MJPEG]);
  whep = whep_watch (&gw, "lat", on_whep_frame, &paths[PATH_WHEP]);
  iterate_for (3000);           /* every path playing */
  for (i = 0; i < N_PATHS; i++)
    if (paths[i].frames == 0)
      g_printerr ("%s: no frame after 3 s, left out\n", path_names[i]);
  for (i = 0; i < toggles; i++)
    toggle (i % 2 == 0);
  print_latency (toggles);
  whep_client_free (whep);
  gst_element_set_state (direct, GST_STATE_NULL);
  gst_element_set_state (rtsp, GST_STATE_NULL);
  gst_element_set_state (mjpeg, GST_STATE_NULL);
  gst_object_unref (direct);
  gst_object_unref (rtsp);
  gst_object_unref (mjpeg);
  gw_process_terminate (&gw, WAIT_MS);
  gw_process_clear (&gw);
  return 0;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (argc >= 3 && g_str_equal (argv[1], "latency"))
    return run_latency (argv[2], argc > 3 ? atoi (argv[3]) : 20);
  g_printerr ("usage: %s latency GATEWAY [TOGGLES]\n", argv[0]);
  return 2;
}
