/* camguard - element registration declarations
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

GST_ELEMENT_REGISTER_DECLARE (qualityladder);
GST_ELEMENT_REGISTER_DECLARE (faultinject);
GST_ELEMENT_REGISTER_DECLARE (retrysrc);
GST_ELEMENT_REGISTER_DECLARE (snapshottap);

G_END_DECLS
