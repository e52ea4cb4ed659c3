-- A delivery's message as its first attempt sent it (alerts/frozen-message.ts): a re-send, from any core, carries
-- the same body under the same identity (Idempotency-Key, Message-ID, Matrix txnId).
ALTER TABLE "Delivery" ADD COLUMN "message" TEXT;
