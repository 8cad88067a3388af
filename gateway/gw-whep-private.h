/* camguard-gateway - one WHEP viewer (private to gw-whep*.c)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <camguard.h>

#include "gw-fanout.h"
#include "gw-whep-sdp.h"

G_BEGIN_DECLS

typedef struct _GwWhepViewer GwWhepViewer;

/* What the receiver reports said last (copied out under the viewer's
 * lock). */
typedef struct
{
  gboolean have_rb;             /* a receiver report came at all */
  guint ext_seq;                /* its extended highest sequence number */
  guint feedback;               /* PLI + NACK + FIR received from it */
  gint64 advanced_us;           /* monotonic time ext_seq or feedback last
                                 * changed: the receiver was there */
  gdouble fraction_lost;        /* 0..1, of the last report */
  gdouble loss;                 /* fraction lost, averaged over reports */
  gdouble jitter_s;
  gdouble rtt_s;
  guint64 packets_sent;
} GwWhepLink;

/* Called on the main context. */
typedef struct
{
  void (*answered) (GwWhepViewer * viewer, const gchar * sdp, gpointer data);
  void (*failed) (GwWhepViewer * viewer, CgError * error, gpointer data);
  gpointer data;
} GwWhepViewerCallbacks;

GwWhepViewer *gw_whep_viewer_start (const gchar * camera_id,
    const GwWhepOffer * offer, const gchar * ice_address,
    guint timeout_ms, const GwWhepViewerCallbacks * callbacks,
    CgError ** error);
const gchar *gw_whep_viewer_get_id (GwWhepViewer * viewer);
const gchar *gw_whep_viewer_get_camera_id (GwWhepViewer * viewer);
gint64 gw_whep_viewer_get_answered_us (GwWhepViewer * viewer);
void gw_whep_viewer_feed (GwWhepViewer * viewer, GwFanout * fanout);
void gw_whep_viewer_poll_stats (GwWhepViewer * viewer);
void gw_whep_viewer_get_link (GwWhepViewer * viewer, GwWhepLink * link);
void gw_whep_viewer_close (GwWhepViewer * viewer, GThreadPool * stopper);
void gw_whep_viewer_stop_func (gpointer data, gpointer user_data);

G_END_DECLS
