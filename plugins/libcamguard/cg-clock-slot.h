/* camguard - the clock of a CgBackoff or CgCircuitBreaker (private)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

G_GNUC_INTERNAL
void cg_clock_slot_set (GMutex * lock, GstClock ** slot,
    GstClock * clock);
G_GNUC_INTERNAL
GstClock *cg_clock_slot_get (GMutex * lock, GstClock ** slot);

G_END_DECLS
