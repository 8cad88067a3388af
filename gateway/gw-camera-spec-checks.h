/* camguard-gateway - the checks of single camera spec values
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-camera-spec.h"

G_BEGIN_DECLS

/* Each returns what is wrong with @value for @spec, or NULL. */
#define GW_SPEC_CHECK(what) gchar *gw_spec_check_##what \
    (const GwCameraSpec * spec, const gchar * value, \
    const GwSpecPolicy * policy)

GW_SPEC_CHECK (pattern);
GW_SPEC_CHECK (device);
GW_SPEC_CHECK (format);
GW_SPEC_CHECK (uri);
GW_SPEC_CHECK (transport);
GW_SPEC_CHECK (mode);
GW_SPEC_CHECK (ladder);
GW_SPEC_CHECK (description);

G_END_DECLS
