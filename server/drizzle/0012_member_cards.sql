CREATE TABLE "card_ledger" (
	"id" text PRIMARY KEY NOT NULL,
	"card_id" text NOT NULL,
	"member_id" text NOT NULL,
	"merchant_id" text NOT NULL,
	"store_id" text,
	"kind" text NOT NULL,
	"pot" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"principal_after_fen" bigint NOT NULL,
	"bonus_after_fen" bigint NOT NULL,
	"order_id" text,
	"payment_id" text,
	"reason" text,
	"operator_id" text,
	"operator_name" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "card_ledger_nonzero" CHECK ("card_ledger"."amount_fen" <> 0),
	CONSTRAINT "card_ledger_after" CHECK ("card_ledger"."principal_after_fen" >= 0 and "card_ledger"."bonus_after_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "card_members" (
	"id" text PRIMARY KEY NOT NULL,
	"card_id" text NOT NULL,
	"sp_id" text NOT NULL,
	"merchant_id" text NOT NULL,
	"openid" text,
	"code" text,
	"state" text NOT NULL,
	"name" text,
	"phone" text,
	"principal_fen" bigint DEFAULT 0 NOT NULL,
	"bonus_fen" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"activated_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "card_members_principal" CHECK ("card_members"."principal_fen" >= 0),
	CONSTRAINT "card_members_bonus" CHECK ("card_members"."bonus_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "card_payments" (
	"id" text PRIMARY KEY NOT NULL,
	"card_id" text NOT NULL,
	"member_id" text NOT NULL,
	"sp_id" text NOT NULL,
	"merchant_id" text NOT NULL,
	"store_id" text,
	"qr_code_id" text,
	"amount_fen" bigint NOT NULL,
	"principal_fen" bigint NOT NULL,
	"bonus_fen" bigint NOT NULL,
	"refunded_principal_fen" bigint DEFAULT 0 NOT NULL,
	"refunded_bonus_fen" bigint DEFAULT 0 NOT NULL,
	"remark" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "card_payments_parts" CHECK ("card_payments"."principal_fen" + "card_payments"."bonus_fen" = "card_payments"."amount_fen" and "card_payments"."amount_fen" > 0),
	CONSTRAINT "card_payments_refunds" CHECK ("card_payments"."refunded_principal_fen" between 0 and "card_payments"."principal_fen" and "card_payments"."refunded_bonus_fen" between 0 and "card_payments"."bonus_fen")
);
--> statement-breakpoint
CREATE TABLE "card_recharges" (
	"order_id" text PRIMARY KEY NOT NULL,
	"card_id" text NOT NULL,
	"member_id" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"bonus_fen" bigint NOT NULL,
	"credited_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "card_setups" (
	"merchant_id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"sub_merchant_id" text NOT NULL,
	"status" text,
	"reason" text,
	"synced_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "member_cards" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"ssp_id" text,
	"merchant_id" text NOT NULL,
	"wx_app_id" text NOT NULL,
	"wx_card_id" text NOT NULL,
	"title" text NOT NULL,
	"logo_url" text NOT NULL,
	"color" text NOT NULL,
	"notice" text NOT NULL,
	"description" text NOT NULL,
	"recharge_mode" text NOT NULL,
	"tiers" jsonb NOT NULL,
	"balance_cap_fen" bigint NOT NULL,
	"status" text NOT NULL,
	"refuse_reason" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "member_cards_cap_positive" CHECK ("member_cards"."balance_cap_fen" > 0)
);
--> statement-breakpoint
ALTER TABLE "card_ledger" ADD CONSTRAINT "card_ledger_member_id_card_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."card_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_members" ADD CONSTRAINT "card_members_card_id_member_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."member_cards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_payments" ADD CONSTRAINT "card_payments_member_id_card_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."card_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_recharges" ADD CONSTRAINT "card_recharges_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_recharges" ADD CONSTRAINT "card_recharges_member_id_card_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."card_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "card_ledger_member" ON "card_ledger" USING btree ("member_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "card_members_openid" ON "card_members" USING btree ("card_id","openid");--> statement-breakpoint
CREATE UNIQUE INDEX "card_members_code" ON "card_members" USING btree ("card_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "card_members_phone" ON "card_members" USING btree ("card_id","phone");--> statement-breakpoint
CREATE INDEX "card_members_merchant_name" ON "card_members" USING btree ("merchant_id","name");--> statement-breakpoint
CREATE INDEX "card_payments_member" ON "card_payments" USING btree ("member_id","created_at");--> statement-breakpoint
CREATE INDEX "card_recharges_member" ON "card_recharges" USING btree ("member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "member_cards_live_merchant" ON "member_cards" USING btree ("merchant_id") WHERE "member_cards"."deleted_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "member_cards_wx_card" ON "member_cards" USING btree ("wx_card_id");