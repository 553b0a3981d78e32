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

# fgm_glob_library(NAME n GLOBS a/*.cc ... DEPS ... [PRIVATE_DEPS ...] [ITEST_TIMEOUT s])
# One library folder (or part of one) whose sources are found by glob, so adding a file needs no
# CMake edit: *_integration_test.cc -> n_integration_test (label integration, real cgroups/root),
# other *_test.cc -> n_test (label unit), *_benchmark.cc and *_fuzz.cc are left to bench/ and
# fuzz/, everything else -> library fgm_n (alias fgm::n).
function(fgm_glob_library)
  cmake_parse_arguments(G "" "NAME;ITEST_TIMEOUT" "GLOBS;DEPS;PRIVATE_DEPS" ${ARGN})
  set(globs "")
  foreach(g ${G_GLOBS})
    list(APPEND globs ${CMAKE_CURRENT_SOURCE_DIR}/${g})
  endforeach()
  file(GLOB all_srcs CONFIGURE_DEPENDS ${globs})
  set(srcs "")
  set(tests "")
  set(itests "")
  foreach(f ${all_srcs})
    if(f MATCHES "_integration_test\\.cc$")
      list(APPEND itests ${f})
    elseif(f MATCHES "_test\\.cc$")
      list(APPEND tests ${f})
    elseif(NOT f MATCHES "_(benchmark|fuzz)\\.cc$")
      list(APPEND srcs ${f})
    endif()
  endforeach()
  fgm_cc_library(NAME ${G_NAME} SRCS ${srcs} DEPS ${G_DEPS} PRIVATE_DEPS ${G_PRIVATE_DEPS})
  if(tests)
    fgm_cc_test(NAME ${G_NAME}_test SRCS ${tests} DEPS fgm::${G_NAME} LABELS unit)
  endif()
  if(itests)
    if(NOT G_ITEST_TIMEOUT)
      set(G_ITEST_TIMEOUT 300)
    endif()
    fgm_cc_test(NAME ${G_NAME}_integration_test SRCS ${itests} DEPS fgm::${G_NAME}
                LABELS integration TIMEOUT ${G_ITEST_TIMEOUT})
  endif()
endfunction()
