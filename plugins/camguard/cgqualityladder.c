/* camguard - qualityladder: live resolution and bitrate stepping
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-qualityladder
 * @title: qualityladder
 *
 * qualityladder encodes raw video and steps the resolution and bitrate down
 * a ladder (for example 4K → 1080p → 720p) when the link or the CPU cannot
 * keep up, and back up when things improve, without restarting the pipeline
 * and without oscillating.
 *
 * Inside it is a bin: `queue ! videoscale ! capsfilter ! encoder`. One sink
 * pad takes raw video (in a format the encoder accepts; put `videoconvert`
 * in front if needed), one src pad gives the encoded stream.
 *
 * ## The ladder
 *
 * #CgQualityLadder:ladder lists the steps from best to lowest, comma
 * separated. Each step is `name:WIDTHxHEIGHT@KBPS` (a bounding box) or the
 * shorthand `NNNp:KBPS` (height NNN). The default is
 * `2160p:16000,1080p:6000,720p:2500`. The output keeps the aspect ratio and
 * pixel-aspect-ratio of the input (widths are rounded to even numbers). Steps
 * that would upscale the input are skipped; if every step would, the lowest
 * step is used at the input size. Step indices (#CgQualityLadder:step,
 * #CgQualityLadder:current-step, #CgQualityLadder::set-step) count from 0 =
 * the first step of the ladder string.
 *
 * ## Triggers
 *
 * In `mode=auto` the element evaluates these signals every 100 ms on the
 * element's clock (a periodic clock id; never the main loop):
 *
 * - upstream QoS events from downstream sinks with `qos=true`: pressure when
 *   the buffers of the last interval were late on average (jitter > 0) or
 *   the proportion exceeds 1.1;
 * - the fill level of the internal queue in front of the scaler and encoder
 *   (`current-level-time` / #CgQualityLadder:queue-time): pressure at or above
 *   #CgQualityLadder:queue-threshold, unless the encoded frames still leave on
 *   time (a queue kept full by sinks waiting for the render time of a live
 *   stream, or by a non-live source running ahead of the clock, is not a
 *   backlog);
 * - encoder lateness: the running time of each encoded buffer (plus the
 *   latency of a live upstream, queried once a second) against the clock;
 *   pressure when it is more than #CgQualityLadder:max-lateness late;
 * - #CgQualityLadder:available-bitrate, an external bandwidth estimate in
 *   kbit/s (RTCP receiver reports, SRT stats, the gateway): pressure when it
 *   is below the current step's bitrate; the step-down then goes straight to
 *   the best step that fits;
 * - #CgQualityLadder:packet-loss (0..1): pressure above
 *   #CgQualityLadder:loss-threshold; step-up only below 0.02.
 *
 * `mode=manual` ignores all automatic triggers; only
 * #CgQualityLadder::step-down, #CgQualityLadder::step-up,
 * #CgQualityLadder::set-step and #CgQualityLadder:step change the step. They
 * also work in auto mode, where the automatic logic may later move on from
 * the step they chose.
 *
 * ## Hysteresis
 *
 * One decision function: the element steps down once pressure has been
 * sustained for #CgQualityLadder:down-reaction (the decision is taken 200 ms
 * early, so that the first frame at the lower step leaves within
 * down-reaction of the onset), one step at a time (or
 * directly to the step that fits the available bitrate). It steps up one
 * step only after #CgQualityLadder:up-hold of continuous headroom (the
 * available bitrate at least #CgQualityLadder:up-margin times the next step's
 * bitrate, low loss, no late QoS, a low queue, low lateness), and never
 * within #CgQualityLadder:block-time after a downgrade. A downgrade soon after
 * an upgrade (a failed probe) doubles the blocking period (up to 64 times), so
 * a load that only the lower step sustains settles there.
 *
 * ## What a step does
 *
 * New caps on the capsfilter (videoscale renegotiates on the next buffer; no
 * EOS, no restart), the new bitrate written to the encoder in its own units
 * (x264enc/x265enc `bitrate` kbit/s, openh264enc `bitrate` bit/s, vp8enc
 * `target-bitrate` bit/s, jpegenc `quality` derived from the bits per
 * pixel), and a forced keyframe
 * (gst_video_event_new_downstream_force_key_unit() into the encoder) on the
 * first frame at the new size. Encoders are tuned for live use
 * (x264enc/x265enc tune=zerolatency speed-preset=ultrafast, vp8enc
 * deadline=1 end-usage=cbr, openh264enc rate-control=bitrate complexity=low)
 * with a keyframe interval of #CgQualityLadder:key-int-max frames.
 *
 * ## The camguard-quality message
 *
 * Posted as an element message once the first frame of a new step reaches
 * the encoder, together with a standard live QoS message (quality =
 * `quality` x 1000000, proportion = new / previous quality), as the
 * GStreamer QoS design asks of elements that change their processing
 * quality. Fields (seed-002 QUALITY_DEGRADED details, camelCase, plus
 * ladder facts):
 *
 * - `code` (string): "QUALITY_DEGRADED" when the new step is below the best
 *   usable step, "recovered" when it is back at the best usable step
 * - `severity` (string): "warning" (catalogue severity of QUALITY_DEGRADED)
 * - `message` (string): the catalogue message
 * - `direction` (string): "down" or "up"
 * - `quality` (double, 0..1): new step bitrate / best usable step bitrate
 * - `previous` (double, 0..1): the same for the previous step
 * - `reason` (string): "bandwidth", "packet-loss", "qos", "queue",
 *   "lateness", "headroom" or "manual"
 * - `packetLoss` (double, 0..1): the last #CgQualityLadder:packet-loss
 * - `latency` (double, ms): the last measured encoder lateness
 * - `jitter` (double, ms): the jitter of the last QoS event
 * - `bandwidth` (uint, kbit/s): #CgQualityLadder:available-bitrate (0 = unknown)
 * - `recommendedAction` (string): "reduce_quality" on a step down,
 *   "audio_only" when the lowest step is reached, "none" on a step up
 * - `step`, `previous-step` (int), `step-name`, `previous-step-name` (string),
 *   `width`, `height`, `previous-width`, `previous-height` (int),
 *   `bitrate`, `previous-bitrate` (uint, kbit/s), `encoder` (string)
 *
 * ## Errors
 *
 * An unparsable #CgQualityLadder:ladder, an unsupported or missing
 * #CgQualityLadder:encoder or a step out of range is rejected: the property
 * keeps its old value and the element posts a WARNING whose details carry
 * `camguard-code` (VALIDATION_ERROR or MISSING_COMPONENT) and the rejected
 * value. If a rejected setting was never replaced by a valid one when the
 * element starts, the state change fails with an ERROR carrying the same
 * details, so a mistyped gst-launch line never runs silently with defaults.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! video/x-raw,width=3840,height=2160 ! \
 *     qualityladder mode=manual step=2 ! h264parse ! fakesink
 * ]| A 4K test source encoded at 720p / 2500 kbit/s.
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! \
 *     qualityladder ladder="1080p:6000,720p:2500,480p:1000" available-bitrate=3000 ! \
 *     rtph264pay ! udpsink host=127.0.0.1 port=5000
 * ]| Automatic stepping with an external bandwidth estimate.
 *
 * Since: 0.1
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>
#include <stdlib.h>

#include <gst/gst.h>
#include <gst/video/video.h>

#include "cg-catalogue.h"
#include "gstcamguardelements.h"

GST_DEBUG_CATEGORY_STATIC (cg_quality_ladder_debug);
#define GST_CAT_DEFAULT cg_quality_ladder_debug

#define CG_LADDER_MAX_STEPS 16
#define CG_LADDER_TICK (100 * GST_MSECOND)
#define CG_LADDER_MAX_BLOCK_MULT 64
/* Step up only while the packet loss is below this. */
#define CG_LADDER_UP_LOSS 0.02
/* A QoS verdict holds this long when no further QoS events arrive. */
#define CG_LADDER_QOS_HOLD GST_SECOND

/* ------------------------------------------------------------------------ */
/* Encoders: everything camguard knows about each one, in one table.        */

typedef enum
{
  CG_UNIT_KBPS,                 /* property in kbit/s */
  CG_UNIT_BPS,                  /* property in bit/s */
  CG_UNIT_JPEG_QUALITY,         /* no bitrate: quality 0..100 from bits per pixel */
} CgBitrateUnit;

typedef struct
{
  const gchar *factory;
  const gchar *bitrate_prop;
  CgBitrateUnit unit;
  /* space-separated prop=value set once when the encoder is created */
  const gchar *live_settings;
  /* property taking the keyframe interval in frames, or NULL */
  const gchar *keyint_prop;
} CgEncoderInfo;

static const CgEncoderInfo cg_encoders[] = {
  {"x264enc", "bitrate", CG_UNIT_KBPS,
        "tune=zerolatency speed-preset=ultrafast b-adapt=false bframes=0",
      "key-int-max"},
  {"x265enc", "bitrate", CG_UNIT_KBPS,
      "tune=zerolatency speed-preset=ultrafast", "key-int-max"},
  {"openh264enc", "bitrate", CG_UNIT_BPS,
      "rate-control=bitrate complexity=low usage-type=camera", "gop-size"},
  {"vp8enc", "target-bitrate", CG_UNIT_BPS,
        "deadline=1 cpu-used=-16 end-usage=cbr lag-in-frames=0",
      "keyframe-max-dist"},
  {"jpegenc", "quality", CG_UNIT_JPEG_QUALITY, NULL, NULL},
};

static const CgEncoderInfo *
cg_encoder_lookup (const gchar * factory)
{
  guint i;

  for (i = 0; factory && i < G_N_ELEMENTS (cg_encoders); i++)
    if (strcmp (cg_encoders[i].factory, factory) == 0)
      return &cg_encoders[i];
  return NULL;
}

static gchar *
cg_encoder_supported_list (void)
{
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cg_encoders); i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", cg_encoders[i].factory);
  return g_string_free (s, FALSE);
}

/* The value to write into the encoder's bitrate property for @kbps at the
 * given size and frame rate, in that encoder's unit. */
static gint64
cg_encoder_value (const CgEncoderInfo * info, guint kbps, gint width,
    gint height, gint fps_n, gint fps_d)
{
  switch (info->unit) {
    case CG_UNIT_KBPS:
      return kbps;
    case CG_UNIT_BPS:
      return (gint64) kbps *1000;
    case CG_UNIT_JPEG_QUALITY:{
      gdouble fps = (fps_n > 0 && fps_d > 0) ? (gdouble) fps_n / fps_d : 30.0;
      gdouble pixels = (width > 0 && height > 0) ? (gdouble) width * height :
          1280.0 * 720.0;
      gdouble bpp = kbps * 1000.0 / (pixels * fps);
      /* Baseline JPEG needs roughly 2 bit/pixel at quality 85 and 0.5 at
       * quality 25: interpolate linearly, clamped to 5..95. */
      return (gint64) CLAMP (25.0 + (bpp - 0.5) * 40.0, 5.0, 95.0);
    }
  }
  return kbps;
}

/* Write @value into an integer property of @obj, clamped to its range. */
static void
cg_set_int_property (GObject * obj, const gchar * name, gint64 value)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (obj),
      name);
  GValue v = G_VALUE_INIT;

  if (!pspec)
    return;
  g_value_init (&v, pspec->value_type);
  if (G_IS_PARAM_SPEC_UINT (pspec)) {
    GParamSpecUInt *p = G_PARAM_SPEC_UINT (pspec);
    g_value_set_uint (&v, CLAMP (value, (gint64) p->minimum,
            (gint64) p->maximum));
  } else if (G_IS_PARAM_SPEC_INT (pspec)) {
    GParamSpecInt *p = G_PARAM_SPEC_INT (pspec);
    g_value_set_int (&v, CLAMP (value, p->minimum, p->maximum));
  } else if (G_IS_PARAM_SPEC_INT64 (pspec)) {
    GParamSpecInt64 *p = G_PARAM_SPEC_INT64 (pspec);
    g_value_set_int64 (&v, CLAMP (value, p->minimum, p->maximum));
  } else if (G_IS_PARAM_SPEC_UINT64 (pspec)) {
    g_value_set_uint64 (&v, MAX (value, 0));
  } else {
    g_value_unset (&v);
    return;
  }
  g_object_set_property (obj, name, &v);
  g_value_unset (&v);
}

/* ------------------------------------------------------------------------ */
/* The ladder                                                               */

typedef struct
{
  gchar name[32];
  gint box_width;               /* 0: from the input's aspect ratio */
  gint box_height;
  guint kbps;
  /* resolved against the input caps */
  gint width;
  gint height;
  gboolean usable;
} CgLadderStep;

#define DEFAULT_LADDER "2160p:16000,1080p:6000,720p:2500"

static gboolean
parse_uint (const gchar * s, guint max, guint * out)
{
  gchar *end = NULL;
  guint64 v;

  if (!s || !g_ascii_isdigit (*s))
    return FALSE;
  v = g_ascii_strtoull (s, &end, 10);
  if (end == s || *end != '\0' || v == 0 || v > max)
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

/* Parse @str into @steps. Returns the number of steps, or 0 and @error. */
static guint
cg_ladder_parse (const gchar * str, CgLadderStep * steps, GError ** error)
{
  gchar **entries;
  guint n = 0, i;

  if (!str || !*str) {
    g_set_error (error, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_SETTINGS, "the ladder is empty");
    return 0;
  }
  entries = g_strsplit (str, ",", -1);
  for (i = 0; entries[i]; i++) {
    gchar *e = g_strstrip (entries[i]);
    gchar *colon, *name, *spec, *at, *x;
    CgLadderStep st = { {0}, 0, 0, 0, 0, 0, FALSE };
    guint w = 0, h = 0, kbps = 0;

    if (n == CG_LADDER_MAX_STEPS) {
      g_set_error (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS,
          "more than %d steps", CG_LADDER_MAX_STEPS);
      goto fail;
    }
    colon = strchr (e, ':');
    if (!colon || colon == e) {
      g_set_error (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS,
          "step %u ('%s'): expected name:WIDTHxHEIGHT@KBPS or NNNp:KBPS",
          i + 1, e);
      goto fail;
    }
    *colon = '\0';
    name = e;
    spec = colon + 1;
    if (strlen (name) >= sizeof (st.name)) {
      g_set_error (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS,
          "step %u: name '%s' is longer than %u characters", i + 1, name,
          (guint) sizeof (st.name) - 1);
      goto fail;
    }
    at = strchr (spec, '@');
    if (at) {
      /* name:WIDTHxHEIGHT@KBPS */
      *at = '\0';
      x = strchr (spec, 'x');
      if (!x) {
        g_set_error (error, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_SETTINGS,
            "step %u ('%s'): size '%s' is not WIDTHxHEIGHT", i + 1, name, spec);
        goto fail;
      }
      *x = '\0';
      if (!parse_uint (spec, 16384, &w) || !parse_uint (x + 1, 16384, &h)) {
        g_set_error (error, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_SETTINGS,
            "step %u ('%s'): width and height must be 1..16384", i + 1, name);
        goto fail;
      }
      if (!parse_uint (at + 1, 10000000, &kbps)) {
        g_set_error (error, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_SETTINGS,
            "step %u ('%s'): bitrate '%s' is not 1..10000000 kbit/s", i + 1,
            name, at + 1);
        goto fail;
      }
    } else {
      /* NNNp:KBPS */
      gsize len = strlen (name);
      gchar *num;
      gboolean ok;

      if (len < 2 || (name[len - 1] != 'p' && name[len - 1] != 'P')) {
        g_set_error (error, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_SETTINGS,
            "step %u ('%s'): shorthand names are NNNp (e.g. 720p); use "
            "name:WIDTHxHEIGHT@KBPS otherwise", i + 1, name);
        goto fail;
      }
      num = g_strndup (name, len - 1);
      ok = parse_uint (num, 16384, &h);
      g_free (num);
      if (!ok) {
        g_set_error (error, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_SETTINGS,
            "step %u ('%s'): height must be 1..16384", i + 1, name);
        goto fail;
      }
      if (!parse_uint (spec, 10000000, &kbps)) {
        g_set_error (error, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_SETTINGS,
            "step %u ('%s'): bitrate '%s' is not 1..10000000 kbit/s", i + 1,
            name, spec);
        goto fail;
      }
    }
    g_strlcpy (st.name, name, sizeof (st.name));
    st.box_width = w;
    st.box_height = h;
    st.kbps = kbps;
    if (n > 0) {
      const CgLadderStep *p = &steps[n - 1];
      if (st.box_height > p->box_height || st.kbps > p->kbps ||
          (st.box_height == p->box_height && st.kbps == p->kbps &&
              st.box_width == p->box_width)) {
        g_set_error (error, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_SETTINGS,
            "step %u ('%s'): steps must go from best to lowest (height and "
            "bitrate not increasing)", i + 1, st.name);
        goto fail;
      }
    }
    steps[n++] = st;
  }
  g_strfreev (entries);
  return n;

fail:
  g_strfreev (entries);
  return 0;
}

static gint
round_even (gdouble v)
{
  gint r = (gint) (v / 2.0 + 0.5) * 2;
  return MAX (r, 2);
}

/* Resolve the step sizes against the input. */
static void
cg_ladder_resolve (CgLadderStep * steps, guint n, gint in_w, gint in_h)
{
  guint i;
  gboolean any = FALSE;

  for (i = 0; i < n; i++) {
    CgLadderStep *s = &steps[i];

    if (in_w <= 0 || in_h <= 0) {
      s->width = s->box_width;
      s->height = s->box_height;
      s->usable = TRUE;
      any = TRUE;
      continue;
    }
    s->height = s->box_height;
    s->width = round_even ((gdouble) s->box_height * in_w / in_h);
    if (s->box_width > 0 && s->width > s->box_width) {
      s->width = s->box_width & ~1;
      s->height = round_even ((gdouble) s->box_width * in_h / in_w);
    }
    if (s->box_height == in_h && s->width <= in_w + 2) {
      /* the input's own size (within rounding) */
      s->width = in_w;
      s->height = in_h;
    }
    /* anything bigger than the input would upscale */
    s->usable = (s->width <= in_w && s->height <= in_h);
    any |= s->usable;
  }
  if (!any && n > 0) {
    steps[n - 1].width = in_w;
    steps[n - 1].height = in_h;
    steps[n - 1].usable = TRUE;
  }
}

/* ------------------------------------------------------------------------ */

typedef enum
{
  CG_QUALITY_LADDER_MODE_AUTO,
  CG_QUALITY_LADDER_MODE_MANUAL,
} CgQualityLadderMode;

#define CG_TYPE_QUALITY_LADDER_MODE (cg_quality_ladder_mode_get_type ())
static GType
cg_quality_ladder_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {CG_QUALITY_LADDER_MODE_AUTO,
        "Step automatically on QoS, queue level, lateness, available "
          "bitrate and packet loss (and on manual requests)", "auto"},
    {CG_QUALITY_LADDER_MODE_MANUAL,
          "Step only on step-down/step-up/set-step or the step property",
        "manual"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("CgQualityLadderMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define CG_TYPE_QUALITY_LADDER (cg_quality_ladder_get_type ())
G_DECLARE_FINAL_TYPE (CgQualityLadder, cg_quality_ladder, CG, QUALITY_LADDER,
    GstBin);

struct _CgQualityLadder
{
  GstBin parent;

  /* children; replaced only in NULL/READY */
  GstElement *queue;
  GstElement *scale;
  GstElement *filter;
  GstElement *encoder;
  GstPad *sinkpad;
  GstPad *srcpad;

  /* protected by the object lock */
  gchar *ladder_str;
  CgLadderStep steps[CG_LADDER_MAX_STEPS];
  guint n_steps;
  gchar *encoder_name;
  const CgEncoderInfo *enc_info;
  gchar *config_error;          /* rejected setting, reported at start */
  CgCode config_error_code;
  CgQualityLadderMode mode;
  guint available_kbps;
  gdouble packet_loss;
  GstClockTime down_reaction;
  GstClockTime up_hold;
  GstClockTime block_time;
  GstClockTime queue_time;
  GstClockTime max_lateness;
  gdouble up_margin;
  gdouble loss_threshold;
  gdouble queue_threshold;
  guint key_int_max;

  gboolean have_input;
  gint in_w, in_h, par_n, par_d, fps_n, fps_d;

  /* decision state */
  gint target_step;
  gint current_step;            /* -1 until the first frame */
  gboolean force_apply;
  const gchar *target_reason;
  GstClockTime pressure_since;
  GstClockTime headroom_since;
  GstClockTime blocked_until;
  GstClockTime last_up;
  guint block_mult;

  /* signals of the current tick */
  guint qos_events;
  gdouble qos_max_proportion;
  gint64 qos_jitter_sum;
  gdouble last_jitter_ms;
  gboolean qos_late;            /* verdict of the last interval with QoS */
  GstClockTime qos_last;        /* element clock time of the last QoS event */
  GstClockTimeDiff lateness_max;
  gboolean lateness_seen;
  GstClockTime upstream_latency;        /* min latency of the live upstream */
  GstClockTimeDiff lateness_last;
  GstClockTime lateness_last_time;
  gdouble last_latency_ms;
  gdouble last_queue_fill;
  gdouble max_queue_fill;

  /* statistics */
  guint64 steps_down;
  guint64 steps_up;
  guint64 qos_events_total;
  GstClockTime time_in_step[CG_LADDER_MAX_STEPS];
  GstClockTime step_entered;

  /* encoder pads: streaming threads only */
  gint enc_w, enc_h;
  gint bitrate_step;            /* step whose bitrate the encoder has */
  GstSegment enc_segment;

  GstClockID tick_id;
  guint ticks;                  /* clock thread only */
};

#define cg_quality_ladder_parent_class parent_class
G_DEFINE_TYPE (CgQualityLadder, cg_quality_ladder, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (qualityladder, "qualityladder", GST_RANK_NONE,
    CG_TYPE_QUALITY_LADDER);

#define DEFAULT_ENCODER "x264enc"
#define DEFAULT_MODE CG_QUALITY_LADDER_MODE_AUTO
#define DEFAULT_DOWN_REACTION (2 * GST_SECOND)
#define DEFAULT_UP_HOLD (10 * GST_SECOND)
#define DEFAULT_BLOCK_TIME (10 * GST_SECOND)
#define DEFAULT_UP_MARGIN 1.2
#define DEFAULT_LOSS_THRESHOLD 0.10
#define DEFAULT_QUEUE_THRESHOLD 0.5
#define DEFAULT_QUEUE_TIME (300 * GST_MSECOND)
#define DEFAULT_MAX_LATENESS (300 * GST_MSECOND)
#define DEFAULT_KEY_INT_MAX 60

enum
{
  PROP_0,
  PROP_LADDER,
  PROP_ENCODER,
  PROP_MODE,
  PROP_STEP,
  PROP_CURRENT_STEP,
  PROP_AVAILABLE_BITRATE,
  PROP_PACKET_LOSS,
  PROP_DOWN_REACTION,
  PROP_UP_HOLD,
  PROP_UP_MARGIN,
  PROP_BLOCK_TIME,
  PROP_LOSS_THRESHOLD,
  PROP_QUEUE_THRESHOLD,
  PROP_QUEUE_TIME,
  PROP_MAX_LATENESS,
  PROP_KEY_INT_MAX,
  PROP_STATISTICS,
  N_PROPERTIES
};

static GParamSpec *properties[N_PROPERTIES];

enum
{
  SIGNAL_STEP_DOWN,
  SIGNAL_STEP_UP,
  SIGNAL_SET_STEP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-raw"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-h264; video/x-h265; video/x-vp8; image/jpeg"));

/* ------------------------------------------------------------------------ */
/* helpers (object lock held)                                               */

static gint
best_usable (CgQualityLadder * self)
{
  guint i;
  for (i = 0; i < self->n_steps; i++)
    if (self->steps[i].usable)
      return i;
  return 0;
}

static gint
worst_usable (CgQualityLadder * self)
{
  gint i;
  for (i = self->n_steps - 1; i >= 0; i--)
    if (self->steps[i].usable)
      return i;
  return 0;
}

static gint
next_down (CgQualityLadder * self, gint cur)
{
  guint i;
  for (i = cur + 1; i < self->n_steps; i++)
    if (self->steps[i].usable)
      return i;
  return -1;
}

static gint
next_up (CgQualityLadder * self, gint cur)
{
  gint i;
  for (i = cur - 1; i >= 0; i--)
    if (self->steps[i].usable)
      return i;
  return -1;
}

/* The best usable step whose bitrate fits into @kbps (the lowest if none). */
static gint
bandwidth_fit (CgQualityLadder * self, guint kbps)
{
  guint i;
  for (i = 0; i < self->n_steps; i++)
    if (self->steps[i].usable && self->steps[i].kbps <= kbps)
      return i;
  return worst_usable (self);
}

static gint
effective_step (CgQualityLadder * self)
{
  return self->target_step;
}

static GstCaps *
step_caps (CgQualityLadder * self, gint idx)
{
  const CgLadderStep *s = &self->steps[idx];

  if (!self->have_input)
    return NULL;
  return gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT, s->width,
      "height", G_TYPE_INT, s->height, "pixel-aspect-ratio", GST_TYPE_FRACTION,
      self->par_n, self->par_d, NULL);
}

static GstClockTime
element_now (CgQualityLadder * self)
{
  GstClock *clock = GST_ELEMENT_CLOCK (self);
  return clock ? gst_clock_get_time (clock) : GST_CLOCK_TIME_NONE;
}

/* Request step @idx (lock held). Returns the caps to put on the capsfilter
 * (after unlocking) or NULL when nothing changes / no input yet. */
static GstCaps *
request_step_locked (CgQualityLadder * self, gint idx, const gchar * reason,
    GstClockTime now)
{
  gint old = self->target_step;

  if (idx == old && !self->force_apply)
    return NULL;
  GST_INFO_OBJECT (self, "step %d (%s) -> %d (%s), reason %s", old,
      self->steps[old].name, idx, self->steps[idx].name, reason);
  if (idx > old && GST_CLOCK_TIME_IS_VALID (now)) {
    /* a downgrade soon after an upgrade is a failed probe */
    if (GST_CLOCK_TIME_IS_VALID (self->last_up) &&
        now < self->last_up + self->up_hold + self->down_reaction)
      self->block_mult = MIN (self->block_mult * 2, CG_LADDER_MAX_BLOCK_MULT);
    else
      self->block_mult = 1;
    self->blocked_until = now + self->block_time * self->block_mult;
  } else if (idx < old && GST_CLOCK_TIME_IS_VALID (now)) {
    self->last_up = now;
  }
  self->target_step = idx;
  self->target_reason = reason;
  self->pressure_since = GST_CLOCK_TIME_NONE;
  self->headroom_since = GST_CLOCK_TIME_NONE;
  return step_caps (self, idx);
}

static void
apply_filter_caps (CgQualityLadder * self, GstCaps * caps)
{
  if (!caps)
    return;
  g_object_set (self->filter, "caps", caps, NULL);
  gst_caps_unref (caps);
}

/* ------------------------------------------------------------------------ */
/* the decision                                                             */

typedef struct
{
  gboolean pressure;
  gboolean headroom;
  const gchar *reason;
  gint bw_target;               /* step the bandwidth asks for, or -1 */
} CgLadderSignals;

/* Gather this tick's signals (lock held) and reset the tick accumulators. */
static void
gather_signals_locked (CgQualityLadder * self, GstClockTime now,
    gdouble queue_fill, CgLadderSignals * sig)
{
  gint cur = self->target_step;
  gint up = next_up (self, cur);
  gboolean qos_late = FALSE;
  gboolean on_time;
  GstClockTime hold;

  sig->pressure = FALSE;
  sig->headroom = TRUE;
  sig->reason = NULL;
  sig->bw_target = -1;

  if (self->available_kbps > 0) {
    if (self->available_kbps < self->steps[cur].kbps) {
      sig->pressure = TRUE;
      sig->reason = "bandwidth";
      sig->bw_target = bandwidth_fit (self, self->available_kbps);
    }
    if (up >= 0 && self->available_kbps < self->up_margin *
        self->steps[up].kbps)
      sig->headroom = FALSE;
  }

  if (self->packet_loss > self->loss_threshold) {
    sig->pressure = TRUE;
    sig->reason = sig->reason ? sig->reason : "packet-loss";
  }
  if (self->packet_loss >= CG_LADDER_UP_LOSS)
    sig->headroom = FALSE;

  if (self->qos_events > 0) {
    gint64 avg_jitter = self->qos_jitter_sum / (gint64) self->qos_events;
    self->qos_late = avg_jitter > 0 || self->qos_max_proportion > 1.1;
  } else if (!GST_CLOCK_TIME_IS_VALID (self->qos_last) ||
      !GST_CLOCK_TIME_IS_VALID (now)
      || now > self->qos_last + CG_LADDER_QOS_HOLD) {
    /* no QoS for a while: no sink with qos=true, or nothing to report */
    self->qos_late = FALSE;
  }
  qos_late = self->qos_late;
  if (qos_late) {
    sig->pressure = TRUE;
    sig->reason = sig->reason ? sig->reason : "qos";
    sig->headroom = FALSE;
  }

  /* Lateness of the encoded output: of this interval, else the last one if
   * output stopped less than two intervals or two frames ago (a stalled
   * encoder has no recent output, so its queue counts again). */
  hold = 2 * CG_LADDER_TICK;
  if (self->fps_n > 0 && self->fps_d > 0)
    hold = MAX (hold, gst_util_uint64_scale (2 * GST_SECOND, self->fps_d,
            self->fps_n));
  if (self->lateness_seen) {
    self->lateness_last = self->lateness_max;
    self->lateness_last_time = now;
  } else if (GST_CLOCK_TIME_IS_VALID (self->lateness_last_time) &&
      GST_CLOCK_TIME_IS_VALID (now) && now > self->lateness_last_time + hold) {
    self->lateness_last_time = GST_CLOCK_TIME_NONE;
  }
  on_time = GST_CLOCK_TIME_IS_VALID (self->lateness_last_time) &&
      self->lateness_last <= 0;

  self->last_queue_fill = queue_fill;
  self->max_queue_fill = MAX (self->max_queue_fill, queue_fill);
  /* A queue whose frames still leave the encoder on time is not a backlog:
   * downstream sinks waiting for the render time of a live stream, or a
   * non-live source running ahead of the clock, keep it filled. Only a
   * filled queue with late (or no) output is pressure. */
  if (on_time)
    queue_fill = 0.0;
  if (queue_fill >= self->queue_threshold) {
    sig->pressure = TRUE;
    sig->reason = sig->reason ? sig->reason : "queue";
  }
  if (queue_fill >= self->queue_threshold / 2)
    sig->headroom = FALSE;

  if (self->max_lateness > 0 && self->lateness_seen) {
    if (self->lateness_max > (GstClockTimeDiff) self->max_lateness) {
      sig->pressure = TRUE;
      sig->reason = sig->reason ? sig->reason : "lateness";
    }
    if (self->lateness_max > (GstClockTimeDiff) self->max_lateness / 2)
      sig->headroom = FALSE;
  }

  if (sig->pressure)
    sig->headroom = FALSE;

  GST_LOG_OBJECT (self, "step %d: queue %.2f, lateness %" G_GINT64_FORMAT
      " ms, qos late %d, available %u kbit/s, loss %.3f -> pressure %d (%s), "
      "headroom %d", self->target_step, queue_fill, self->lateness_seen ?
      self->lateness_max / GST_MSECOND : 0, self->qos_late,
      self->available_kbps, self->packet_loss, sig->pressure,
      GST_STR_NULL (sig->reason), sig->headroom);

  self->qos_events = 0;
  self->qos_max_proportion = 0.0;
  self->qos_jitter_sum = 0;
  self->lateness_seen = FALSE;
  self->lateness_max = G_MININT64;
}

/* The hysteresis, in one place. Returns the step to go to (may be the
 * current one) and sets @reason. Lock held. */
static gint
cg_quality_ladder_decide (CgQualityLadder * self, GstClockTime now,
    const CgLadderSignals * sig, const gchar ** reason)
{
  gint cur = self->target_step;

  *reason = NULL;
  if (sig->pressure) {
    gint down;

    self->headroom_since = GST_CLOCK_TIME_NONE;
    if (!GST_CLOCK_TIME_IS_VALID (self->pressure_since))
      self->pressure_since = now;
    down = next_down (self, cur);
    if (down < 0)
      return cur;
    /* Decided two ticks before the reaction time is complete: pressure may
     * have started up to one tick before it was seen, and the next frame
     * has to cross the queue and the encoder, so that the first frame at
     * the lower step leaves within down-reaction of the onset. */
    if (now + 2 * CG_LADDER_TICK >= self->pressure_since + self->down_reaction) {
      if (sig->bw_target > down)
        down = sig->bw_target;
      *reason = sig->reason;
      return down;
    }
    return cur;
  }

  self->pressure_since = GST_CLOCK_TIME_NONE;
  if (!sig->headroom || next_up (self, cur) < 0) {
    self->headroom_since = GST_CLOCK_TIME_NONE;
    return cur;
  }
  if (!GST_CLOCK_TIME_IS_VALID (self->headroom_since))
    self->headroom_since = now;
  if (GST_CLOCK_TIME_IS_VALID (self->blocked_until) &&
      now < self->blocked_until)
    return cur;
  if (now >= self->headroom_since + self->up_hold) {
    *reason = "headroom";
    return next_up (self, cur);
  }
  return cur;
}

/* Evaluate now: gather, decide, request. Called from the clock tick and
 * after the external estimates change. */
static void
cg_quality_ladder_evaluate (CgQualityLadder * self, gboolean from_tick)
{
  CgLadderSignals sig;
  GstClockTime now;
  gdouble fill = 0.0;
  guint64 level = 0;
  GstCaps *caps = NULL;
  const gchar *reason;
  gint to;

  now = element_now (self);
  if (!GST_CLOCK_TIME_IS_VALID (now))
    return;

  g_object_get (self->queue, "current-level-time", &level, NULL);

  GST_OBJECT_LOCK (self);
  if (self->queue_time > 0)
    fill = (gdouble) level / self->queue_time;
  if (!from_tick) {
    /* keep the tick's QoS/lateness accumulators for the tick */
    guint qe = self->qos_events;
    gdouble qp = self->qos_max_proportion;
    gint64 qj = self->qos_jitter_sum;
    gboolean ls = self->lateness_seen;
    GstClockTimeDiff lm = self->lateness_max;

    gather_signals_locked (self, now, fill, &sig);
    self->qos_events = qe;
    self->qos_max_proportion = qp;
    self->qos_jitter_sum = qj;
    self->lateness_seen = ls;
    self->lateness_max = lm;
  } else {
    gather_signals_locked (self, now, fill, &sig);
  }
  if (self->mode == CG_QUALITY_LADDER_MODE_AUTO && self->n_steps > 0) {
    to = cg_quality_ladder_decide (self, now, &sig, &reason);
    if (to != self->target_step)
      caps = request_step_locked (self, to, reason, now);
  }
  GST_OBJECT_UNLOCK (self);

  apply_filter_caps (self, caps);
}

/* The latency of what is upstream of us (live sources, jitterbuffers). */
static void
update_upstream_latency (CgQualityLadder * self)
{
  GstQuery *q = gst_query_new_latency ();
  GstClockTime min = 0;
  gboolean live = FALSE;

  if (gst_pad_peer_query (self->sinkpad, q))
    gst_query_parse_latency (q, &live, &min, NULL);
  gst_query_unref (q);
  GST_OBJECT_LOCK (self);
  self->upstream_latency = (live && GST_CLOCK_TIME_IS_VALID (min)) ? min : 0;
  GST_OBJECT_UNLOCK (self);
}

static gboolean
tick_cb (GstClock * clock, GstClockTime t, GstClockID id, gpointer user_data)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (user_data);

  /* the upstream latency can change (new source, jitterbuffer): re-query
   * it once a second */
  if (self->ticks++ % 10 == 0)
    update_upstream_latency (self);
  cg_quality_ladder_evaluate (self, TRUE);
  return TRUE;
}

static void
stop_ticks (CgQualityLadder * self)
{
  GstClockID id;

  GST_OBJECT_LOCK (self);
  id = self->tick_id;
  self->tick_id = NULL;
  GST_OBJECT_UNLOCK (self);
  if (id) {
    gst_clock_id_unschedule (id);
    gst_clock_id_unref (id);
  }
}

static void
start_ticks (CgQualityLadder * self)
{
  GstClock *clock;
  GstClockID id;

  stop_ticks (self);
  clock = gst_element_get_clock (GST_ELEMENT (self));
  if (!clock)
    return;
  id = gst_clock_new_periodic_id (clock, gst_clock_get_time (clock) +
      CG_LADDER_TICK, CG_LADDER_TICK);
  gst_object_unref (clock);
  if (gst_clock_id_wait_async (id, tick_cb, gst_object_ref (self),
          (GDestroyNotify) gst_object_unref) != GST_CLOCK_OK) {
    GST_WARNING_OBJECT (self, "cannot schedule the evaluation clock id");
    gst_clock_id_unref (id);
    return;
  }
  GST_OBJECT_LOCK (self);
  self->tick_id = id;
  GST_OBJECT_UNLOCK (self);
}

/* ------------------------------------------------------------------------ */
/* manual control                                                           */

static void
post_validation_warning (CgQualityLadder * self, CgCode code,
    const gchar * what, const gchar * value, const gchar * text)
{
  GST_WARNING_OBJECT (self, "%s '%s' rejected: %s", what, value, text);
  GST_ELEMENT_WARNING_WITH_DETAILS (self, RESOURCE, SETTINGS,
      ("Invalid %s setting, keeping the previous value", what),
      ("%s '%s': %s", what, value, text),
      ("camguard-code", G_TYPE_STRING, cg_code_to_name (code),
          "property", G_TYPE_STRING, what,
          "value", G_TYPE_STRING, value, NULL));
}

static gboolean
cg_quality_ladder_set_step (CgQualityLadder * self, gint idx)
{
  GstCaps *caps;
  guint n;

  GST_OBJECT_LOCK (self);
  n = self->n_steps;
  if (idx < 0 || (guint) idx >= n) {
    gchar *v, *msg;
    GST_OBJECT_UNLOCK (self);
    v = g_strdup_printf ("%d", idx);
    msg = g_strdup_printf ("step %d is out of range: the ladder has %u steps "
        "(0..%u)", idx, n, n - 1);
    post_validation_warning (self, CG_CODE_VALIDATION_ERROR, "step", v, msg);
    g_free (v);
    g_free (msg);
    return FALSE;
  }
  if (!self->steps[idx].usable) {
    /* would upscale: the best step without upscaling */
    GST_INFO_OBJECT (self, "step %d would upscale the input, using %d", idx,
        best_usable (self));
    idx = best_usable (self);
  }
  caps = request_step_locked (self, idx, "manual", element_now (self));
  GST_OBJECT_UNLOCK (self);
  apply_filter_caps (self, caps);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
  return TRUE;
}

static gboolean
cg_quality_ladder_step_down (CgQualityLadder * self)
{
  gint to;

  GST_OBJECT_LOCK (self);
  to = next_down (self, self->target_step);
  GST_OBJECT_UNLOCK (self);
  if (to < 0)
    return FALSE;
  return cg_quality_ladder_set_step (self, to);
}

static gboolean
cg_quality_ladder_step_up (CgQualityLadder * self)
{
  gint to;

  GST_OBJECT_LOCK (self);
  to = next_up (self, self->target_step);
  GST_OBJECT_UNLOCK (self);
  if (to < 0)
    return FALSE;
  return cg_quality_ladder_set_step (self, to);
}

/* ------------------------------------------------------------------------ */
/* pad probes                                                               */

/* Raw caps arriving at the scaler: resolve the ladder against the input and
 * put the current step's caps on the capsfilter before videoscale
 * negotiates. */
static GstPadProbeReturn
scale_sink_event_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (data);
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstVideoInfo vinfo;
  GstCaps *caps, *fcaps;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;
  gst_event_parse_caps (event, &caps);
  if (!gst_video_info_from_caps (&vinfo, caps))
    return GST_PAD_PROBE_OK;

  GST_OBJECT_LOCK (self);
  self->have_input = TRUE;
  self->in_w = GST_VIDEO_INFO_WIDTH (&vinfo);
  self->in_h = GST_VIDEO_INFO_HEIGHT (&vinfo);
  self->par_n = GST_VIDEO_INFO_PAR_N (&vinfo);
  self->par_d = GST_VIDEO_INFO_PAR_D (&vinfo);
  self->fps_n = GST_VIDEO_INFO_FPS_N (&vinfo);
  self->fps_d = GST_VIDEO_INFO_FPS_D (&vinfo);
  cg_ladder_resolve (self->steps, self->n_steps, self->in_w, self->in_h);
  if (!self->steps[self->target_step].usable)
    self->target_step = best_usable (self);
  self->force_apply = TRUE;
  fcaps = step_caps (self, self->target_step);
  GST_OBJECT_UNLOCK (self);

  GST_DEBUG_OBJECT (self, "input %" GST_PTR_FORMAT ", filter %" GST_PTR_FORMAT,
      caps, fcaps);
  apply_filter_caps (self, fcaps);
  return GST_PAD_PROBE_OK;
}

static void
set_encoder_bitrate (CgQualityLadder * self, const CgEncoderInfo * info,
    guint kbps, gint w, gint h, gint fps_n, gint fps_d)
{
  gint64 v;

  if (!info || !self->encoder)
    return;
  v = cg_encoder_value (info, kbps, w, h, fps_n, fps_d);
  GST_DEBUG_OBJECT (self, "%s %s=%" G_GINT64_FORMAT, info->factory,
      info->bitrate_prop, v);
  cg_set_int_property (G_OBJECT (self->encoder), info->bitrate_prop, v);
}

static GstPadProbeReturn
enc_sink_event_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (data);
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstStructure *s;
  GstCaps *caps;
  const CgEncoderInfo *enc;
  gint step, w = 0, h = 0, fn = 0, fd = 1;
  guint kbps = 0;
  gboolean set = FALSE;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;
  gst_event_parse_caps (event, &caps);
  s = gst_caps_get_structure (caps, 0);
  gst_structure_get_int (s, "width", &self->enc_w);
  gst_structure_get_int (s, "height", &self->enc_h);

  /* Initialise the encoder directly with the step's bitrate. */
  GST_OBJECT_LOCK (self);
  step = self->target_step;
  enc = self->enc_info;
  if (self->have_input && self->steps[step].width == self->enc_w &&
      self->steps[step].height == self->enc_h && self->bitrate_step != step) {
    kbps = self->steps[step].kbps;
    w = self->enc_w;
    h = self->enc_h;
    fn = self->fps_n;
    fd = self->fps_d;
    self->bitrate_step = step;
    set = TRUE;
  }
  GST_OBJECT_UNLOCK (self);
  if (set)
    set_encoder_bitrate (self, enc, kbps, w, h, fn, fd);
  return GST_PAD_PROBE_OK;
}

static gdouble
step_quality (CgQualityLadder * self, gint idx)
{
  gint best = best_usable (self);
  if (idx < 0 || self->steps[best].kbps == 0)
    return 1.0;
  return MIN (1.0, (gdouble) self->steps[idx].kbps / self->steps[best].kbps);
}

/* The first frame at the requested step: finish the step. */
static GstPadProbeReturn
enc_sink_buffer_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (data);
  const CgEncoderInfo *enc;
  CgLadderStep cur, prev;
  gint step, prev_step, best, worst;
  gboolean set_bitrate, initial, down;
  GstClockTime now;
  const gchar *reason;
  gdouble quality, prev_quality, loss, latency, jitter;
  guint bandwidth;
  gint fn, fd;

  GST_OBJECT_LOCK (self);
  step = self->target_step;
  if ((step == self->current_step && !self->force_apply) || !self->have_input
      || self->steps[step].width != self->enc_w
      || self->steps[step].height != self->enc_h) {
    GST_OBJECT_UNLOCK (self);
    return GST_PAD_PROBE_OK;
  }
  self->force_apply = FALSE;
  prev_step = self->current_step;
  if (prev_step == step) {
    /* re-applied after new input caps or a new ladder: no step change */
    set_bitrate = self->bitrate_step != step;
    self->bitrate_step = step;
    cur = self->steps[step];
    enc = self->enc_info;
    fn = self->fps_n;
    fd = self->fps_d;
    GST_OBJECT_UNLOCK (self);
    if (set_bitrate)
      set_encoder_bitrate (self, enc, cur.kbps, cur.width, cur.height, fn, fd);
    return GST_PAD_PROBE_OK;
  }
  initial = prev_step < 0;
  now = element_now (self);
  self->current_step = step;
  if (!initial && GST_CLOCK_TIME_IS_VALID (now) &&
      GST_CLOCK_TIME_IS_VALID (self->step_entered) && now >= self->step_entered)
    self->time_in_step[prev_step] += now - self->step_entered;
  self->step_entered = now;
  down = !initial && step > prev_step;
  if (!initial) {
    if (down)
      self->steps_down++;
    else
      self->steps_up++;
  }
  set_bitrate = self->bitrate_step != step;
  self->bitrate_step = step;
  cur = self->steps[step];
  prev = initial ? cur : self->steps[prev_step];
  enc = self->enc_info;
  fn = self->fps_n;
  fd = self->fps_d;
  best = best_usable (self);
  worst = worst_usable (self);
  quality = step_quality (self, step);
  prev_quality = step_quality (self, prev_step);
  reason = self->target_reason ? self->target_reason : "manual";
  loss = self->packet_loss;
  latency = self->last_latency_ms;
  jitter = self->last_jitter_ms;
  bandwidth = self->available_kbps;
  GST_OBJECT_UNLOCK (self);

  if (set_bitrate)
    set_encoder_bitrate (self, enc, cur.kbps, cur.width, cur.height, fn, fd);

  if (!initial) {
    const CgCatalogueEntry *row =
        cg_catalogue_lookup (CG_CODE_QUALITY_DEGRADED);
    GstStructure *s;

    GST_INFO_OBJECT (self, "now at step %d (%s, %dx%d, %u kbit/s)", step,
        cur.name, cur.width, cur.height, cur.kbps);
    gst_pad_send_event (pad,
        gst_video_event_new_downstream_force_key_unit (GST_CLOCK_TIME_NONE,
            GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE, TRUE, 0));

    s = gst_structure_new ("camguard-quality",
        "code", G_TYPE_STRING, step > best ? row->name : "recovered",
        "severity", G_TYPE_STRING, cg_severity_to_string (row->severity),
        "message", G_TYPE_STRING, row->message,
        "direction", G_TYPE_STRING, down ? "down" : "up",
        "quality", G_TYPE_DOUBLE, quality,
        "previous", G_TYPE_DOUBLE, prev_quality,
        "reason", G_TYPE_STRING, reason,
        "packetLoss", G_TYPE_DOUBLE, loss,
        "latency", G_TYPE_DOUBLE, latency,
        "jitter", G_TYPE_DOUBLE, jitter,
        "bandwidth", G_TYPE_UINT, bandwidth,
        "recommendedAction", G_TYPE_STRING,
        !down ? "none" : (step == worst ? "audio_only" : "reduce_quality"),
        "step", G_TYPE_INT, step,
        "previous-step", G_TYPE_INT, prev_step,
        "step-name", G_TYPE_STRING, cur.name,
        "previous-step-name", G_TYPE_STRING, prev.name,
        "width", G_TYPE_INT, cur.width,
        "height", G_TYPE_INT, cur.height,
        "bitrate", G_TYPE_UINT, cur.kbps,
        "previous-width", G_TYPE_INT, prev.width,
        "previous-height", G_TYPE_INT, prev.height,
        "previous-bitrate", G_TYPE_UINT, prev.kbps,
        "encoder", G_TYPE_STRING, enc ? enc->factory : "", NULL);
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_element (GST_OBJECT (self), s));

    /* the standard QoS message for a change of processing quality */
    {
      GstMessage *qos = gst_message_new_qos (GST_OBJECT (self), TRUE,
          GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE,
          GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info)),
          GST_BUFFER_DURATION (GST_PAD_PROBE_INFO_BUFFER (info)));
      gst_message_set_qos_values (qos, (gint64) (jitter * GST_MSECOND),
          prev_quality > 0 ? quality / prev_quality : 1.0,
          (gint) (quality * 1000000));
      gst_element_post_message (GST_ELEMENT (self), qos);
    }
  }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_STEP]);
  return GST_PAD_PROBE_OK;
}

/* Encoder lateness: running time of the encoded buffers against the clock. */
static GstPadProbeReturn
enc_src_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (data);

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
    if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT)
      gst_event_copy_segment (event, &self->enc_segment);
    else if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
      gst_segment_init (&self->enc_segment, GST_FORMAT_UNDEFINED);
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
    GstClock *clock;
    GstClockTime rt, base, now;

    if (self->enc_segment.format != GST_FORMAT_TIME ||
        !GST_BUFFER_PTS_IS_VALID (buf) || GST_STATE (self) != GST_STATE_PLAYING)
      return GST_PAD_PROBE_OK;
    rt = gst_segment_to_running_time (&self->enc_segment, GST_FORMAT_TIME,
        GST_BUFFER_PTS (buf));
    if (!GST_CLOCK_TIME_IS_VALID (rt))
      return GST_PAD_PROBE_OK;
    GST_OBJECT_LOCK (self);
    clock = GST_ELEMENT_CLOCK (self);
    base = GST_ELEMENT_CAST (self)->base_time;
    if (clock) {
      GstClockTimeDiff late;
      now = gst_clock_get_time (clock);
      /* a live upstream delivers a frame its latency after its running
       * time: only what comes on top of that is lateness */
      late = GST_CLOCK_DIFF (base + rt + self->upstream_latency, now);
      if (!self->lateness_seen || late > self->lateness_max)
        self->lateness_max = late;
      self->lateness_seen = TRUE;
      self->last_latency_ms = late > 0 ? late / 1e6 : 0.0;
    }
    GST_OBJECT_UNLOCK (self);
  }
  return GST_PAD_PROBE_OK;
}

/* QoS events from downstream. */
static GstPadProbeReturn
src_qos_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (data);
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstQOSType type;
  gdouble proportion;
  GstClockTimeDiff diff;
  GstClockTime ts;

  if (GST_EVENT_TYPE (event) != GST_EVENT_QOS)
    return GST_PAD_PROBE_OK;
  gst_event_parse_qos (event, &type, &proportion, &diff, &ts);
  GST_LOG_OBJECT (self, "QoS proportion %f diff %" G_GINT64_FORMAT,
      proportion, diff);
  GST_OBJECT_LOCK (self);
  self->qos_events++;
  self->qos_events_total++;
  self->qos_max_proportion = MAX (self->qos_max_proportion, proportion);
  self->qos_jitter_sum += diff;
  self->last_jitter_ms = diff / 1e6;
  if (GST_ELEMENT_CLOCK (self))
    self->qos_last = gst_clock_get_time (GST_ELEMENT_CLOCK (self));
  GST_OBJECT_UNLOCK (self);
  return GST_PAD_PROBE_OK;
}

/* ------------------------------------------------------------------------ */
/* encoder creation                                                         */

static void
apply_live_settings (CgQualityLadder * self, GstElement * enc,
    const CgEncoderInfo * info, guint key_int_max)
{
  gchar **kv;
  guint i;

  if (info->live_settings) {
    kv = g_strsplit (info->live_settings, " ", -1);
    for (i = 0; kv[i]; i++) {
      gchar *eq = strchr (kv[i], '=');
      if (!eq)
        continue;
      *eq = '\0';
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (enc), kv[i]))
        gst_util_set_object_arg (G_OBJECT (enc), kv[i], eq + 1);
    }
    g_strfreev (kv);
  }
  if (info->keyint_prop)
    cg_set_int_property (G_OBJECT (enc), info->keyint_prop, key_int_max);
}

/* Replace the encoder child (NULL/READY only, no lock held). */
static gboolean
install_encoder (CgQualityLadder * self, const gchar * factory, GError ** error)
{
  const CgEncoderInfo *info = cg_encoder_lookup (factory);
  GstElement *enc;
  GstPad *pad;
  guint key_int_max, kbps;

  if (!info) {
    gchar *list = cg_encoder_supported_list ();
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NOT_IMPLEMENTED,
        "encoder '%s' is not supported (supported: %s)", factory, list);
    g_free (list);
    return FALSE;
  }
  enc = gst_element_factory_make (factory, "encoder");
  if (!enc) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "encoder '%s' is supported but its plugin is not installed", factory);
    return FALSE;
  }

  if (self->encoder) {
    gst_element_unlink (self->filter, self->encoder);
    gst_element_set_state (self->encoder, GST_STATE_NULL);
    gst_bin_remove (GST_BIN (self), self->encoder);
    self->encoder = NULL;
  }

  GST_OBJECT_LOCK (self);
  key_int_max = self->key_int_max;
  kbps = self->steps[self->target_step].kbps;
  self->enc_info = info;
  self->bitrate_step = -1;
  GST_OBJECT_UNLOCK (self);

  apply_live_settings (self, enc, info, key_int_max);
  if (info->unit != CG_UNIT_JPEG_QUALITY)
    set_encoder_bitrate (self, info, kbps, 0, 0, 0, 0);

  gst_bin_add (GST_BIN (self), enc);
  self->encoder = enc;
  if (!gst_element_link (self->filter, enc)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "cannot link the capsfilter to %s", factory);
    return FALSE;
  }
  pad = gst_element_get_static_pad (enc, "src");
  gst_ghost_pad_set_target (GST_GHOST_PAD (self->srcpad), pad);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, enc_src_probe, self, NULL);
  gst_object_unref (pad);
  pad = gst_element_get_static_pad (enc, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      enc_sink_event_probe, self, NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, enc_sink_buffer_probe,
      self, NULL);
  gst_object_unref (pad);
  gst_element_sync_state_with_parent (enc);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* properties                                                               */

static void
reject_setting (CgQualityLadder * self, CgCode code, const gchar * what,
    const gchar * value, const gchar * text)
{
  GST_OBJECT_LOCK (self);
  g_free (self->config_error);
  self->config_error = g_strdup_printf ("%s '%s': %s", what, value, text);
  self->config_error_code = code;
  GST_OBJECT_UNLOCK (self);
  post_validation_warning (self, code, what, value, text);
}

static void
clear_config_error (CgQualityLadder * self, const gchar * what)
{
  GST_OBJECT_LOCK (self);
  if (self->config_error && g_str_has_prefix (self->config_error, what))
    g_clear_pointer (&self->config_error, g_free);
  GST_OBJECT_UNLOCK (self);
}

static void
set_ladder (CgQualityLadder * self, const gchar * str)
{
  CgLadderStep steps[CG_LADDER_MAX_STEPS];
  GError *err = NULL;
  guint n = cg_ladder_parse (str, steps, &err);
  GstCaps *caps = NULL;

  if (n == 0) {
    reject_setting (self, CG_CODE_VALIDATION_ERROR, "ladder", str ? str : "",
        err->message);
    g_error_free (err);
    return;
  }
  clear_config_error (self, "ladder");
  GST_OBJECT_LOCK (self);
  g_free (self->ladder_str);
  self->ladder_str = g_strdup (str);
  memcpy (self->steps, steps, sizeof (steps));
  self->n_steps = n;
  memset (self->time_in_step, 0, sizeof (self->time_in_step));
  cg_ladder_resolve (self->steps, n, self->have_input ? self->in_w : 0,
      self->have_input ? self->in_h : 0);
  if ((guint) self->target_step >= n)
    self->target_step = n - 1;
  if (self->current_step >= (gint) n)
    self->current_step = n - 1;
  if (!self->steps[self->target_step].usable)
    self->target_step = best_usable (self);
  self->bitrate_step = -1;
  self->force_apply = TRUE;
  caps = step_caps (self, self->target_step);
  GST_OBJECT_UNLOCK (self);
  apply_filter_caps (self, caps);
}

static void
set_encoder (CgQualityLadder * self, const gchar * name)
{
  GError *err = NULL;
  gboolean ok;

  if (!name || !*name)
    name = DEFAULT_ENCODER;
  if (GST_STATE (self) > GST_STATE_READY ||
      GST_STATE_PENDING (self) > GST_STATE_READY) {
    reject_setting (self, CG_CODE_VALIDATION_ERROR, "encoder", name,
        "the encoder can only be changed in the NULL or READY state");
    return;
  }
  if (self->encoder_name && strcmp (self->encoder_name, name) == 0
      && self->encoder) {
    clear_config_error (self, "encoder");
    return;
  }
  ok = install_encoder (self, name, &err);
  if (!ok) {
    reject_setting (self, err->code == GST_CORE_ERROR_MISSING_PLUGIN ?
        CG_CODE_MISSING_COMPONENT : CG_CODE_VALIDATION_ERROR, "encoder",
        name, err->message);
    g_error_free (err);
    return;
  }
  clear_config_error (self, "encoder");
  GST_OBJECT_LOCK (self);
  g_free (self->encoder_name);
  self->encoder_name = g_strdup (name);
  GST_OBJECT_UNLOCK (self);
}

static GstStructure *
get_statistics (CgQualityLadder * self)
{
  GstStructure *s, *per;
  GstClockTime now = element_now (self);
  guint i;

  GST_OBJECT_LOCK (self);
  per = gst_structure_new_empty ("time-per-step");
  for (i = 0; i < self->n_steps; i++) {
    GstClockTime t = self->time_in_step[i];
    if ((gint) i == self->current_step && GST_CLOCK_TIME_IS_VALID (now) &&
        GST_CLOCK_TIME_IS_VALID (self->step_entered) &&
        now >= self->step_entered)
      t += now - self->step_entered;
    gst_structure_set (per, self->steps[i].name, G_TYPE_UINT64, t, NULL);
  }
  s = gst_structure_new ("application/x-camguard-qualityladder-stats",
      "steps-down", G_TYPE_UINT64, self->steps_down,
      "steps-up", G_TYPE_UINT64, self->steps_up,
      "current-step", G_TYPE_INT, self->current_step,
      "current-step-name", G_TYPE_STRING, self->current_step >= 0 ?
      self->steps[self->current_step].name : "",
      "current-width", G_TYPE_INT, self->current_step >= 0 ?
      self->steps[self->current_step].width : 0,
      "current-height", G_TYPE_INT, self->current_step >= 0 ?
      self->steps[self->current_step].height : 0,
      "current-bitrate", G_TYPE_UINT, self->current_step >= 0 ?
      self->steps[self->current_step].kbps : 0,
      "qos-events", G_TYPE_UINT64, self->qos_events_total,
      "queue-fill", G_TYPE_DOUBLE, self->last_queue_fill,
      "queue-fill-max", G_TYPE_DOUBLE, self->max_queue_fill,
      "latency", G_TYPE_DOUBLE, self->last_latency_ms,
      "time-per-step", GST_TYPE_STRUCTURE, per, NULL);
  GST_OBJECT_UNLOCK (self);
  gst_structure_free (per);
  return s;
}

static void
cg_quality_ladder_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (object);
  gboolean reevaluate = FALSE;

  switch (prop_id) {
    case PROP_LADDER:
      set_ladder (self, g_value_get_string (value));
      return;
    case PROP_ENCODER:
      set_encoder (self, g_value_get_string (value));
      return;
    case PROP_STEP:
      cg_quality_ladder_set_step (self, g_value_get_int (value));
      return;
    default:
      break;
  }

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODE:
      self->mode = g_value_get_enum (value);
      self->pressure_since = GST_CLOCK_TIME_NONE;
      self->headroom_since = GST_CLOCK_TIME_NONE;
      break;
    case PROP_AVAILABLE_BITRATE:
      self->available_kbps = g_value_get_uint (value);
      reevaluate = TRUE;
      break;
    case PROP_PACKET_LOSS:
      self->packet_loss = g_value_get_double (value);
      reevaluate = TRUE;
      break;
    case PROP_DOWN_REACTION:
      self->down_reaction = g_value_get_uint64 (value);
      break;
    case PROP_UP_HOLD:
      self->up_hold = g_value_get_uint64 (value);
      break;
    case PROP_UP_MARGIN:
      self->up_margin = g_value_get_double (value);
      break;
    case PROP_BLOCK_TIME:
      self->block_time = g_value_get_uint64 (value);
      break;
    case PROP_LOSS_THRESHOLD:
      self->loss_threshold = g_value_get_double (value);
      break;
    case PROP_QUEUE_THRESHOLD:
      self->queue_threshold = g_value_get_double (value);
      break;
    case PROP_QUEUE_TIME:
      self->queue_time = g_value_get_uint64 (value);
      break;
    case PROP_MAX_LATENESS:
      self->max_lateness = g_value_get_uint64 (value);
      break;
    case PROP_KEY_INT_MAX:
      self->key_int_max = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);

  if (prop_id == PROP_QUEUE_TIME)
    g_object_set (self->queue, "max-size-time", g_value_get_uint64 (value),
        NULL);
  if (prop_id == PROP_KEY_INT_MAX && self->encoder && self->enc_info &&
      self->enc_info->keyint_prop && GST_STATE (self) <= GST_STATE_READY)
    cg_set_int_property (G_OBJECT (self->encoder), self->enc_info->keyint_prop,
        g_value_get_uint (value));
  /* external estimates: a sudden drop starts the reaction time now */
  if (reevaluate && GST_STATE (self) == GST_STATE_PLAYING)
    cg_quality_ladder_evaluate (self, FALSE);
}

static void
cg_quality_ladder_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (object);

  if (prop_id == PROP_STATISTICS) {
    g_value_take_boxed (value, get_statistics (self));
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LADDER:
      g_value_set_string (value, self->ladder_str);
      break;
    case PROP_ENCODER:
      g_value_set_string (value, self->encoder_name);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_STEP:
      g_value_set_int (value, effective_step (self));
      break;
    case PROP_CURRENT_STEP:
      g_value_set_int (value, self->current_step);
      break;
    case PROP_AVAILABLE_BITRATE:
      g_value_set_uint (value, self->available_kbps);
      break;
    case PROP_PACKET_LOSS:
      g_value_set_double (value, self->packet_loss);
      break;
    case PROP_DOWN_REACTION:
      g_value_set_uint64 (value, self->down_reaction);
      break;
    case PROP_UP_HOLD:
      g_value_set_uint64 (value, self->up_hold);
      break;
    case PROP_UP_MARGIN:
      g_value_set_double (value, self->up_margin);
      break;
    case PROP_BLOCK_TIME:
      g_value_set_uint64 (value, self->block_time);
      break;
    case PROP_LOSS_THRESHOLD:
      g_value_set_double (value, self->loss_threshold);
      break;
    case PROP_QUEUE_THRESHOLD:
      g_value_set_double (value, self->queue_threshold);
      break;
    case PROP_QUEUE_TIME:
      g_value_set_uint64 (value, self->queue_time);
      break;
    case PROP_MAX_LATENESS:
      g_value_set_uint64 (value, self->max_lateness);
      break;
    case PROP_KEY_INT_MAX:
      g_value_set_uint (value, self->key_int_max);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ------------------------------------------------------------------------ */

static GstStateChangeReturn
cg_quality_ladder_change_state (GstElement * element, GstStateChange transition)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:{
      gchar *err;
      CgCode code;

      GST_OBJECT_LOCK (self);
      err = g_strdup (self->config_error);
      code = self->config_error_code;
      GST_OBJECT_UNLOCK (self);
      if (err || !self->encoder) {
        GST_ELEMENT_ERROR_WITH_DETAILS (self, RESOURCE, SETTINGS,
            ("Invalid qualityladder configuration"),
            ("%s", err ? err : "no encoder could be created"),
            ("camguard-code", G_TYPE_STRING, cg_code_to_name (err ? code :
                    CG_CODE_MISSING_COMPONENT), NULL));
        g_free (err);
        return GST_STATE_CHANGE_FAILURE;
      }
      break;
    }
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      GST_OBJECT_LOCK (self);
      self->current_step = -1;
      self->bitrate_step = -1;
      self->force_apply = TRUE;
      self->have_input = FALSE;
      cg_ladder_resolve (self->steps, self->n_steps, 0, 0);
      self->pressure_since = GST_CLOCK_TIME_NONE;
      self->headroom_since = GST_CLOCK_TIME_NONE;
      self->blocked_until = GST_CLOCK_TIME_NONE;
      self->last_up = GST_CLOCK_TIME_NONE;
      self->block_mult = 1;
      self->step_entered = GST_CLOCK_TIME_NONE;
      self->qos_events = 0;
      self->qos_late = FALSE;
      self->max_queue_fill = 0.0;
      self->qos_last = GST_CLOCK_TIME_NONE;
      self->lateness_seen = FALSE;
      self->upstream_latency = 0;
      self->lateness_last_time = GST_CLOCK_TIME_NONE;
      self->ticks = 0;
      self->enc_w = self->enc_h = 0;
      GST_OBJECT_UNLOCK (self);
      gst_segment_init (&self->enc_segment, GST_FORMAT_UNDEFINED);
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      stop_ticks (self);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  if (transition == GST_STATE_CHANGE_PAUSED_TO_PLAYING)
    start_ticks (self);
  return ret;
}

static gboolean
cg_quality_ladder_set_clock (GstElement * element, GstClock * clock)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (element);
  gboolean ret;

  ret = GST_ELEMENT_CLASS (parent_class)->set_clock (element, clock);
  if (GST_STATE (self) == GST_STATE_PLAYING) {
    if (clock)
      start_ticks (self);
    else
      stop_ticks (self);
  }
  return ret;
}

static void
cg_quality_ladder_dispose (GObject * object)
{
  stop_ticks (CG_QUALITY_LADDER (object));
  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
cg_quality_ladder_finalize (GObject * object)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (object);

  g_free (self->ladder_str);
  g_free (self->encoder_name);
  g_free (self->config_error);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
cg_quality_ladder_init (CgQualityLadder * self)
{
  GstPad *pad;
  GError *err = NULL;

  self->mode = DEFAULT_MODE;
  self->down_reaction = DEFAULT_DOWN_REACTION;
  self->up_hold = DEFAULT_UP_HOLD;
  self->block_time = DEFAULT_BLOCK_TIME;
  self->up_margin = DEFAULT_UP_MARGIN;
  self->loss_threshold = DEFAULT_LOSS_THRESHOLD;
  self->queue_threshold = DEFAULT_QUEUE_THRESHOLD;
  self->queue_time = DEFAULT_QUEUE_TIME;
  self->max_lateness = DEFAULT_MAX_LATENESS;
  self->key_int_max = DEFAULT_KEY_INT_MAX;
  self->current_step = -1;
  self->bitrate_step = -1;
  self->block_mult = 1;
  self->pressure_since = GST_CLOCK_TIME_NONE;
  self->headroom_since = GST_CLOCK_TIME_NONE;
  self->blocked_until = GST_CLOCK_TIME_NONE;
  self->last_up = GST_CLOCK_TIME_NONE;
  self->step_entered = GST_CLOCK_TIME_NONE;
  self->lateness_max = G_MININT64;
  self->qos_last = GST_CLOCK_TIME_NONE;
  self->lateness_last_time = GST_CLOCK_TIME_NONE;
  gst_segment_init (&self->enc_segment, GST_FORMAT_UNDEFINED);

  self->ladder_str = g_strdup (DEFAULT_LADDER);
  self->n_steps = cg_ladder_parse (DEFAULT_LADDER, self->steps, NULL);
  cg_ladder_resolve (self->steps, self->n_steps, 0, 0);

  self->queue = gst_element_factory_make ("queue", "queue");
  self->scale = gst_element_factory_make ("videoscale", "scale");
  self->filter = gst_element_factory_make ("capsfilter", "filter");
  g_object_set (self->queue, "max-size-buffers", 0, "max-size-bytes", 0,
      "max-size-time", (guint64) DEFAULT_QUEUE_TIME, "silent", TRUE, NULL);
  gst_bin_add_many (GST_BIN (self), self->queue, self->scale, self->filter,
      NULL);
  gst_element_link_many (self->queue, self->scale, self->filter, NULL);

  pad = gst_element_get_static_pad (self->queue, "sink");
  self->sinkpad = gst_ghost_pad_new_from_template ("sink", pad,
      gst_static_pad_template_get (&sink_template));
  gst_object_unref (pad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  pad = gst_element_get_static_pad (self->scale, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      scale_sink_event_probe, self, NULL);
  gst_object_unref (pad);

  self->srcpad = gst_ghost_pad_new_no_target_from_template ("src",
      gst_static_pad_template_get (&src_template));
  gst_pad_add_probe (self->srcpad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
      src_qos_probe, self, NULL);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  if (install_encoder (self, DEFAULT_ENCODER, &err)) {
    self->encoder_name = g_strdup (DEFAULT_ENCODER);
  } else {
    GST_WARNING_OBJECT (self, "%s", err->message);
    g_clear_error (&err);
  }
}

static void
cg_quality_ladder_class_init (CgQualityLadderClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  GST_DEBUG_CATEGORY_INIT (cg_quality_ladder_debug, "qualityladder", 0,
      "camguard quality ladder");

  gobject_class->set_property = cg_quality_ladder_set_property;
  gobject_class->get_property = cg_quality_ladder_get_property;
  gobject_class->dispose = cg_quality_ladder_dispose;
  gobject_class->finalize = cg_quality_ladder_finalize;

  /**
   * CgQualityLadder:ladder:
   *
   * The steps, best first: `name:WIDTHxHEIGHT@KBPS` or `NNNp:KBPS`, comma
   * separated. An unparsable value is rejected (see the Errors section).
   *
   * Since: 0.1
   */
  properties[PROP_LADDER] = g_param_spec_string ("ladder", "Ladder",
      "Steps best first, comma separated: name:WIDTHxHEIGHT@KBPS or NNNp:KBPS "
      "(e.g. \"2160p:16000,1080p:6000,720p:2500\"); steps above the input "
      "size are skipped, the aspect ratio follows the input; an invalid "
      "value is rejected with a warning", DEFAULT_LADDER,
      rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:encoder:
   *
   * Factory name of the encoder: x264enc, x265enc, openh264enc, vp8enc or
   * jpegenc. The encoder is a child named "encoder", so its other properties
   * can be set as `encoder::name=value`.
   *
   * Since: 0.1
   */
  properties[PROP_ENCODER] = g_param_spec_string ("encoder", "Encoder",
      "Encoder factory: x264enc (default), x265enc, openh264enc, vp8enc or "
      "jpegenc; its bitrate is set in its own units and it is tuned for live "
      "use; the child is named \"encoder\"", DEFAULT_ENCODER,
      rw | GST_PARAM_MUTABLE_READY);

  /**
   * CgQualityLadder:mode:
   *
   * auto: automatic triggers and manual requests; manual: manual requests
   * only.
   *
   * Since: 0.1
   */
  properties[PROP_MODE] = g_param_spec_enum ("mode", "Mode",
      "auto: step on QoS, queue level, lateness, available-bitrate and "
      "packet-loss; manual: only step-down/step-up/set-step and the step "
      "property", CG_TYPE_QUALITY_LADDER_MODE, DEFAULT_MODE,
      rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:step:
   *
   * The requested step (0 = first step of the ladder). Writing it is the same
   * as #CgQualityLadder::set-step; reading gives the step requested last
   * (the one being switched to). Out of range values are rejected with a
   * warning.
   *
   * Since: 0.1
   */
  properties[PROP_STEP] = g_param_spec_int ("step", "Step",
      "Requested ladder step (0 = best); applied at the next frame; out of "
      "range values are rejected with a warning", 0, G_MAXINT, 0,
      rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:current-step:
   *
   * The step the encoder is producing now (-1 before the first frame).
   * Notified, from the streaming thread, when a step takes effect.
   *
   * Since: 0.1
   */
  properties[PROP_CURRENT_STEP] = g_param_spec_int ("current-step",
      "Current step", "Ladder step in effect (-1 before the first frame); "
      "notified when a step takes effect", -1, CG_LADDER_MAX_STEPS - 1, -1,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * CgQualityLadder:available-bitrate:
   *
   * External bandwidth estimate in kbit/s (0 = unknown), e.g. from RTCP
   * receiver reports, SRT statistics or the gateway.
   *
   * Since: 0.1
   */
  properties[PROP_AVAILABLE_BITRATE] = g_param_spec_uint ("available-bitrate",
      "Available bitrate", "External bandwidth estimate in kbit/s (0 = "
      "unknown): below the current step's bitrate is pressure", 0, G_MAXUINT,
      0, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:packet-loss:
   *
   * External packet loss estimate, 0..1.
   *
   * Since: 0.1
   */
  properties[PROP_PACKET_LOSS] = g_param_spec_double ("packet-loss",
      "Packet loss", "External packet loss fraction 0..1: above "
      "loss-threshold is pressure; stepping up needs less than 0.02", 0.0, 1.0,
      0.0, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:down-reaction:
   *
   * How long pressure must last before stepping down, in ns.
   *
   * Since: 0.1
   */
  properties[PROP_DOWN_REACTION] = g_param_spec_uint64 ("down-reaction",
      "Down reaction", "Sustained pressure needed before a step down (ns, "
      "element clock)", 0, G_MAXUINT64, DEFAULT_DOWN_REACTION,
      rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:up-hold:
   *
   * How long headroom must last before stepping up, in ns.
   *
   * Since: 0.1
   */
  properties[PROP_UP_HOLD] = g_param_spec_uint64 ("up-hold", "Up hold",
      "Continuous headroom needed before a step up (ns, element clock)", 0,
      G_MAXUINT64, DEFAULT_UP_HOLD, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:up-margin:
   *
   * Headroom factor: step up only while available-bitrate is at least this
   * times the bitrate of the next step up.
   *
   * Since: 0.1
   */
  properties[PROP_UP_MARGIN] = g_param_spec_double ("up-margin", "Up margin",
      "Step up only if available-bitrate >= up-margin x the next step's "
      "bitrate", 1.0, 10.0, DEFAULT_UP_MARGIN, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:block-time:
   *
   * No step up for this long after a step down (ns); doubled after each
   * failed probe, up to 64 times.
   *
   * Since: 0.1
   */
  properties[PROP_BLOCK_TIME] = g_param_spec_uint64 ("block-time",
      "Block time", "No step up for this long after a step down (ns); "
      "doubled after each failed up-probe, up to 64x", 0, G_MAXUINT64,
      DEFAULT_BLOCK_TIME, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:loss-threshold:
   *
   * Packet loss above which is pressure.
   *
   * Since: 0.1
   */
  properties[PROP_LOSS_THRESHOLD] = g_param_spec_double ("loss-threshold",
      "Loss threshold", "Packet loss fraction above which is pressure", 0.0,
      1.0, DEFAULT_LOSS_THRESHOLD, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:queue-threshold:
   *
   * Fill fraction of the internal queue (by time) at which is pressure;
   * stepping up needs less than half of it.
   *
   * Since: 0.1
   */
  properties[PROP_QUEUE_THRESHOLD] = g_param_spec_double ("queue-threshold",
      "Queue threshold", "Internal queue fill (current-level-time / "
      "queue-time) at which is pressure", 0.0, 1.0, DEFAULT_QUEUE_THRESHOLD,
      rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:queue-time:
   *
   * max-size-time of the internal queue in front of the scaler (ns).
   *
   * Since: 0.1
   */
  properties[PROP_QUEUE_TIME] = g_param_spec_uint64 ("queue-time",
      "Queue time", "Maximum time buffered by the internal queue in front of "
      "the encoder (ns)", 1, G_MAXUINT64, DEFAULT_QUEUE_TIME,
      rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:max-lateness:
   *
   * Encoded buffers later than this against the clock are pressure (ns;
   * 0 disables the lateness trigger, e.g. for non-live transcoding).
   *
   * Since: 0.1
   */
  properties[PROP_MAX_LATENESS] = g_param_spec_uint64 ("max-lateness",
      "Max lateness", "Encoder output later than this (running time vs "
      "clock, ns) is pressure; 0 disables", 0, G_MAXUINT64,
      DEFAULT_MAX_LATENESS, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:key-int-max:
   *
   * Keyframe interval in frames given to the encoder when it is created.
   *
   * Since: 0.1
   */
  properties[PROP_KEY_INT_MAX] = g_param_spec_uint ("key-int-max",
      "Keyframe interval", "Maximum frames between keyframes, set on the "
      "encoder (key-int-max, gop-size or keyframe-max-dist)", 1, G_MAXINT,
      DEFAULT_KEY_INT_MAX, rw | GST_PARAM_MUTABLE_READY);

  /**
   * CgQualityLadder:statistics:
   *
   * `application/x-camguard-qualityladder-stats`: steps-down, steps-up
   * (guint64), current-step (int), current-step-name, current-width,
   * current-height, current-bitrate (kbit/s), qos-events (guint64),
   * queue-fill and queue-fill-max (double, fraction of queue-time), latency
   * (ms), and `time-per-step`, a structure with
   * the time spent at each step (ns, element clock) keyed by step name.
   *
   * Since: 0.1
   */
  properties[PROP_STATISTICS] = g_param_spec_boxed ("statistics",
      "Statistics", "Steps down/up, current step, QoS events, queue fill, "
      "latency and time-per-step (ns by step name)", GST_TYPE_STRUCTURE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (gobject_class, N_PROPERTIES, properties);

  /**
   * CgQualityLadder::step-down:
   * @ladder: the element
   *
   * Go one step down now (no reaction time).
   *
   * Returns: %FALSE when already at the lowest step.
   *
   * Since: 0.1
   */
  signals[SIGNAL_STEP_DOWN] = g_signal_new_class_handler ("step-down",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (cg_quality_ladder_step_down), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 0);

  /**
   * CgQualityLadder::step-up:
   * @ladder: the element
   *
   * Go one step up now (no hold time).
   *
   * Returns: %FALSE when already at the best usable step.
   *
   * Since: 0.1
   */
  signals[SIGNAL_STEP_UP] = g_signal_new_class_handler ("step-up",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (cg_quality_ladder_step_up), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 0);

  /**
   * CgQualityLadder::set-step:
   * @ladder: the element
   * @step: the step index (0 = best)
   *
   * Go to @step now. A step that would upscale the input selects the best
   * usable step.
   *
   * Returns: %FALSE (and a WARNING with camguard-code VALIDATION_ERROR) when
   *   @step is out of range.
   *
   * Since: 0.1
   */
  signals[SIGNAL_SET_STEP] = g_signal_new_class_handler ("set-step",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (cg_quality_ladder_set_step), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 1, G_TYPE_INT);

  gst_element_class_set_static_metadata (element_class, "Quality ladder",
      "Codec/Encoder/Video",
      "Encodes raw video and steps resolution and bitrate down and up a "
      "ladder on QoS, queue level, lateness, bandwidth and loss, without "
      "restarting the pipeline", "camguard <dev@camguard.invalid>");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (cg_quality_ladder_change_state);
  element_class->set_clock = GST_DEBUG_FUNCPTR (cg_quality_ladder_set_clock);

  gst_type_mark_as_plugin_api (CG_TYPE_QUALITY_LADDER_MODE, 0);
}
