//! `gencost`: the command-line face of the engine. See `gencost --help`.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr();
    if let Err(e) = gencost::cli::run_with(&args, &mut stdout, &mut stderr) {
        eprintln!(
            "gencost: {}",
            gencost::engine::text::for_terminal(&e.to_string())
        );
        std::process::exit(2);
    }
}

// The CLI is native only; the wasm build of the crate (the browser app) has no use for it.
#[cfg(target_arch = "wasm32")]
fn main() {}
