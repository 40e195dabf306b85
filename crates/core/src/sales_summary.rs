//! A period's sales in the words a manager reads them, in the conventional order: gross sales,
//! discounts, refunds, net sales, tax, total collected. Each figure is exact, and they add up:
//! gross sales − discounts − refunds = net sales; net sales + tax = total collected.

use serde::Serialize;

/// The six figures of a sales summary, in minor units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SalesSummary {
    /// Net sales with the discounts and refunds added back: the goods at their full price,
    /// without the tax collected (in a shop whose prices include tax, the discounts' share of
    /// that tax is in it, as it was taken off the price).
    pub gross_sales: i64,
    /// Taken off prices: line and order discounts, as given.
    pub discounts: i64,
    /// Given back, without the tax in it, counted on the day of the refund.
    pub refunds: i64,
    /// What the shop earned from sales: without tax, after discounts and refunds.
    pub net_sales: i64,
    /// Tax collected on sales less the tax given back with refunds.
    pub tax: i64,
    /// What customers paid, less what was given back: net sales plus tax.
    pub total_collected: i64,
}

impl SalesSummary {
    /// From the till's rollups: `charged` (what customers were charged, tax included, after
    /// discounts), `discounts`, `tax` (in the sales), `refunded` (given back, tax included) and
    /// `refund_tax` (the tax in it).
    pub fn from_rollup(
        charged: i64,
        discounts: i64,
        tax: i64,
        refunded: i64,
        refund_tax: i64,
    ) -> SalesSummary {
        let total_collected = charged - refunded;
        let tax = tax - refund_tax;
        let net_sales = total_collected - tax;
        let refunds = refunded - refund_tax;
        SalesSummary {
            gross_sales: net_sales + discounts + refunds,
            discounts,
            refunds,
            net_sales,
            tax,
            total_collected,
        }
    }

    /// The figures with their names, in order, for a table or a CSV.
    pub fn figures(&self) -> [(&'static str, i64); 6] {
        [
            ("gross_sales", self.gross_sales),
            ("discounts", self.discounts),
            ("refunds", self.refunds),
            ("net_sales", self.net_sales),
            ("tax", self.tax),
            ("total_collected", self.total_collected),
        ]
    }
}

/// Each figure in words, with its one-line definition, as reports show them under the figure.
pub const TERMS: [(&str, &str, &str); 6] = [
    (
        "gross_sales",
        "gross sales",
        "goods at full price, before discounts and refunds, without tax",
    ),
    (
        "discounts",
        "discounts",
        "taken off prices, line and order discounts",
    ),
    (
        "refunds",
        "refunds",
        "given back on the day of the refund, without tax",
    ),
    (
        "net_sales",
        "net sales",
        "gross sales less discounts and refunds: what sales earned, without tax",
    ),
    (
        "tax",
        "tax",
        "collected on sales, less the tax given back with refunds",
    ),
    (
        "total_collected",
        "total collected",
        "what customers paid less what was given back: net sales plus tax",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// A day of a tax-inclusive shop (20 %): 120.00 charged after 10.00 of discounts, 20.00 of
    /// VAT in it; 12.00 given back with 2.00 of VAT.
    #[test]
    fn the_figures_add_up_and_net_means_without_tax() {
        let s = SalesSummary::from_rollup(12_000, 1_000, 2_000, 1_200, 200);
        assert_eq!(s.total_collected, 10_800);
        assert_eq!(s.tax, 1_800);
        assert_eq!(s.net_sales, 9_000, "net is without tax");
        assert_eq!(s.refunds, 1_000);
        assert_eq!(s.gross_sales, 11_000);
        assert_eq!(s.gross_sales - s.discounts - s.refunds, s.net_sales);
        assert_eq!(s.net_sales + s.tax, s.total_collected);
        assert_eq!(
            SalesSummary::from_rollup(0, 0, 0, 0, 0),
            SalesSummary::default()
        );
        let names: Vec<&str> = s.figures().iter().map(|f| f.0).collect();
        let terms: Vec<&str> = TERMS.iter().map(|t| t.0).collect();
        assert_eq!(names, terms, "one definition per figure, in the same order");
    }
}
