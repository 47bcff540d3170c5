CREATE INDEX "orders_sp_created" ON "orders" USING btree ("sp_id","created_at");--> statement-breakpoint
CREATE INDEX "refunds_sp_created" ON "refunds" USING btree ("sp_id","created_at");