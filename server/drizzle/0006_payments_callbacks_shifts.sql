CREATE TABLE "payment_callbacks" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"merchant_id" text NOT NULL,
	"order_id" text NOT NULL,
	"refund_id" text,
	"event" text NOT NULL,
	"target" text NOT NULL,
	"url" text NOT NULL,
	"status" text NOT NULL,
	"job_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_http_status" integer,
	"last_error" text,
	"last_attempt_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "payment_callbacks_status" CHECK ("payment_callbacks"."status" in ('pending', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "staff_shifts" (
	"id" text PRIMARY KEY NOT NULL,
	"staff_id" text NOT NULL,
	"store_id" text NOT NULL,
	"merchant_id" text NOT NULL,
	"clock_in_at" timestamp with time zone NOT NULL,
	"clock_out_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "status" text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "quantity" integer;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "callback_url" text;--> statement-breakpoint
ALTER TABLE "payment_callbacks" ADD CONSTRAINT "payment_callbacks_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_callbacks" ADD CONSTRAINT "payment_callbacks_refund_id_refunds_id_fk" FOREIGN KEY ("refund_id") REFERENCES "public"."refunds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_callbacks_event" ON "payment_callbacks" USING btree ("order_id","event","target",coalesce("refund_id", ''));--> statement-breakpoint
CREATE INDEX "payment_callbacks_merchant" ON "payment_callbacks" USING btree ("merchant_id","created_at");--> statement-breakpoint
CREATE INDEX "staff_shifts_staff" ON "staff_shifts" USING btree ("staff_id","clock_in_at");--> statement-breakpoint
CREATE INDEX "staff_shifts_store" ON "staff_shifts" USING btree ("store_id","clock_in_at");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_shifts_open" ON "staff_shifts" USING btree ("staff_id") WHERE "staff_shifts"."clock_out_at" is null;