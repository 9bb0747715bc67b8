//! The `vigie` binary: parse the command line, run it, turn the result into an exit status.

use clap::Parser;

fn main() {
    let cli = vigie::cli::Cli::parse();
    if let Err(e) = vigie::run(cli) {
        vigie::error::print_error(&e);
        std::process::exit(e.exit_code());
    }
}
