CREATE TABLE "deposit_unfreezes" (
	"id" text PRIMARY KEY NOT NULL,
	"deposit_id" text NOT NULL,
	"sp_id" text NOT NULL,
	"merchant_id" text NOT NULL,
	"out_unfreeze_no" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"status" text NOT NULL,
	"remark" text,
	"operator_kind" text NOT NULL,
	"operator_id" text NOT NULL,
	"content_hash" text,
	"channel_unfreeze_id" text,
	"failure_code" text,
	"channel_raw" jsonb,
	"unfrozen_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "deposit_unfreezes_status" CHECK ("deposit_unfreezes"."status" in ('processing', 'succeeded', 'failed')),
	CONSTRAINT "deposit_unfreezes_amount_positive" CHECK ("deposit_unfreezes"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "deposits" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"ssp_id" text,
	"merchant_id" text NOT NULL,
	"store_id" text,
	"staff_id" text,
	"device_id" text,
	"pay_platform" text NOT NULL,
	"kind" text NOT NULL,
	"wx_sub_mch_id" text,
	"out_freeze_no" text NOT NULL,
	"channel_freeze_id" text,
	"amount_fen" bigint NOT NULL,
	"consumed_fen" bigint DEFAULT 0 NOT NULL,
	"unfrozen_fen" bigint DEFAULT 0 NOT NULL,
	"completing_order_id" text,
	"status" text NOT NULL,
	"description" text NOT NULL,
	"remark" text,
	"payer_id" text,
	"qr_code" text,
	"content_hash" text,
	"failure_code" text,
	"channel_raw" jsonb,
	"expires_at" timestamp with time zone NOT NULL,
	"frozen_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "deposits_status" CHECK ("deposits"."status" in ('created', 'pending', 'frozen', 'finished', 'cancelled', 'failed')),
	CONSTRAINT "deposits_amount_positive" CHECK ("deposits"."amount_fen" > 0),
	CONSTRAINT "deposits_within_amount" CHECK ("deposits"."consumed_fen" >= 0 and "deposits"."unfrozen_fen" >= 0 and "deposits"."consumed_fen" + "deposits"."unfrozen_fen" <= "deposits"."amount_fen")
);
--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "deposit_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "refund_api_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "service_providers" ADD COLUMN "wx_certificate" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "deposit_id" text;--> statement-breakpoint
ALTER TABLE "deposit_unfreezes" ADD CONSTRAINT "deposit_unfreezes_deposit_id_deposits_id_fk" FOREIGN KEY ("deposit_id") REFERENCES "public"."deposits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deposit_unfreezes_out_unfreeze_no" ON "deposit_unfreezes" USING btree ("out_unfreeze_no");--> statement-breakpoint
CREATE INDEX "deposit_unfreezes_deposit" ON "deposit_unfreezes" USING btree ("deposit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "deposits_out_freeze_no" ON "deposits" USING btree ("out_freeze_no");--> statement-breakpoint
CREATE INDEX "deposits_merchant_created" ON "deposits" USING btree ("merchant_id","created_at");