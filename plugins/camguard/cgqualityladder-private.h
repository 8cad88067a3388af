/* camguard - qualityladder: the instance, shared by its files
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include "cg-catalogue.h"
#include "cg-ladder.h"
#include "cgqualityladder.h"
#include "cgqualityladder-decide.h"
#include "cgqualityladder-encoders.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (cg_quality_ladder_debug);

/* property defaults */
#define CG_LADDER_DEFAULT_ENCODER "x264enc"
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

/* What the properties set. Object lock. */
typedef struct
{
  CgLadder *ladder;
  gchar *encoder_name;
  CgQualityLadderMode mode;
  guint available_kbps;         /* 0: unknown */
  gdouble packet_loss;
  CgLadderPolicy policy;        /* the hysteresis properties */
  GstClockTime queue_time;
  guint key_int_max;
  /* rejected settings not replaced by a valid value since: one field per
   * property, each holding the details of its WARNING; the first fails
   * the next start */
  GstStructure *rejected;
} Settings;

/* One rung fitted to the input. */
typedef struct
{
  gint width;
  gint height;
} RungSize;

/* What the element is doing. Object lock, except where noted. */
typedef struct
{
  const CgLadderEncoder *encoder;       /* row of the encoder child */
  /* the input, from the caps reaching the scaler */
  gboolean have_input;
  gint in_w, in_h, par_n, par_d, fps_n, fps_d;
  /* the ladder fitted to the input */
  CgLadderRungFit fit[CG_LADDER_MAX_RUNGS];
  RungSize size[CG_LADDER_MAX_RUNGS];
  /* the steps */
  gint target_step;             /* requested; the capsfilter has its caps */
  gint current_step;            /* at the encoder; -1 before the first frame */
  CgLadderReason target_reason;
  gboolean force_apply;         /* re-apply the target (new input/ladder) */
  gint bitrate_step;            /* step whose bitrate the encoder has */
  GstClockTime step_entered;
  CgLadderHold hold;
  /* signals since the last tick */
  guint qos_events;
  gdouble qos_max_proportion;
  GstClockTimeDiff qos_jitter_sum;
  GstClockTime qos_last;
  gdouble last_jitter_ms;
  gboolean lateness_seen;
  GstClockTimeDiff lateness_max;
  gdouble last_latency_ms;
  GstClockTime upstream_latency;        /* min latency of a live upstream */
  GstClockID tick_id;
  /* encoder pads, streaming threads only (no lock) */
  gint enc_w, enc_h;
  GstSegment enc_segment;
  /* clock thread only (no lock) */
  guint ticks;
} State;

/* Counters, only read through the statistics property. Object lock. */
typedef struct
{
  guint64 steps_down;
  guint64 steps_up;
  guint64 qos_events;
  gdouble queue_fill;
  gdouble queue_fill_max;
  GstClockTime time_in_step[CG_LADDER_MAX_RUNGS];
} Stats;

struct _CgQualityLadder
{
  GstBin parent;

  /* children: created in init; the encoder is replaced in NULL/READY only,
   * from set_property */
  GstElement *queue;
  GstElement *scale;
  GstElement *filter;
  GstElement *encoder;
  GstPad *sinkpad;
  GstPad *srcpad;

  Settings settings;
  State state;
  Stats stats;
};

/* What a setting change does once the object lock is released
 * (cgqualityladder-settings.c). */
typedef struct
{
  GstCaps *caps;                /* for the capsfilter */
  GstStructure *warning;        /* details of a rejected setting */
  const gchar *warning_text;    /* its text, a format taking the property */
  gchar *encoder;               /* the encoder factory to install */
  gboolean notify_step;
  gboolean reevaluate;          /* the external estimates changed */
  gboolean set_queue_time;
  GstClockTime queue_time;
  gboolean set_key_int_max;
  guint key_int_max;
} Effects;

/* cgqualityladder-properties.c */
void cg_quality_ladder_install_properties (GObjectClass * gobject_class);
void cg_quality_ladder_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
void cg_quality_ladder_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);

/* cgqualityladder-settings.c */
gboolean cg_quality_ladder_check_ready_locked (CgQualityLadder * self,
    Effects * fx, const gchar * prop, const GValue * value);
void cg_quality_ladder_set_ladder_locked (CgQualityLadder * self,
    const gchar * str, Effects * fx);
gboolean cg_quality_ladder_set_step_locked (CgQualityLadder * self, gint idx,
    gboolean remember, Effects * fx);
void cg_quality_ladder_set_encoder_locked (CgQualityLadder * self,
    const GValue * value, Effects * fx);
void cg_quality_ladder_apply_effects (CgQualityLadder * self, Effects * fx);
GstStructure *cg_quality_ladder_statistics_locked (CgQualityLadder * self,
    GstClockTime now);
gboolean cg_quality_ladder_check_settings (CgQualityLadder * self);
void cg_quality_ladder_init_settings (Settings * set);
gboolean cg_quality_ladder_set_step (CgQualityLadder * self, gint idx);
gboolean cg_quality_ladder_step_down (CgQualityLadder * self);
gboolean cg_quality_ladder_step_up (CgQualityLadder * self);

/* cgqualityladder-step.c */
void cg_quality_ladder_fit_locked (CgQualityLadder * self);
void cg_quality_ladder_reset_state (CgQualityLadder * self);
GstCaps *cg_quality_ladder_step_caps_locked (CgQualityLadder * self,
    gint idx);
GstCaps *cg_quality_ladder_request_step_locked (CgQualityLadder * self,
    gint idx, CgLadderReason reason, GstClockTime now);
void cg_quality_ladder_apply_caps (CgQualityLadder * self, GstCaps * caps);
GstClockTime cg_quality_ladder_now (CgQualityLadder * self);
void cg_quality_ladder_evaluate (CgQualityLadder * self, gboolean from_tick);
void cg_quality_ladder_start_ticks (CgQualityLadder * self);
void cg_quality_ladder_stop_ticks (CgQualityLadder * self);
gboolean cg_quality_ladder_install_encoder (CgQualityLadder * self,
    const gchar * factory, GError ** error);
void cg_quality_ladder_add_probes (CgQualityLadder * self);

G_END_DECLS
