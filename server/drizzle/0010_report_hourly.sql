CREATE TABLE "report_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"sp_id" text NOT NULL,
	"ssp_id" text,
	"merchant_id" text NOT NULL,
	"store_id" text NOT NULL,
	"staff_id" text NOT NULL,
	"device_id" text NOT NULL,
	"qr_code_id" text NOT NULL,
	"pay_platform" text NOT NULL,
	"trade_count" integer DEFAULT 0 NOT NULL,
	"trade_fen" bigint DEFAULT 0 NOT NULL,
	"discount_fen" bigint DEFAULT 0 NOT NULL,
	"settlement_fen" bigint DEFAULT 0 NOT NULL,
	"refund_count" integer DEFAULT 0 NOT NULL,
	"refund_fen" bigint DEFAULT 0 NOT NULL,
	"refund_settlement_fen" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "report_hourly_pk" PRIMARY KEY("merchant_id","store_id","hour","staff_id","device_id","qr_code_id","pay_platform")
);
--> statement-breakpoint
CREATE INDEX "report_hourly_store_hour" ON "report_hourly" USING btree ("store_id","hour");--> statement-breakpoint
CREATE INDEX "report_hourly_sp_hour" ON "report_hourly" USING btree ("sp_id","hour");--> statement-breakpoint
CREATE INDEX "refunds_store_created" ON "refunds" USING btree ("store_id","created_at");--> statement-breakpoint
CREATE INDEX "refunds_merchant_created" ON "refunds" USING btree ("merchant_id","created_at");--> statement-breakpoint
-- Backfill: the counters of the orders and refunds already there (rollup.ts keeps them from now on).
INSERT INTO "report_hourly" ("hour", "sp_id", "ssp_id", "merchant_id", "store_id", "staff_id", "device_id", "qr_code_id", "pay_platform", "trade_count", "trade_fen", "discount_fen", "settlement_fen")
SELECT to_timestamp(floor(extract(epoch from o.paid_at) / 3600) * 3600), o.sp_id, min(o.ssp_id), o.merchant_id, coalesce(o.store_id, ''), coalesce(o.staff_id, ''), coalesce(o.device_id, ''), coalesce(o.qr_code_id, ''), o.pay_platform,
       count(*), sum(o.amount_fen), sum(o.discount_fen), sum(o.amount_fen - o.discount_fen)
  FROM "orders" o
 WHERE o.status = 'succeeded' AND o.paid_at IS NOT NULL
 GROUP BY 1, o.sp_id, o.merchant_id, 5, 6, 7, 8, o.pay_platform;
--> statement-breakpoint
INSERT INTO "report_hourly" ("hour", "sp_id", "ssp_id", "merchant_id", "store_id", "staff_id", "device_id", "qr_code_id", "pay_platform", "refund_count", "refund_fen", "refund_settlement_fen")
SELECT to_timestamp(floor(extract(epoch from r.created_at) / 3600) * 3600), o.sp_id, min(o.ssp_id), o.merchant_id, coalesce(o.store_id, ''), coalesce(o.staff_id, ''), coalesce(o.device_id, ''), coalesce(o.qr_code_id, ''), o.pay_platform,
       count(*), sum(r.amount_fen), sum(r.amount_fen)
  FROM "refunds" r JOIN "orders" o ON o.id = r.order_id
 WHERE r.status IN ('processing', 'succeeded')
 GROUP BY 1, o.sp_id, o.merchant_id, 5, 6, 7, 8, o.pay_platform
ON CONFLICT ("merchant_id", "store_id", "hour", "staff_id", "device_id", "qr_code_id", "pay_platform") DO UPDATE
   SET "refund_count" = "report_hourly"."refund_count" + excluded."refund_count",
       "refund_fen" = "report_hourly"."refund_fen" + excluded."refund_fen",
       "refund_settlement_fen" = "report_hourly"."refund_settlement_fen" + excluded."refund_settlement_fen";
