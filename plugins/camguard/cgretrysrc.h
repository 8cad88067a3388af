/* camguard - retrysrc: a camera source that survives errors, stalls and
 * restarts
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * CgRetrySrcStatus:
 * @CG_RETRY_SRC_STATUS_IDLE: not started (NULL or READY)
 * @CG_RETRY_SRC_STATUS_STARTING: a source was built and started; its first
 *   buffer is awaited
 * @CG_RETRY_SRC_STATUS_RUNNING: the source is producing buffers
 * @CG_RETRY_SRC_STATUS_FAILING: the source failed; it is being torn down
 *   and the backoff consulted
 * @CG_RETRY_SRC_STATUS_WAITING: waiting for the backoff delay to pass
 * @CG_RETRY_SRC_STATUS_CIRCUIT_OPEN: too many failures; waiting for the
 *   circuit breaker to allow a probe
 * @CG_RETRY_SRC_STATUS_FAILED: gave up
 * @CG_RETRY_SRC_STATUS_ENDED: the stream ended: EOS sent by the application,
 *   EOS returned by downstream, or EOS of a source with eos-is-failure=false
 *
 * Where a retrysrc is; the nicks are idle, starting, running, failing,
 * waiting, circuit-open, failed and ended.
 */
typedef enum
{
  CG_RETRY_SRC_STATUS_IDLE,
  CG_RETRY_SRC_STATUS_STARTING,
  CG_RETRY_SRC_STATUS_RUNNING,
  CG_RETRY_SRC_STATUS_FAILING,
  CG_RETRY_SRC_STATUS_WAITING,
  CG_RETRY_SRC_STATUS_CIRCUIT_OPEN,
  CG_RETRY_SRC_STATUS_FAILED,
  CG_RETRY_SRC_STATUS_ENDED,
} CgRetrySrcStatus;

/**
 * CgRetrySrcFallback:
 * @CG_RETRY_SRC_FALLBACK_NONE: push nothing while the source is away
 * @CG_RETRY_SRC_FALLBACK_LAST_FRAME: repeat the last raw video frame
 * @CG_RETRY_SRC_FALLBACK_BLACK: push black raw video frames
 * @CG_RETRY_SRC_FALLBACK_PATTERN: push colour bars (SMPTE), the picture
 *   every video engineer reads as "no signal"
 *
 * What retrysrc pushes while its source is away (raw video only); the nicks
 * are none, last-frame, black and pattern.
 */
typedef enum
{
  CG_RETRY_SRC_FALLBACK_NONE,
  CG_RETRY_SRC_FALLBACK_LAST_FRAME,
  CG_RETRY_SRC_FALLBACK_BLACK,
  CG_RETRY_SRC_FALLBACK_PATTERN,
} CgRetrySrcFallback;

GType cg_retry_src_status_get_type (void);
#define CG_TYPE_RETRY_SRC_STATUS (cg_retry_src_status_get_type ())

GType cg_retry_src_fallback_get_type (void);
#define CG_TYPE_RETRY_SRC_FALLBACK (cg_retry_src_fallback_get_type ())

#define CG_TYPE_RETRY_SRC (cg_retry_src_get_type ())
G_DECLARE_FINAL_TYPE (CgRetrySrc, cg_retry_src, CG, RETRY_SRC, GstBin)

G_END_DECLS
