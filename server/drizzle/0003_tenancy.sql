CREATE TABLE "wechat_bindings" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"identity_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wechat_identities" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"app_id" text NOT NULL,
	"openid" text NOT NULL,
	"nickname" text,
	"bound_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "activation_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"staff_id" text NOT NULL,
	"sp_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"token_sealed" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by_openid" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maidan_syncs" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"status" text NOT NULL,
	"total" integer,
	"processed" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"error" text,
	"requested_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "merchants" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"ssp_id" text,
	"out_sub_mch_id" text NOT NULL,
	"order_prefix" text NOT NULL,
	"name" text NOT NULL,
	"short_name" text NOT NULL,
	"admin_name" text NOT NULL,
	"admin_email" text NOT NULL,
	"logo_url" text,
	"ad_url" text,
	"ad_image_url" text,
	"remark" text,
	"wx_sub_mch_id" text NOT NULL,
	"wx_channel" text DEFAULT 'direct' NOT NULL,
	"authen_key_sealed" text NOT NULL,
	"verify_public_key" text NOT NULL,
	"alipay_user_id" text,
	"alipay_auth_app_id" text,
	"alipay_app_auth_token_sealed" text,
	"alipay_app_refresh_token_sealed" text,
	"alipay_token_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "merchants_wx_channel" CHECK ("merchants"."wx_channel" in ('direct', 'maidan'))
);
--> statement-breakpoint
CREATE TABLE "service_providers" (
	"id" text PRIMARY KEY NOT NULL,
	"owner_account_id" text NOT NULL,
	"out_mch_id" text NOT NULL,
	"name" text NOT NULL,
	"short_name" text NOT NULL,
	"admin_name" text NOT NULL,
	"admin_phone" text NOT NULL,
	"trade_callback_url" text,
	"logo_url" text,
	"ad_url" text,
	"ad_image_url" text,
	"pay_complete_url" text,
	"remark" text,
	"wx_mch_id" text,
	"wx_api_v3_key_sealed" text,
	"wx_api_v2_key_sealed" text,
	"wx_private_key_sealed" text,
	"wx_certificate_serial" text,
	"wx_platform_certificate" text,
	"wx_public_key" text,
	"wx_public_key_id" text,
	"wx_oa_app_id" text,
	"wx_oa_secret_sealed" text,
	"wx_rebate_bp" integer,
	"alipay_app_id" text,
	"alipay_private_key_sealed" text,
	"alipay_public_key_sealed" text,
	"alipay_pid" text,
	"alipay_rebate_bp" integer,
	"oa_auth_status" text DEFAULT 'none' NOT NULL,
	"oa_authorizer_app_id" text,
	"oa_refresh_token_sealed" text,
	"oa_func_ids" jsonb,
	"oa_verified" boolean,
	"oa_authorized_at" timestamp with time zone,
	"oa_problem" text,
	"maidan_bound_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "service_providers_oa_auth_status" CHECK ("service_providers"."oa_auth_status" in ('none', 'authorized', 'revoked'))
);
--> statement-breakpoint
CREATE TABLE "staff" (
	"id" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"sp_id" text NOT NULL,
	"ssp_id" text,
	"merchant_id" text,
	"store_id" text,
	"name" text NOT NULL,
	"phone" text,
	"email" text,
	"refund_permission" boolean DEFAULT false NOT NULL,
	"wx_app_id" text,
	"wx_openid" text,
	"activated_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "staff_role" CHECK ("staff"."role" in ('sp_admin', 'ssp_admin', 'merchant_admin', 'store_manager', 'clerk')),
	CONSTRAINT "staff_scope" CHECK (("staff"."role" <> 'ssp_admin' or "staff"."ssp_id" is not null)
    and ("staff"."role" not in ('merchant_admin', 'store_manager', 'clerk') or "staff"."merchant_id" is not null)
    and ("staff"."role" not in ('store_manager', 'clerk') or "staff"."store_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "stores" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"ssp_id" text,
	"merchant_id" text NOT NULL,
	"out_shop_id" text NOT NULL,
	"name" text NOT NULL,
	"branch_name" text,
	"address" text,
	"phone" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sub_service_providers" (
	"id" text PRIMARY KEY NOT NULL,
	"sp_id" text NOT NULL,
	"account_id" text NOT NULL,
	"name" text NOT NULL,
	"admin_name" text NOT NULL,
	"phone" text NOT NULL,
	"wx_rebate_bp" integer,
	"alipay_rebate_bp" integer,
	"remark" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wechat_component_tickets" (
	"component_app_id" text PRIMARY KEY NOT NULL,
	"ticket_sealed" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "is_operator" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "wechat_bindings" ADD CONSTRAINT "wechat_bindings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_identities" ADD CONSTRAINT "wechat_identities_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activation_codes" ADD CONSTRAINT "activation_codes_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maidan_syncs" ADD CONSTRAINT "maidan_syncs_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchants" ADD CONSTRAINT "merchants_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchants" ADD CONSTRAINT "merchants_ssp_id_sub_service_providers_id_fk" FOREIGN KEY ("ssp_id") REFERENCES "public"."sub_service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff" ADD CONSTRAINT "staff_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stores" ADD CONSTRAINT "stores_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sub_service_providers" ADD CONSTRAINT "sub_service_providers_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "wechat_bindings_token" ON "wechat_bindings" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "wechat_bindings_account" ON "wechat_bindings" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "wechat_identities_account_openid" ON "wechat_identities" USING btree ("account_id","app_id","openid");--> statement-breakpoint
CREATE INDEX "wechat_identities_openid" ON "wechat_identities" USING btree ("app_id","openid");--> statement-breakpoint
CREATE UNIQUE INDEX "activation_codes_token" ON "activation_codes" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "activation_codes_staff" ON "activation_codes" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "maidan_syncs_sp" ON "maidan_syncs" USING btree ("sp_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "maidan_syncs_one_running" ON "maidan_syncs" USING btree ("sp_id") WHERE "maidan_syncs"."status" in ('queued', 'running');--> statement-breakpoint
CREATE UNIQUE INDEX "merchants_out_sub_mch_id" ON "merchants" USING btree ("out_sub_mch_id");--> statement-breakpoint
CREATE UNIQUE INDEX "merchants_order_prefix" ON "merchants" USING btree ("order_prefix");--> statement-breakpoint
CREATE UNIQUE INDEX "merchants_sp_sub_mch" ON "merchants" USING btree ("sp_id","wx_sub_mch_id");--> statement-breakpoint
CREATE INDEX "merchants_ssp" ON "merchants" USING btree ("ssp_id");--> statement-breakpoint
CREATE UNIQUE INDEX "service_providers_out_mch_id" ON "service_providers" USING btree ("out_mch_id");--> statement-breakpoint
CREATE INDEX "service_providers_owner" ON "service_providers" USING btree ("owner_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "service_providers_oa_authorizer" ON "service_providers" USING btree ("oa_authorizer_app_id");--> statement-breakpoint
CREATE INDEX "staff_sp" ON "staff" USING btree ("sp_id");--> statement-breakpoint
CREATE INDEX "staff_merchant" ON "staff" USING btree ("merchant_id");--> statement-breakpoint
CREATE INDEX "staff_store" ON "staff" USING btree ("store_id");--> statement-breakpoint
CREATE INDEX "staff_openid" ON "staff" USING btree ("wx_app_id","wx_openid");--> statement-breakpoint
CREATE UNIQUE INDEX "stores_out_shop_id" ON "stores" USING btree ("out_shop_id");--> statement-breakpoint
CREATE INDEX "stores_merchant" ON "stores" USING btree ("merchant_id");--> statement-breakpoint
CREATE INDEX "sub_service_providers_sp" ON "sub_service_providers" USING btree ("sp_id");--> statement-breakpoint
CREATE INDEX "sub_service_providers_account" ON "sub_service_providers" USING btree ("account_id");