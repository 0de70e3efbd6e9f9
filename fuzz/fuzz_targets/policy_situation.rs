#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leye_fuzz::policy_situation(data));
