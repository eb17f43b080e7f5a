# Finds V8 10.2 as exported by Debian's libnode (libnode-dev): the system package, or the copy
# that scripts/bootstrap unpacks into third_party/libnode. Defines the imported target LibNode::V8.
# Headers and library must come from the same root: NodeSource's nodejs also ships
# /usr/include/node (a different V8) without a libnode.so to match.
foreach(_root "${PROJECT_SOURCE_DIR}/third_party/libnode/usr" "/usr")
  if(EXISTS "${_root}/include/node/v8-version.h" AND EXISTS "${_root}/lib/x86_64-linux-gnu/libnode.so.108")
    set(LibNode_INCLUDE_DIR "${_root}/include/node" CACHE PATH "V8 headers from libnode-dev")
    set(LibNode_LIBRARY "${_root}/lib/x86_64-linux-gnu/libnode.so.108" CACHE FILEPATH "libnode")
    break()
  endif()
endforeach()

if(LibNode_INCLUDE_DIR AND EXISTS "${LibNode_INCLUDE_DIR}/v8-version.h")
  file(STRINGS "${LibNode_INCLUDE_DIR}/v8-version.h" _v8_lines REGEX "#define V8_(MAJOR|MINOR)_VERSION")
  string(REGEX REPLACE ".*MAJOR_VERSION ([0-9]+).*MINOR_VERSION ([0-9]+).*" "\\1.\\2" LibNode_V8_VERSION "${_v8_lines}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibNode
  REQUIRED_VARS LibNode_LIBRARY LibNode_INCLUDE_DIR
  VERSION_VAR LibNode_V8_VERSION
  FAIL_MESSAGE "V8 10.2 (Debian libnode-dev) not found: run scripts/bootstrap")

if(LibNode_FOUND AND NOT TARGET LibNode::V8)
  add_library(LibNode::V8 SHARED IMPORTED)
  # Imported targets' headers are SYSTEM includes: V8's warnings never trip our -Werror.
  # Debian builds V8 without pointer compression or the sandbox; the headers need no defines.
  # Debian installs v8-fast-api-calls.h only with the full V8 tree under include/nodejs/.
  get_filename_component(_libnode_include_root "${LibNode_INCLUDE_DIR}" DIRECTORY)
  set(_v8_full_include "${_libnode_include_root}/nodejs/deps/v8/include")
  set_target_properties(LibNode::V8 PROPERTIES
    IMPORTED_LOCATION "${LibNode_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LibNode_INCLUDE_DIR};${_v8_full_include}")
endif()
mark_as_advanced(LibNode_INCLUDE_DIR LibNode_LIBRARY)
