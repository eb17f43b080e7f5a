# Writes version.h with the commit the sources are at now, at build time: taken at configure time,
# an incremental build kept reporting the commit CMake last ran at, in --version, in every run's
# JSON and history row, and in the stamp duet checks its libraries against. configure_file leaves
# the file untouched when nothing changed, so an unchanged commit recompiles nothing.
# -DSOURCE_DIR, -DINPUT (version.h.in), -DOUTPUT, -DPROJECT_VERSION.
execute_process(COMMAND git rev-parse --short HEAD WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE DUET_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rev_parse)
if(NOT rev_parse EQUAL 0 OR NOT DUET_GIT_COMMIT)
  set(DUET_GIT_COMMIT unknown)  # a source tree without git
else()
  # Tracked files that differ from the commit: the numbers are not that commit's.
  execute_process(COMMAND git diff-index --quiet HEAD -- WORKING_DIRECTORY ${SOURCE_DIR}
    RESULT_VARIABLE dirty ERROR_QUIET)
  if(dirty EQUAL 1)
    string(APPEND DUET_GIT_COMMIT "-dirty")
  endif()
endif()
configure_file(${INPUT} ${OUTPUT} @ONLY)
