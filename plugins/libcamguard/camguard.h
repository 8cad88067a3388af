/* camguard - libcamguard umbrella header
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "cg-catalogue.h"
#include "cg-enumtypes.h"
#include "cg-error.h"
#include "cg-json-writer.h"
#include "cg-render.h"
#include "cg-redact.h"
#include "cg-details.h"
#include "cg-backoff.h"
#include "cg-circuit-breaker.h"
#include "cg-classifier.h"
#include "cg-snapshot.h"
#include "cg-ladder.h"
