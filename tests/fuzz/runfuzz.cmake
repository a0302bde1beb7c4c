# Configures and builds tests/fuzz with clang, then runs the fuzzer for SECONDS (cmake -P), with a
# fixed seed so a test run is repeatable; run build/fuzz/fuzz_logparsers by hand for random seeds.
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${BINARY} -G Ninja -DCMAKE_CXX_COMPILER=${CLANGXX}
                        -DCMAKE_BUILD_TYPE=RelWithDebInfo RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "configuring the fuzz project failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY} --parallel 2 RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "building the fuzz target failed")
endif()
file(MAKE_DIRECTORY ${BINARY}/corpus)
# Seed the corpus with the format files: they hold every format's sample lines.
file(GLOB formats ${SOURCE}/../../resources/formats/*.json)
set(i 0)
foreach(format ${formats})
  math(EXPR i "${i} + 1")
  configure_file(${format} ${BINARY}/corpus/seed-${i} COPYONLY)
endforeach()
execute_process(COMMAND ${BINARY}/fuzz_logparsers -max_total_time=${SECONDS} -seed=1 -rss_limit_mb=2048 -max_len=4096 ${BINARY}/corpus
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "the fuzzer found a crash (see the output above)")
endif()
