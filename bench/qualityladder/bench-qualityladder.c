/* camguard - qualityladder benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-qualityladder reaction [runs]
 *   Live 1280x720@30 videotestsrc ! qualityladder ! fakesink sync=true on the
 *   system clock. At 2 s the available-bitrate drops below the top step;
 *   measures the time from that onset to the first frame leaving the
 *   element at the lower step, and frames in vs out (lost frames). Baseline
 *   in the same run: the configured down-reaction, and the latency of a
 *   manual step-down (the switch's own cost).
 *
 * bench-qualityladder throughput [frames] [reps]
 *   Process CPU time (getrusage) of N 1280x720 frames through
 *   qualityladder mode=manual step=k vs a plain
 *   videoscale ! capsfilter ! x264enc with the same settings, same run,
 *   interleaved, min of reps.
 *
 * bench-qualityladder link [svg-path]
 *   Virtual time (GstTestClock): a 640x360 "snow" source at 30 fps through
 *   qualityladder (ladder uhd/fhd/hd at 16000/6000/2500 kbit/s) into a
 *   simulated link whose capacity follows 20 -> 3 -> 20 Mbit/s. The link
 *   is a drop-tail FIFO (250 ms of capacity); a receiver-side estimate
 *   (1 s moving average of the capacity) and the measured loss are fed back
 *   every 500 ms into available-bitrate and packet-loss. Prints a table and
 *   writes an SVG plot. Baseline in the same run: the same link with the
 *   ladder pinned to the top step (mode=manual).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <gst/gst.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <gst/video/video.h>

/* ------------------------------------------------------------------------ */
/* reaction                                                                 */

typedef struct
{
  GMutex lock;
  guint in, out;
  gint out_height;
  GstClockTime first_low;       /* clock time of the first frame at 360p */
  GstClock *clock;
} Reaction;

static GstPadProbeReturn
count_in (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Reaction *r = data;
  g_mutex_lock (&r->lock);
  r->in++;
  g_mutex_unlock (&r->lock);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
count_out (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Reaction *r = data;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
    if (GST_EVENT_TYPE (ev) == GST_EVENT_CAPS) {
      GstCaps *caps;
      gst_event_parse_caps (ev, &caps);
      gst_structure_get_int (gst_caps_get_structure (caps, 0), "height",
          &r->out_height);
    }
    return GST_PAD_PROBE_OK;
  }
  g_mutex_lock (&r->lock);
  r->out++;
  if (r->out_height == 360 && !GST_CLOCK_TIME_IS_VALID (r->first_low))
    r->first_low = gst_clock_get_time (r->clock);
  g_mutex_unlock (&r->lock);
  return GST_PAD_PROBE_OK;
}

/* One run; @manual: emit step-down instead of lowering available-bitrate.
 * Returns the reaction time, fills @lost. */
static GstClockTime
reaction_run (gboolean manual, gint * lost)
{
  GError *err = NULL;
  GstElement *pipe, *ladder;
  GstPad *pad;
  Reaction r;
  GstClockTime onset, reaction;
  GstBus *bus;
  GstMessage *m;

  memset (&r, 0, sizeof (r));
  g_mutex_init (&r.lock);
  r.first_low = GST_CLOCK_TIME_NONE;
  pipe = gst_parse_launch ("videotestsrc is-live=true pattern=ball "
      "num-buffers=150 ! video/x-raw,format=I420,width=1280,height=720,"
      "framerate=30/1 ! qualityladder name=l ladder=720p:2500,360p:800,"
      "180p:300 max-lateness=0 ! fakesink sync=true", &err);
  g_assert_no_error (err);
  ladder = gst_bin_get_by_name (GST_BIN (pipe), "l");
  pad = gst_element_get_static_pad (ladder, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_in, &r, NULL);
  gst_object_unref (pad);
  pad = gst_element_get_static_pad (ladder, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, count_out, &r, NULL);
  gst_object_unref (pad);

  gst_element_set_state (pipe, GST_STATE_PLAYING);
  gst_element_get_state (pipe, NULL, NULL, GST_CLOCK_TIME_NONE);
  r.clock = gst_element_get_clock (pipe);
  /* 2 s of steady streaming on the real clock */
  gst_clock_id_wait (gst_clock_new_single_shot_id (r.clock,
          gst_clock_get_time (r.clock) + 2 * GST_SECOND), NULL);
  onset = gst_clock_get_time (r.clock);
  if (manual) {
    gboolean ok;
    g_signal_emit_by_name (ladder, "step-down", &ok);
  } else {
    g_object_set (ladder, "available-bitrate", 1000, NULL);
  }
  bus = gst_element_get_bus (pipe);
  m = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (!m || GST_MESSAGE_TYPE (m) != GST_MESSAGE_EOS)
    g_error ("reaction run did not reach EOS");
  gst_message_unref (m);
  gst_object_unref (bus);
  gst_element_set_state (pipe, GST_STATE_NULL);
  reaction = GST_CLOCK_TIME_IS_VALID (r.first_low) ?
      r.first_low - onset : GST_CLOCK_TIME_NONE;
  *lost = (gint) r.in - (gint) r.out;
  gst_object_unref (r.clock);
  gst_object_unref (ladder);
  gst_object_unref (pipe);
  g_mutex_clear (&r.lock);
  return reaction;
}

static int
bench_reaction (guint runs)
{
  guint i;
  gdouble sum = 0, sum_manual = 0, worst = 0;
  gint lost_total = 0, lost;

  printf ("# reaction: 1280x720@30 live, available-bitrate 1000 < 2500 at "
      "t=2 s, down-reaction 2 s\n");
  printf ("| run | reaction (ms) | manual step-down (ms) | frames lost |\n");
  printf ("|---|---|---|---|\n");
  for (i = 0; i < runs; i++) {
    GstClockTime a = reaction_run (FALSE, &lost);
    gint lost_m;
    GstClockTime b = reaction_run (TRUE, &lost_m);
    gdouble am = a / 1e6, bm = b / 1e6;

    printf ("| %u | %.1f | %.1f | %d (manual %d) |\n", i + 1, am, bm, lost,
        lost_m);
    sum += am;
    sum_manual += bm;
    worst = MAX (worst, am);
    lost_total += lost + lost_m;
  }
  printf ("mean reaction %.1f ms (worst %.1f ms), ratio to down-reaction "
      "%.3f (target <= 1.0); switch cost (manual) %.1f ms; frames lost %d\n",
      sum / runs, worst, sum / runs / 2000.0, sum_manual / runs, lost_total);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* throughput                                                               */

static gdouble
cpu_seconds (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
      ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static gdouble
run_cpu (const gchar * desc)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstBus *bus;
  GstMessage *m;
  gdouble t0, t1;

  g_assert_no_error (err);
  t0 = cpu_seconds ();
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipe);
  m = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (m) != GST_MESSAGE_EOS)
    g_error ("pipeline failed: %s", desc);
  gst_message_unref (m);
  gst_element_set_state (pipe, GST_STATE_NULL);
  t1 = cpu_seconds ();
  gst_object_unref (bus);
  gst_object_unref (pipe);
  return t1 - t0;
}

static int
bench_throughput (guint frames, guint reps)
{
  static const struct
  {
    gint w, h;
    guint kbps;
  } steps[] = { {1280, 720, 2500}, {640, 360, 800}, {320, 180, 300} };
  guint s, r;
  gdouble worst = 0;

  printf ("# throughput: %u frames 1280x720 I420 ball, x264enc, CPU time, "
      "min of %u\n", frames, reps);
  printf
      ("| step | qualityladder (s) | plain (s) | ratio |\n|---|---|---|---|\n");
  for (s = 0; s < G_N_ELEMENTS (steps); s++) {
    gdouble best_l = G_MAXDOUBLE, best_p = G_MAXDOUBLE;
    gchar *src = g_strdup_printf ("videotestsrc num-buffers=%u pattern=ball ! "
        "video/x-raw,format=I420,width=1280,height=720,framerate=30/1",
        frames);
    gchar *l = g_strdup_printf ("%s ! qualityladder mode=manual step=%u "
        "ladder=720p:2500,360p:800,180p:300 max-lateness=0 ! fakesink",
        src, s);
    gchar *p = g_strdup_printf ("%s ! videoscale ! video/x-raw,width=%d,"
        "height=%d,pixel-aspect-ratio=1/1 ! x264enc bitrate=%u "
        "tune=zerolatency speed-preset=ultrafast b-adapt=false bframes=0 "
        "key-int-max=60 ! fakesink", src, steps[s].w, steps[s].h,
        steps[s].kbps);

    for (r = 0; r < reps; r++) {
      best_l = MIN (best_l, run_cpu (l));
      best_p = MIN (best_p, run_cpu (p));
    }
    printf ("| %dx%d@%u | %.3f | %.3f | %.3f |\n", steps[s].w, steps[s].h,
        steps[s].kbps, best_l, best_p, best_l / best_p);
    worst = MAX (worst, best_l / best_p);
    g_free (src);
    g_free (l);
    g_free (p);
  }
  printf ("worst ratio %.3f (target <= 1.05)\n", worst);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* constrained link                                                         */

#define LINK_SECONDS 90
#define FPS 30

static guint
capacity_kbps (GstClockTime t)
{
  gdouble s = t / 1e9;
  return (s >= 20.0 && s < 50.0) ? 3000 : 20000;
}

typedef struct
{
  gdouble t;
  guint cap, est;
  gint step;
  guint step_kbps;
  gdouble sent_kbps, delay_ms, loss;
} Row;

typedef struct
{
  /* link */
  gdouble backlog_bits;
  gdouble dropped_bits, offered_bits;   /* this window */
  gdouble sent_bits_window;
  gdouble total_dropped, total_offered;
  gdouble delay_sum;
  guint delay_n;
  gdouble max_delay;
  /* estimate: 1 s moving average of the capacity, sampled per 100 ms */
  guint cap_hist[10];
  guint cap_hist_n;
} Link;

static void
link_tick (Link * l, GstClockTime t, gdouble dt)
{
  gdouble cap_bits = capacity_kbps (t) * 1000.0 * dt;
  l->backlog_bits = MAX (0.0, l->backlog_bits - cap_bits);
}

static void
link_send (Link * l, GstClockTime t, gsize bytes)
{
  gdouble bits = bytes * 8.0;
  gdouble cap = capacity_kbps (t) * 1000.0;
  gdouble limit = cap * 0.25;   /* 250 ms of buffer */
  gdouble delay;

  l->offered_bits += bits;
  l->total_offered += bits;
  if (l->backlog_bits + bits > limit) {
    l->dropped_bits += bits;
    l->total_dropped += bits;
    return;
  }
  l->backlog_bits += bits;
  l->sent_bits_window += bits;
  delay = l->backlog_bits / cap * 1000.0;
  l->delay_sum += delay;
  l->delay_n++;
  l->max_delay = MAX (l->max_delay, delay);
}

static guint
link_estimate (Link * l, GstClockTime t)
{
  guint i, n = MIN (l->cap_hist_n, 10);
  guint64 sum = 0;

  l->cap_hist[l->cap_hist_n++ % 10] = capacity_kbps (t);
  n = MIN (l->cap_hist_n, 10);
  for (i = 0; i < n; i++)
    sum += l->cap_hist[i];
  return (guint) (sum / n);
}

/* A frame of deterministic noise (incompressible, like videotestsrc snow),
 * so that the encoder really produces the bitrate it is given. */
static GstBuffer *
noise_frame (GstHarness * h, guint32 * state)
{
  gsize size = 640 * 360 * 3 / 2, i;
  GstBuffer *buf = gst_harness_create_buffer (h, size);
  GstMapInfo map;
  guint32 x = *state;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (i = 0; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    memcpy (map.data + i, &x, 4);
  }
  gst_buffer_unmap (buf, &map);
  *state = x;
  return buf;
}

static GArray *
link_run (gboolean adaptive, Link * l)
{
  GstHarness *h;
  GstElement *ladder;
  GstClock *clock;
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (Row));
  guint tick, f = 0;
  guint est = 0;
  GstClockTime frame_dur = GST_SECOND / FPS;
  gdouble sent_since_row = 0;
  guint32 rng = 0x12345678;

  memset (l, 0, sizeof (*l));
  h = gst_harness_new_parse (adaptive ?
      "qualityladder ladder=uhd:640x360@16000,fhd:320x180@6000,"
      "hd:214x120@2500 max-lateness=0 key-int-max=60" :
      "qualityladder ladder=uhd:640x360@16000,fhd:320x180@6000,"
      "hd:214x120@2500 max-lateness=0 key-int-max=60 mode=manual");
  ladder = gst_harness_find_element (h, "qualityladder");
  gst_harness_use_testclock (h);
  gst_harness_set_src_caps_str (h, "video/x-raw,format=I420,width=640,"
      "height=360,framerate=30/1,pixel-aspect-ratio=1/1");
  clock = GST_CLOCK (gst_harness_get_testclock (h));

  for (tick = 0; tick < LINK_SECONDS * 10; tick++) {
    GstClockTime t = gst_clock_get_time (clock);

    /* frames of this 100 ms tick */
    while ((GstClockTime) f * frame_dur < t + 100 * GST_MSECOND) {
      GstBuffer *src = noise_frame (h, &rng), *out;
      GST_BUFFER_PTS (src) = (GstClockTime) f *frame_dur;
      GST_BUFFER_DURATION (src) = frame_dur;
      gst_harness_push (h, src);
      out = gst_harness_pull (h);
      link_send (l, t, gst_buffer_get_size (out));
      sent_since_row += gst_buffer_get_size (out) * 8.0;
      gst_buffer_unref (out);
      f++;
    }
    link_tick (l, t, 0.1);
    est = link_estimate (l, t);
    if (tick % 5 == 4 && adaptive) {
      gdouble loss = l->offered_bits > 0 ?
          l->dropped_bits / l->offered_bits : 0.0;
      g_object_set (ladder, "available-bitrate", est, "packet-loss", loss,
          NULL);
    }
    if (tick % 10 == 9) {
      Row r;
      gint step;
      gchar *ladder_str;
      GstStructure *stats;

      g_object_get (ladder, "current-step", &step, "statistics", &stats,
          "ladder", &ladder_str, NULL);
      r.t = (t + 100 * GST_MSECOND) / 1e9;
      r.cap = capacity_kbps (t);
      r.est = est;
      r.step = step;
      gst_structure_get_uint (stats, "current-bitrate", &r.step_kbps);
      r.sent_kbps = sent_since_row / 1000.0;
      r.delay_ms = l->delay_n ? l->delay_sum / l->delay_n : 0.0;
      r.loss = l->offered_bits > 0 ? l->dropped_bits / l->offered_bits : 0;
      g_array_append_val (rows, r);
      gst_structure_free (stats);
      g_free (ladder_str);
      sent_since_row = 0;
      l->delay_sum = 0;
      l->delay_n = 0;
    }
    if (tick % 5 == 4) {
      l->dropped_bits = 0;
      l->offered_bits = 0;
    }
    gst_harness_crank_single_clock_wait (h);
  }
  gst_object_unref (clock);
  gst_object_unref (ladder);
  gst_harness_teardown (h);
  return rows;
}

static void
write_svg (const gchar * path, GArray * rows, GArray * base)
{
  FILE *f = fopen (path, "w");
  const gint W = 900, H = 420, L = 70, R = 20, T = 40, B = 60;
  const gdouble ymax = 22000;
  guint i;

  if (!f) {
    g_printerr ("cannot write %s\n", path);
    return;
  }
#define X(t) (L + (t) / LINK_SECONDS * (W - L - R))
#define Y(v) (H - B - (v) / ymax * (H - T - B))
  fprintf (f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
      "height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H);
  fprintf (f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
  fprintf (f, "<text x=\"%d\" y=\"20\" font-size=\"14\">qualityladder on "
      "a link dropping 20 → 3 → 20 Mbit/s (virtual time)</text>\n", L);
  for (i = 0; i <= 20000; i += 4000) {
    fprintf (f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
        "stroke=\"#ddd\"/>\n", L, W - R, Y (i), Y (i));
    fprintf (f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%u</text>\n",
        L - 5, Y (i) + 4, i);
  }
  for (i = 0; i <= LINK_SECONDS; i += 10)
    fprintf (f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%u s"
        "</text>\n", X ((gdouble) i), H - B + 18, i);
  fprintf (f, "<text x=\"15\" y=\"%d\" transform=\"rotate(-90 15 %d)\">"
      "kbit/s</text>\n", H / 2, H / 2);

#define POLY(arr, field, color, dash, step) do { \
    fprintf (f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" " \
        "%s points=\"", color, dash); \
    for (i = 0; i < (arr)->len; i++) { \
      Row *r = &g_array_index (arr, Row, i); \
      if (step) \
        fprintf (f, "%.1f,%.1f ", X (r->t - 1.0), Y ((gdouble) r->field)); \
      fprintf (f, "%.1f,%.1f ", X (r->t), Y ((gdouble) r->field)); \
    } \
    fprintf (f, "\"/>\n"); } while (0)

  POLY (rows, cap, "#999", "stroke-dasharray=\"6 4\"", TRUE);
  POLY (rows, est, "#1f77b4", "", FALSE);
  POLY (rows, step_kbps, "#d62728", "", TRUE);
  POLY (rows, sent_kbps, "#2ca02c", "stroke-opacity=\"0.6\"", FALSE);
  POLY (base, sent_kbps, "#ff7f0e", "stroke-dasharray=\"2 3\"", FALSE);

  {
    const gchar *names[] = { "link capacity", "available-bitrate (estimate)",
      "ladder step bitrate", "encoded rate (ladder)",
      "encoded rate (pinned top step, baseline)"
    };
    const gchar *colors[] = { "#999", "#1f77b4", "#d62728", "#2ca02c",
      "#ff7f0e"
    };
    for (i = 0; i < 5; i++) {
      gint x = L + 10 + (i % 3) * 260, y = H - 22 + (i / 3) * 14;
      fprintf (f, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\""
          " stroke-width=\"3\"/>\n", x, x + 20, y - 4, y - 4, colors[i]);
      fprintf (f, "<text x=\"%d\" y=\"%d\">%s</text>\n", x + 25, y, names[i]);
    }
  }
  fprintf (f, "</svg>\n");
  fclose (f);
#undef X
#undef Y
#undef POLY
}

static int
bench_link (const gchar * svg)
{
  static const gchar *names[] = { "uhd (640x360)", "fhd (320x180)",
    "hd (214x120)"
  };
  Link la, lb;
  GArray *rows = link_run (TRUE, &la);
  GArray *base = link_run (FALSE, &lb);
  guint i;

  printf ("# link: capacity 20 Mbit/s, 3 Mbit/s from 20 s to 50 s, then 20 "
      "Mbit/s; estimate = 1 s average of the capacity, fed every 500 ms\n");
  printf ("| t (s) | capacity | estimate | step | step kbit/s | encoded "
      "kbit/s | link delay (ms) | loss | baseline loss |\n");
  printf ("|---|---|---|---|---|---|---|---|---|\n");
  for (i = 0; i < rows->len; i++) {
    Row *r = &g_array_index (rows, Row, i);
    Row *b = &g_array_index (base, Row, i);
    gboolean changed = i > 0 && g_array_index (rows, Row, i - 1).step !=
        r->step;
    if (i % 5 == 4 || changed || (i > 0
            && g_array_index (rows, Row, i - 1).cap != r->cap))
      printf ("| %.0f | %u | %u | %s%s | %u | %.0f | %.0f | %.1f %% | "
          "%.1f %% |\n", r->t, r->cap, r->est,
          r->step >= 0 ? names[r->step] : "-", changed ? " ←" : "",
          r->step_kbps, r->sent_kbps, r->delay_ms, r->loss * 100,
          b->loss * 100);
  }
  printf ("total loss: ladder %.2f %% of encoded bits, pinned top step "
      "%.2f %% (ratio %.3f); max link delay ladder %.0f ms, pinned %.0f ms\n",
      100 * la.total_dropped / la.total_offered,
      100 * lb.total_dropped / lb.total_offered,
      lb.total_dropped > 0 ? la.total_dropped / lb.total_dropped : 0.0,
      la.max_delay, lb.max_delay);
  write_svg (svg, rows, base);
  printf ("plot written to %s\n", svg);
  g_array_unref (rows);
  g_array_unref (base);
  return 0;
}

int
main (int argc, char **argv)
{
  const gchar *mode = argc > 1 ? argv[1] : "all";

  gst_init (&argc, &argv);
  if (strcmp (mode, "reaction") == 0)
    return bench_reaction (argc > 2 ? atoi (argv[2]) : 3);
  if (strcmp (mode, "throughput") == 0)
    return bench_throughput (argc > 2 ? atoi (argv[2]) : 150,
        argc > 3 ? atoi (argv[3]) : 3);
  if (strcmp (mode, "link") == 0)
    return bench_link (argc > 2 ? argv[2] : "qualityladder-link.svg");
  if (strcmp (mode, "all") == 0) {
    bench_reaction (3);
    bench_throughput (150, 3);
    return bench_link ("qualityladder-link.svg");
  }
  g_printerr ("usage: %s reaction [runs] | throughput [frames] [reps] | "
      "link [svg] | all\n", argv[0]);
  return 2;
}
