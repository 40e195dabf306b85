//! The demo shop's catalog: a realistic few hundred products across a café-deli and general store.
//!
//! Everything here is pure data plus a little arithmetic: the catalog is built from compact
//! per-category tables, SKUs and EAN-13 barcodes are derived from positions in those tables and
//! stock levels from a simple deterministic formula, so every call returns the same catalog.
//! Prices are GBP, tax-inclusive, with UK VAT treatment that is plausible for each item.

/// One product of the demo catalog. `price` is in major units as a string ("2.49").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoProduct {
    pub sku: String,
    pub barcode: String,
    pub name: String,
    pub price: String,
    pub tax_rate: &'static str, // one of "standard" (20%), "reduced" (5%), "zero" (0%)
    pub category: &'static str,
    pub stock: i64,
}

/// The demo shop's tax rates: (name, basis points).
pub const DEMO_TAX_RATES: &[(&str, u32)] = &[("standard", 2000), ("reduced", 500), ("zero", 0)];

/// The demo shop's staff: (name, role, PIN). Practice accounts on a practice till; the PINs are
/// shown on the demo's lock screen and by `versapos demo`.
pub const DEMO_STAFF: &[(&str, versapos_core::Role, &str)] = &[
    ("Avery", versapos_core::Role::Admin, "1000"),
    ("Morgan", versapos_core::Role::Manager, "2000"),
    ("Casey", versapos_core::Role::Cashier, "3000"),
];

const STD: &str = "standard";
const RED: &str = "reduced";
const ZERO: &str = "zero";

/// `(name, price in pence, tax rate name)`.
type Item = (&'static str, u32, &'static str);

/// `(name suffix, extra pence over the base price)`.
type Variant = (&'static str, u32);

/// One category of the catalog: plain items, then every base item in every variant.
struct Section {
    prefix: &'static str,
    category: &'static str,
    items: &'static [Item],
    bases: &'static [Item],
    variants: &'static [Variant],
}

const SECTIONS: &[Section] = &[
    Section {
        prefix: "HOT",
        category: "Hot Drinks",
        items: &[
            ("Espresso", 180, STD),
            ("Double espresso", 220, STD),
            ("Macchiato", 230, STD),
            ("Cortado", 260, STD),
        ],
        bases: &[
            ("Americano", 240, STD),
            ("Latte", 290, STD),
            ("Cappuccino", 290, STD),
            ("Flat white", 300, STD),
            ("Mocha", 320, STD),
            ("Café au lait", 270, STD),
            ("Hot chocolate", 280, STD),
            ("Chai latte", 310, STD),
            ("English breakfast tea", 190, STD),
            ("Peppermint tea", 190, STD),
        ],
        variants: &[(" (regular)", 0), (" (large)", 50)],
    },
    Section {
        prefix: "DRK",
        category: "Cold Drinks",
        items: &[
            ("Still spring water 500ml", 85, STD),
            ("Sparkling spring water 500ml", 95, STD),
            ("Still spring water 1.5L", 110, STD),
            ("Orange juice 1L", 185, STD),
            ("Cloudy apple juice 1L", 175, STD),
            ("Mango & passion fruit smoothie 250ml", 220, STD),
            ("Energy drink 250ml", 125, STD),
            ("Sports drink 500ml", 145, STD),
            ("Iced latte 250ml", 195, STD),
            ("Elderflower pressé 275ml", 175, STD),
        ],
        bases: &[
            ("Cola", 85, STD),
            ("Diet cola", 85, STD),
            ("Lemonade", 85, STD),
            ("Orangeade", 85, STD),
            ("Ginger beer", 95, STD),
            ("Dandelion & burdock", 95, STD),
        ],
        variants: &[
            (" 330ml can", 0),
            (" 500ml bottle", 60),
            (" 2L bottle", 140),
        ],
    },
    Section {
        prefix: "BAK",
        category: "Bakery",
        items: &[
            ("White bloomer", 160, ZERO),
            ("Wholemeal loaf 800g", 135, ZERO),
            ("Seeded batch loaf", 195, ZERO),
            ("Sourdough loaf", 320, ZERO),
            ("Baguette", 110, ZERO),
            ("Ciabatta rolls 4 pack", 150, ZERO),
            ("Brioche buns 4 pack", 185, ZERO),
            ("Crumpets 6 pack", 95, ZERO),
            ("Plain bagels 5 pack", 155, ZERO),
            ("Tortilla wraps 8 pack", 135, ZERO),
            ("Croissant", 120, ZERO),
            ("Pain au chocolat", 140, ZERO),
            ("Pain aux raisins", 145, ZERO),
            ("Almond croissant", 210, ZERO),
            ("Cinnamon swirl", 160, ZERO),
            ("Fruit scone", 120, ZERO),
            ("Victoria sponge slice", 250, ZERO),
            ("Carrot cake slice", 280, ZERO),
            ("Lemon drizzle slice", 260, ZERO),
            ("Chocolate brownie", 220, ZERO),
            ("Flapjack", 180, ZERO),
            ("Millionaire's shortbread", 210, ZERO),
            ("Jam doughnut", 90, ZERO),
            ("Custard tart", 130, ZERO),
            ("Cornish pasty (hot)", 340, STD),
            ("Steak bake (hot)", 260, STD),
        ],
        bases: &[],
        variants: &[],
    },
    Section {
        prefix: "SAN",
        category: "Sandwiches",
        items: &[
            ("Cheese & pickle on granary", 275, ZERO),
            ("Egg mayonnaise & cress", 260, ZERO),
            ("Ham & English mustard", 295, ZERO),
            ("Tuna & sweetcorn", 310, ZERO),
            ("Chicken & bacon club", 395, ZERO),
            ("BLT on white", 345, ZERO),
            ("Prawn mayonnaise", 360, ZERO),
            ("Coronation chicken", 340, ZERO),
            ("Smoked salmon & cream cheese bagel", 425, ZERO),
            ("Falafel & houmous wrap", 375, ZERO),
            ("Chicken Caesar wrap", 385, ZERO),
            ("Brie & cranberry baguette", 395, ZERO),
            ("Jambon-beurre baguette", 360, ZERO),
            ("Pasta salad pot", 325, ZERO),
            ("Greek salad bowl", 420, ZERO),
            ("Fruit salad pot", 250, ZERO),
            ("Croque-monsieur", 420, STD),
            ("Ham & cheese toastie", 380, STD),
            ("Tuna melt panini", 410, STD),
            ("Bacon roll", 295, STD),
            ("Sausage & egg muffin", 340, STD),
            ("Soup of the day with roll", 360, STD),
        ],
        bases: &[],
        variants: &[],
    },
    Section {
        prefix: "SNK",
        category: "Snacks",
        items: &[
            ("Sea salt kettle chips 150g", 210, STD),
            ("Lightly salted tortilla chips 200g", 150, STD),
            ("Salted pretzels 175g", 140, STD),
            ("Sweet & salty popcorn 80g", 125, STD),
            ("Salted peanuts 200g", 135, STD),
            ("Pork scratchings 60g", 110, STD),
            ("Prawn crackers 60g", 95, STD),
            ("Mixed nuts & raisins 200g", 230, ZERO),
            ("Oat & honey cereal bar", 75, ZERO),
            ("Digestive biscuits 400g", 95, ZERO),
            ("Custard creams 400g", 85, ZERO),
            ("Milk chocolate digestives 300g", 155, STD),
            ("Orange sponge cakes 12 pack", 125, ZERO),
            ("Dried mango 100g", 220, ZERO),
        ],
        bases: &[
            ("Ready salted crisps", 70, STD),
            ("Salt & vinegar crisps", 70, STD),
            ("Cheese & onion crisps", 70, STD),
            ("Prawn cocktail crisps", 70, STD),
            ("Smoky bacon crisps", 70, STD),
        ],
        variants: &[(" 25g", 0), (" sharing bag 150g", 130)],
    },
    Section {
        prefix: "CON",
        category: "Confectionery",
        items: &[
            ("Milk chocolate bar 45g", 95, STD),
            ("Dark chocolate 70% 100g", 190, STD),
            ("White chocolate bar 40g", 105, STD),
            ("Caramel chocolate bar 50g", 100, STD),
            ("Chocolate wafer fingers 4 pack", 85, STD),
            ("Peanut & caramel bar", 105, STD),
            ("Honeycomb crunch bar", 90, STD),
            ("Mint chocolate thins 200g", 250, STD),
            ("Fruit pastilles tube", 85, STD),
            ("Wine gums 140g", 125, STD),
            ("Jelly babies 190g", 135, STD),
            ("Fizzy cola bottles 160g", 120, STD),
            ("Sour worms 160g", 120, STD),
            ("Liquorice allsorts 190g", 145, STD),
            ("Extra strong mints", 70, STD),
            ("Spearmint chewing gum", 75, STD),
            ("Butter toffees 150g", 140, STD),
            ("Fudge bar", 35, STD),
            ("Strawberry lollipop", 40, STD),
            ("Marshmallows 200g", 110, STD),
            ("Chocolate truffles 200g", 650, STD),
            ("Chocolate orange 157g", 225, STD),
            ("Belgian chocolate selection 250g", 1250, STD),
        ],
        bases: &[],
        variants: &[],
    },
    Section {
        prefix: "DAI",
        category: "Dairy",
        items: &[
            ("Oat drink 1L", 180, ZERO),
            ("Soya drink 1L", 150, ZERO),
            ("Chocolate milk 330ml", 120, ZERO),
            ("Double cream 300ml", 145, ZERO),
            ("Crème fraîche 200ml", 115, ZERO),
            ("Natural yoghurt 500g", 110, ZERO),
            ("Greek-style yoghurt 500g", 150, ZERO),
            ("Strawberry yoghurts 4 pack", 140, ZERO),
            ("Salted butter 250g", 210, ZERO),
            ("Spreadable butter 500g", 320, ZERO),
            ("Mature cheddar 400g", 375, ZERO),
            ("Red Leicester 350g", 290, ZERO),
            ("Brie 200g", 230, ZERO),
            ("Mozzarella 125g", 85, ZERO),
            ("Halloumi 225g", 275, ZERO),
            ("Cottage cheese 300g", 125, ZERO),
            ("Free-range eggs 6 pack", 195, ZERO),
            ("Free-range eggs 12 pack", 345, ZERO),
        ],
        bases: &[
            ("Whole milk", 75, ZERO),
            ("Semi-skimmed milk", 75, ZERO),
            ("Skimmed milk", 75, ZERO),
        ],
        variants: &[(" 1 pint", 0), (" 2 pints", 50), (" 4 pints", 90)],
    },
    Section {
        prefix: "FRV",
        category: "Fruit & Veg",
        items: &[
            ("Banana (each)", 20, ZERO),
            ("Braeburn apples 6 pack", 180, ZERO),
            ("Conference pears 4 pack", 145, ZERO),
            ("Easy-peel clementines 600g", 170, ZERO),
            ("Lemons 4 pack", 120, ZERO),
            ("Seedless red grapes 500g", 225, ZERO),
            ("Strawberries 400g", 250, ZERO),
            ("Blueberries 150g", 199, ZERO),
            ("Ripe & ready avocado", 89, ZERO),
            ("Mango", 99, ZERO),
            ("Potatoes 2.5kg", 175, ZERO),
            ("Carrots 1kg", 55, ZERO),
            ("Brown onions 1kg", 85, ZERO),
            ("Garlic bulb", 35, ZERO),
            ("Broccoli", 69, ZERO),
            ("Cucumber", 70, ZERO),
            ("Iceberg lettuce", 69, ZERO),
            ("Baby spinach 200g", 145, ZERO),
            ("Cherry tomatoes 250g", 95, ZERO),
            ("Closed cup mushrooms 300g", 105, ZERO),
            ("Mixed peppers 3 pack", 160, ZERO),
            ("Courgettes 2 pack", 110, ZERO),
            ("Leeks 500g", 110, ZERO),
            ("Fresh coriander 30g", 75, ZERO),
            ("Spring onions bunch", 55, ZERO),
        ],
        bases: &[],
        variants: &[],
    },
    Section {
        prefix: "HOU",
        category: "Household",
        items: &[
            ("Washing-up liquid 450ml", 110, STD),
            ("Dishwasher tablets 30 pack", 450, STD),
            ("Laundry liquid 1.3L", 500, STD),
            ("Fabric conditioner 1.2L", 200, STD),
            ("Thick bleach 750ml", 75, STD),
            ("Multi-surface spray 500ml", 150, STD),
            ("Toilet cleaner gel 750ml", 130, STD),
            ("Kitchen roll 2 pack", 210, STD),
            ("Toilet tissue 9 pack", 450, STD),
            ("Bin bags 20 pack", 180, STD),
            ("Cling film 30m", 125, STD),
            ("Aluminium foil 10m", 145, STD),
            ("Sponge scourers 4 pack", 95, STD),
            ("Rubber gloves (medium)", 135, STD),
            ("Tealight candles 25 pack", 250, STD),
            ("AA batteries 4 pack", 399, STD),
            ("LED light bulb B22", 250, STD),
            ("Firelighters 28 pack", 150, STD),
            ("Kiln-dried logs net", 650, RED),
            ("Smokeless coal 10kg", 995, RED),
            ("Kindling wood bag", 350, RED),
            ("Disposable barbecue", 350, STD),
            ("Dog food tin 400g", 95, STD),
            ("Cat food pouches 12 pack", 425, STD),
            ("Cat litter 5L", 275, STD),
        ],
        bases: &[],
        variants: &[],
    },
    Section {
        prefix: "TOI",
        category: "Toiletries",
        items: &[
            ("Fluoride toothpaste 75ml", 150, STD),
            ("Medium toothbrush", 100, STD),
            ("Mouthwash 500ml", 250, STD),
            ("Shampoo 400ml", 275, STD),
            ("Conditioner 400ml", 275, STD),
            ("Shower gel 250ml", 125, STD),
            ("Liquid hand wash 250ml", 110, STD),
            ("Antiperspirant spray 150ml", 250, STD),
            ("Disposable razors 5 pack", 250, STD),
            ("Shaving foam 250ml", 160, STD),
            ("Moisturising cream 200ml", 325, STD),
            ("Sun cream SPF30 200ml", 650, STD),
            ("Cotton buds 200 pack", 80, STD),
            ("Baby wipes 64 pack", 120, STD),
            ("Paracetamol 500mg 16 tablets", 65, STD),
            ("Ibuprofen 200mg 16 tablets", 85, STD),
            ("Assorted plasters 40 pack", 175, STD),
            ("Sanitary towels 14 pack", 180, ZERO),
            ("Regular tampons 20 pack", 220, ZERO),
            ("Menstrual cup", 1999, ZERO),
            ("Nicotine patches 7 pack", 1350, RED),
            ("Nicotine gum 2mg 24 pieces", 599, RED),
            ("Nicotine lozenges 36 pack", 649, RED),
            ("Condoms 12 pack", 899, RED),
        ],
        bases: &[],
        variants: &[],
    },
    Section {
        prefix: "STA",
        category: "Stationery",
        items: &[
            ("Blue ballpoint pens 10 pack", 200, STD),
            ("Black gel pen", 120, STD),
            ("HB pencils 10 pack", 150, STD),
            ("Eraser", 45, STD),
            ("Pencil sharpener", 50, STD),
            ("Ruler 30cm", 60, STD),
            ("A4 lined refill pad", 125, STD),
            ("A4 printer paper 500 sheets", 499, STD),
            ("A5 hardback notebook", 350, STD),
            ("Sticky notes 3 pack", 180, STD),
            ("Highlighters 4 pack", 240, STD),
            ("Glue stick 40g", 120, STD),
            ("Clear sticky tape 2 rolls", 140, STD),
            ("Scissors", 199, STD),
            ("White envelopes DL 50 pack", 250, STD),
            ("Birthday card", 225, STD),
            ("Gift wrap 2 sheets", 150, STD),
            ("Felt-tip pens 12 pack", 220, STD),
        ],
        bases: &[],
        variants: &[],
    },
    Section {
        prefix: "NEW",
        category: "Newspapers & Magazines",
        items: &[
            ("National daily broadsheet", 300, ZERO),
            ("National daily tabloid", 80, ZERO),
            ("Sunday broadsheet", 350, ZERO),
            ("Sunday tabloid", 180, ZERO),
            ("Local weekly newspaper", 120, ZERO),
            ("Regional evening newspaper", 90, ZERO),
            ("Financial daily newspaper", 450, ZERO),
            ("Weekly news magazine", 599, ZERO),
            ("TV listings weekly", 210, ZERO),
            ("Women's weekly magazine", 185, ZERO),
            ("Gardening monthly", 550, ZERO),
            ("Food & cookery monthly", 499, ZERO),
            ("Crossword puzzle book", 250, ZERO),
            ("Sudoku puzzle book", 220, ZERO),
            ("Children's comic", 399, ZERO),
            ("Road atlas of Britain", 999, ZERO),
        ],
        bases: &[],
        variants: &[],
    },
    Section {
        prefix: "FRZ",
        category: "Frozen",
        items: &[
            ("Cookie dough ice cream 465ml", 450, STD),
            ("Vanilla ice cream 2L", 275, STD),
            ("Mint choc chip ice cream 900ml", 300, STD),
            ("Salted caramel gelato 500ml", 425, STD),
            ("Mango sorbet 500ml", 325, STD),
            ("Choc ices 4 pack", 150, STD),
            ("Fruit ice lollies 10 pack", 200, STD),
            ("Bagged ice 2kg", 150, STD),
            ("Garden peas 1kg", 135, ZERO),
            ("Mixed vegetables 1kg", 110, ZERO),
            ("Oven chips 1.5kg", 215, ZERO),
            ("Hash browns 750g", 160, ZERO),
            ("Fish fingers 10 pack", 225, ZERO),
            ("Chicken nuggets 500g", 250, ZERO),
            ("Beef burgers 4 pack", 280, ZERO),
            ("Margherita pizza", 185, ZERO),
            ("Pepperoni pizza", 225, ZERO),
            ("Beef lasagne 400g", 275, ZERO),
            ("Chicken tikka masala & rice 400g", 300, ZERO),
            ("Yorkshire puddings 12 pack", 110, ZERO),
        ],
        bases: &[],
        variants: &[],
    },
    Section {
        prefix: "TIN",
        category: "Tins & Jars",
        items: &[
            ("Baked beans 415g", 85, ZERO),
            ("Chopped tomatoes 400g", 55, ZERO),
            ("Sweetcorn 326g", 75, ZERO),
            ("Chickpeas 400g", 60, ZERO),
            ("Red kidney beans 400g", 55, ZERO),
            ("Tuna chunks in brine 145g", 120, ZERO),
            ("Sardines in tomato sauce 120g", 95, ZERO),
            ("Cream of tomato soup 400g", 105, ZERO),
            ("Spaghetti hoops 400g", 65, ZERO),
            ("Creamed rice pudding 400g", 90, ZERO),
            ("Peach slices in juice 410g", 90, ZERO),
            ("Coconut milk 400ml", 120, ZERO),
            ("Strawberry jam 454g", 160, ZERO),
            ("Thick-cut marmalade 454g", 185, ZERO),
            ("Clear honey 340g", 275, ZERO),
            ("Smooth peanut butter 340g", 210, ZERO),
            ("Hazelnut chocolate spread 400g", 250, ZERO),
            ("Yeast extract 250g", 350, ZERO),
            ("Mayonnaise 430ml", 195, ZERO),
            ("Tomato ketchup 460g", 160, ZERO),
            ("Dijon mustard 185g", 135, ZERO),
            ("Green pesto 190g", 170, ZERO),
            ("Pitted green olives 340g", 135, ZERO),
            ("Instant coffee 100g", 399, ZERO),
            ("Tea bags 80 pack", 240, ZERO),
        ],
        bases: &[],
        variants: &[],
    },
    Section {
        prefix: "DEL",
        category: "Deli",
        items: &[
            ("Wiltshire-cured ham 120g", 210, ZERO),
            ("Chorizo slices 80g", 180, ZERO),
            ("Milano salami 70g", 220, ZERO),
            ("Prosciutto crudo 80g", 275, ZERO),
            ("Pork pie 140g", 150, ZERO),
            ("Scotch egg", 140, ZERO),
            ("Sausage roll", 130, ZERO),
            ("Houmous 200g", 110, ZERO),
            ("Tzatziki 200g", 135, ZERO),
            ("Pâté de campagne 170g", 240, ZERO),
            ("Smoked salmon 100g", 350, ZERO),
            ("Coleslaw 300g", 95, ZERO),
            ("Vegetable samosas 4 pack", 160, ZERO),
            ("Manchego 150g", 320, ZERO),
            ("Comté 200g", 450, ZERO),
            ("Gruyère 150g", 380, ZERO),
            ("Quiche lorraine slice", 225, ZERO),
            ("Crème brûlée 2 pack", 275, ZERO),
            ("Rotisserie chicken (hot)", 750, STD),
            ("Mac & cheese pot (hot)", 425, STD),
        ],
        bases: &[],
        variants: &[],
    },
];

/// Builds the demo catalog deterministically (same output every call).
pub fn demo_catalog() -> Vec<DemoProduct> {
    let mut products = Vec::new();
    for (section_index, section) in SECTIONS.iter().enumerate() {
        let plain = section
            .items
            .iter()
            .map(|&(name, pence, tax)| (name.to_string(), pence, tax));
        let varied = section.bases.iter().flat_map(|&(base, pence, tax)| {
            section
                .variants
                .iter()
                .map(move |&(suffix, extra)| (format!("{base}{suffix}"), pence + extra, tax))
        });
        for (item_index, (name, pence, tax_rate)) in plain.chain(varied).enumerate() {
            let global_index = products.len();
            products.push(DemoProduct {
                sku: format!("{}-{:04}", section.prefix, item_index + 1),
                barcode: barcode_for(section_index, item_index),
                name,
                price: format_pence(pence),
                tax_rate,
                category: section.category,
                stock: stock_for(global_index),
            });
        }
    }
    products
}

/// Formats pence as a major-unit string with exactly two decimals ("2.49").
fn format_pence(pence: u32) -> String {
    format!("{}.{:02}", pence / 100, pence % 100)
}

/// A UK-style ("50" prefix) EAN-13: a five-digit maker code per category and a five-digit item
/// code that is a bijection of the item's position (7919 is coprime with 100000).
fn barcode_for(section_index: usize, item_index: usize) -> String {
    let maker = 10_000 + section_index * 4_099;
    let item = (item_index * 7_919 + 1_031) % 100_000;
    ean13(&format!("50{maker:05}{item:05}"))
}

/// Appends the EAN-13 check digit to a 12-digit body.
fn ean13(body12: &str) -> String {
    debug_assert!(body12.len() == 12 && body12.bytes().all(|b| b.is_ascii_digit()));
    let sum: u32 = body12
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let digit = u32::from(b.wrapping_sub(b'0'));
            if i % 2 == 0 {
                digit
            } else {
                digit * 3
            }
        })
        .sum();
    let check = (10 - sum % 10) % 10;
    format!("{body12}{check}")
}

/// Plausible stock in 0..=120; every 19th product is nearly sold out (0-4).
fn stock_for(index: usize) -> i64 {
    let stock = if index % 19 == 3 {
        (index / 19) % 5
    } else {
        (index * 37 + 11) % 121
    };
    stock as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn count_is_a_few_hundred() {
        let n = demo_catalog().len();
        assert!((300..=400).contains(&n), "catalog has {n} products");
    }

    #[test]
    fn catalog_is_deterministic() {
        assert_eq!(demo_catalog(), demo_catalog());
    }

    #[test]
    fn skus_are_unique_and_well_formed() {
        let catalog = demo_catalog();
        let mut seen = HashSet::new();
        for p in &catalog {
            assert!(seen.insert(p.sku.as_str()), "duplicate SKU {}", p.sku);
            let (prefix, digits) = p.sku.split_once('-').expect("SKU has a dash");
            assert_eq!(prefix.len(), 3, "{}", p.sku);
            assert!(prefix.bytes().all(|b| b.is_ascii_uppercase()), "{}", p.sku);
            assert_eq!(digits.len(), 4, "{}", p.sku);
            assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{}", p.sku);
        }
    }

    #[test]
    fn names_are_unique_and_non_empty() {
        let catalog = demo_catalog();
        let mut seen = HashSet::new();
        for p in &catalog {
            assert!(!p.name.trim().is_empty());
            assert!(seen.insert(p.name.as_str()), "duplicate name {}", p.name);
        }
    }

    #[test]
    fn barcodes_are_unique_valid_ean13() {
        let catalog = demo_catalog();
        let mut seen = HashSet::new();
        for p in &catalog {
            assert!(
                seen.insert(p.barcode.as_str()),
                "duplicate barcode {}",
                p.barcode
            );
            assert_eq!(p.barcode.len(), 13, "{}", p.barcode);
            assert!(p.barcode.starts_with("50"), "{}", p.barcode);
            let digits: Vec<u32> = p
                .barcode
                .chars()
                .map(|c| c.to_digit(10).expect("barcode is all digits"))
                .collect();
            // Weights counted from the right: check digit 1, then 3, 1, 3, ...
            let total: u32 = digits
                .iter()
                .rev()
                .enumerate()
                .map(|(i, d)| if i % 2 == 1 { d * 3 } else { *d })
                .sum();
            assert_eq!(total % 10, 0, "bad check digit in {}", p.barcode);
        }
    }

    #[test]
    fn known_ean13_check_digit() {
        assert_eq!(ean13("400638133393"), "4006381333931");
        assert_eq!(ean13("501234567890"), "5012345678900");
    }

    #[test]
    fn tax_rates_are_known() {
        for p in demo_catalog() {
            assert!(
                DEMO_TAX_RATES.iter().any(|(name, _)| *name == p.tax_rate),
                "{} has unknown tax rate {}",
                p.name,
                p.tax_rate
            );
        }
    }

    #[test]
    fn prices_are_two_decimal_and_positive() {
        for p in demo_catalog() {
            let (whole, frac) = p.price.split_once('.').expect("price has a decimal point");
            assert!(
                !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit()),
                "{}",
                p.price
            );
            assert!(
                frac.len() == 2 && frac.bytes().all(|b| b.is_ascii_digit()),
                "{}",
                p.price
            );
            let pence = whole.parse::<u64>().expect("whole part parses") * 100
                + frac.parse::<u64>().expect("fraction parses");
            assert!(pence > 0, "{} is free", p.name);
            assert!(pence <= 2_500, "{} costs {}", p.name, p.price);
        }
    }

    #[test]
    fn has_reduced_rate_and_low_stock_items() {
        let catalog = demo_catalog();
        let reduced = catalog.iter().filter(|p| p.tax_rate == "reduced").count();
        assert!(reduced >= 3, "only {reduced} reduced-rate products");
        let low = catalog.iter().filter(|p| p.stock < 5).count();
        assert!(low >= 5, "only {low} low-stock products");
        assert!(catalog.iter().all(|p| (0..=120).contains(&p.stock)));
    }
}
