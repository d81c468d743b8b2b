//! The library's error type. Every message names where the problem is (file, field or flag), the value, and
//! what is allowed, in one lowercase line without a trailing period.

use std::path::{Path, PathBuf};

/// Anything that can go wrong before or after a simulation (the engine itself cannot fail).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scenario file is unreadable, malformed or invalid.
    #[error("{file}: {message}")]
    Scenario {
        /// The file (or a label such as `<string>`).
        file: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A command-line value is invalid (for example a `--vary` specification).
    #[error("{flag}: {message}")]
    Input {
        /// The flag, with its value where it helps.
        flag: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's explanation.
        message: String,
    },
}

impl Error {
    /// An error about a scenario file.
    pub fn scenario(file: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Scenario {
            file: file.into(),
            message: message.into(),
        }
    }

    /// An error about a command-line flag.
    pub fn input(flag: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Input {
            flag: flag.into(),
            message: message.into(),
        }
    }

    /// An error about a file on disk.
    pub fn io(path: &Path, error: impl std::fmt::Display) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            message: error.to_string().to_lowercase(),
        }
    }
}

impl Error {
    /// An error about a file or folder on disk in callsim's own words, kept as written (paths and flags in it
    /// keep their case; [`Error::io`] lowercases an operating system's message).
    pub fn at(path: &Path, message: impl Into<String>) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}

/// Result with the library's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
