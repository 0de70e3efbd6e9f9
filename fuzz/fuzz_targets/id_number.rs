#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leye_fuzz::id_number(data));
