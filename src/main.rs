//! The `callsim` command line: parses arguments, calls the library, prints, maps errors to exit codes
//! (0 ok, 2 error; a broken pipe into `head` exits quietly).

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Exit status after an interrupt (128 + SIGINT, as shells report Ctrl-C; also used for SIGTERM and SIGHUP).
const INTERRUPTED: i32 = 130;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    // On Ctrl-C (or SIGTERM, SIGHUP), remove the half-written staging folders before exiting; published files
    // are untouched.
    let _ = ctrlc::set_handler(|| {
        callsim::report::output::remove_staging_folders();
        std::process::exit(INTERRUPTED);
    });
    let mut stdout = std::io::stdout().lock();
    match cli::execute(args, &mut stdout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            let _ = stdout.flush();
            eprintln!("callsim: error: {error:#}");
            ExitCode::from(2)
        }
    }
}
