CREATE TABLE "merchant_pay_credentials" (
	"merchant_id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"mch_ids" text[] NOT NULL,
	"certificate_serial" text NOT NULL,
	"private_key_sealed" text NOT NULL,
	"api_v3_key_sealed" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "voucher_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"ssp_id" text,
	"merchant_id" text NOT NULL,
	"stock_id" text NOT NULL,
	"creator_mch_id" text NOT NULL,
	"name" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"threshold_fen" bigint NOT NULL,
	"no_cash" boolean NOT NULL,
	"available_from" timestamp with time zone NOT NULL,
	"available_to" timestamp with time zone NOT NULL,
	"max_per_user" integer NOT NULL,
	"max_coupons" integer NOT NULL,
	"distributed" integer NOT NULL,
	"wechat_status" text NOT NULL,
	"goods_tags" text[] NOT NULL,
	"scenario" text NOT NULL,
	"uses" text[] NOT NULL,
	"spend_gift_min_fen" bigint,
	"paused" boolean DEFAULT false NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "voucher_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"batch_id" text NOT NULL,
	"sp_id" text NOT NULL,
	"merchant_id" text NOT NULL,
	"store_id" text,
	"openid" text NOT NULL,
	"app_id" text NOT NULL,
	"reason" text NOT NULL,
	"order_id" text,
	"out_request_no" text NOT NULL,
	"status" text NOT NULL,
	"coupon_id" text,
	"failure" text,
	"redeemed_order_id" text,
	"redeemed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "voucher_pages" (
	"merchant_id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "voucher_store_pauses" (
	"batch_id" text NOT NULL,
	"store_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "voucher_store_pauses_batch_id_store_id_pk" PRIMARY KEY("batch_id","store_id")
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "no_cash_discount_fen" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "voucher_grants" ADD CONSTRAINT "voucher_grants_batch_id_voucher_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."voucher_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voucher_store_pauses" ADD CONSTRAINT "voucher_store_pauses_batch_id_voucher_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."voucher_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "voucher_batches_live_stock" ON "voucher_batches" USING btree ("merchant_id","stock_id") WHERE "voucher_batches"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "voucher_batches_merchant" ON "voucher_batches" USING btree ("merchant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "voucher_grants_request" ON "voucher_grants" USING btree ("out_request_no");--> statement-breakpoint
CREATE INDEX "voucher_grants_batch_openid" ON "voucher_grants" USING btree ("batch_id","openid");--> statement-breakpoint
CREATE INDEX "voucher_grants_coupon" ON "voucher_grants" USING btree ("coupon_id");--> statement-breakpoint
CREATE UNIQUE INDEX "voucher_pages_code" ON "voucher_pages" USING btree ("code");--> statement-breakpoint
-- Until now every discount was taken as no-charge (the merchant bears it); keep that for past orders.
UPDATE "orders" SET "no_cash_discount_fen" = "discount_fen" WHERE "discount_fen" > 0;
