# SPDX-License-Identifier: Apache-2.0
# Helpers in the style of absl_cc_library: every library is fgm_<name> with alias fgm::<name>,
# include paths start at src/, and each test binary carries a ctest label.
include(GoogleTest)

# fgm_cc_library(NAME n SRCS a.cc ... DEPS fgm::core ... [PUBLIC_DEPS ...])
function(fgm_cc_library)
  cmake_parse_arguments(L "" "NAME" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  if(NOT L_SRCS)  # header-only
    add_library(fgm_${L_NAME} INTERFACE)
    target_include_directories(fgm_${L_NAME} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(fgm_${L_NAME} INTERFACE ${L_DEPS})
  else()
    add_library(fgm_${L_NAME} STATIC ${L_SRCS})
    target_include_directories(fgm_${L_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(fgm_${L_NAME} PUBLIC ${L_DEPS} PRIVATE ${L_PRIVATE_DEPS})
  endif()
  add_library(fgm::${L_NAME} ALIAS fgm_${L_NAME})
endfunction()

# fgm_cc_test(NAME n SRCS a_test.cc ... DEPS ... LABELS unit|integration|conformance|e2e [TIMEOUT s])
function(fgm_cc_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  # The sanitizer build runs only unit tests (`make test`); not building the others saves minutes.
  if(FGM_SANITIZE AND NOT "unit" IN_LIST T_LABELS)
    return()
  endif()
  add_executable(${T_NAME} ${T_SRCS})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${T_NAME} PRIVATE FGM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(${T_NAME}
    PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    DISCOVERY_TIMEOUT 60)
endfunction()
