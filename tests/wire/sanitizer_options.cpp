// Under AddressSanitizer (SCULPIN_SANITIZE), let a huge malloc return null as it does in
// a normal build instead of aborting the test binary: the codec tests feed length headers
// of up to 2^48 bytes on purpose and check that the connection, not the process, dies.
// In a build without ASan nothing calls this function.
extern "C" const char* __asan_default_options();
extern "C" const char* __asan_default_options() {
    return "allocator_may_return_null=1";
}
