# wangban_add_plugin_test(): a doctest program that boots a real kernel with your plugins.
#
#   wangban_add_plugin_test(NAME greeting_test SOURCES tests/greeting_test.cpp PLUGINS greeting)
#
# The test includes <wangban/testing/kernel_process.hpp> and starts the kernel
# with KernelProcess; WANGBAN_BIN and WANGBAN_PLUGIN_DIR are set for it, so
# KernelOptions' defaults find the kernel and the freshly built plugins.
include_guard(GLOBAL)

function(wangban_add_plugin_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;PLUGINS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  if(TARGET Wangban::testing)
    target_link_libraries(${T_NAME} PRIVATE Wangban::testing)
    set(kernel_bin $<TARGET_FILE:wangban>)
  else()
    target_link_libraries(${T_NAME} PRIVATE WangbanSDK::testing)
    set(kernel_bin ${WANGBAN_SDK_KERNEL})
  endif()
  foreach(p IN LISTS T_PLUGINS)
    add_dependencies(${T_NAME} wangban-plugin-${p})
  endforeach()
  set(plugin_dir ${WANGBAN_PLUGIN_OUTPUT_DIRECTORY})
  if(NOT plugin_dir)
    set(plugin_dir ${CMAKE_BINARY_DIR}/plugins)
  endif()
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set_tests_properties(${T_NAME} PROPERTIES
    ENVIRONMENT "WANGBAN_BIN=${kernel_bin};WANGBAN_PLUGIN_DIR=${plugin_dir}")
endfunction()
