/* camguard - retrysrc: the stall watchdog (internal)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _CgWatchdog CgWatchdog;

/* Called on the clock's thread, with no lock of the caller held, when no
 * buffer came for the whole timeout. */
typedef void (*CgWatchdogFunc) (gpointer user_data);

CgWatchdog *cg_watchdog_new (CgWatchdogFunc func, gpointer user_data);
void cg_watchdog_free (CgWatchdog * watchdog);

void cg_watchdog_start (CgWatchdog * watchdog, GstClock * clock,
    GstClockTime timeout);
void cg_watchdog_stop (CgWatchdog * watchdog);
void cg_watchdog_feed (CgWatchdog * watchdog);

G_END_DECLS
