//! The `vigie` binary: parse the command line, run it, turn the result into an exit status.

use clap::Parser;

fn main() {
    let cli = vigie::cli::Cli::parse();
    // A command whose output is cut short (`vigie build | head -1`) ends there, quietly,
    // as command-line tools do, instead of failing to print. The preview server keeps
    // the default of Rust programs: a reader that goes away is an error to handle.
    #[cfg(unix)]
    if !matches!(cli.command, vigie::cli::CliCommand::Serve { .. }) {
        // SAFETY: setting a signal's disposition to its default, before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    if let Err(e) = vigie::run(cli) {
        vigie::error::print_error(&e);
        std::process::exit(e.exit_code());
    }
}
