//! Bounded fuzzing of the `queue_log` reader: seeded random lines of every documented event, then random
//! mutations (a byte deleted, inserted or replaced, a field dropped or doubled, the line cut short, bytes that are
//! not UTF-8), read through the streaming reader, the call assembler and the whole fit. Nothing may panic; every
//! unmutated line must read back exactly as generated; every rejected line must be named by its own line number.

use std::io::BufReader;

use callsim::fit::{FitOptions, fit_queue_log};
use callsim::logs::{CallAssembler, Event, QueueLogReader};
use rand::{Rng, RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const EVENTS: [(&str, Event, usize); 16] = [
    ("ENTERQUEUE", Event::EnterQueue, 3),
    ("CONNECT", Event::Connect, 3),
    ("COMPLETEAGENT", Event::CompleteAgent, 3),
    ("COMPLETECALLER", Event::CompleteCaller, 3),
    ("ABANDON", Event::Abandon, 3),
    ("EXITWITHTIMEOUT", Event::ExitWithTimeout, 3),
    ("EXITWITHKEY", Event::ExitWithKey, 4),
    ("EXITEMPTY", Event::ExitEmpty, 3),
    ("RINGNOANSWER", Event::RingNoAnswer, 1),
    ("TRANSFER", Event::Transfer, 5),
    ("ADDMEMBER", Event::LogOn, 1),
    ("REMOVEMEMBER", Event::LogOff, 1),
    ("PAUSE", Event::Pause, 1),
    ("UNPAUSE", Event::Unpause, 1),
    ("FULL", Event::Refused, 0),
    ("SOMETHINGNEW", Event::Unknown, 2),
];

/// A well-formed line: its text, time and event.
fn valid_line(rng: &mut impl Rng) -> (String, u64, Event) {
    let (name, event, fields) = EVENTS[rng.random_range(0..EVENTS.len())];
    let time = 1_795_420_800 + rng.random_range(0..86_400u64);
    let call = rng.random_range(0..50u32);
    let queue = ["sales", "support", "billing"][rng.random_range(0..3)];
    let agent = if rng.random_bool(0.5) {
        "Agent/7".to_string()
    } else {
        format!("SIP/{}", rng.random_range(100..200))
    };
    let data: Vec<String> = (0..fields).map(|_| rng.random_range(0..600u32).to_string()).collect();
    let text = format!("{time}|{time}.{call}|{queue}|{agent}|{name}|{}", data.join("|"));
    (text, time, event)
}

fn mutate(rng: &mut impl Rng, line: &str) -> Vec<u8> {
    let mut bytes = line.as_bytes().to_vec();
    for _ in 0..rng.random_range(1..4) {
        let at = rng.random_range(0..=bytes.len());
        match rng.random_range(0..6) {
            0 if !bytes.is_empty() => {
                bytes.remove(at.min(bytes.len() - 1));
            }
            1 => bytes.insert(at, b"|0123456789.-aZ \t\r"[rng.random_range(0..18)]),
            2 => bytes.insert(at, rng.random::<u8>() | 0x80), // not UTF-8 on its own
            3 => bytes.truncate(at),
            4 => {
                let field: Vec<u8> = bytes[..at].iter().rev().take_while(|&&b| b != b'|').copied().collect();
                bytes.splice(at..at, field.into_iter().rev().chain([b'|']));
            }
            _ => {
                if let Some(pipe) = bytes.iter().position(|&b| b == b'|') {
                    bytes.remove(pipe);
                }
            }
        }
    }
    bytes
}

#[test]
fn random_and_mutated_queue_log_lines_never_panic_and_valid_ones_read_back() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(13);
    let mut log: Vec<u8> = Vec::new();
    let mut expected = Vec::new();
    for _ in 0..20_000 {
        let (text, time, event) = valid_line(&mut rng);
        if rng.random_bool(0.3) {
            log.extend(mutate(&mut rng, &text));
            expected.push(None);
        } else {
            log.extend(text.as_bytes());
            expected.push(Some((time, event)));
        }
        log.push(b'\n');
    }
    let mut reader = QueueLogReader::new(&log[..]);
    let mut assembler = CallAssembler::new();
    let (mut line, mut read) = (0u64, 0usize);
    // Blank lines (a mutation can leave one) are skipped, so follow the reader's own line numbers.
    let lines: Vec<&[u8]> = log.split(|&b| b == b'\n').collect();
    while let Some(next) = reader.next_record() {
        let record = next.expect("reading from memory never fails");
        read += 1;
        match record {
            Ok(r) => {
                line = r.line;
                if let Some((time, event)) = expected[line as usize - 1] {
                    assert_eq!((r.time, r.event), (time as f64, event), "line {line}");
                }
                let _ = assembler.feed(&r);
            }
            Err(e) => {
                line = e.line;
                assert!(
                    expected[line as usize - 1].is_none(),
                    "a valid line was refused: {e} ({:?})",
                    String::from_utf8_lossy(lines[line as usize - 1])
                );
                assert!(!e.message.is_empty());
            }
        }
    }
    assert!(read > 19_000 && line >= 19_990, "read {read} lines up to {line}");
    // The whole fit over the same bytes: malformed lines skipped and counted, never a panic.
    let fit = fit_queue_log(BufReader::new(&log[..]), "<fuzz>", FitOptions::default());
    match fit {
        Ok(fit) => assert!(fit.skipped > 1000 && fit.errors.len() == callsim::fit::ERRORS_KEPT),
        Err(e) => panic!("the fuzzed log still has calls to fit: {e}"),
    }
}
