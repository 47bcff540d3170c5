CREATE TABLE "qr_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"count" integer NOT NULL,
	"title" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "qr_batches_count" CHECK ("qr_batches"."count" between 1 and 1000)
);
--> statement-breakpoint
CREATE TABLE "qr_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"sp_id" text NOT NULL,
	"ssp_id" text,
	"merchant_id" text,
	"store_id" text,
	"kind" text NOT NULL,
	"name" text,
	"staff_id" text,
	"unit_price_fen" bigint,
	"batch_id" text,
	"status" text DEFAULT 'active' NOT NULL,
	"bound_at" timestamp with time zone,
	"bound_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "qr_codes_kind" CHECK ("qr_codes"."kind" in ('store', 'staff', 'blank', 'fixed_amount')),
	CONSTRAINT "qr_codes_status" CHECK ("qr_codes"."status" in ('active', 'disabled')),
	CONSTRAINT "qr_codes_blank" CHECK (("qr_codes"."kind" = 'blank') = ("qr_codes"."store_id" is null) and ("qr_codes"."store_id" is null) = ("qr_codes"."merchant_id" is null)),
	CONSTRAINT "qr_codes_blank_batch" CHECK ("qr_codes"."kind" <> 'blank' or "qr_codes"."batch_id" is not null),
	CONSTRAINT "qr_codes_staff" CHECK (("qr_codes"."kind" = 'staff') = ("qr_codes"."staff_id" is not null)),
	CONSTRAINT "qr_codes_fixed" CHECK (("qr_codes"."kind" = 'fixed_amount') = ("qr_codes"."unit_price_fen" is not null) and ("qr_codes"."unit_price_fen" is null or "qr_codes"."unit_price_fen" > 0))
);
--> statement-breakpoint
ALTER TABLE "qr_batches" ADD CONSTRAINT "qr_batches_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qr_codes" ADD CONSTRAINT "qr_codes_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qr_codes" ADD CONSTRAINT "qr_codes_batch_id_qr_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."qr_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "qr_batches_sp" ON "qr_batches" USING btree ("sp_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "qr_codes_code" ON "qr_codes" USING btree ("code");--> statement-breakpoint
CREATE INDEX "qr_codes_sp" ON "qr_codes" USING btree ("sp_id");--> statement-breakpoint
CREATE INDEX "qr_codes_merchant" ON "qr_codes" USING btree ("merchant_id");--> statement-breakpoint
CREATE INDEX "qr_codes_store" ON "qr_codes" USING btree ("store_id");--> statement-breakpoint
CREATE INDEX "qr_codes_batch" ON "qr_codes" USING btree ("batch_id");