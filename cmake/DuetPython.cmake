# Debian's CPython 3.11 under /usr, never a pyenv build on PATH. Defines the target Duet::Python.
# DUET_PYTHON_STATIC links libpython3.11.a the way /usr/bin/python3.11 is linked (non-PIC, in a
# non-PIE executable), so the embedded interpreter runs exactly as fast as the standalone one.
option(DUET_PYTHON_STATIC "Link CPython statically like /usr/bin/python3.11" ON)
set(Python3_ROOT_DIR /usr)
set(Python3_EXECUTABLE /usr/bin/python3.11)
set(Python3_FIND_STRATEGY LOCATION)
set(Python3_FIND_VIRTUALENV STANDARD)
find_package(Python3 3.11 EXACT REQUIRED COMPONENTS Interpreter Development.Embed)

add_library(duet_libpython INTERFACE)
add_library(Duet::Python ALIAS duet_libpython)
target_include_directories(duet_libpython SYSTEM INTERFACE ${Python3_INCLUDE_DIRS})
if(DUET_PYTHON_STATIC)
  execute_process(COMMAND ${Python3_EXECUTABLE} -c "import sysconfig; print(sysconfig.get_config_var('LIBPL'))"
    OUTPUT_VARIABLE _pylibpl OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
  set(DUET_PYTHON_ARCHIVE "${_pylibpl}/libpython3.11.a")
  if(NOT EXISTS "${DUET_PYTHON_ARCHIVE}")
    message(FATAL_ERROR "${DUET_PYTHON_ARCHIVE} missing: install python3.11-dev (scripts/bootstrap)")
  endif()
  # Extension modules in lib-dynload resolve Py* symbols against the executable: export them.
  target_link_libraries(duet_libpython INTERFACE "${DUET_PYTHON_ARCHIVE}" expat z m dl pthread util
    "-Wl,--export-dynamic")
  set(DUET_NEEDS_NO_PIE ON)
else()
  target_link_libraries(duet_libpython INTERFACE Python3::Python)
endif()
