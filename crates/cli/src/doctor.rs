//! `versapos doctor`: the setup doctor's findings, one line per check, or the report as JSON.

use std::time::SystemTime;

use versapos_core::CheckStatus;
use versapos_payments::doctor::SetupReport;
use versapos_secrets::Keychain;
use versapos_till::{cards, Till};

use crate::print::{emit, Out};
use crate::{CliError, Result};

/// Checks the till's card payment setup, and its NFC readers, and prints what was found; a failed
/// check ends the command with exit code 1 (after the report was printed).
pub fn run(till: Till, out: &Out) -> Result<()> {
    let till = std::sync::Mutex::new(till);
    let report = cards::check_setup(&till, &Keychain::default(), SystemTime::now())?;
    print(&report, out);
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(|c| c.title.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "{} check(s) failed ({}): card payments need them fixed",
            failed.len(),
            failed.join(", ")
        )))
    }
}

fn mark(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Ok => "✓",
        CheckStatus::Warn => "!",
        CheckStatus::Fail => "✗",
        CheckStatus::Skip => "-",
    }
}

fn print(report: &SetupReport, out: &Out) {
    if out.json {
        match serde_json::to_string_pretty(report) {
            Ok(s) => emit(s),
            Err(e) => eprintln!("versapos: cannot write JSON: {e}"),
        }
        return;
    }
    for c in &report.checks {
        let fix = match &c.fix {
            Some(f) => format!("  fix: {f}"),
            None => String::new(),
        };
        emit(format!("{} {}: {}{fix}", mark(c.status), c.title, c.detail));
    }
    let count = |s: CheckStatus| report.checks.iter().filter(|c| c.status == s).count();
    let (fail, warn) = (count(CheckStatus::Fail), count(CheckStatus::Warn));
    emit(String::new());
    emit(if report.ok {
        format!("ready to take cards ({warn} warning(s))")
    } else {
        format!("not ready to take cards: {fail} problem(s) to fix, {warn} warning(s)")
    });
}
