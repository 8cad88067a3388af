/* camguard-gateway - the checks of single camera spec values
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-camera-spec.h"

G_BEGIN_DECLS

gchar *gw_spec_check_pattern (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy);
gchar *gw_spec_check_device (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy);
gchar *gw_spec_check_format (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy);
gchar *gw_spec_check_uri (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy);
gchar *gw_spec_check_transport (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy);
gchar *gw_spec_check_mode (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy);
gchar *gw_spec_check_ladder (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy);
gchar *gw_spec_check_description (const GwCameraSpec * spec, const gchar * value,
    const GwSpecPolicy * policy);

G_END_DECLS
