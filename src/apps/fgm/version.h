// SPDX-License-Identifier: Apache-2.0
#pragma once
#define FGM_VERSION_STRING FGM_PROJECT_VERSION
