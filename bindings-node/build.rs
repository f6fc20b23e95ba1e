//! Emits the linker arguments a napi addon needs.

fn main() {
    napi_build::setup();
}
