//! The calculator in the browser: Trunk builds this for wasm32 and mounts the app into the page.

#[cfg(target_arch = "wasm32")]
fn main() {
    gencost::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("gencost-web is the browser app: serve it with `bash .ci/serve` (Trunk builds it for wasm32)");
    std::process::exit(2);
}
