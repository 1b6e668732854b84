//! `gencost`: the command-line face of the engine. See `gencost --help`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = gencost::cli::run(&args, &mut stdout) {
        eprintln!("gencost: {e}");
        std::process::exit(2);
    }
}
