/* camguard - qualityladder tests: the shared harness (GstHarness +
 * GstTestClock)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef CG_QUALITYLADDER_HARNESS_H
#define CG_QUALITYLADDER_HARNESS_H

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>

#include "cg-catalogue.h"

G_BEGIN_DECLS

#define SMALL_LADDER "360p:800,180p:300,90p:100"
#define TICK (100 * GST_MSECOND)
#define IN_CAPS "video/x-raw,format=I420,width=640,height=360," \
    "framerate=10/1,pixel-aspect-ratio=1/1"

/* A qualityladder (ladder SMALL_LADDER) in a harness on a test clock,
 * its own bus, and what the last pulled frame looked like. */
typedef struct
{
  GstHarness *h;
  GstElement *ladder;
  GstBus *bus;
  GstClockTime next_pts;
  gboolean qos_late;            /* push a late QoS event after every frame */
  guint frames;
  GstCaps *last_caps;
  gboolean last_keyframe;
} Ctx;

gboolean have_factory (const gchar * name);
void ctx_init (Ctx * c, const gchar * encoder, const gchar * extra);
void ctx_clear (Ctx * c);
GstClockTime now (Ctx * c);
gint current_step (Ctx * c);
void push_frame (Ctx * c);
void run_ticks (Ctx * c, guint n, guint every);
void last_size (Ctx * c, gint * w, gint * h);
GstStructure *pop_quality_message (Ctx * c);
GstStructure *pop_warning_details (Ctx * c);
void assert_code (const GstStructure * details, CgCode expected);
guint64 stat_u64 (Ctx * c, const gchar * field);

G_END_DECLS

#endif /* CG_QUALITYLADDER_HARNESS_H */
