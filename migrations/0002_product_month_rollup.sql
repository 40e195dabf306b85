-- Product sales per calendar month, so that a month's top products are read off an index
-- instead of summing every product's every day. Kept by triggers on the daily rollup, so every
-- sale, refund and void that maintains one maintains the other in the same transaction.

CREATE TABLE sales_by_product_month (
    month             TEXT NOT NULL,
    product_id        INTEGER NOT NULL,
    quantity          INTEGER NOT NULL DEFAULT 0,
    gross             INTEGER NOT NULL DEFAULT 0,
    refunded_quantity INTEGER NOT NULL DEFAULT 0,
    refunds           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, product_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX sales_by_product_month_net
    ON sales_by_product_month (month, gross - refunds DESC, product_id);

INSERT INTO sales_by_product_month (month, product_id, quantity, gross, refunded_quantity, refunds)
SELECT substr(business_day, 1, 7), product_id, sum(quantity), sum(gross),
       sum(refunded_quantity), sum(refunds)
FROM sales_by_product GROUP BY 1, 2;

CREATE TRIGGER sales_by_product_month_insert AFTER INSERT ON sales_by_product BEGIN
    INSERT INTO sales_by_product_month
        (month, product_id, quantity, gross, refunded_quantity, refunds)
    VALUES (substr(new.business_day, 1, 7), new.product_id, new.quantity, new.gross,
            new.refunded_quantity, new.refunds)
    ON CONFLICT DO UPDATE SET
        quantity = quantity + excluded.quantity,
        gross = gross + excluded.gross,
        refunded_quantity = refunded_quantity + excluded.refunded_quantity,
        refunds = refunds + excluded.refunds;
END;

CREATE TRIGGER sales_by_product_month_update AFTER UPDATE ON sales_by_product BEGIN
    UPDATE sales_by_product_month SET
        quantity = quantity + new.quantity - old.quantity,
        gross = gross + new.gross - old.gross,
        refunded_quantity = refunded_quantity + new.refunded_quantity - old.refunded_quantity,
        refunds = refunds + new.refunds - old.refunds
    WHERE month = substr(new.business_day, 1, 7) AND product_id = new.product_id;
END;
