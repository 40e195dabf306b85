-- Browsing a big catalog: the category list by index seeks instead of reading every product, a
-- category's products in name order straight off an index, and the low-stock list lowest first
-- without sorting the whole catalog.

CREATE INDEX products_active_category_name
    ON products (category, name COLLATE NOCASE) WHERE active = 1;
CREATE INDEX products_active_stock ON products (stock) WHERE active = 1;
