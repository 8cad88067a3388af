/* camguard - faultinject: inject faults into a stream for tests and drills
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * CgFaultType:
 * @CG_FAULT_NONE: no fault; buffers pass untouched
 * @CG_FAULT_ERROR: post an ERROR message and return %GST_FLOW_ERROR
 * @CG_FAULT_WARNING: post a WARNING message; the buffer passes
 * @CG_FAULT_DROP: drop buffers for #CgFaultInject:duration
 * @CG_FAULT_DELAY: hold buffers for #CgFaultInject:delay on the clock
 * @CG_FAULT_STALL: block the streaming thread (connected but no data)
 * @CG_FAULT_CORRUPT: overwrite bytes of buffers, reproducibly from the seed
 * @CG_FAULT_EOS: send EOS downstream and drop every later buffer
 * @CG_FAULT_FLOW_ERROR: drop the buffer and return #CgFaultInject:flow-return
 *
 * What the faultinject element does when its trigger fires.
 */
typedef enum
{
  CG_FAULT_NONE,
  CG_FAULT_ERROR,
  CG_FAULT_WARNING,
  CG_FAULT_DROP,
  CG_FAULT_DELAY,
  CG_FAULT_STALL,
  CG_FAULT_CORRUPT,
  CG_FAULT_EOS,
  CG_FAULT_FLOW_ERROR,
} CgFaultType;

/**
 * CgFaultErrorDomain:
 * @CG_FAULT_ERROR_DOMAIN_CORE: %GST_CORE_ERROR
 * @CG_FAULT_ERROR_DOMAIN_LIBRARY: %GST_LIBRARY_ERROR
 * @CG_FAULT_ERROR_DOMAIN_RESOURCE: %GST_RESOURCE_ERROR
 * @CG_FAULT_ERROR_DOMAIN_STREAM: %GST_STREAM_ERROR
 *
 * The GStreamer error domain of an injected ERROR or WARNING.
 */
typedef enum
{
  CG_FAULT_ERROR_DOMAIN_CORE,
  CG_FAULT_ERROR_DOMAIN_LIBRARY,
  CG_FAULT_ERROR_DOMAIN_RESOURCE,
  CG_FAULT_ERROR_DOMAIN_STREAM,
} CgFaultErrorDomain;

/**
 * CgFaultDurationFormat:
 * @CG_FAULT_DURATION_BUFFERS: #CgFaultInject:duration counts buffers
 * @CG_FAULT_DURATION_TIME: #CgFaultInject:duration is in nanoseconds
 *
 * The unit of #CgFaultInject:duration.
 */
typedef enum
{
  CG_FAULT_DURATION_BUFFERS,
  CG_FAULT_DURATION_TIME,
} CgFaultDurationFormat;

GType cg_fault_type_get_type (void);
#define CG_TYPE_FAULT_TYPE (cg_fault_type_get_type ())
GType cg_fault_error_domain_get_type (void);
#define CG_TYPE_FAULT_ERROR_DOMAIN (cg_fault_error_domain_get_type ())
GType cg_fault_duration_format_get_type (void);
#define CG_TYPE_FAULT_DURATION_FORMAT (cg_fault_duration_format_get_type ())

#define CG_TYPE_FAULT_INJECT (cg_fault_inject_get_type ())
G_DECLARE_FINAL_TYPE (CgFaultInject, cg_fault_inject, CG, FAULT_INJECT,
    GstElement)

G_END_DECLS
