/* camguard - the gstcamguard plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstcamguardelements.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  /* One line per element, so that parallel work merges cleanly. */
  GST_ELEMENT_REGISTER (qualityladder, plugin);
  GST_ELEMENT_REGISTER (faultinject, plugin);
  GST_ELEMENT_REGISTER (retrysrc, plugin);
  GST_ELEMENT_REGISTER (snapshottap, plugin);

  return TRUE;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, camguard,
    "camguard: camera pipelines that survive the real world (retry on error, "
    "quality ladder, snapshot tap, fault injection)",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
