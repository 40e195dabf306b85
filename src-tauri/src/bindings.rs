//! The TypeScript types the UI uses, generated from the Rust types that cross IPC, one file per
//! type in `ui/src/lib/bindings/`. They are committed; a test fails when they are stale and
//! `scripts/bindings` rewrites them.

use crate::commands::{catalog, customers, payments, register, shop, staff};
use crate::error::CommandError;
use crate::updates::{UpdateState, UpdateStatus};
use std::path::PathBuf;
use ts_rs::{Config, ExportError, TS};
use versapos_core::denomination::{Denomination, DenominationKind};
use versapos_core::receipt::{Align, Block, Document, Line, Style};
use versapos_core::shift::{
    CardBrandTotal, CountLine, CountValue, ShiftTotals, TaxTotal, TenderTotals,
};
use versapos_core::{
    CheckStatus, LoyaltyRules, OrderStatus, Permission, Role, SetupCheck, TaxMode, TaxRate,
};
use versapos_nfc::{NfcEvent, NfcReader};
use versapos_payments::doctor::SetupReport;
use versapos_payments::flow::{CardProgress, CardStage};
use versapos_payments::reconcile::{ReconcileLine, ReconcileReport, SettledAs};
use versapos_payments::{GatewayMode, ReaderState, TestCard};
use versapos_till::cards::CardOutcome;
use versapos_till::printing::{FoundPrinter, Printed, PrinterChoices};
use versapos_till::receipt::{ReceiptCopy, ReceiptView};
use versapos_till::shifts::{MovementKind, MovementView, ShiftSummary, ShiftView, ZReport};
use versapos_till::{
    Actor, BlockedCard, CardLookup, CartLineView, CartView, Customer, ImportProblem, ImportSummary,
    LineView, OrderSummary, OrderView, ParkedCart, ParkedItem, PaymentView, PeriodRow, PointsEntry,
    Product, ProductRow, RefundLineView, RefundSummary, RefundTenderView, RefundView, Report,
    ReportBy, ReportRows, Shop, StaffMember, StaffRow, TaxLineView, TenderRow, Totals,
    UpdateInstall,
};
use versapos_till::{AutoPrint, PrinterSetup, ReceiptSettings};

/// Where the bindings live, relative to the repository root.
pub const DIR: &str = "ui/src/lib/bindings";

/// The repository root (the desktop package sits there).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Amounts and ids are i64 in Rust but well inside JavaScript's exact integers (sales are
/// capped far below 2^53 minor units), and serde_json sends them as plain numbers.
fn config() -> Config {
    Config::new().with_large_int("number")
}

fn render<T: TS + 'static>(files: &mut Vec<(String, String)>) -> Result<(), ExportError> {
    let name = T::output_path()
        .and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
        .ok_or(ExportError::CannotBeExported(std::any::type_name::<T>()))?;
    files.push((name, T::export_to_string(&config())?));
    Ok(())
}

/// Every binding as (file name, contents), in a stable order.
pub fn render_all() -> Result<Vec<(String, String)>, ExportError> {
    let mut f = Vec::new();
    // The store's views.
    render::<Shop>(&mut f)?;
    render::<UpdateInstall>(&mut f)?;
    render::<ReceiptSettings>(&mut f)?;
    render::<AutoPrint>(&mut f)?;
    render::<PrinterSetup>(&mut f)?;
    // Receipts and the printer.
    render::<ReceiptView>(&mut f)?;
    render::<ReceiptCopy>(&mut f)?;
    render::<Document>(&mut f)?;
    render::<Block>(&mut f)?;
    render::<Line>(&mut f)?;
    render::<Style>(&mut f)?;
    render::<Align>(&mut f)?;
    render::<Printed>(&mut f)?;
    render::<PrinterChoices>(&mut f)?;
    render::<FoundPrinter>(&mut f)?;
    // Shifts and cash-up.
    render::<ShiftView>(&mut f)?;
    render::<MovementView>(&mut f)?;
    render::<MovementKind>(&mut f)?;
    render::<ShiftSummary>(&mut f)?;
    render::<ZReport>(&mut f)?;
    render::<ShiftTotals>(&mut f)?;
    render::<CountLine>(&mut f)?;
    render::<CountValue>(&mut f)?;
    render::<TaxTotal>(&mut f)?;
    render::<CardBrandTotal>(&mut f)?;
    render::<TenderTotals>(&mut f)?;
    render::<Denomination>(&mut f)?;
    render::<DenominationKind>(&mut f)?;
    render::<UpdateStatus>(&mut f)?;
    render::<UpdateState>(&mut f)?;
    render::<TaxRate>(&mut f)?;
    render::<TaxMode>(&mut f)?;
    render::<LoyaltyRules>(&mut f)?;
    render::<Product>(&mut f)?;
    render::<Customer>(&mut f)?;
    render::<CardLookup>(&mut f)?;
    render::<BlockedCard>(&mut f)?;
    render::<CartView>(&mut f)?;
    render::<CartLineView>(&mut f)?;
    render::<OrderView>(&mut f)?;
    render::<LineView>(&mut f)?;
    render::<PaymentView>(&mut f)?;
    render::<TaxLineView>(&mut f)?;
    render::<RefundSummary>(&mut f)?;
    render::<ParkedCart>(&mut f)?;
    render::<ParkedItem>(&mut f)?;
    render::<OrderSummary>(&mut f)?;
    render::<Role>(&mut f)?;
    render::<Permission>(&mut f)?;
    render::<Actor>(&mut f)?;
    render::<StaffMember>(&mut f)?;
    render::<RefundView>(&mut f)?;
    render::<RefundLineView>(&mut f)?;
    render::<RefundTenderView>(&mut f)?;
    render::<PointsEntry>(&mut f)?;
    render::<ImportProblem>(&mut f)?;
    render::<ImportSummary>(&mut f)?;
    render::<Report>(&mut f)?;
    render::<ReportBy>(&mut f)?;
    render::<ReportRows>(&mut f)?;
    render::<Totals>(&mut f)?;
    render::<PeriodRow>(&mut f)?;
    render::<ProductRow>(&mut f)?;
    render::<TenderRow>(&mut f)?;
    render::<StaffRow>(&mut f)?;
    // The shell's own inputs and outputs.
    render::<shop::AppStatus>(&mut f)?;
    render::<versapos_till::ShopSetupInput>(&mut f)?;
    render::<versapos_till::TaxRateInput>(&mut f)?;
    render::<catalog::ProductPage>(&mut f)?;
    render::<register::TenderInput>(&mut f)?;
    render::<versapos_till::NewProductInput>(&mut f)?;
    render::<catalog::ProductDetailsInput>(&mut f)?;
    render::<catalog::ImportOutcome>(&mut f)?;
    render::<catalog::ImportProgress>(&mut f)?;
    render::<catalog::SavedFile>(&mut f)?;
    render::<customers::NewCustomerInput>(&mut f)?;
    render::<customers::CustomerEdit>(&mut f)?;
    render::<customers::CustomerDetail>(&mut f)?;
    render::<versapos_till::OrderFilterInput>(&mut f)?;
    render::<versapos_till::RefundInput>(&mut f)?;
    render::<versapos_till::RefundLineInput>(&mut f)?;
    render::<versapos_till::ReportQuery>(&mut f)?;
    render::<staff::StaffStatus>(&mut f)?;
    render::<staff::StaffName>(&mut f)?;
    render::<staff::NewStaffInput>(&mut f)?;
    render::<versapos_till::StaffChangeRequest>(&mut f)?;
    render::<payments::ReaderView>(&mut f)?;
    render::<payments::LocationView>(&mut f)?;
    render::<payments::PaymentsStatus>(&mut f)?;
    render::<payments::InDoubtPayment>(&mut f)?;
    render::<payments::SyncStatus>(&mut f)?;
    render::<payments::EventRetried>(&mut f)?;
    render::<versapos_till::EventNeedingAttention>(&mut f)?;
    render::<versapos_till::DisputeView>(&mut f)?;
    render::<versapos_till::ChangeAtStripe>(&mut f)?;
    render::<versapos_till::AttentionState>(&mut f)?;
    render::<CardProgress>(&mut f)?;
    render::<CardStage>(&mut f)?;
    render::<SettledAs>(&mut f)?;
    render::<CardOutcome>(&mut f)?;
    render::<ReconcileReport>(&mut f)?;
    render::<ReconcileLine>(&mut f)?;
    render::<GatewayMode>(&mut f)?;
    render::<ReaderState>(&mut f)?;
    render::<OrderStatus>(&mut f)?;
    render::<TestCard>(&mut f)?;
    render::<SetupReport>(&mut f)?;
    render::<SetupCheck>(&mut f)?;
    render::<CheckStatus>(&mut f)?;
    // The NFC readers' events and findings.
    render::<NfcEvent>(&mut f)?;
    render::<NfcReader>(&mut f)?;
    render::<CommandError>(&mut f)?;
    f.sort();
    // One import for the UI: `import type { CartView } from "$lib/bindings"`.
    let index: String = f
        .iter()
        .filter_map(|(file, _)| file.strip_suffix(".ts"))
        .map(|name| format!("export type {{ {name} }} from \"./{name}\";\n"))
        .collect();
    f.push((
        "index.ts".to_string(),
        format!("// Generated by scripts/bindings. Do not edit this file manually.\n{index}"),
    ));
    f.sort();
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails when a committed binding differs from what the Rust types generate. With
    /// `VERSAPOS_WRITE_BINDINGS=1` (what `scripts/bindings` sets) it rewrites them instead.
    #[test]
    fn committed_typescript_bindings_match_the_rust_types() {
        let dir = repo_root().join(DIR);
        let mut files = render_all().expect("every IPC type renders to TypeScript");
        let known: std::collections::BTreeSet<String> = files
            .iter()
            .filter_map(|(f, _)| f.strip_suffix(".ts").map(str::to_string))
            .collect();
        files.push((
            "commands.ts".to_string(),
            crate::command_types::render(&repo_root().join("src-tauri/src"), &known),
        ));
        files.sort();
        let write = std::env::var("VERSAPOS_WRITE_BINDINGS").is_ok_and(|v| v == "1");
        if write {
            std::fs::create_dir_all(&dir).expect("create the bindings folder");
            for entry in std::fs::read_dir(&dir).expect("list the bindings folder") {
                let path = entry.expect("read a bindings folder entry").path();
                if path.extension().is_some_and(|e| e == "ts") {
                    std::fs::remove_file(&path).expect("remove an old binding");
                }
            }
        }
        let mut stale = Vec::new();
        for (name, text) in &files {
            let path = dir.join(name);
            if write {
                std::fs::write(&path, text).expect("write a binding");
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(name.clone());
            }
        }
        assert!(
            stale.is_empty(),
            "stale TypeScript bindings in {DIR}: {stale:?}; run scripts/bindings and commit them"
        );
        let expected: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        let mut present: Vec<String> = std::fs::read_dir(&dir)
            .expect("list the bindings folder")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".ts"))
            .collect();
        present.sort();
        assert_eq!(
            present, expected,
            "{DIR} holds exactly the generated bindings"
        );
    }
}
