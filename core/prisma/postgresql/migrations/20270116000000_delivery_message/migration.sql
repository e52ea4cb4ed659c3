-- The same as the SQLite migration of this name: a delivery's message as its first attempt sent it.
ALTER TABLE "Delivery" ADD COLUMN "message" TEXT;
