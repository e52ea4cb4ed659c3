-- A delivery records what it used: the channel's type and target (display form) at its last attempt, so the
-- log shows where a message went even after the channel was edited; and, for pager raises, the full target
-- sealed (alerts/channels/sealed-target.ts), so the close goes to the key the alert was raised under, even
-- after the channel was edited or deleted (alerts/pager-closes.ts).
ALTER TABLE "Delivery" ADD COLUMN "channelType" TEXT;
ALTER TABLE "Delivery" ADD COLUMN "channelTarget" TEXT;
ALTER TABLE "Delivery" ADD COLUMN "sealedTarget" TEXT;
