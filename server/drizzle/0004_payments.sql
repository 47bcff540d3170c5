CREATE TABLE "orders" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"ssp_id" text,
	"merchant_id" text NOT NULL,
	"store_id" text,
	"staff_id" text,
	"device_id" text,
	"qr_code_id" text,
	"source_type" text NOT NULL,
	"trade_type" text NOT NULL,
	"pay_platform" text NOT NULL,
	"method" text NOT NULL,
	"out_trade_no" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"discount_fen" bigint DEFAULT 0 NOT NULL,
	"refunded_fen" bigint DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"description" text NOT NULL,
	"remark" text,
	"goods_tag" text,
	"payer_id" text,
	"channel_txn_id" text,
	"content_hash" text,
	"channel_raw" jsonb,
	"failure_code" text,
	"expires_at" timestamp with time zone NOT NULL,
	"paid_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "orders_status" CHECK ("orders"."status" in ('created', 'pending', 'succeeded', 'failed', 'closed', 'reversed')),
	CONSTRAINT "orders_amount_positive" CHECK ("orders"."amount_fen" > 0),
	CONSTRAINT "orders_refunds_within_amount" CHECK ("orders"."refunded_fen" >= 0 and "orders"."refunded_fen" <= "orders"."amount_fen")
);
--> statement-breakpoint
CREATE TABLE "payment_incidents" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text,
	"kind" text NOT NULL,
	"detail" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"sp_id" text NOT NULL,
	"merchant_id" text NOT NULL,
	"store_id" text,
	"out_refund_no" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"operator_kind" text NOT NULL,
	"operator_id" text NOT NULL,
	"channel_refund_id" text,
	"channel_raw" jsonb,
	"failure_code" text,
	"refunded_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "refunds_status" CHECK ("refunds"."status" in ('processing', 'succeeded', 'failed')),
	CONSTRAINT "refunds_amount_positive" CHECK ("refunds"."amount_fen" > 0)
);
--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "orders_out_trade_no" ON "orders" USING btree ("out_trade_no");--> statement-breakpoint
CREATE INDEX "orders_merchant_created" ON "orders" USING btree ("merchant_id","created_at");--> statement-breakpoint
CREATE INDEX "orders_store_created" ON "orders" USING btree ("store_id","created_at");--> statement-breakpoint
CREATE INDEX "orders_unfinished" ON "orders" USING btree ("updated_at") WHERE "orders"."status" in ('created', 'pending');--> statement-breakpoint
CREATE INDEX "payment_incidents_open" ON "payment_incidents" USING btree ("created_at") WHERE "payment_incidents"."resolved_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "refunds_out_refund_no" ON "refunds" USING btree ("out_refund_no");--> statement-breakpoint
CREATE INDEX "refunds_order" ON "refunds" USING btree ("order_id");