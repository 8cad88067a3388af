/* camguard - retrysrc: what its files share (internal)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <camguard.h>

#include "cgretrysrc.h"
#include "cgretrysrc-fallback.h"
#include "cgretrysrc-output.h"
#include "cgretrysrc-source.h"
#include "cgretrysrc-watchdog.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (cg_retry_src_debug);

#define DEFAULT_TIMEOUT 5000
#define DEFAULT_EOS_IS_FAILURE TRUE
#define DEFAULT_FALLBACK CG_RETRY_SRC_FALLBACK_NONE
#define DEFAULT_FALLBACK_INTERVAL (GST_SECOND / 10)

enum
{
  PROP_0,
  PROP_SOURCE_DESCRIPTION,
  PROP_URI,
  PROP_DECODE,
  PROP_SOURCE,
  PROP_TIMEOUT,
  PROP_EOS_IS_FAILURE,
  /* forwarded to the backoff */
  PROP_MAX_ATTEMPTS,
  PROP_MAX_OUTAGE,
  PROP_STABLE_PERIOD,
  PROP_INITIAL_DELAY,
  PROP_MULTIPLIER,
  PROP_MAX_DELAY,
  PROP_JITTER,
  PROP_SEED,
  PROP_BREAKER_THRESHOLD,
  PROP_BREAKER_OPEN_TIME,
  PROP_FALLBACK_MODE,
  PROP_STATUS,
  PROP_STATISTICS,
  N_PROPERTIES
};


/* What the properties set. Object lock. */
typedef struct
{
  gchar *description;
  gchar *uri;
  gboolean decode;
  GstElement *user_source;
  guint timeout_ms;
  gboolean eos_is_failure;
  CgRetrySrcFallback fallback;
} Settings;

/* What the element is doing. Object lock. */
typedef struct
{
  CgRetrySrcStatus status;
  CgRetrySrcSource *current;    /* the running instance (a child) or NULL */
  guint generation;             /* of the last instance built */
  gboolean delivered;           /* the current instance delivered a buffer */
  GstClockID delay_id;          /* the pending backoff or breaker delay */
  CgError *last_error;          /* the last failure */
  GError *last_gerror;          /* its GStreamer error, if any */
  CgOutput output;
} State;

/* Counters of the element itself; the backoff and the breaker keep the
 * outages and attempts. Object lock. */
typedef struct
{
  guint64 sources_started;
  guint64 fallback_frames;
} Stats;

struct _CgRetrySrc
{
  GstBin parent;

  GstPad *srcpad;               /* ghost pad, always there */
  GstPad *internal;             /* its internal pad: our chain and event */

  /* thread-safe themselves; only their settings are touched under the
   * object lock */
  CgBackoff *backoff;
  CgCircuitBreaker *breaker;
  CgWatchdog *watchdog;
  CgFallback *fallback;

  GMutex source_lock;           /* serialises building, tearing down and
                                 * state changes of the source; never taken
                                 * on a streaming thread */
  GMutex link_lock;             /* serialises retargeting the ghost pad */

  Settings settings;
  State state;
  Stats stats;
};

/* An event of the state machine. */
typedef struct
{
  const gchar *reason;
  CgRetrySrcSource *source;     /* the instance it concerns; NULL: any */
  CgError *error;               /* failing, waiting, circuit-open, failed */
  const GError *gerror;
  GstClockTime delay;           /* waiting, circuit-open */
  GstClockID delay_id;          /* starting from a delay: that delay */
  guint attempt;                /* waiting, circuit-open, failed */
  gboolean push_eos;            /* ended: EOS must be sent on */
} Event;

/* cgretrysrc-machine.c: the state machine */
gboolean cg_retry_src_transition (CgRetrySrc * self, CgRetrySrcStatus to,
    const Event * ev);
void cg_retry_src_failure (CgRetrySrc * self, CgRetrySrcSource * source,
    CgError * error, const GError * gerror);

/* cgretrysrc.c */
GstClockTime cg_retry_src_running_time (CgRetrySrc * self);
void cg_retry_src_notify_status (CgRetrySrc * self);
GstClock *cg_retry_src_get_clock (CgRetrySrc * self);
void cg_retry_src_post_error (CgRetrySrc * self, CgError * error,
    const GError * gerror, GQuark domain, gint code, gchar * text,
    GstStructure * extra);

/* cgretrysrc-source.c: instances, as retrysrc starts and stops them */
gboolean cg_retry_src_check_source (CgRetrySrc * self);
void cg_retry_src_start_source (CgRetrySrc * self, guint generation);
void cg_retry_src_teardown (CgRetrySrc * self);
void cg_retry_src_sync_source_state (CgRetrySrc * self);

/* cgretrysrc-output.c: the data path on the ghost pad's internal pad */
void cg_retry_src_setup_pads (CgRetrySrc * self);
GstClockTime cg_retry_src_fallback_pts (CgRetrySrc * self,
    GstClockTime duration, gboolean commit);

/* cgretrysrc-properties.c */
void cg_retry_src_install_properties (GObjectClass * klass);
void cg_retry_src_settings_init (CgRetrySrc * self);
void cg_retry_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
void cg_retry_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);

G_END_DECLS
