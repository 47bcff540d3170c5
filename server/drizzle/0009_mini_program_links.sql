CREATE TABLE "mini_program_link_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"oa_app_id" text NOT NULL,
	"oa_openid" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mini_program_links" (
	"mp_app_id" text NOT NULL,
	"mp_openid" text NOT NULL,
	"oa_app_id" text NOT NULL,
	"oa_openid" text NOT NULL,
	"linked_at" timestamp with time zone NOT NULL,
	CONSTRAINT "mini_program_links_mp_app_id_mp_openid_oa_app_id_pk" PRIMARY KEY("mp_app_id","mp_openid","oa_app_id")
);
--> statement-breakpoint
CREATE INDEX "mini_program_links_oa" ON "mini_program_links" USING btree ("oa_app_id","oa_openid");