/* camguard - CgCircuitBreaker
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * CgBreakerState:
 * @CG_BREAKER_CLOSED: attempts are allowed; failures are counted
 * @CG_BREAKER_OPEN: attempts are refused until the open duration has passed
 * @CG_BREAKER_HALF_OPEN: a limited number of probe attempts are allowed
 *
 * State of a #CgCircuitBreaker.
 */
typedef enum {
  CG_BREAKER_CLOSED,
  CG_BREAKER_OPEN,
  CG_BREAKER_HALF_OPEN,
} CgBreakerState;

#define CG_TYPE_CIRCUIT_BREAKER (cg_circuit_breaker_get_type ())
G_DECLARE_FINAL_TYPE (CgCircuitBreaker, cg_circuit_breaker, CG,
    CIRCUIT_BREAKER, GObject)

CgCircuitBreaker *cg_circuit_breaker_new (void);

void cg_circuit_breaker_set_clock (CgCircuitBreaker * breaker,
    GstClock * clock);
GstClock *cg_circuit_breaker_get_clock (CgCircuitBreaker * breaker);

gboolean cg_circuit_breaker_allow (CgCircuitBreaker * breaker);
void cg_circuit_breaker_record_success (CgCircuitBreaker * breaker);
void cg_circuit_breaker_record_failure (CgCircuitBreaker * breaker);
void cg_circuit_breaker_reset (CgCircuitBreaker * breaker);

CgBreakerState cg_circuit_breaker_get_state (CgCircuitBreaker * breaker);
GstClockTime cg_circuit_breaker_get_retry_after (CgCircuitBreaker * breaker);
GstStructure *cg_circuit_breaker_get_statistics (CgCircuitBreaker * breaker);
const gchar *cg_breaker_state_to_string (CgBreakerState state);

G_END_DECLS
