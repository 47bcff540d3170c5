CREATE TABLE "cashier_devices" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"ssp_id" text,
	"merchant_id" text NOT NULL,
	"store_id" text NOT NULL,
	"type" text NOT NULL,
	"sn" text NOT NULL,
	"name" text,
	"bound_at" timestamp with time zone NOT NULL,
	"unbound_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cashier_devices_type" CHECK ("cashier_devices"."type" in ('cloud_cashier', 'smart_pos', 'mobile_terminal', 'other'))
);
--> statement-breakpoint
CREATE TABLE "cloud_printers" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"ssp_id" text,
	"merchant_id" text NOT NULL,
	"store_id" text NOT NULL,
	"qr_code_id" text,
	"brand" text NOT NULL,
	"sn" text NOT NULL,
	"key_sealed" text,
	"name" text,
	"copies" integer DEFAULT 1 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"state" text DEFAULT 'unknown' NOT NULL,
	"state_checked_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cloud_printers_brand" CHECK ("cloud_printers"."brand" in ('feie', 'yly', 'zlbz')),
	CONSTRAINT "cloud_printers_copies" CHECK ("cloud_printers"."copies" between 1 and 9)
);
--> statement-breakpoint
CREATE TABLE "cloud_speakers" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"ssp_id" text,
	"merchant_id" text NOT NULL,
	"store_id" text NOT NULL,
	"qr_code_id" text,
	"brand" text NOT NULL,
	"sn" text NOT NULL,
	"name" text,
	"volume" integer DEFAULT 60 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cloud_speakers_brand" CHECK ("cloud_speakers"."brand" in ('brhk', 'zlbz')),
	CONSTRAINT "cloud_speakers_volume" CHECK ("cloud_speakers"."volume" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"ssp_id" text,
	"merchant_id" text NOT NULL,
	"store_id" text,
	"subject" text NOT NULL,
	"subject_id" text NOT NULL,
	"channel" text NOT NULL,
	"recipient_kind" text NOT NULL,
	"recipient_id" text NOT NULL,
	"target" text NOT NULL,
	"status" text NOT NULL,
	"job_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "deliveries_channel" CHECK ("deliveries"."channel" in ('template', 'sms', 'print', 'speaker')),
	CONSTRAINT "deliveries_status" CHECK ("deliveries"."status" in ('pending', 'sent', 'failed', 'fallback'))
);
--> statement-breakpoint
ALTER TABLE "staff" ADD COLUMN "receive_messages" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "staff" ADD COLUMN "receive_off_duty" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "payment_types" text[] DEFAULT array['wechat_pay', 'alipay']::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "currency" text DEFAULT 'CNY' NOT NULL;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "goods_tag" text;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "wx_sub_mch_id" text;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "alipay_user_id" text;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "maidan_store_id" text;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "member_card_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "cashier_devices_bound_sn" ON "cashier_devices" USING btree ("sn") WHERE "cashier_devices"."unbound_at" is null;--> statement-breakpoint
CREATE INDEX "cashier_devices_store" ON "cashier_devices" USING btree ("store_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cloud_printers_device" ON "cloud_printers" USING btree ("brand","sn") WHERE "cloud_printers"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "cloud_printers_store" ON "cloud_printers" USING btree ("store_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cloud_speakers_device" ON "cloud_speakers" USING btree ("brand","sn") WHERE "cloud_speakers"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "cloud_speakers_store" ON "cloud_speakers" USING btree ("store_id");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_once" ON "deliveries" USING btree ("subject","subject_id","channel","recipient_id");--> statement-breakpoint
CREATE INDEX "deliveries_merchant" ON "deliveries" USING btree ("merchant_id","created_at");--> statement-breakpoint
CREATE INDEX "deliveries_subject" ON "deliveries" USING btree ("subject_id");